"""pytest plugin shipped with ducha (entry point ``pytest11: ducha``): collects scenario files.

Any file named ``scenario_*.toml`` under the test paths is a test module: each jurisdiction the
scenario runs through is one test item, which fails with the expectations that did not hold
(expected vs actual, with the citations involved) and with refusals the timeline did not expect.
A jurisdiction plugin's own suite can therefore be scenario files only. See docs/scenarios.md.
"""

from __future__ import annotations

from pathlib import Path

import pytest

PATTERN_PREFIX = "scenario_"
PATTERN_SUFFIX = ".toml"


def is_scenario_file(path: Path) -> bool:
    return path.name.startswith(PATTERN_PREFIX) and path.name.endswith(PATTERN_SUFFIX)


def pytest_collect_file(parent: pytest.Collector, file_path: Path):
    if is_scenario_file(file_path):
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


class ScenarioFile(pytest.File):
    def collect(self):
        from ducha_core.errors import DuchaError
        from ducha_core.scenario import load_scenario, policies_for

        try:
            scenario = load_scenario(self.path)
            policies = policies_for(scenario)
        except DuchaError as exc:
            yield ScenarioItem.from_parent(self, name="load", scenario=None, policy=None, error=str(exc))
            return
        for policy in policies:
            yield ScenarioItem.from_parent(self, name=policy.id, scenario=scenario, policy=policy, error=None)


class ScenarioFailure(Exception):
    pass


class ScenarioItem(pytest.Item):
    def __init__(self, *, scenario, policy, error, **kwargs):
        super().__init__(**kwargs)
        self.scenario = scenario
        self.policy = policy
        self.error = error

    def runtest(self) -> None:
        if self.error:
            raise ScenarioFailure(self.error)
        from ducha_core.scenario import check

        outcomes = check(self.scenario, [self.policy])
        bad = [o for o in outcomes if not o.ok]
        if bad:
            lines = [f"{self.scenario.name}: {len(bad)} of {len(outcomes)} checks failed"]
            for o in bad:
                lines.append(f"  {self.path.name}:{o.line or '?'} {o.describe()}")
            raise ScenarioFailure("\n".join(lines))

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, ScenarioFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self):
        return self.path, 0, f"scenario {self.path.name} [{self.name}]"
