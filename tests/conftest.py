from pathlib import Path

import pytest

from ducha_core.calendar import WorkingCalendar
from ducha_core.plugins import get_plugins
from ducha_core.policy import build_policy

FIXTURES = Path(__file__).parent / "fixtures"
TOY = FIXTURES / "toy_plugin.py"


@pytest.fixture(scope="session")
def cal():
    return WorkingCalendar.default()


@pytest.fixture(scope="session")
def toy_plugins():
    return get_plugins(load_entry_points=False, paths=[TOY])


@pytest.fixture(scope="session")
def toy_policy(toy_plugins):
    return build_policy(toy_plugins, "toy")
