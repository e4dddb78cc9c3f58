"""Throughput and latency of the ivr webhook next to a hand-written Flask TwiML app.

``python bench/webhook.py [--seconds S] [--clients N] [--rounds R] [--big-menu NODES]
[--only werkzeug|gunicorn]``
prints three measurements, each as requests per second and p50/p99 latency:

1. Both apps under werkzeug's threaded server, the ivr webhook writing its call
   records to SQLite (target: ivr at least 0.8 of the hand-written throughput).
2. Both apps under gunicorn with 4 workers (4 threads each), the ivr webhook
   writing to PostgreSQL (a throw-away cluster, as in the tests; ``--postgres URL``
   uses yours instead).
3. The ivr webhook under the same gunicorn, alone and then while 8 clients
   reload the phone index (``GET /``) without pause, with a menu of NODES nodes
   (default 10,000) in the menu folder beside the bundled ones (goal: webhook p99
   within 20 % of its p99 alone): once with the pages on the same workers, once
   served apart as docs/webhook.md shows (``IVR_PAGES=off`` for the webhook's
   workers, the pages on one other worker at ``nice -n 10``).

N client threads place the same call again and again: answer, press 0, hear the
queue's hold loop (three requests). Rounds alternate between the apps compared.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import importlib.util
import logging
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
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
NOW = "2026-11-23T10:00"
APPS = {"ivr": "/voice/acme-hot", "handwritten": "/voice"}
PAGE_CLIENTS = 8
GUNICORN_WORKERS = 4
PAGES_NICE = 10  # the pages' worker runs at a lower priority, as docs/webhook.md shows


def module_at(path: Path) -> ModuleType:
    """The Python file at ``path`` as a module (bench/ and tests/ are not packages)."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def serve(which: str, port: int, database: str) -> None:
    """Run one app on 127.0.0.1:port with werkzeug's threaded server (subprocess mode)."""
    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    if which == "ivr":
        from ivr.web import create_app

        app = create_app({"MENU_DIR": str(ROOT / "menus"), "DATABASE_URL": database, "NOW": NOW})
    else:
        app = module_at(ROOT / "bench" / "handwritten_app.py").app
    server = make_server("127.0.0.1", port, app, threaded=True)
    server.socket.listen(256)
    server.serve_forever()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def request(port: int, method: str, path: str, fields: dict[str, str] | None = None) -> str:
    """One request; the body (RuntimeError unless the answer is 200)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    body = urlencode({**FORM, **fields}) if fields is not None else None
    headers = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
    connection.request(method, path, body, headers)
    answer = connection.getresponse()
    text = answer.read().decode()
    connection.close()
    if answer.status != 200:
        raise RuntimeError(f"{method} {path}: HTTP {answer.status}")
    return text


def post(port: int, path: str, fields: dict[str, str]) -> tuple[float, str]:
    """One webhook request; its latency in seconds and the body."""
    began = time.perf_counter()
    body = request(port, "POST", path, fields)
    return time.perf_counter() - began, body


def one_call(port: int, start: str, latencies: list[float]) -> None:
    """Answer, press 0, hear the hold loop: three requests."""
    spent, body = post(port, start, {})
    latencies.append(spent)
    action = dict(URL_ATTRIBUTE.findall(body))["action"]
    spent, body = post(port, action.replace("&amp;", "&"), {"Digits": "0"})
    latencies.append(spent)
    wait = dict(URL_ATTRIBUTE.findall(body))["waitUrl"]
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


@contextlib.contextmanager
def page_readers(port: int, clients: int) -> Iterator[list[int]]:
    """``clients`` threads reloading the phone index while the block runs; yields a
    one-item list counting the pages served."""
    stop = threading.Event()
    served = [0]

    def reader() -> None:
        while not stop.is_set():
            request(port, "GET", "/")
            served[0] += 1

    threads = [threading.Thread(target=reader) for _ in range(clients)]
    for thread in threads:
        thread.start()
    try:
        yield served
    finally:
        stop.set()
        for thread in threads:
            thread.join()


def wait_until_up(port: int, start: str, process: subprocess.Popen | None = None) -> None:
    for _ in range(1200):
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server on port {port} exited with {process.returncode}")
        try:
            post(port, start, {})
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"server on port {port} did not start")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def figures(name: str, rates: list[float], latencies: list[float]) -> str:
    return (
        f"{name:24} {statistics.median(rates):8.1f} req/s   "
        f"p50 {percentile(latencies, 0.5) * 1000:7.2f} ms   "
        f"p99 {percentile(latencies, 0.99) * 1000:7.2f} ms   ({len(latencies)} requests)"
    )


def compare(ports: dict[str, int], args: argparse.Namespace) -> dict[str, float]:
    """Alternating rounds on each app; prints its figures; the median rate of each."""
    rates: dict[str, list[float]] = {name: [] for name in ports}
    latencies: dict[str, list[float]] = {name: [] for name in ports}
    for _ in range(args.rounds):
        for name, port in ports.items():
            count, elapsed, spent = drive(port, APPS[name], args.clients, args.seconds)
            rates[name].append(count / elapsed)
            latencies[name].extend(spent)
    for name in ports:
        print(figures(name, rates[name], latencies[name]))
    return {name: statistics.median(rates[name]) for name in ports}


def werkzeug_round(args: argparse.Namespace) -> None:
    """Measurement 1: both apps under werkzeug's threaded server, records in SQLite."""
    with tempfile.TemporaryDirectory() as folder:
        database = f"sqlite:///{folder}/bench-calls.db"
        ports = {name: free_port() for name in APPS}
        servers = []
        for name in APPS:
            serving = ("--serve", name, "--port", str(ports[name]), "--database", database)
            servers.append(subprocess.Popen([sys.executable, __file__, *serving], cwd=ROOT))
        try:
            for name, process in zip(APPS, servers, strict=True):
                wait_until_up(ports[name], APPS[name], process)
            print(f"\n1. werkzeug threaded server, SQLite call records, {args.clients} clients")
            rates = compare(ports, args)
        finally:
            for server in servers:
                server.terminate()
                server.wait(30)
    print(f"ratio ivr / handwritten: {rates['ivr'] / rates['handwritten']:.2f} (target >= 0.80)")


