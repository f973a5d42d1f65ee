"""The traceability table (条款对照表) of a policy and its coverage."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ducha_core.policy import Policy


def rule_ids(policy: Policy) -> set[str]:
    """Every rule id a policy declares (time limits, steps, roles, escalation, grading …)."""
    ids: set[str] = set()
    ids.update(t.id for t in policy.time_limits)
    ids.update(r.id for r in policy.extension_rules)
    ids.update(s.id for s in policy.escalation)
    ids.update(c.id for c in policy.cycles)
    ids.update(a.id for a in policy.approvals)
    ids.update(policy.roles)
    ids.update(policy.kinds)
    ids.update(f"state:{s}" for s in policy.states)
    ids.update(f"action:{t.action}" for t in policy.procedure.transitions)
    ids.update(f"setting:{k}" for k in policy.setting_defs)
    if policy.grading is not None:
        ids.add("grading")
        ids.update(r.id for r in policy.grading.rules)
        ids.update(d.id for d in policy.grading.deductions)
    return ids


def coverage(policy: Policy) -> dict:
    """Share of operational articles that name at least one rule and one test; unknown rule ids."""
    known = rule_ids(policy)
    operational = [a for a in policy.articles if a.operational]
    covered = [a for a in operational if a.rules and a.tests]
    unknown = sorted({r for a in policy.articles for r in a.rules if r not in known})
    return {
        "jurisdiction": policy.id,
        "articles": [
            {"id": a.id, "summary": a.summary, "operational": a.operational, "rules": list(a.rules),
             "tests": list(a.tests), "reason": a.reason, "reading": a.reading}
            for a in policy.articles
        ],
        "operational": len(operational),
        "covered": len(covered),
        "coverage": (len(covered) / len(operational)) if operational else 1.0,
        "unknown_rules": unknown,
    }


def load_articles(path) -> list:
    """Read a plugin's ``articles.toml``: ``[[article]]`` tables with id, summary, operational,
    rules, tests, reason, reading."""
    import tomllib
    from pathlib import Path

    from ducha_core.converter import converter
    from ducha_core.errors import PolicyError
    from ducha_core.rules import Article

    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise PolicyError(f"{path}: cannot read the traceability table: {exc}") from None
    articles = []
    for n, item in enumerate(data.get("article", []), start=1):
        try:
            articles.append(converter.structure(item, Article))
        except Exception as exc:
            raise PolicyError(f"{path}: article #{n} ({item.get('id', '?')}): {exc}") from None
    return articles
