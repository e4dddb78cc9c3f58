"""ivr simulate: two engines, one answer; the seed alone decides; what planners read."""

from __future__ import annotations

import json
import math
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from audit.simulation.executors import run_replications
from audit.simulation.queues import fast_queue, simpy_queue
from audit.simulation.run import ABANDONED_QUEUE, ANSWERED, VOICEMAIL, Options
from ivr.cli import main
from tests.audit.simulation.steady import steady_menu

ROOT = Path(__file__).resolve().parents[3]
MENUS = ROOT / "menus"
SSJ = Path(__file__).parent / "ssj-call-centre.yaml"


def test_both_queue_engines_give_the_same_waits_for_the_same_callers() -> None:
    rng = np.random.default_rng(5)
    arrivals = np.sort(rng.random(3000) * 36_000).tolist()
    service = rng.exponential(100, 3000).tolist()
    patience = np.where(rng.random(3000) < 0.1, 0.0, rng.exponential(1000, 3000)).tolist()
    staffing = [(0.0, 4), (7200.0, 8), (14_400.0, 3), (21_600.0, 6)]
    fast = fast_queue(arrivals, service, patience, staffing)
    event = simpy_queue(arrivals, service, patience, staffing)
    assert np.array_equal(fast.answered, event.answered)
    assert np.allclose(fast.wait, event.wait)


@pytest.mark.slow  # 40 simulated days; the fast loop keeps the exact same-callers check above
def test_both_engines_agree_within_sampling_error_on_a_day() -> None:
    fast = run_replications(Options(str(SSJ), busyness=400.0), 20, seed=1)
    event = run_replications(Options(str(SSJ), busyness=400.0, engine="simpy"), 20, seed=2)
    for code in (ANSWERED, ABANDONED_QUEUE):
        a = [np.mean(rep.end == code) for rep in fast]
        b = [np.mean(rep.end == code) for rep in event]
        error = math.hypot(np.std(a, ddof=1), np.std(b, ddof=1)) / math.sqrt(20)
        assert abs(np.mean(a) - np.mean(b)) <= 3 * error


def figures(reps: list) -> list[tuple]:
    return [(r.end.tobytes(), r.queue_s.tobytes(), r.menu_s.tobytes()) for r in reps]


def test_results_depend_on_the_seed_not_on_the_executor() -> None:
    options = Options(str(MENUS / "acme-hot.yaml"))
    alone = run_replications(options, 4, seed=9)
    with ProcessPoolExecutor(max_workers=2) as pool:
        pooled = run_replications(options, 4, seed=9, executor=pool)
    assert figures(alone) == figures(pooled)
    assert figures(run_replications(options, 4, seed=10)) != figures(alone)


@pytest.mark.slow
def test_a_dask_local_cluster_gives_the_same_numbers() -> None:
    distributed = pytest.importorskip("distributed")
    options = Options(str(MENUS / "acme-cold.yaml"))
    alone = run_replications(options, 4, seed=21)
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True) as cluster,
        distributed.Client(cluster) as client,
    ):
        clustered = run_replications(options, 4, seed=21, executor=client.get_executor())
    assert figures(alone) == figures(clustered)


def simulate(*args: str) -> tuple[int, str]:
    chosen = args if "--executor" in args else (*args, "--executor", "local")
    result = CliRunner().invoke(main, ["simulate", *chosen])
    return result.exit_code, result.output


def test_the_cold_line_shows_its_morning_abandonment_and_the_hot_line_does_not() -> None:
    code, cold = simulate(
        str(MENUS / "acme-cold.yaml"), "--day", "2026-11-23", "--replications", "2"
    )
    assert code == 0, cold
    assert "give up on hold" in cold.splitlines()[1]
    morning = next(line for line in cold.splitlines() if line.startswith("09:00"))
    assert int(morning.split()[4]) > 10  # callers give up on hold in the morning
    code, hot = simulate(str(MENUS / "acme-hot.yaml"), "--day", "2026-11-23", "--replications", "2")
    assert code == 0
    cold_share = float(cold.splitlines()[1].split("reach a person")[0].split()[-1].rstrip("%"))
    hot_share = float(hot.splitlines()[1].split("reach a person")[0].split()[-1].rstrip("%"))
    assert hot_share > 90 > 30 > cold_share


def test_json_output_follows_the_documented_contract(tmp_path: Path) -> None:
    out = tmp_path / "day.json"
    code, _ = simulate(str(SSJ), "--replications", "3", "--format", "json", "-o", str(out))
    assert code == 0
    data = json.loads(out.read_text())
    assert {"menu", "replications", "seed", "day", "intervals"} <= set(data)
    assert data["replications"] == 3 and data["seed"] == 1
    for figures in (data["day"], data["intervals"][9]):
        for name in (
            "offered",
            "answered",
            "abandoned_in_menu",
            "abandoned_in_queue",
            "service_level",
            "mean_wait_s",
        ):
            assert set(figures[name]) == {"value", "low", "high"}, name
        for spread in ("queue_wait", "time_to_human"):
            assert set(figures[spread]) == {"p50_s", "p90_s", "p99_s"}
    ten = data["intervals"][10]
    assert ten["start"].startswith("2026-11-23T10:00") and ten["erlang_a"]["agents"]["agents"] == 8
    assert ten["offered"]["low"] <= ten["offered"]["value"] <= ten["offered"]["high"]


def test_html_output_is_one_page_with_the_charts(tmp_path: Path) -> None:
    out = tmp_path / "day.html"
    code, _ = simulate(
        str(MENUS / "acme-hot.yaml"), "--replications", "1", "--format", "html", "-o", str(out)
    )
    page = out.read_text()
    assert code == 0 and page.count("<svg") == 2 and "<script" not in page and "http" not in page


