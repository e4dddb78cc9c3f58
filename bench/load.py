"""Time loading, validating and graphing generated menus of 10,000 and 100,000 nodes.

``python bench/load.py [NODES...]`` (default: 10,000 then 100,000) writes, for
each size, a menu of NODES nodes into a temporary folder: a tree of menus,
each with three options and 0 for an agent, with queues, inputs, branches on
office hours and short messages at the leaves, a transfer and a voicemail
record. It then times ``load_menu`` and ``structural_problems(build_graph(menu))``
and prints the seconds (target on a 2-core machine: under 2 s in total for
10,000 nodes; the CPU column is the process's own time, which other work on
the machine disturbs less than the wall clock). Then it misspells every tenth
target and times ``check_menu``, which reports every error with a "did you
mean" hint. Last, it runs ``ivr validate`` on the menu in a fresh process and
prints its wall and CPU time and peak memory (maximum resident set size);
the goal for 100,000 nodes is under 5 s. Three more lines show what bounds the
loading: ``parse_yaml`` alone (libyaml's composing plus the expansion into
Python data), and, for scale, PyYAML's own ``yaml.compose`` with libyaml (the
node tree only, no Python data: what every loader on this stack pays first;
``parse_yaml`` composes a little faster, its tag resolver caching each scalar)
and PyYAML's standard way to read a file into Python data, ``yaml.load`` with
its libyaml loader (``CSafeLoader``), which checks nothing of the menu and keeps no positions.
"""

from __future__ import annotations

import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from ivr.graph import build_graph, structural_problems
from ivr.loader import check_menu, load_menu
from ivr.yamlsource import SafeLoader, parse_yaml, paused_gc

HEADER = """\
hotline:
  name: Generated load-test line
  number: "+1 555 0100"
  languages: [en]
  timezone: Asia/Jakarta
  promise: {hours: office, time_to_human: 60}
  hours:
    office: {mon-fri: "08:00-17:00", sat: "08:00-12:00"}
defaults:
  timeout: 5
  retries: 2
  on_fail: agent
start: m0
nodes:
  agent:
    transfer: {to: "+1 555 0000", ring: 15}
  voicemail:
    record: {prompt: "Leave a message after the tone.", max_length: 60, next: bye}
  bye:
    hangup: {say: "Goodbye."}
"""


def node_text(i: int, total: int) -> str:
    """YAML of node ``m<i>``: a menu over its children (three, and 0 for an agent) or a leaf."""
    children = [3 * i + k for k in (1, 2, 3) if 3 * i + k < total]
    if children:
        options = ", ".join(f'"{k}": m{c}' for k, c in enumerate(children, start=1))
        return (
            f"  m{i}:\n    menu:\n"
            f'      prompt: "For topic {i}, press 1. For more, press 2. '
            f'For an agent, press 0."\n'
            f'      options: {{{options}, "0": {{goto: agent, say: [agent]}}}}\n'
        )
    kind = i % 4
    if kind == 0:
        return (
            f"  m{i}:\n    queue: {{agents: 5, handle_time: 300, calls_per_hour: 40, "
            f"hours: office, after_hours: voicemail}}\n"
        )
    if kind == 1:
        return (
            f'  m{i}:\n    input: {{prompt: "Your 6 digit code.", var: c{i}, digits: 6}}\n'
            f"    next: agent\n"
        )
    if kind == 2:
        return f"  m{i}:\n    branch: [{{when: {{hours: office}}, goto: agent}}, {{goto: bye}}]\n"
    return f'  m{i}:\n    say: "Leaf {i}: see our website."\n    next: m0\n'


def generate(total: int) -> str:
    """YAML text of a menu with ``total`` nodes (3 fixed ones plus the tree)."""
    return HEADER + "".join(node_text(i, total - 3) for i in range(total - 3))


