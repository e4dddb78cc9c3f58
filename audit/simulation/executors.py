"""Where replications run: this process, local processes, or a Dask cluster.

Every replication gets its own random stream, spawned from one
``numpy.random.SeedSequence(seed)`` by its number, so the results depend only on
the seed, never on the executor or the number of workers. Any
``concurrent.futures.Executor`` works; ``dask://HOST:PORT`` (``pip install
'ivr[dask]'``) asks a Dask scheduler for one.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager

import numpy as np

from audit.simulation.run import Options, Replication, replicate


class ExecutorError(ValueError):
    """The executor named cannot be used (a bad address, Dask not installed...)."""


def seeds(seed: int, replications: int) -> list[np.random.SeedSequence]:
    """One independent stream per replication, the same for any executor."""
    return np.random.SeedSequence(seed).spawn(replications)


def run_replications(
    options: Options,
    replications: int,
    seed: int,
    executor: Executor | None = None,
    done: Callable[[int], None] | None = None,
) -> list[Replication]:
    """``replications`` replications of ``options``, in the order of their numbers.

    ``done`` is told the number of replications finished so far. On Ctrl-C the
    replications finished until then are returned.
    """
    streams = seeds(seed, replications)
    results: list[Replication] = []
    try:
        if executor is None:
            for stream in streams:
                results.append(replicate(options, stream))
                if done:
                    done(len(results))
        else:
            for result in executor.map(replicate, [options] * replications, streams):
                results.append(result)
                if done:
                    done(len(results))
    except KeyboardInterrupt:
        if not results:
            raise
    return results


@contextmanager
def executor_for(address: str | None, replications: int) -> Iterator[Executor | None]:
    """``None`` (this process) for one replication or ``local`` with one core; local
    processes; or a Dask cluster's executor for ``dask://HOST:PORT``."""
    address = address or os.environ.get("IVR_EXECUTOR") or "local"
    if address.startswith(("dask://", "tcp://")):
        try:
            from distributed import Client
        except ImportError as exc:  # pragma: no cover - depends on the installed extras
            raise ExecutorError("Dask is not installed: pip install 'ivr[dask]'") from exc
        target = "tcp://" + address.removeprefix("dask://").removeprefix("tcp://")
        try:
            client = Client(target, timeout="10s")
        except OSError as exc:
            raise ExecutorError(f"cannot reach the Dask scheduler at {target}: {exc}") from exc
        try:
            yield client.get_executor()
        finally:
            client.close()
        return
    if address != "local":
        raise ExecutorError(f'unknown executor "{address}": use local or dask://HOST:PORT')
    workers = min(replications, os.cpu_count() or 1)
    if workers <= 1:
        yield None
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield pool