def test_a_staffing_sweep_names_the_agents_that_meet_80_in_20_every_hour() -> None:
    code, output = simulate(str(SSJ), "--agents", "6..9", "--replications", "2")
    assert code == 0, output
    assert output.splitlines()[0].startswith("agents")
    assert "agents answer 80 % of callers within 20 s in every interval" in output


def test_a_menu_without_traffic_says_what_to_add(tmp_path: Path) -> None:
    menu = tmp_path / "quiet.yaml"
    menu.write_text(
        "hotline: {name: Quiet, languages: [en]}\nstart: care\nnodes:\n"
        "  care: {queue: {name: care, wait: 30}}\n"
    )
    code, output = simulate(str(menu))
    assert code == 1
    assert "has no traffic for this window: give its queues calls_per_hour" in output
    assert "--calls N" in output
    code, output = simulate(str(menu), "--calls", "100", "--replications", "1")
    assert (code == 0 and "100" in output.splitlines()[1]) or "callers" in output


def test_zero_agents_all_day_with_callers_is_refused(tmp_path: Path) -> None:
    menu = steady_menu(tmp_path, agents=0, handle=180, calls=50, patience="120")
    code, output = simulate(str(menu))
    assert code == 1 and 'queue "care"' in output and "has no agents in the whole window" in output


def test_impossible_options_are_refused() -> None:
    code, output = simulate(str(SSJ), "--replications", "0")
    assert code == 2 and "--replications" in output
    code, output = simulate(str(SSJ), "--agents", "9..3")
    assert code == 2 and "rising range" in output
    code, output = simulate(str(SSJ), "--executor", "ftp://nowhere")
    assert code == 1 and 'unknown executor "ftp://nowhere"' in output


@pytest.mark.parametrize(
    "command",
    [
        "ivr simulate menus/acme-cold.yaml --day 2026-11-23",
        "ivr simulate tests/audit/simulation/ssj-call-centre.yaml --agents 6..10 --replications 4",
    ],
)
def test_the_examples_in_docs_simulate_are_what_the_command_prints(command: str) -> None:
    text = (ROOT / "docs" / "simulate.md").read_text(encoding="utf-8")
    block = text.split(f"$ {command}\n", 1)[1].split("```", 1)[0]
    args = command.split()[2:]
    args[0] = str(ROOT / args[0])
    code, output = simulate(*args)
    printed = [line.rstrip() for line in output.replace(str(ROOT) + "/", "").splitlines()]
    shown = [line.rstrip() for line in block.splitlines() if line != "..."]
    assert code == 0
    assert [line for line in shown if line not in printed] == []


def test_a_full_queue_turns_callers_away_alike_in_both_engines() -> None:
    rng = np.random.default_rng(8)
    arrivals = np.sort(rng.random(2000) * 7200).tolist()
    service = rng.exponential(200, 2000).tolist()
    patience = rng.exponential(600, 2000).tolist()
    staffing = [(0.0, 5)]
    fast = fast_queue(arrivals, service, patience, staffing, capacity=4)
    event = simpy_queue(arrivals, service, patience, staffing, capacity=4)
    assert fast.full is not None and event.full is not None
    assert 100 < int(fast.full.sum()) < 1900
    assert np.array_equal(fast.full, event.full)
    assert np.array_equal(fast.answered, event.answered)


def test_callers_who_find_the_queue_full_go_where_when_full_sends_them(tmp_path: Path) -> None:
    menu = tmp_path / "full.yaml"
    menu.write_text(
        "hotline: {name: Full line, languages: [en], timezone: UTC}\n"
        "start: care\n"
        "nodes:\n"
        "  care:\n"
        "    queue: {name: care, agents: 2, handle_time: 300, calls_per_hour: 60,\n"
        "            patience: 600, capacity: 3, when_full: messages}\n"
        "  messages:\n"
        "    record: {prompt: Leave a message., max_length: 60, next: bye}\n"
        "  bye:\n"
        "    hangup: {say: Goodbye.}\n"
    )
    reps = run_replications(Options(str(menu)), 2, seed=4)
    voicemail = sum(int(np.count_nonzero(rep.end == VOICEMAIL)) for rep in reps)
    offered = sum(rep.end.size for rep in reps)
    assert 0.1 * offered < voicemail < 0.9 * offered  # 5 erlangs on 2 agents: many find it full
    assert all(np.all(np.isnan(rep.queue_s[rep.end == VOICEMAIL])) for rep in reps)


def test_callers_take_each_outcome_of_a_decision_by_its_share(tmp_path: Path) -> None:
    menu = tmp_path / "decided.yaml"
    menu.write_text(
        "hotline: {name: Decided line, languages: [en], timezone: UTC}\n"
        "start: lookup\n"
        "nodes:\n"
        "  lookup:\n"
        "    decide:\n"
        "      about: Function lookup-customer\n"
        "      outcomes:\n"
        "        known: {goto: care, share: 0.7}\n"
        "        error: messages\n"
        "  care:\n"
        "    queue: {name: care, agents: 20, handle_time: 60, calls_per_hour: 100}\n"
        "  messages:\n"
        "    record: {prompt: Leave a message., max_length: 60, next: bye}\n"
        "  bye:\n"
        "    hangup: {say: Goodbye.}\n"
    )
    reps = run_replications(Options(str(menu)), 3, seed=6)
    offered = sum(rep.end.size for rep in reps)
    to_voicemail = sum(int(np.count_nonzero(rep.end == VOICEMAIL)) for rep in reps) / offered
    assert abs(to_voicemail - 0.3) < 4 * math.sqrt(0.3 * 0.7 / offered)  # the "error" share
