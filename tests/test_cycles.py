from datetime import date as D

from ducha_core.cycles import occurrences


def test_monthly_report_due_on_the_last_working_day(toy_policy, cal):
    found = occurrences(toy_policy, cal, D(2025, 1, 1), D(2025, 12, 31))
    assert len(found) == 12
    dues = {o.label: o.due for o in found}
    assert dues["2025年1月"] == D(2025, 1, 27)  # 1/28–2/4 Spring Festival
    assert dues["2025年5月"] == D(2025, 5, 30)  # 5/31 Saturday is 端午
    assert dues["2025年9月"] == D(2025, 9, 30)
    assert dues["2025年12月"] == D(2025, 12, 31)


def test_month_that_ends_on_a_make_up_saturday(toy_policy, cal):
    (september,) = occurrences(toy_policy, cal, D(2017, 9, 1), D(2017, 9, 30))
    assert september.due == D(2017, 9, 30)  # Saturday 2017-09-30 was worked (国庆节、中秋节调休)


def test_a_setting_replaces_a_cycles_due_period(toy_policy, cal):
    import attrs

    from ducha_core.policy import assemble, base_parts
    from ducha_core.rules import Setting

    parts = base_parts(toy_policy)
    parts["cycles"] = [attrs.evolve(c, setting="monthly_due") for c in parts["cycles"]]
    parts["setting_defs"] = [*parts["setting_defs"], Setting("monthly_due", None, "月报期限")]
    policy = assemble(toy_policy.jurisdiction, parts, {"monthly_due": "5个工作日"}, ("toy",))
    (october,) = occurrences(policy, cal, D(2025, 10, 1), D(2025, 10, 1))
    assert october.due == D(2025, 10, 14)  # 10/1–10/8 off; 9, 10, 11 (Sat, worked), 13, 14
