"""No verdict depends on names or order, and the audit's routes are what the engine does.

Random small menus (hypothesis): menus, queues with random staffing and
patience, transfers to people and to machines, hang-ups and voicemail, office
hours.
Renaming every node and reordering nodes and options leaves every
figure, the temperature and the findings (up to the renaming) unchanged; every
route the audit reports, replayed in ``ivr.engine.Call`` with the same keys and
clock, ends at the same person after the same seconds (through another system that
hands the call back, ``returns_to``, the seconds unknown where the engine's are); every
person the engine reaches by pressing keys is a person the audit knows.
"""

from __future__ import annotations

import random
import tempfile
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.run import audit_menu
from ivr.engine import Call
from ivr.loader import load_menu

KEYS = ("0", "1", "2", "3")
WORDS = {"0": "agent", "1": "billing", "2": "sales", "3": "support"}
# options chosen by voice only: name -> phrases (one of them a longer phrase than any key's)
SPOKEN = {"balance": ["check balance", "balance"], "hours": ["opening hours"], "help": ["help"]}
MONDAY = datetime(2026, 11, 23)  # a Monday, UTC
# the same 300 menus on every run, as the request fuzz (tests/web/test_web_fuzz.py): a run
# in CI never fails on a menu nobody has seen; explore others by changing max_examples
EXAMPLES = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@st.composite
def menus(draw) -> dict:
    """A random small menu as YAML data, with node ids n0, n1, ... ."""
    menu_count = draw(st.integers(1, 4))
    queue_count = draw(st.integers(1, 2))
    ends = ["bye", "vm", "desk", "robot"]
    menus_ids = [f"m{i}" for i in range(menu_count)]
    queues = [f"q{i}" for i in range(queue_count)]
    targets = menus_ids + queues + ends
    nodes: dict = {"greet": {"say": "Welcome.", "next": "m0"}}
    for menu_id in menus_ids:
        keys = draw(st.lists(st.sampled_from(KEYS), min_size=1, max_size=3, unique=True))
        speech = draw(st.booleans())
        options = {}
        for key in keys:
            goto = draw(st.sampled_from(targets))
            options[key] = {"goto": goto, "say": [WORDS[key]]} if speech else goto
        clauses = [f"For {WORDS[k]}, press {k}." for k in keys]
        spoken = {}
        if speech:
            for name in draw(st.lists(st.sampled_from(sorted(SPOKEN)), max_size=2, unique=True)):
                spoken[name] = {"say": SPOKEN[name], "goto": draw(st.sampled_from(targets))}
                clauses.append(f"Or say {SPOKEN[name][0]}.")
        menu: dict = {
            "prompt": " ".join(draw(st.permutations(clauses))),
            "options": options,
            "interruptible": draw(st.booleans()),
        }
        if speech:
            menu["input"] = "dtmf speech"
        if spoken:
            menu["spoken"] = spoken
        on_fail = draw(st.sampled_from([None, *queues, "bye", "vm"]))
        if on_fail:
            menu["on_fail"] = on_fail
        if draw(st.booleans()):
            menu["on_timeout"] = draw(st.sampled_from(targets))
        nodes[menu_id] = {"menu": menu}
    for queue_id in queues:
        queue: dict = {
            "agents": draw(st.integers(1, 8)),
            "handle_time": draw(st.sampled_from([120, 300, 600])),
            "calls_per_hour": draw(st.sampled_from([10, 30, 60, 100])),
            "patience": draw(st.sampled_from([60, 180, "unlimited"])),
            "announce_wait": draw(st.booleans()),
            "callback": draw(st.booleans()),
        }
        if draw(st.booleans()):
            queue["hours"] = "office"
            queue["after_hours"] = draw(st.sampled_from(["bye", "vm", "desk", *menus_ids]))
        nodes[queue_id] = {"queue": queue}
    nodes["bye"] = {"hangup": {"say": "Goodbye."}}
    nodes["vm"] = {"record": {"prompt": "Leave a message.", "max_length": 30}}
    nodes["desk"] = {"transfer": {"to": "+1 555 0100", "human": True, "ring": 12}}
    nodes["robot"] = {"transfer": draw(machines(menus_ids, queues))}
    return {
        "hotline": {
            "name": "Random line",
            "hours": {"office": {"mon-fri": "09:00-17:00"}},
            "promise": {"hours": "24/7", "time_to_human": 60},
        },
        "start": "greet",
        "nodes": nodes,
    }


