"""Settings: the documented table is complete, and the state secret is random, shared by
the workers of one database through a private file, and announced at start-up."""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import re
import stat
from pathlib import Path

from web_support import ROOT, SID, make_app, post

from ivr.web.config import KEYS, PREFIX, SECRET_FILE_NAME, Settings, shared_secret
from ivr.web.state import CallState, decode_state, encode_state

DOCS = ROOT / "docs" / "webhook.md"


def test_the_configuration_table_names_every_setting_and_nothing_else():
    text = DOCS.read_text(encoding="utf-8")
    table = text.split("## Configuration", 1)[1]
    documented = set(re.findall(rf"^\| `{PREFIX}([A-Z_]+)` \|", table, re.MULTILINE))
    assert documented == set(KEYS)


def test_without_a_secret_workers_of_one_database_share_a_random_one(tmp_path, caplog):
    caplog.set_level(logging.WARNING, logger="ivr.web")
    first = make_app(tmp_path)
    assert "call state is signed with a random secret generated now and kept in" in caplog.text
    second = make_app(tmp_path)
    assert f"signed with the random secret kept in {tmp_path / SECRET_FILE_NAME}" in caplog.text
    secret = first.config["IVR_SETTINGS"].state_secret
    assert second.config["IVR_SETTINGS"].state_secret == secret
    kept = tmp_path / SECRET_FILE_NAME
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert kept.read_text().strip().encode() == secret and len(secret) == 64
    predictable = f"ivr-state|{(ROOT / 'menus').resolve()}|sqlite:///{tmp_path / 'calls.db'}"
    assert secret != hashlib.sha256(predictable.encode()).digest()
    other = make_app(tmp_path / "other").config["IVR_SETTINGS"].state_secret
    assert other != secret
    # a call started by one worker goes on in the other
    action = post(first.test_client(), "/voice/acme-hot", CallSid=SID).find("Gather").get("action")
    document = post(second.test_client(), action, Digits="0")
    assert document.find("Enqueue") is not None


def kept_secret(path: Path) -> str:
    """What one worker process finds (or makes) as the shared secret."""
    return shared_secret(path)[0].decode()


def test_workers_starting_together_agree_on_one_secret(tmp_path):
    kept = tmp_path / "db" / SECRET_FILE_NAME
    with multiprocessing.get_context("fork").Pool(6) as workers:  # six workers at once
        secrets = set(workers.map(kept_secret, [kept] * 12))
    assert len(secrets) == 1 and len(secrets.pop()) == 64
    assert [p.name for p in kept.parent.iterdir()] == [SECRET_FILE_NAME]  # no partial files
    assert shared_secret(kept) == (kept.read_text().strip().encode(), False)


def test_a_configured_secret_or_token_is_used_and_no_file_is_made(tmp_path):
    token = make_app(tmp_path, TWILIO_AUTH_TOKEN="tok").config["IVR_SETTINGS"]
    assert token.state_secret == b"tok"
    chosen = make_app(tmp_path, STATE_SECRET="mine").config["IVR_SETTINGS"]
    assert chosen.state_secret == b"mine"
    assert not (tmp_path / SECRET_FILE_NAME).exists()
    memory = Settings.load({"DATABASE_URL": "sqlite://"}, environ={}).with_state_secret()
    assert len(memory.state_secret) == 32 and memory.state_secret_file is None


def test_call_state_is_an_itsdangerous_token_bound_to_its_menu():
    from itsdangerous import URLSafeSerializer

    state = CallState("main", "ko", {"main": 1}, {"acct": "42"})
    token = encode_state(b"k", "acme", state)
    body = URLSafeSerializer(b"k", salt="ivr-call-state:acme").loads(token)
    assert body == {"n": "main", "l": "ko", "f": {"main": 1}, "v": {"acct": "42"}}
    assert decode_state(b"k", "acme", token) == state
    assert decode_state(b"k", "other", token) is None
    assert decode_state(b"other key", "acme", token) is None
