"""The crawler: live TwiML apps that ivr did not write become menus an analyst would draw."""

from __future__ import annotations

import time

import pytest
import yaml
from click.testing import CliRunner

from ivr.cli import main
from ivr.crawl.crawler import Crawler
from ivr.crawl.menu_yaml import menu_yaml
from ivr.loader import load_menu
from ivr.model import InputNode, MenuNode, QueueNode, TransferNode
from ivr.pathtests.explore import explore, scenarios
from ivr.pathtests.run import run_via
from ivr.twiml_caller import TwimlCaller, urllib_transport


def crawled(url: str, tmp_path, **bounds):
    line = Crawler(url, TwimlCaller(url), **bounds).crawl()
    path = tmp_path / "crawled.yaml"
    path.write_text(menu_yaml(line), encoding="utf-8")
    return line, load_menu(path), path


def audit_of(path, ignore: tuple[str, ...] = ()):
    from audit.run import audit_menu

    return audit_menu(load_menu(path), ignore=ignore)


def test_the_phone_tree_becomes_two_people_two_menus_deep(phone_tree_app, tmp_path):
    line, menu, path = crawled(f"{phone_tree_app}/ivr/welcome", tmp_path)
    people = {n.to for n in menu.nodes.values() if isinstance(n, TransferNode)}
    assert people == {"+12024173378", "+12027336386"}
    welcome = menu.nodes[menu.start]
    assert isinstance(welcome, MenuNode) and [o.key for o in welcome.options] == ["1", "2"]
    audit = audit_of(path)
    assert audit.metrics.depth_to_human == 2
    assert {r.node for r in audit.metrics.humans} == {
        n.id for n in menu.nodes.values() if isinstance(n, TransferNode)
    }
    assert any('numdigits" is not "numDigits"' in w for w in line.warnings)


def test_silence_with_no_fallback_is_a_hang_up_the_audit_reports(phone_tree_app, tmp_path):
    _, menu, path = crawled(f"{phone_tree_app}/ivr/welcome", tmp_path)
    welcome = menu.nodes[menu.start]
    assert isinstance(welcome, MenuNode) and welcome.on_timeout
    assert menu.nodes[welcome.on_timeout].kind == "hangup"
    codes = {(f.code, f.node) for f in audit_of(path).findings}
    assert ("IVR108", menu.start) in codes


def test_a_500_is_what_twilio_plays_then(phone_tree_app, tmp_path):
    _, menu, path = crawled(f"{phone_tree_app}/ivr/welcome", tmp_path)
    text = path.read_text()
    assert "HTTP 500 from" in text  # the note names the error
    errors = [n for n in menu.nodes.values() if n.id.startswith("error")]
    assert errors and errors[0].prompt.text("en").startswith("We are sorry, an application error")


def test_wrong_keys_are_the_lines_answer_to_a_wrong_key_not_options(phone_tree_app, tmp_path):
    _, menu, _ = crawled(f"{phone_tree_app}/ivr/welcome", tmp_path)
    welcome = menu.nodes[menu.start]
    assert isinstance(welcome, MenuNode) and welcome.on_invalid is not None
    says = menu.nodes[welcome.on_invalid]
    assert says.prompt.text("en") == "Returning to the main menu."


def test_a_line_that_keeps_its_state_in_a_cookie_is_crawled_through(session_app, tmp_path):
    _, menu, path = crawled(f"{session_app}/voice", tmp_path)
    queues = [n for n in menu.nodes.values() if isinstance(n, QueueNode)]
    inputs = [n for n in menu.nodes.values() if isinstance(n, InputNode)]
    assert [q.name for q in queues] == ["sales"]
    assert [(i.min_digits, i.max_digits) for i in inputs] == [(4, 4)]
    audit = audit_of(path)
    assert audit.metrics.depth_to_human == 1
    assert audit.as_dict()["time_to_human"]["queue_s"] is None  # a crawled queue's wait is unknown


@pytest.mark.parametrize("app", ["phone_tree_app", "session_app"])
def test_path_tests_made_from_the_crawl_pass_against_the_live_app(app, request, tmp_path):
    base = request.getfixturevalue(app)
    url = f"{base}/ivr/welcome" if app == "phone_tree_app" else f"{base}/voice"
    _, menu, _ = crawled(url, tmp_path)
    found = explore(menu)
    assert found.coverage == 1.0 or found.uncovered
    failures = [r.failure for r in (run_via(s, url) for s in scenarios(found)) if r.failure]
    assert failures == []


def test_the_crawl_stops_at_its_request_bound_and_says_so(phone_tree_app, tmp_path):
    line, menu, _ = crawled(f"{phone_tree_app}/ivr/welcome", tmp_path, max_requests=5)
    assert line.requests <= 6
    assert any("over --max-requests 5" in w for w in line.warnings)
    assert menu.start in menu.nodes


def test_redirect_loops_dead_servers_and_pages_that_are_not_twiml_end_in_errors(quirk_server):
    def slow(*_):
        time.sleep(3)
        return 200, {}, b"<Response/>"

    base = quirk_server(
        {
            "/voice": lambda *_: (
                200,
                {"Content-Type": "application/xml"},
                b'<Response><Gather numDigits="1" action="/next"><Say>Press 1, 2 or 3.</Say>'
                b"</Gather></Response>",
            ),
            "/next": lambda _m, _p, body: (
                {
                    "Digits=1": (302, {"Location": "/loop"}, b""),
                    "Digits=2": (
                        200,
                        {"Content-Type": "text/html"},
                        b"<html><body>Login</body></html>",
                    ),
                }.get(
                    next((p for p in body.split("&") if p.startswith("Digits=")), ""),
                    (200, {}, b"x"),
                )
                if "Digits=3" not in body
                else slow()
            ),
            "/loop": lambda *_: (302, {"Location": "/loop"}, b""),
        }
    )
    url = f"{base}/voice"
    started = time.monotonic()
    line = Crawler(url, TwimlCaller(url, transport=urllib_transport(timeout=1.0))).crawl()
    assert time.monotonic() - started < 20
    notes = "\n".join(note for node in line.nodes.values() for note in node.notes)
    assert "11215" in notes and "is <html>, not <Response>" in notes and "cannot reach" in notes


