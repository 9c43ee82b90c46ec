"""The numeric layer of scalinglaws: paper validators, the verification engine, the processes.

Installed as ``scalinglaws.validators`` (always import it by that name). Importing this package
is light: numba and cupy are imported lazily, inside the functions that need them.

Layout
------
``<paper>`` (every top-level module)
    The checks of one paper's laws: what to measure, where, at which sizes. A check returns a
    measurement; it never judges.
``engine``
    The checks registry, the one judge (:func:`scalinglaws.validators.engine.judge`), verdicts,
    run records, ``verify`` and the report; ``engine.fit`` measures slopes, thresholds and
    extrapolated limits.
``processes``
    The stochastic processes (one module per model family), their exact deterministic
    equivalents, and ``processes.backend`` (numpy / numba / cupy selection, per-replica random
    streams).
"""