@contextlib.contextmanager
def gunicorn(
    app: str,
    port: int,
    env: dict[str, str],
    *options: str,
    workers: int = GUNICORN_WORKERS,
    nice: int = 0,
) -> Iterator[None]:
    """``app`` under gunicorn with ``workers`` workers of 4 threads on 127.0.0.1:port
    (at ``nice``: a lower priority for the operating system)."""
    command = [
        *(("nice", "-n", str(nice)) if nice else ()),
        *(sys.executable, "-m", "gunicorn", "--workers", str(workers), "--threads", "4"),
        *("--bind", f"127.0.0.1:{port}", "--log-level", "warning", "--backlog", "512"),
        *options,
        app,
    ]
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env})
    try:
        yield
    finally:
        process.terminate()
        process.wait(60)


@contextlib.contextmanager
def postgres_database(given: str | None) -> Iterator[str]:
    """``given``, or a database in a throw-away cluster (the tests' own fixture code)."""
    if given:
        yield given
        return
    support = module_at(ROOT / "tests" / "web" / "postgres_support.py")
    binaries = support.postgres_bin()
    if binaries is None:
        raise SystemExit("PostgreSQL is not installed: apt-get install postgresql, or --postgres")
    folder = Path(tempfile.mkdtemp(prefix="ivr-bench-postgres-"))
    cluster = support.PostgresCluster(binaries, folder)
    try:
        yield cluster.new_database()
    finally:
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)