def test_ivr_crawl_writes_commented_yaml_and_ivr_audit_url_crawls_and_audits(session_app, tmp_path):
    out = tmp_path / "line.yaml"
    result = CliRunner().invoke(main, ["crawl", f"{session_app}/voice", "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert f"# POST {session_app}/voice (reached by the call's start)" in text
    assert yaml.safe_load(text)["hotline"]["apologies"] is False
    audited = CliRunner().invoke(main, ["audit", f"{session_app}/voice", "--format", "json"])
    assert audited.exit_code == 1  # IVR108: silence hangs up
    assert '"hotline": "Line crawled from' in audited.output
    refused = CliRunner().invoke(main, ["crawl", "ftp://example"])
    assert refused.exit_code == 2 and "is not an http:// or https:// URL" in refused.output


def silent_wav(seconds: float) -> bytes:
    """A WAV file of ``seconds`` of silence (16 kHz mono)."""
    import io
    import wave

    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(16000)
        wav.writeframes(b"\0\0" * int(16000 * seconds))
    return buffer.getvalue()


def played_line(quirk_server, audio: bytes, say_language: str = "") -> str:
    """A line that greets, then plays its menu prompt from a WAV file."""
    language = f' language="{say_language}"' if say_language else ""
    return quirk_server(
        {
            "/voice": lambda *_: (
                200,
                {"Content-Type": "text/xml"},
                f"<Response><Say{language}>Welcome.</Say><Redirect>/menu</Redirect></Response>".encode(),
            ),
            "/menu": lambda *_: (
                200,
                {"Content-Type": "text/xml"},
                b'<Response><Gather numDigits="1" action="/agent"><Play>/audio/menu.wav</Play>'
                b"</Gather><Hangup/></Response>",
            ),
            "/agent": lambda *_: (200, {}, b"<Response><Dial>+15005550006</Dial></Response>"),
            "/audio/menu.wav": lambda *_: (200, {"Content-Type": "audio/wav"}, audio),
        }
    )


def test_played_audio_is_kept_beside_the_menu_and_timed_from_its_length(quirk_server, tmp_path):
    base = played_line(quirk_server, silent_wav(3.5))
    out = tmp_path / "line.yaml"
    result = CliRunner().invoke(main, ["crawl", f"{base}/voice", "-o", str(out)])
    assert result.exit_code == 0, result.output
    menu = load_menu(out)
    gather = next(n for n in menu.nodes.values() if isinstance(n, MenuNode))
    assert gather.prompt.audio == "line.audio/" + next((tmp_path / "line.audio").iterdir()).name
    from ivr.prompt_audio import recording_seconds

    assert recording_seconds(menu, gather.prompt.audio) == pytest.approx(3.5)
    route = audit_of(out, ignore=("IVR311",)).metrics.nearest  # IVR311 would listen with vosk
    assert route is not None and route.ivr_s > 3.5  # the audio's length is in the time to a person


@pytest.mark.speech
def test_played_audio_in_the_models_language_is_transcribed(quirk_server, tmp_path):
    import subprocess

    wav = tmp_path / "spoken.wav"
    subprocess.run(
        ["espeak-ng", "-v", "ko", "-w", str(wav), "예약은 일번, 상담은 영번을 누르세요"], check=True
    )
    base = played_line(quirk_server, wav.read_bytes(), say_language="ko-KR")
    out = tmp_path / "line.yaml"
    assert CliRunner().invoke(main, ["crawl", f"{base}/voice", "-o", str(out)]).exit_code == 0
    gather = next(n for n in load_menu(out).nodes.values() if isinstance(n, MenuNode))
    assert gather.prompt.audio is not None
    heard = gather.prompt.text("ko")
    assert heard and heard != "(no prompt)"  # words vosk heard in the line's own audio


@pytest.mark.speech
def test_a_recording_the_model_cannot_listen_for_is_a_finding_not_a_crash(quirk_server, tmp_path):
    base = played_line(quirk_server, silent_wav(2.0))
    out = tmp_path / "line.yaml"
    assert CliRunner().invoke(main, ["crawl", f"{base}/voice", "-o", str(out)]).exit_code == 0
    messages = [f.message for f in audit_of(out).findings if f.code == "IVR311"]
    assert any("cannot be checked" in m and "knows none of the words" in m for m in messages)


def test_crawl_paths_and_test_via_chain_on_the_command_line(session_app, tmp_path):
    line, paths = tmp_path / "line.yaml", tmp_path / "paths.yaml"
    url = f"{session_app}/voice"
    assert CliRunner().invoke(main, ["crawl", url, "-o", str(line)]).exit_code == 0
    made = CliRunner().invoke(main, ["paths", str(line), "-o", str(paths), "--coverage"])
    assert made.exit_code == 0, made.output
    at = yaml.safe_load(paths.read_text())["scenarios"][0]["at"]
    ran = CliRunner().invoke(
        main, ["test", str(paths), "--via", url, "--at", at, "--jobs", "2", "--format", "junit"]
    )
    assert ran.exit_code == 0, ran.output
    assert 'failures="0"' in ran.output and "<testcase" in ran.output
