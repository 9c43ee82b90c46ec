"""Paper modules: one file per paper, declarations only (no numerics, no I/O).

Each module builds a :class:`scalinglaws.Paper` and declares its laws; the registry imports every
module here on first use.
"""
