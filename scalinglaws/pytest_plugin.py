"""A pytest plugin: the ``assert_law`` fixture for your own test suite.

Installed with the package (entry point ``pytest11``); in a test::

    def test_my_rate(assert_law):
        assert_law("anytime.minimax_risk", Curve(N, risk, Exponent("N"), point={...}))

``assert_law(law, measurement, **options)`` is :func:`scalinglaws.testing.assert_supports` judged
by the same judge as ``scalinglaws verify``; when it fails, the message names a plot of the check
(the curve, the fit, the prediction, the local slopes) drawn in the test's ``tmp_path``.
"""

from __future__ import annotations

import re

import pytest

__all__ = ["assert_law"]


@pytest.fixture
def assert_law(tmp_path):
    """``assert_law(law, measurement, *, seed=0, allow_inconclusive=False)``: see the module."""
    from scalinglaws.testing import assert_supports

    count = 0

    def check(law, measurement, **options):
        nonlocal count
        count += 1
        key = law if isinstance(law, str) else law.key
        name = re.sub(r"[^A-Za-z0-9._-]", "_", key)
        return assert_supports(law, measurement, plot=tmp_path / f"{count:02d}-{name}.png",
                               **options)

    return check
