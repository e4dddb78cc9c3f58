"""``ivr validate --speech`` warns about phrases the model cannot hear or confuses."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from voices_support import ROOT

from ivr.cli import main


@pytest.mark.speech
def test_validate_speech_names_unknown_words_and_sound_alike_options(tmp_path):
    runner = CliRunner(env={"IVR_VOICE_CACHE": str(tmp_path / "voices")})
    bank = str(ROOT / "bench" / "menus" / "ko-bank.yaml")
    english = str(ROOT / "menus" / "acme-hot.yaml")
    result = runner.invoke(main, ["validate", "--speech", bank, english])
    assert result.exit_code == 0, result.output  # warnings, not errors
    lines = result.output.splitlines()
    # the benchmark's most confused pair: 이체 (transfer, option 2) is heard as 직원 (staff, 0)
    confused = [line for line in lines if '"이체"' in line]
    assert len(confused) == 1, result.output
    assert confused[0].startswith(f"{bank}:24:9: warning: ")
    assert 'options "2" and "0" of "main" sound alike' in confused[0]
    assert 'is heard as "직원"' in confused[0]
    # the Korean model knows no English: every English option is reported, once, located
    agent = [line for line in lines if line.startswith(english) and '"agent"' in line]
    assert len(agent) >= 1 and "cannot hear" in agent[0] and "not in its vocabulary" in agent[0]
    assert all(":" in line.split(" warning:")[0] for line in lines if "warning:" in line)


def test_validate_without_speech_gives_no_speech_warnings():
    result = CliRunner().invoke(main, ["validate", str(ROOT / "bench" / "menus")])
    assert result.exit_code == 0, result.output
    assert "sound alike" not in result.output and result.output.count(": ok,") == 3
