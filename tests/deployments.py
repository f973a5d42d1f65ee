"""Deployment files (ducha.toml) the CLI tests share: Weinan (渭南高新区), 区教育局 and 区财政局."""

#: the office (chen) and one person of 区教育局 (zhang)
WEINAN_TWO_UNITS = """
jurisdiction = "weinan_gaoxin"
database = "ducha.sqlite3"
[settings]
issued = "2024-06-01"
[[unit]]
id = "jyj"
name = "区教育局"
[[unit]]
id = "czj"
name = "区财政局"
[[person]]
id = "chen"
name = "陈督查"
roles = ["office"]
[[person]]
id = "zhang"
name = "张伟"
roles = ["unit"]
unit = "jyj"
"""

#: … with a person of 区财政局 (liu) and a principal leader (zhao)
WEINAN_TWO_UNITS_LEADER = WEINAN_TWO_UNITS + """[[person]]
id = "liu"
name = "刘科长"
roles = ["unit"]
unit = "czj"
[[person]]
id = "zhao"
roles = ["principal_leader"]
"""


def units_and_people(units: list[dict], people: list[dict]) -> list[str]:
    """The ``[[unit]]`` and ``[[person]]`` tables of a ducha.toml, as lines (``roles`` a list, the rest
    strings)."""
    lines: list[str] = []
    for unit in units:
        lines += ["[[unit]]", *(f'{k} = "{v}"' for k, v in unit.items()), ""]
    for person in people:
        lines.append("[[person]]")
        for k, v in person.items():
            lines.append(f"{k} = [{', '.join(chr(34) + r + chr(34) for r in v)}]" if k == "roles" else f'{k} = "{v}"')
        lines.append("")
    return lines
