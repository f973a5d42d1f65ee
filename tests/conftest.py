from pathlib import Path

import pytest

from ducha_core.calendar import WorkingCalendar
from ducha_core.plugins import get_plugins
from ducha_core.policy import build_policy

FIXTURES = Path(__file__).parent / "fixtures"
TOY = FIXTURES / "toy_plugin.py"

# The jurisdiction plugins ducha ships: its own suite tests these, not every plugin installed beside
# it (a scaffolded ``ducha-lintong`` installed for development has its own tests).
SHIPPED = ("weinan_gaoxin", "zhoucun", "ordos", "dazhan", "ankang")


@pytest.fixture(scope="session")
def shipped_ids():
    return list(SHIPPED)


@pytest.fixture(scope="session")
def cal():
    return WorkingCalendar.default()


@pytest.fixture(scope="session")
def toy_plugins():
    return get_plugins(load_entry_points=False, paths=[TOY])


@pytest.fixture(scope="session")
def toy_policy(toy_plugins):
    return build_policy(toy_plugins, "toy")