def gunicorn_rounds(args: argparse.Namespace) -> None:
    """Measurements 2 and 3: gunicorn, PostgreSQL call records, and the pages' load."""
    with tempfile.TemporaryDirectory() as folder, postgres_database(args.postgres) as database:
        menus = Path(folder) / "menus"
        shutil.copytree(ROOT / "menus", menus)
        if args.big_menu:
            generate = module_at(ROOT / "bench" / "load.py").generate
            (menus / "big.yaml").write_text(generate(args.big_menu))
        env = {
            "IVR_MENU_DIR": str(menus),
            "IVR_DATABASE_URL": database,
            "IVR_JOURNAL_DIR": f"{folder}/journal",
            "IVR_STATE_SECRET": "bench: one secret for every worker",
            "IVR_NOW": NOW,
        }
        ports = {name: free_port() for name in APPS}
        with (
            gunicorn("ivr.web:create_app()", ports["ivr"], env),
            gunicorn(
                "handwritten_app:app", ports["handwritten"], {}, "--pythonpath", str(ROOT / "bench")
            ),
        ):
            for name in APPS:
                wait_until_up(ports[name], APPS[name])
            print(
                f"\n2. gunicorn, {GUNICORN_WORKERS} workers x 4 threads, PostgreSQL call "
                f"records, {args.clients} clients"
            )
            rates = compare(ports, args)
            ratio = rates["ivr"] / rates["handwritten"]
            print(f"ratio ivr / handwritten: {ratio:.2f}")
            page_load(ports["ivr"], ports["ivr"], args, "on the webhook's own workers")
        pages = free_port()
        with (
            gunicorn("ivr.web:create_app()", ports["ivr"], {**env, "IVR_PAGES": "off"}),
            gunicorn("ivr.web:create_app()", pages, env, workers=1, nice=PAGES_NICE),
        ):
            wait_until_up(ports["ivr"], APPS["ivr"])
            wait_until_up(pages, APPS["ivr"])
            how = f"apart (IVR_PAGES=off; pages on 1 other worker at nice {PAGES_NICE})"
            page_load(ports["ivr"], pages, args, how)


def page_load(port: int, pages: int, args: argparse.Namespace, how: str) -> None:
    """Measurement 3: the webhook's latency alone, then while pages (served on port
    ``pages``, as ``how`` says) are reloaded."""
    request(pages, "GET", "/")  # the first look at the index may build what it caches
    alone: list[float] = []
    loaded: list[float] = []
    served_pages = 0
    for _ in range(args.rounds):
        alone.extend(drive(port, APPS["ivr"], args.clients, args.seconds)[2])
        with page_readers(pages, PAGE_CLIENTS) as served:
            loaded.extend(drive(port, APPS["ivr"], args.clients, args.seconds)[2])
        served_pages += served[0]
    print(
        f"\n3. the ivr webhook under gunicorn, alone and while {PAGE_CLIENTS} clients reload "
        f"the phone index, served {how} ({served_pages} pages, "
        f"{args.big_menu or 'no'}-node menu beside)"
    )
    seconds = args.rounds * args.seconds
    print(figures("webhook alone", [len(alone) / seconds], alone))
    print(figures("webhook, pages reloaded", [len(loaded) / seconds], loaded))
    change = percentile(loaded, 0.99) / percentile(alone, 0.99) - 1
    print(f"webhook p99 with pages reloaded: {change:+.0%} (goal: within +20 %)")


def main() -> int:
    """Run the measurements (or, with the hidden ``--serve``, one server)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="length of one round")
    parser.add_argument("--clients", type=int, default=8, help="concurrent client threads")
    parser.add_argument("--rounds", type=int, default=5, help="rounds per app (alternating)")
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL database to write to")
    parser.add_argument(
        "--big-menu", type=int, default=10_000, metavar="NODES", help="0: bundled menus only"
    )
    parser.add_argument(
        "--only",
        choices=("werkzeug", "gunicorn"),
        help="only measurement 1 (werkzeug), or only 2 and 3 (gunicorn)",
    )
    parser.add_argument("--serve", choices=list(APPS), help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port, args.database)
        return 0
    if args.only != "gunicorn":
        werkzeug_round(args)
    if args.only != "werkzeug":
        gunicorn_rounds(args)
    return 0


if __name__ == "__main__":
    # bench/ holds other scripts (bench/audit.py...) that must not shadow packages
    sys.path = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
