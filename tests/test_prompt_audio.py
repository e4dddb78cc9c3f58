"""The one audio resolver: only regular files inside the menu's folder that a prompt names."""

from __future__ import annotations

import os

from ivr.loader import load_menu
from ivr.prompt_audio import prompt_audio_file, recorded_prompts, regular_file_under

MENU = """\
hotline: {name: Recorded, languages: [en], timezone: UTC}
start: hello
nodes:
  hello:
    say: {audio: voices/hello.wav, text: "Hello."}
    next: zero
  zero:
    say: {audio: zero.wav, text: "Zero."}
    next: away
  away:
    say: {audio: away.wav, text: "Away."}
    next: pipe
  pipe:
    say: {audio: pipe.wav, text: "Pipe."}
    next: bye
  bye:
    hangup: {say: {audio: ./voices/../voices/bye.wav, text: "Goodbye."}}
"""


def test_only_named_regular_files_inside_the_folder_are_recordings(tmp_path):
    folder = tmp_path / "menus"
    (folder / "voices").mkdir(parents=True)
    (folder / "voices" / "hello.wav").write_bytes(b"RIFF hello")
    (folder / "voices" / "bye.wav").write_bytes(b"RIFF bye")
    (folder / "voices" / "unnamed.wav").write_bytes(b"RIFF not a prompt")
    (tmp_path / "outside.wav").write_bytes(b"RIFF outside")
    os.symlink("/dev/zero", folder / "zero.wav")
    os.symlink(tmp_path / "outside.wav", folder / "away.wav")
    os.mkfifo(folder / "pipe.wav")
    (folder / "line.yaml").write_text(MENU)
    menu = load_menu(folder / "line.yaml")
    found = recorded_prompts(menu)
    assert sorted(found) == ["voices/bye.wav", "voices/hello.wav"]
    assert prompt_audio_file(menu, "voices/hello.wav") == (folder / "voices/hello.wav").resolve()
    assert prompt_audio_file(menu, "voices/bye.wav") == found["voices/bye.wav"]
    for refused in ("zero.wav", "away.wav", "pipe.wav", "voices/unnamed.wav", "line.yaml"):
        assert prompt_audio_file(menu, refused) is None, refused
    assert regular_file_under(folder, "voices/hello.wav", max_bytes=4) is None
