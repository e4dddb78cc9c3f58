"""Throughput and latency of the ivr webhook next to a hand-written Flask TwiML app.

``python bench/webhook.py [--seconds S] [--clients N] [--rounds R]`` starts both
apps on 127.0.0.1 in their own processes, on the same server (werkzeug's
threaded server), and drives each with N client threads placing the same call:
answer, press 0, hear the queue's hold loop (three requests). Rounds alternate
between the two apps. It prints requests per second and p50/p99 latency for
each, and the ratio of throughputs (target: ivr at least 0.8 of hand-written).
The ivr webhook writes every request to its SQLite call database, as in use.
"""

from __future__ import annotations

import argparse
import http.client
import importlib.util
import logging
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
URL_ATTRIBUTE = re.compile(r'(action|waitUrl)="([^"]+)"')
FORM = {
    "CallSid": "CA" + "0" * 32,
    "AccountSid": "AC" + "0" * 32,
    "From": "+14155550100",
    "To": "+14155550199",
    "CallStatus": "in-progress",
    "Direction": "inbound",
    "ApiVersion": "2010-04-01",
}


def serve(which: str, port: int, database: str) -> None:
    """Run one app on 127.0.0.1:port with werkzeug's threaded server (subprocess mode)."""
    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    if which == "ivr":
        from ivr.web import create_app

        app = create_app(
            {"MENU_DIR": str(ROOT / "menus"), "DATABASE_URL": database, "NOW": "2026-11-23T10:00"}
        )
    else:
        spec = importlib.util.spec_from_file_location(
            "handwritten_app", ROOT / "bench" / "handwritten_app.py"
        )
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        app = module.app
    server = make_server("127.0.0.1", port, app, threaded=True)
    server.socket.listen(256)
    server.serve_forever()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def post(port: int, path: str, fields: dict[str, str]) -> tuple[float, str]:
    """One request; its latency in seconds and the body."""
    began = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request(
        "POST",
        path,
        urlencode({**FORM, **fields}),
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    answer = connection.getresponse()
    body = answer.read().decode()
    connection.close()
    if answer.status != 200:
        raise RuntimeError(f"{path}: HTTP {answer.status}")
    return time.perf_counter() - began, body


def one_call(port: int, start: str, latencies: list[float]) -> None:
    """Answer, press 0, hear the hold loop: three requests."""
    spent, body = post(port, start, {})
    latencies.append(spent)
    action = dict((k, v) for k, v in URL_ATTRIBUTE.findall(body))["action"]
    spent, body = post(port, action.replace("&amp;", "&"), {"Digits": "0"})
    latencies.append(spent)
    wait = dict((k, v) for k, v in URL_ATTRIBUTE.findall(body))["waitUrl"]
    spent, _ = post(port, wait.replace("&amp;", "&"), {"QueuePosition": "1"})
    latencies.append(spent)


def drive(port: int, start: str, clients: int, seconds: float) -> tuple[int, float, list[float]]:
    """N threads placing calls for ``seconds``: (requests, elapsed, latencies)."""
    latencies: list[float] = []
    stop = time.perf_counter() + seconds

    def client() -> None:
        mine: list[float] = []
        while time.perf_counter() < stop:
            one_call(port, start, mine)
        latencies.extend(mine)

    began = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(latencies), time.perf_counter() - began, latencies


def wait_until_up(port: int, start: str) -> None:
    for _ in range(200):
        try:
            post(port, start, {})
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"server on port {port} did not start")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> int:
    """Run the comparison (or, with the hidden ``--serve``, one server)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="length of one round")
    parser.add_argument("--clients", type=int, default=8, help="concurrent client threads")
    parser.add_argument("--rounds", type=int, default=5, help="rounds per app (alternating)")
    parser.add_argument("--serve", choices=["ivr", "handwritten"], help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port, args.database)
        return 0
    apps = {"ivr": "/voice/acme-hot", "handwritten": "/voice"}
    with tempfile.TemporaryDirectory() as folder:
        database = f"sqlite:///{folder}/bench-calls.db"
        ports = {name: free_port() for name in apps}
        servers = [
            subprocess.Popen(
                [
                    sys.executable,
                    __file__,
                    "--serve",
                    name,
                    "--port",
                    str(ports[name]),
                    "--database",
                    database,
                ],
                cwd=ROOT,
            )
            for name in apps
        ]
        try:
            for name, start in apps.items():
                wait_until_up(ports[name], start)
            rates: dict[str, list[float]] = {name: [] for name in apps}
            latencies: dict[str, list[float]] = {name: [] for name in apps}
            for _ in range(args.rounds):
                for name, start in apps.items():
                    count, elapsed, spent = drive(ports[name], start, args.clients, args.seconds)
                    rates[name].append(count / elapsed)
                    latencies[name].extend(spent)
        finally:
            for server in servers:
                server.terminate()
                server.wait(10)
    print(
        f"{args.clients} clients, {args.rounds} rounds of {args.seconds:g} s per app, "
        "werkzeug threaded server on 127.0.0.1"
    )
    for name in apps:
        print(
            f"{name:12} {statistics.median(rates[name]):8.1f} req/s   "
            f"p50 {percentile(latencies[name], 0.5) * 1000:6.2f} ms   "
            f"p99 {percentile(latencies[name], 0.99) * 1000:6.2f} ms   "
            f"({len(latencies[name])} requests)"
        )
    ratio = statistics.median(rates["ivr"]) / statistics.median(rates["handwritten"])
    print(f"ratio ivr / handwritten: {ratio:.2f} (target >= 0.80)")
    return 0


if __name__ == "__main__":
    # bench/ holds other scripts (bench/audit.py...) that must not shadow packages
    sys.path = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
