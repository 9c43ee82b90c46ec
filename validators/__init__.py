"""The numeric layer of scalinglaws: simulated processes, fits and verdicts.

Installed as ``scalinglaws.validators`` (always import it by that name). Importing this package
is light: numba and cupy are imported lazily, inside the functions that need them.

Modules
-------
backend
    numpy / numba / cupy selection and per-replica random streams.
processes
    The stochastic processes (one module per model family) and their exact deterministic
    equivalents, e.g. :mod:`scalinglaws.validators.processes.linreg`.
"""
