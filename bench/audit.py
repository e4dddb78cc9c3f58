"""Benchmark of the auditor on generated phone trees of 1,000, 10,000 and 100,000 nodes.

Each size runs in a fresh process so its peak memory is its own. Prints, per
size: wall-clock and CPU seconds to build the graph, compute the metrics, run
every rule and render the JSON report (CPU time is the figure to compare on a
busy machine); the peak resident memory; and CPU microseconds per n log2 n
(roughly constant, or falling, when cost grows no faster than n log n).
Target: 100,000 nodes in under 10 s, with the week model on: office hours and
traffic on the hotline, per-schedule staffing on the agent queue, queues open
in office hours only, Erlang A holds (default patience) for every queue at
every set of hours.

Run: ``.venv/bin/python bench/audit.py [SIZES...]``
"""

from __future__ import annotations

import json
import math
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from audit.reports import FORMATS
from audit.run import audit_menu
from ivr.model import (
    Hotline,
    Location,
    Menu,
    MenuNode,
    Option,
    Promise,
    Prompt,
    QueueNode,
    SayNode,
)
from ivr.schedule import Schedule

SIZES = (1_000, 10_000, 100_000)
BRANCHING = 4


def generated_menu(size: int) -> Menu:
    """A phone tree of ``size`` nodes: menus of four options plus 0 to an agent queue.

    Leaves are queues (every third) or information messages that go back to the
    main menu, so the graph has cycles like a real menu.
    """
    nodes: dict = {}

    def at(i: int) -> Location:
        return Location("generated.yaml", i + 1, 3)

    nodes["welcome"] = SayNode(
        "welcome", at(0), Prompt({"*": "Welcome to the test line."}), next="n0"
    )
    nodes["agent"] = QueueNode(
        "agent",
        at(1),
        name="agent",
        handle_time=300,
        agents_by_hours=(("24/7", 8), ("office", 24)),
        calls_by_hours=(("24/7", 60), ("office", 240)),
        announce_wait=True,
        callback=True,
    )
    menus = max(1, (size - 2) // (BRANCHING + 1))
    count = 2
    for index in range(menus):
        children = [BRANCHING * index + k + 1 for k in range(BRANCHING)]
        prompt = " ".join(f"For topic {c}, press {k + 1}." for k, c in enumerate(children))
        options = [Option("0", "agent")] + [
            Option(str(k + 1), f"n{c}") for k, c in enumerate(children)
        ]
        nodes[f"n{index}"] = MenuNode(
            f"n{index}",
            at(count),
            Prompt({"*": prompt + " For an agent, press 0."}),
            on_fail="agent",
            options=tuple(options),
        )
        count += 1
    leaf = menus
    while count < size:
        node_id = f"n{leaf}"
        if leaf % 3 == 0:
            nodes[node_id] = QueueNode(
                node_id,
                at(count),
                name=node_id,
                agents=4,
                handle_time=240,
                calls_per_hour=30,
                hours="office" if leaf % 2 == 0 else None,
                after_hours="agent" if leaf % 2 == 0 else None,
                announce_wait=True,
                callback=True,
            )
        else:
            nodes[node_id] = SayNode(
                node_id,
                at(count),
                Prompt({"*": f"Information about topic {leaf} is on our website."}),
                next="n0",
            )
        leaf += 1
        count += 1
    for index in range(menus):  # options pointing past the last node go to the agent
        node = nodes[f"n{index}"]
        fixed = tuple(o if o.goto in nodes else Option(o.key, "agent") for o in node.options)
        if fixed != node.options:
            nodes[node.id] = MenuNode(
                node.id, node.location, node.prompt, on_fail="agent", options=fixed
            )
    hotline = Hotline(
        name="Generated line",
        languages=("en",),
        timezone="UTC",
        promise=Promise("24/7", 60),
        hours={"24/7": Schedule.always(), "office": Schedule.parse({"mon-fri": "08:00-17:00"})},
        traffic=(("office", 0.7),),
    )
    return Menu("generated.yaml", hotline, "welcome", nodes)


def measure(size: int) -> dict:
    """Audit a generated tree of ``size`` nodes in this process; seconds and peak memory."""
    menu = generated_menu(size)
    start, cpu = time.perf_counter(), time.process_time()
    result = audit_menu(menu)
    report = FORMATS["json"]([result], frozenset({"error"}))
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "nodes": len(menu.nodes),
        "seconds": round(seconds, 2),
        "cpu": round(cpu, 2),
        "peak_mib": round(peak_kib / 1024, 1),
        "findings": len(result.findings),
        "humans": len(result.metrics.humans),
        "report_kib": len(report) // 1024,
        "temperature": result.temperature,
        "hours_patterns": len(result.metrics.by_hours),
        "reached": result.callers.reached if result.callers else None,
    }


def main(sizes: list[int]) -> None:
    """Run each size in a fresh process and print a table."""
    print(
        f"{'nodes':>8} {'wall s':>8} {'CPU s':>8} {'peak MiB':>9} {'CPU us/(n log2 n)':>18} "
        f"{'humans':>7} {'findings':>9} {'patterns':>9} {'reached':>8}"
    )
    for size in sizes:
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(size)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        row = json.loads(out)
        n = row["nodes"]
        per = row["cpu"] / (n * math.log2(n)) * 1e6
        print(
            f"{n:>8} {row['seconds']:>8.2f} {row['cpu']:>8.2f} {row['peak_mib']:>9.1f} "
            f"{per:>18.2f} "
            f"{row['humans']:>7} {row['findings']:>9} {row['hours_patterns']:>9} "
            f"{row['reached']:>8.3f}",
            flush=True,
        )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        print(json.dumps(measure(int(sys.argv[2]))))
    else:
        main([int(a) for a in sys.argv[1:]] or list(SIZES))