@st.composite
def machines(draw, menus_ids: list[str], queues: list[str]) -> dict:
    """A transfer to another system: maybe a no-answer route to a queue, maybe a stated
    place where the system hands the call back (after a stated time or not)."""
    robot: dict = {"to": "+1 555 0199", "human": False}
    if draw(st.booleans()):
        robot["on_no_answer"] = queues[0]
    if draw(st.booleans()):
        robot["returns_to"] = draw(st.sampled_from(menus_ids + queues))
        away = draw(st.sampled_from([None, 0, 45, 300]))
        if away is not None:
            robot["away"] = away
    return robot


def renamed(data: dict, seed: int) -> tuple[dict, dict[str, str]]:
    """``data`` with every node renamed and nodes and options shuffled; and the renaming."""
    rng = random.Random(seed)
    names = list(data["nodes"])
    fresh = [f"x{rng.randrange(10**6)}_{i}" for i in range(len(names))]
    rng.shuffle(fresh)
    mapping = dict(zip(names, fresh, strict=True))

    def rename(value):
        if isinstance(value, str) and value in mapping:
            return mapping[value]
        if isinstance(value, dict):
            return {k: rename(v) for k, v in value.items()}
        if isinstance(value, list):
            return [rename(v) for v in value]
        return value

    nodes = []
    for name, spec in data["nodes"].items():
        spec = rename(spec)
        if "menu" in spec:
            for field in ("options", "spoken"):
                options = list(spec["menu"].get(field, {}).items())
                rng.shuffle(options)
                if options:
                    spec["menu"][field] = dict(options)
        nodes.append((mapping[name], spec))
    rng.shuffle(nodes)
    return {**data, "start": mapping[data["start"]], "nodes": dict(nodes)}, mapping


def audit_of(data: dict, folder: Path, name: str):
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    menu = load_menu(path)
    return menu, audit_menu(menu)


def figures(report: dict, mapping: dict[str, str] | None = None) -> dict:
    """Everything a verdict is made of, with node names mapped through ``mapping``."""
    rename = (lambda n: mapping.get(n, n)) if mapping else (lambda n: n)
    return {
        "temperature": report["temperature"],
        "callers": report["callers"],
        "depth": report["depth_to_human"],
        "time_to_human": report["time_to_human"],
        "promise": report["promise"],
        "findings": Counter(
            (f["code"], where, f["severity"])
            for f in report["findings"]
            for where in _places(f, rename)
        ),
        "humans": sorted(
            (rename(h["node"]), h["depth"], h["first_time_s"], h["expert_s"])
            for h in report["humans"]
        ),
        "queues": sorted(
            (rename(q["node"]), str(q["hours"]), q["patience_s"]) for q in report["queues"]
        ),
    }


def _places(finding: dict, rename) -> list:
    """Where a finding is, by node names mapped through ``rename``. A loop trap is its
    whole loop: the node it is located at is where callers enter the loop first, and
    when a decision sends callers into it at several nodes alike, the file order picks
    one of them (the verdict, the trap and its nodes, is the same)."""
    if finding["code"] == "IVR109":
        loop = finding["message"].split(": ", 1)[1].split(" -> ")
        return [frozenset(rename(node) for node in loop)]
    return [rename(place["node"]) for place in finding["places"]]


@pytest.mark.slow
@EXAMPLES
@given(data=menus(), seed=st.integers(0, 2**32))
def test_renaming_nodes_and_reordering_changes_no_figure_and_no_verdict(data, seed):
    with tempfile.TemporaryDirectory() as folder:
        _, original = audit_of(data, Path(folder), "original")
        shuffled, mapping = renamed(data, seed)
        _, other = audit_of(shuffled, Path(folder), "renamed")
    assert figures(other.as_dict()) == figures(original.as_dict(), mapping)


def replay(menu, route, at: datetime) -> Call:
    """Run the keys of an audit route through the engine, answered at ``at``."""
    call = Call(menu, at=at)
    call.start()
    for label in route.keys:
        node = call.waiting_node
        assert node is not None, f"the call ended before {label} at {call.node}"
        while call.waiting_node is node and not call.ended:
            if label == "(silence)":
                call.silence()
            elif label == "(wrong key)":
                call.press("9")
            elif label.startswith('say "'):
                call.speak(label[5:-1])
            else:
                call.press(label)
            if label not in ("(silence)", "(wrong key)"):
                break
    return call


