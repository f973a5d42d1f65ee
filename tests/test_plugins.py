"""The plugin manager: discovery through entry points, plugin files, and its errors."""

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ducha_core import hookspecs
from ducha_core.errors import PluginError
from ducha_core.plugins import get_plugins

TOY = Path(__file__).parent / "fixtures" / "toy_plugin.py"


def test_every_hook_has_the_project_prefix_and_a_docstring():
    hooks = [name for name in dir(hookspecs) if callable(getattr(hookspecs, name)) and hasattr(
        getattr(hookspecs, name), "ducha_spec")]
    assert len(hooks) >= 14
    for name in hooks:
        assert name.startswith(hookspecs.HOOK_PREFIX), name
        assert (getattr(hookspecs, name).__doc__ or "").strip(), f"{name} has no docstring"


def test_entry_points_find_the_shipped_weinan_plugin():
    plugins = get_plugins()
    info = plugins.info("weinan_gaoxin")
    assert info.jurisdiction.name == "渭南高新区"
    assert info.source.startswith("entry point weinan_gaoxin")
    assert info.version == "0.1.0"


def test_plugin_from_a_file_path(toy_plugins):
    info = toy_plugins.info("toy")
    assert info.jurisdiction.document.number == "玩政发〔2024〕1号"
    assert info.source.endswith("toy_plugin.py")


def test_unknown_jurisdiction_lists_the_known_ones(toy_plugins):
    with pytest.raises(PluginError, match=r"未知的辖区 'nope'；已安装：toy（请安装辖区插件包，或给出插件文件路径）"):
        toy_plugins.info("nope")


def test_two_plugins_with_one_id_are_refused(tmp_path):
    copy = tmp_path / "toy_copy.py"
    copy.write_text(TOY.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(PluginError, match=r"两个插件声明了同一辖区 'toy'：.*；请卸载其一"):
        get_plugins(load_entry_points=False, paths=[TOY, copy])


def test_a_misspelt_hook_is_caught_when_the_manager_is_built(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text(textwrap.dedent("""
        def ducha_time_limit():   # misspelt: the hook is ducha_time_limits
            return []
    """), encoding="utf-8")
    with pytest.raises(PluginError, match="ducha_time_limit"):
        get_plugins(load_entry_points=False, paths=[bad])


def test_a_plugin_file_that_fails_to_import_gets_one_line(tmp_path):
    bad = tmp_path / "broken.py"
    bad.write_text("import no_such_module_here\n", encoding="utf-8")
    with pytest.raises(PluginError, match=r"导入失败：ModuleNotFoundError: .*；请改正该文件"):
        get_plugins(load_entry_points=False, paths=[bad])
    with pytest.raises(PluginError, match=r"插件路径 .*missing\.py 不存在；请给出 \.py 文件或包目录"):
        get_plugins(load_entry_points=False, paths=[tmp_path / "missing.py"])


def test_help_loads_no_plugin_and_no_calendar():
    code = ("import sys; from click.testing import CliRunner; from ducha_core.cli import main; "
            "r = CliRunner().invoke(main, ['--help']); assert r.exit_code == 0, r.output; "
            "bad = [m for m in sys.modules if m.startswith(('ducha_weinan', 'ducha_ankang', 'lunar_python', "
            "'ducha_core.calendar', 'jinja2', 'sqlite3'))]; print(bad); assert not bad, bad")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