def main(total: int = 10_000) -> None:
    """Generate, time and print for a menu of ``total`` nodes."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "generated.yaml"
        path.write_text(generate(total), encoding="utf-8")
        size = path.stat().st_size
        began, began_cpu = time.perf_counter(), time.process_time()
        menu = load_menu(path)
        loaded, loaded_cpu = time.perf_counter(), time.process_time()
        problems = structural_problems(menu, build_graph(menu))
        checked, checked_cpu = time.perf_counter(), time.process_time()
        validate_wall, validate_cpu, validate_peak = time_validate(path)
        (parse_wall, parse_cpu), (compose_wall, compose_cpu), (load_wall, load_cpu) = time_parsing(
            path
        )
        path.write_text(misspelled(generate(total)), encoding="utf-8")
        began_broken, began_broken_cpu = time.perf_counter(), time.process_time()
        _, broken = check_menu(path)
        checked_broken, checked_broken_cpu = time.perf_counter(), time.process_time()
    errors = [p for p in problems if p.severity == "error"]
    print(f"menu: {len(menu.nodes):,} nodes, {size:,} bytes, {len(errors)} errors")
    print("                                    wall      CPU")
    print(
        f"load_menu:                         {loaded - began:6.3f} s  "
        f"{loaded_cpu - began_cpu:6.3f} s"
    )
    print(f"  of which parse_yaml:              {parse_wall:6.3f} s  {parse_cpu:6.3f} s")
    print(f"  yaml.compose alone (for scale):   {compose_wall:6.3f} s  {compose_cpu:6.3f} s")
    print(f"  yaml.load, libyaml (for scale):   {load_wall:6.3f} s  {load_cpu:6.3f} s")
    print(
        f"build_graph + structural_problems: {checked - loaded:6.3f} s  "
        f"{checked_cpu - loaded_cpu:6.3f} s"
    )
    print(
        f"total:                             {checked - began:6.3f} s  "
        f"{checked_cpu - began_cpu:6.3f} s  (target for 10,000 nodes: under 2 s)"
    )
    print(
        f"the same with {len(broken):,} misspelled targets (each with a did-you-mean): "
        f"{checked_broken - began_broken:.3f} s wall, "
        f"{checked_broken_cpu - began_broken_cpu:.3f} s CPU"
    )
    print(
        f"ivr validate ({total:,} nodes), fresh process: {validate_wall:.3f} s wall, "
        f"{validate_cpu:.3f} s CPU, peak memory {validate_peak:,.0f} MB "
        "(goal for 100,000 nodes: under 5 s)"
    )


def time_parsing(path: Path) -> list[tuple[float, float]]:
    """Wall and CPU seconds of ``parse_yaml``, of ``yaml.compose`` alone and of PyYAML's
    standard ``yaml.load`` (libyaml's ``CSafeLoader``) on ``path``, each with the cyclic
    garbage collector paused as ``load_menu`` pauses it."""
    text = path.read_text(encoding="utf-8")
    readers = (
        lambda: parse_yaml(text, str(path)),
        lambda: yaml.compose(text, Loader=SafeLoader),
        lambda: yaml.load(text, Loader=SafeLoader),
    )
    times = []
    for read in readers:
        with paused_gc():
            began, began_cpu = time.perf_counter(), time.process_time()
            result = read()
            times.append((time.perf_counter() - began, time.process_time() - began_cpu))
            del result
    return times


def time_validate(path: Path) -> tuple[float, float, float]:
    """Wall and CPU seconds and peak memory (MB) of ``ivr validate PATH`` in a new process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    command = [sys.executable, "-c", "from ivr.cli import main; main()", "validate", "-q"]
    done = subprocess.run([*command, str(path)], capture_output=True, text=True, check=False)
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"ivr validate failed:\n{done.stdout}{done.stderr}")
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return wall, cpu, after.ru_maxrss / 1024  # kilobytes on Linux; the largest child so far


def misspelled(text: str) -> str:
    """``text`` with every tenth option target misspelled (``m12`` becomes ``xm12``)."""
    count = 0

    def spoil(match: re.Match) -> str:
        nonlocal count
        count += 1
        return match.group(0).replace(": m", ": xm") if count % 10 == 0 else match.group(0)

    return re.sub(r'"[123]": m\d+', spoil, text)


if __name__ == "__main__":
    for size in [int(arg) for arg in sys.argv[1:]] or [10_000, 100_000]:
        main(size)
        print()
