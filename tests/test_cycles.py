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
