"""Time the start of the command line: ``ivr validate`` and ``ivr audit`` of one small menu.

``python bench/cli.py [RUNS]`` runs each command RUNS times (default 9) as a new
process, the way a user or CI runs it, and prints the median wall-clock
seconds beside the floor every run pays: ``python -c "import networkx, yaml"``
(the two libraries any menu command needs). Goal: both commands within 1.5x
the floor on the same machine. Processes run one after another, alternating,
so a busy machine slows all of them alike; the CPU column (user + system time
of the child) is disturbed less by other work than the wall clock. Byte-code
is cached as in normal use (in a temporary folder, whatever
``PYTHONDONTWRITEBYTECODE`` says): the first, unmeasured run of each command
compiles it.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MENU = "menus/acme-hot.yaml"
IVR = str(Path(sys.executable).with_name("ivr"))  # the installed console script
GOAL = 1.5
COMMANDS = {
    "import networkx, yaml": [sys.executable, "-c", "import networkx, yaml"],
    f"ivr validate {MENU}": [IVR, "validate", MENU],
    f"ivr audit {MENU}": [IVR, "audit", MENU],
}


def run_once(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one run of ``command`` (its exit status is not judged:
    an audit with findings exits 1)."""
    before = os.times()
    start = time.perf_counter()
    subprocess.run(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False
    )
    wall = time.perf_counter() - start
    after = os.times()
    return wall, (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )


def main(runs: int) -> None:
    """Print the median wall and CPU seconds of every command and its ratio to the floor."""
    with tempfile.TemporaryDirectory(prefix="ivr-bench-pycache-") as cache:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = cache
        measure(runs, env)


def measure(runs: int, env: dict[str, str]) -> None:
    """Run every command ``runs`` times (after one warm-up run each) and print the table."""
    walls: dict[str, list[float]] = {name: [] for name in COMMANDS}
    cpus: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for command in COMMANDS.values():  # warm the file cache and byte-code once
        run_once(command, env)
    for _ in range(runs):
        for name, command in COMMANDS.items():
            wall, cpu = run_once(command, env)
            walls[name].append(wall)
            cpus[name].append(cpu)
    floor_name = next(iter(COMMANDS))
    floor_wall = statistics.median(walls[floor_name])
    floor_cpu = statistics.median(cpus[floor_name])
    print(f"median of {runs} runs each (goal: within {GOAL}x the floor)")
    print(f"{'command':40} {'wall s':>7} {'x floor':>8} {'cpu s':>7} {'x floor':>8}")
    for name in COMMANDS:
        wall, cpu = statistics.median(walls[name]), statistics.median(cpus[name])
        print(f"{name:40} {wall:7.3f} {wall / floor_wall:8.2f} {cpu:7.3f} {cpu / floor_cpu:8.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 9)
