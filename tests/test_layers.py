"""The layers of DESIGN.md: the import contract (``.importlinter``) holds and bites, and the
command line imports only what the command run needs."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(tree / ".importlinter"), "--no-cache"],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture()
def tree_copy(tmp_path: Path) -> Path:
    """The three packages and the contract, copied where they may be broken on purpose."""
    for package in ("ivr", "audit", "voices"):
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(ROOT / ".importlinter", tmp_path)
    return tmp_path


# (file, import appended to it, the chain lint-imports must report)
VIOLATIONS = [
    # a function-level import in the engine counts like a module-level one
    ("ivr/engine.py", "def _x():\n    import audit.run\n", "ivr.engine -> audit.run"),
    ("ivr/graph.py", "from ivr.web import create_app\n", "ivr.graph -> ivr.web"),
    ("ivr/drawing.py", "import voices.tts\n", "ivr.drawing -> voices.tts"),
    (
        "audit/run.py",
        "def _x():\n    from voices.asr import load_model\n",
        "audit.run -> voices.asr",
    ),
    ("voices/tts.py", "from audit.run import audit_menu\n", "voices.tts -> audit.run"),
    ("audit/context.py", "import ivr.commands.common\n", "audit.context -> ivr.commands.common"),
]


def test_the_contract_catches_every_import_against_the_layers(tree_copy):
    """Core to analysis or shells, analysis to analysis, analysis to shells: all broken;
    a shell importing anything is not (the test's copy of the tree, broken on purpose)."""
    for module, line, _chain in VIOLATIONS:
        with open(tree_copy / module, "a", encoding="utf-8") as source:
            source.write("\n\n" + line)
    with open(tree_copy / "ivr/commands/graph.py", "a", encoding="utf-8") as source:
        source.write("\n\nimport voices.tts\nimport audit.run\n")
    result = lint_imports(tree_copy)
    assert result.returncode == 1
    report = result.stdout.split("Broken contracts")[1]
    for _module, _line, chain in VIOLATIONS:
        assert chain in report
    assert "ivr.commands.graph" not in report  # a shell may import anything


# packages (and the shells that bring them) that a local validate or audit has no use for
HEAVY = ("flask", "sqlalchemy", "jinja2", "werkzeug", "voices", "twilio", "http", "ssl")
SHELLS = ("ivr.web", "ivr.twiml_caller", "ivr.crawl", "ivr.pathtests")


def test_validate_and_audit_import_no_web_speech_or_template_package():
    """``ivr validate`` and ``ivr audit`` of a menu start without the web app's packages."""
    script = (
        "import sys\n"
        "from ivr.cli import main\n"
        "for command in ('validate', 'audit'):\n"
        "    try:\n"
        "        main([command, 'menus/acme-hot.yaml'])\n"
        "    except SystemExit:\n"
        "        pass\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))\n"
        f"print(sorted(m for m in sys.modules if m.startswith({SHELLS!r})))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert "temperature" in result.stdout  # the audit ran
    assert result.stdout.splitlines()[-2:] == ["[]", "[]"]
