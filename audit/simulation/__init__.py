"""A day (or week) of calls, call by call: ``ivr simulate``.

Callers arrive (``arrivals``), each wants a destination and walks the menu through
the real call engine (``walk``, memoised per distinct script), then waits in the
queue it reached, served first come first served by the agents staffed at that
time, or gives up when its patience runs out (``queues``: an exact fast path and a
SimPy engine that must agree). ``run`` plays one seeded replication; ``figures``
turns replications into per-interval and day figures with confidence intervals
beside Erlang A and C; ``executors`` runs replications on local processes or a Dask
cluster (results depend only on the seed); ``report`` writes text, JSON or HTML.
See docs/simulate.md.
"""