@pytest.mark.slow
@EXAMPLES
@given(data=menus())
def test_every_audit_route_is_what_the_engine_does(data):
    with tempfile.TemporaryDirectory() as folder:
        menu, audit = audit_of(data, Path(folder), "line")
    patterns = [f for _, f in audit.metrics.by_hours] or [audit.metrics.figures]
    for pattern in patterns:
        at = MONDAY + timedelta(minutes=pattern.minutes[0] if pattern.minutes else 0)
        for route in pattern.humans:
            call = replay(menu, route, at)
            assert call.outcome is not None and call.outcome.kind == "human", route
            assert call.outcome.node == route.node
            ring = route.hold.wait if menu.nodes[route.node].kind == "transfer" else 0.0
            assert call.elapsed == pytest.approx(route.ivr_s + (ring or 0.0), abs=0.011)
            assert call.time_unknown == route.away_unknown  # an unstated time in another system
        reached = people_the_engine_reaches(menu, at)
        assert reached <= {r.node for r in pattern.humans}


def people_the_engine_reaches(menu, at: datetime, depth: int = 4) -> set[str]:
    """Every person reached by pressing option keys or saying spoken options' phrases, up to
    ``depth`` menus deep."""
    found: set[str] = set()
    sequences: list[list[tuple[str, str]]] = [[]]
    while sequences:
        answers = sequences.pop()
        call = Call(menu, at=at)
        call.start()
        for kind, value in answers:
            call.press(value) if kind == "press" else call.speak(value)
        if call.outcome is not None and call.outcome.kind == "human":
            found.add(call.outcome.node)
        node = call.waiting_node
        if node is not None and len(answers) < depth:
            sequences += [[*answers, ("press", option.key)] for option in node.options]
            sequences += [
                [*answers, ("say", phrase)] for option in node.spoken for phrase in option.phrases
            ]
    return found


def test_ties_are_decided_by_keys_and_structure_never_by_names_or_file_order(tmp_path):
    """Two identical queues behind keys 0 and 1 are as quick to reach: the nearest person is
    the one behind key 0 whatever the queues are called or where they are written; behind a
    decision sending callers to one of two menus (no person anywhere), both are the first
    menu callers meet (IVR101 is an error at each, in any file order)."""
    queue = {"agents": 1, "handle_time": 600, "calls_per_hour": 10, "patience": 60}
    twins = {
        "hotline": {"name": "Twins"},
        "start": "main",
        "nodes": {
            "main": {
                "menu": {
                    "prompt": "For agent, press 0. For billing, press 1.",
                    "options": {"0": "zeta", "1": "alpha"},
                }
            },
            "alpha": {"queue": dict(queue)},
            "zeta": {"queue": dict(queue)},
        },
    }
    swapped = {**twins, "nodes": {**twins["nodes"]}}
    swapped["nodes"]["main"] = {
        "menu": {**twins["nodes"]["main"]["menu"], "options": {"0": "alpha", "1": "zeta"}}
    }
    for data, behind_zero in ((twins, "zeta"), (swapped, "alpha")):
        _, audit = audit_of(data, tmp_path, "twins")
        assert audit.metrics.nearest.node == behind_zero

    loop = {"menu": {"prompt": "For sales, press 1.", "options": {"1": "a"}}}
    decided = {
        "hotline": {"name": "Decided"},
        "start": "check",
        "nodes": {
            "check": {"decide": {"outcomes": {"known": "a", "new": "b"}}},
            "a": loop,
            "b": loop,
        },
    }
    reordered = {**decided, "nodes": dict(reversed(list(decided["nodes"].items())))}
    sales = {"menu": {"prompt": "For sales, press 1.", "options": {"1": "desk"}}}
    staffed = {  # a person behind both menus: the decision still picks the first menu
        **decided,
        "nodes": {
            **decided["nodes"],
            "a": sales,
            "b": sales,
            "desk": {"queue": {"agents": 3, "handle_time": 120, "calls_per_hour": 20}},
        },
    }
    for data in (decided, reordered, staffed):
        _, audit = audit_of(data, tmp_path, "decided")
        severities = {
            place["node"]: f["severity"]
            for f in audit.as_dict()["findings"]
            if f["code"] == "IVR101"
            for place in f["places"]
        }
        assert severities == {"a": "error", "b": "error"}
