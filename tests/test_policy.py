"""Compiling a jurisdiction's policy: validation, settings, force dates."""

from datetime import date as D

import attrs
import pytest

from ducha_core.errors import PolicyError
from ducha_core.periods import WorkingDays
from ducha_core.policy import assemble, base_parts, build_policy
from ducha_core.rules import Transition


def test_limits_for_kind_put_the_units_result_first(toy_policy):
    limits = toy_policy.limits_for("instruction", D(2025, 1, 1))
    assert [t.id for t in limits] == ["instr", "plan"]
    assert [t.id for t in toy_policy.limits_for("other")] == ["plan"]


def test_setting_overrides_a_time_limit(toy_plugins):
    policy = build_policy(toy_plugins, "toy", {"instr_days": "7个工作日"})
    assert policy.limits_for("instruction")[0].period == WorkingDays(7)


def test_unknown_setting_names_the_allowed_ones(toy_plugins):
    with pytest.raises(PolicyError, match=r"toy：没有设置项 'instr_dayz'；可用：deadline_correction, dismissal, instr_days, issued"):
        build_policy(toy_plugins, "toy", {"instr_dayz": 7})


def test_bad_period_setting(toy_plugins):
    with pytest.raises(PolicyError, match="设置 instr_days：无法识别期限 'seven days'"):
        build_policy(toy_plugins, "toy", {"instr_days": "seven days"})


def test_transition_with_unknown_role_or_state_is_refused(toy_policy):
    parts = base_parts(toy_policy)
    bad = Transition("close", ("submitted",), "closed", ("mayor",), toy_policy.procedure.citation)
    parts["procedure"] = attrs.evolve(parts["procedure"], transitions=(*parts["procedure"].transitions[:-1], bad))
    with pytest.raises(PolicyError, match="unknown role 'mayor'"):
        assemble(toy_policy.jurisdiction, parts, {}, ("toy",))
    parts = base_parts(toy_policy)
    bad = Transition("archive", ("closed",), "filed", ("office",), toy_policy.procedure.citation)
    parts["procedure"] = attrs.evolve(parts["procedure"], transitions=(*parts["procedure"].transitions, bad))
    with pytest.raises(PolicyError, match="unknown state 'filed'"):
        assemble(toy_policy.jurisdiction, parts, {}, ("toy",))


def test_trial_period_lapses_and_is_reported(toy_plugins):
    from ducha_core.plugins import get_plugins

    plugins = get_plugins(load_entry_points=True)
    policy = build_policy(plugins, "weinan_gaoxin", {"issued": "2023-03-01"})
    assert policy.jurisdiction.document.expires == D(2025, 2, 28)
    assert policy.force_warning(D(2025, 2, 28)) is None
    assert "已于 2025-02-28 届满" in policy.force_warning(D(2025, 3, 1))
    assert "尚未施行" in policy.force_warning(D(2023, 2, 1))
    unknown = build_policy(plugins, "weinan_gaoxin")
    assert "未载明印发日期" in unknown.force_warning(D(2025, 3, 1))


def test_issued_setting_must_be_a_date(toy_plugins):
    with pytest.raises(PolicyError, match="设置 issued = 'last spring' 不是日期；请写 YYYY-MM-DD"):
        build_policy(toy_plugins, "toy", {"issued": "last spring"})


def test_field_names_are_the_cores_then_the_plugins(toy_policy, cal):
    from ducha_core.errors import ActionRefused
    from ducha_core.events import Event
    from ducha_core.matter import MatterEngine

    assert toy_policy.field_names["toy_stamp"] == "玩具印章"
    assert toy_policy.field_names["reason"] == "事由"  # the plugin's name wins
    assert toy_policy.field_names["document_number"] == "发文字号"  # the core's remains
    engine = MatterEngine(toy_policy, cal)
    state = engine.fold([Event("M1", "register", D(2025, 9, 29), "office", {"kind": "instruction"}),
                         Event("M1", "assign", D(2025, 9, 30), "office", {"lead_units": ["u1"]})])
    with pytest.raises(ActionRefused, match="缺少签发人"):  # a core field the toy does not rename
        engine.apply(state, Event("M1", "submit", D(2025, 10, 9), "unit:u1"))
