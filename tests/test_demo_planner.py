"""The demo's planned year goes through each jurisdiction's procedure without a refused step."""

from datetime import date as D

import pytest

from ducha_core.calendar import WorkingCalendar
from ducha_core.documents import demo
from ducha_core.policy import load_policy

# only the plugins ducha ships (an installed scaffold such as ducha-lintong has its own tests)
SHIPPED = ("weinan_gaoxin", "zhoucun", "ordos", "dazhan", "ankang")


@pytest.mark.parametrize("jurisdiction", SHIPPED)
def test_planned_year_has_no_refused_step(jurisdiction, monkeypatch):
    planners = []
    original = demo.Planner.__init__

    def keep(self, *args, **kwargs):
        original(self, *args, **kwargs)
        planners.append(self)

    monkeypatch.setattr(demo.Planner, "__init__", keep)
    settings = {"issued": "2024-03-01"} if jurisdiction == "weinan_gaoxin" else {}
    planned = demo.plan_year(load_policy(jurisdiction, settings), WorkingCalendar.default(), year=2025,
                             as_of=D(2025, 12, 31))
    assert len(planned.events) > 300
    assert planners[0].refused == []
