"""Crawl a generated line of about 1,000 states served by ``ivr serve``; print the figures.

``python bench/crawl.py [MENUS]`` (default 333 menus) writes a tree of menus (keys
1-3 to the menus below, 0 to an agent, queues at the leaves), serves it with
``ivr serve`` on a free loopback port, and crawls it with ``ivr.crawl`` trying the
keys 0-3 and silence at each menu. It prints the documents found, the requests,
the requests per second and the total time, and how the CPU time splits between
the crawler (this process) and the server (its process): the goal is a crawler
that spends less time than the server it crawls.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from ivr.crawl.crawler import Crawler
from ivr.twiml_caller import TwimlCaller

HEADER = """\
hotline: {name: Generated crawl line, languages: [en], timezone: UTC}
defaults: {timeout: 5, retries: 1, on_fail: agent}
start: m0
nodes:
  agent:
    transfer: {to: "+1 555 0000", ring: 10}
"""


def menu_text(menus: int) -> str:
    """A tree of ``menus`` menus, three children each, queues below the last level."""
    lines = [HEADER]
    for number in range(menus):
        children = [3 * number + k for k in (1, 2, 3)]
        targets = [f"m{c}" if c < menus else f"q{c}" for c in children]
        options = ", ".join(f'"{k}": {t}' for k, t in zip("123", targets, strict=True))
        lines.append(
            f"  m{number}:\n    menu:\n"
            f'      prompt: "Menu {number}. For one, press 1. For two, press 2. '
            f'For three, press 3. For an agent, press 0."\n'
            f'      options: {{{options}, "0": agent}}\n'
        )
        for child, target in zip(children, targets, strict=True):
            if target.startswith("q"):
                lines.append(f"  q{child}:\n    queue: {{name: queue{child}, wait: 60}}\n")
    return "".join(lines)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    """User plus system CPU seconds of process ``pid`` so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main(menus: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        menu_dir = Path(folder) / "menus"
        menu_dir.mkdir()
        (menu_dir / "line.yaml").write_text(menu_text(menus), encoding="utf-8")
        port = free_port()
        env = {**os.environ, "IVR_DATABASE_URL": f"sqlite:///{folder}/calls.db"}
        ivr = str(Path(sys.executable).parent / "ivr")
        server = subprocess.Popen(
            [ivr, "serve", str(menu_dir), "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}/voice/line"
        try:
            for _ in range(300):
                try:
                    urllib.request.urlopen(url, data=b"CallSid=CAwarm", timeout=1).read()
                    break
                except OSError:
                    time.sleep(0.1)
            server_before = cpu_seconds(server.pid)
            cpu_before, wall_before = time.process_time(), time.perf_counter()
            line = Crawler(url, TwimlCaller(url), keys="0123", max_requests=100_000).crawl()
            wall = time.perf_counter() - wall_before
            crawler_cpu = time.process_time() - cpu_before
            server_cpu = cpu_seconds(server.pid) - server_before
        finally:
            server.terminate()
            server.wait(10)
    print(f"generated line: {menus} menus; crawled {len(line.nodes)} nodes")
    print(
        f"requests:       {line.requests} in {wall:.2f} s ({line.requests / wall:.0f} requests/s)"
    )
    print(f"CPU seconds:    crawler {crawler_cpu:.2f}, server {server_cpu:.2f}")
    verdict = "less" if crawler_cpu < server_cpu else "MORE"
    print(f"the crawler spent {verdict} time than the server")
    if line.warnings:
        print("warnings:", *line.warnings, sep="\n  ")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 333)
