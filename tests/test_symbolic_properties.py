"""Property tests (hypothesis) of every registered law's symbolic layer.

For each law: its provenance and parameters are complete; mpmath and numpy evaluations agree
inside the regime; exponents in the scale variables are free of them; vectorised evaluation gives
NaN exactly outside the regime, silently; and the phases of a family tile the plane, agreeing on
their boundaries.
"""

import math
import signal
import warnings
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import scalinglaws as sl
from scalinglaws.errors import RegimeError
from scalinglaws.law import STATUSES, Reference

LAWS = sl.laws()
KEYS = [law.key for law in LAWS]
# Some regimes cover a small part of the parameter box (b >= 2a is ~15% of (1, 5]^2), so
# assume() rejects many draws there: allowed, the accepted examples still number max_examples.
SETTINGS = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def _value(param):
    """Values inside the parameter's domain, of reasonable magnitude, on a 0.01 decimal lattice.

    The lattice keeps exact SymPy arithmetic in Law.evaluate tractable: at full float precision
    it can stall for minutes (see test_evaluate_is_fast_at_full_precision_floats).
    """
    domain = param.domain
    assert isinstance(domain, sp.Interval), f"{param.name}: non-interval domain {domain}"
    lo = domain.start if domain.start.is_finite else None
    hi = domain.end if domain.end.is_finite else None
    if param.integer:
        low = max(1, math.ceil(lo)) if lo is not None else 1
        high = min(10**6, math.floor(hi)) if hi is not None else 10**6
        # counts up to 1000 half the time: regimes that tie an integer to a scale drawn below
        # 1000 (d <= t <= d^(alpha + 1/2)) must be hit reliably, not one draw in a thousand
        return st.one_of(st.integers(low, max(low, min(high, 1000))), st.integers(low, high))
    if hi is None and lo == 0:
        # scales (sigma^2, eta) in [0.01, 1000], and as often exponents (alpha) in [0.01, 5] and
        # in [0.01, 1]: regimes below a threshold such as alpha <= 1/2 must be hit reliably
        first = 1 + bool(domain.left_open)
        unit, small, large = (st.integers(first, 100), st.integers(first, 500),
                              st.integers(1, 100_000))
        return st.one_of(unit, small, large).map(lambda k: k / 100)
    if hi is None and lo is None:
        low, high = -500, 500  # a real exponent, unbounded: [-5, 5]
    elif hi is None:
        low, high = round(100 * lo), round(100 * lo) + 400  # exponents in (1, 5]
    else:
        low = round(100 * (lo if lo is not None else hi - 10))
        high = round(100 * hi)
    low += bool(domain.left_open) if lo is not None else 0
    high -= bool(domain.right_open) if hi is not None else 0
    return st.integers(low, high).map(lambda k: k / 100)
def _point(law):
    return st.fixed_dictionaries({name: _value(p) for name, p in law.params.items()})


def _magnitude(expr, subs) -> float:
    """The size of the terms making up ``expr`` at a point (float64 rounding is relative to it)."""
    if isinstance(expr, sp.Add):
        return sum(_magnitude(t, subs) for t in expr.args)
    if isinstance(expr, sp.Mul):
        return math.prod(_magnitude(f, subs) for f in expr.args)
    if isinstance(expr, (sp.Min, sp.Max)):
        return max(_magnitude(t, subs) for t in expr.args)
    return abs(float(expr.xreplace(subs).evalf(30)))


class _TimeLimit:
    """Fail (rather than hang the suite) when a call takes longer than ``seconds``."""

    def __init__(self, seconds, what):
        self.seconds, self.what = seconds, what

    def _expire(self, *_):
        raise TimeoutError(f"{self.what} took more than {self.seconds} s")

    def __enter__(self):
        self._old = signal.signal(signal.SIGALRM, self._expire)
        signal.alarm(self.seconds)

    def __exit__(self, *exc):
        signal.alarm(0)
        signal.signal(signal.SIGALRM, self._old)


def _evaluate(law, point):
    with _TimeLimit(10, f"{law.key}.evaluate({point})"):
        return law.evaluate(**point)


#: Relations whose sides are settled in floats when they are this far apart, relative to the size
#: of their terms: float64 rounding of a polynomial at these inputs is ~1e-13 of it.
_CLEAR_MARGIN = 1e-9
_VIOLATED = {sp.StrictGreaterThan: lambda d: d < 0, sp.GreaterThan: lambda d: d < 0,
             sp.StrictLessThan: lambda d: d > 0, sp.LessThan: lambda d: d > 0}


def _clearly_outside(law):
    """A cheap test that a point lies outside the law's regime beyond doubt, or None.

    Each polynomial comparison of the regime (alpha + beta >= 1/2) is computed in floats; a point
    that breaks one by more than rounding can is outside, and :meth:`Law.check` would raise
    RegimeError there (a polynomial regime has no power for its overflow guard to refuse). Points
    near a boundary, and conditions of other kinds, are left to the exact check. Where a regime is
    a small part of the box this skips thousands of exact rejections (8-25 s a law).
    """
    symbols = [p.symbol for p in law.params.values()]
    tests = []
    for condition in law.conditions:
        violated = _VIOLATED.get(type(condition))
        difference = condition.lhs - condition.rhs if violated else None
        if violated is None or not difference.is_polynomial(*symbols):
            continue
        size = sp.Add(1, *(sp.Abs(t) for t in sp.Add.make_args(sp.expand(difference))))
        tests.append((sp.lambdify(symbols, difference, "math"), sp.lambdify(symbols, size, "math"),
                      violated))
    if not tests:
        return None
    names = list(law.params)

    def outside(point) -> bool:
        args = [point[name] for name in names]
        for difference, size, violated in tests:
            d = difference(*args)
            if abs(d) > _CLEAR_MARGIN * size(*args) and violated(d):
                return True
        return False

    return outside


def _close(numpy_value, law, point, exact) -> bool:
    """Agreement to 1e-9 relative to the value, or to the size of its terms where they cancel."""
    exact = float(exact)
    error = abs(float(numpy_value) - exact)
    if error <= 1e-9 * abs(exact):
        return True
    return error <= 1e-9 * _magnitude(law.expr, law.check(**point))


# ---- (i) provenance and parameters -------------------------------------------------------------


@pytest.mark.parametrize("key", KEYS)
def test_reference_and_params_complete(key):
    law = sl.law(key)
    assert isinstance(law.reference, Reference)
    assert law.reference.status in STATUSES
    assert law.reference.arxiv and law.reference.where
    declared = {p.symbol for p in law.params.values()}
    assert law.expr.free_symbols | law.regime.free_symbols <= declared
    assert all(law.params[name].symbol.name == name for name in law.params)


# ---- (ii) mpmath and numpy agree inside the regime ----------------------------------------------


@pytest.mark.parametrize("key", KEYS)
def test_mpmath_and_numpy_agree(key):
    law = sl.law(key)
    f = law.lambdify("numpy")
    outside = _clearly_outside(law)
    # points clearly outside the regime are redrawn at once, not rejected by the exact check
    # below (which still decides every other point): the same points are tested, cheaper
    points = _point(law) if outside is None else _point(law).filter(lambda p: not outside(p))

    @SETTINGS
    @given(points)
    def run(point):
        try:  # Law.in_regime(**point) is exactly "check(**point) raises no RegimeError"
            exact = _evaluate(law, point)
        except RegimeError:
            assume(False)
        value = f(**point)
        assert np.isfinite(value)
        assert _close(value, law, point, exact), (point, float(value), float(exact))

    run()


# Regression: Law.evaluate used to substitute exact Rationals and stall in SymPy at such points.
@pytest.mark.parametrize(
    "key, point",
    [
        ("anytime.classic.horizon_optimal_step", dict(N=61749, a=4.1904, b=4.2676)),
        (
            "anytime.classic.averaged_sgd_bias",
            dict(N=779, eta=22.788471451705668, a=3.2897428814406497, b=2.2267213407590076),
        ),
    ],
)
def test_evaluate_is_fast_at_full_precision_floats(key, point):
    law = sl.law(key)
    with _TimeLimit(1, f"{key}.evaluate"):
        value = law.evaluate(**point)
    assert _close(law.lambdify("numpy")(**point), law, point, value), float(value)


# ---- (iii) exponents in the scale variables ----------------------------------------------------


@pytest.mark.parametrize("key", [law.key for law in LAWS if law.scale_vars])
def test_exponent_free_of_its_variable(key):
    law = sl.law(key)
    for var in law.scale_vars:
        p = law.exponent(var)
        assert law.params[var].symbol not in p.free_symbols, (var, p)
        assert p.free_symbols <= {s.symbol for s in law.params.values()}


# ---- (iv) outside the regime: NaN, exactly there, without warnings -----------------------------


@pytest.mark.parametrize("key", KEYS)
def test_nan_exactly_outside_the_regime(key):
    law = sl.law(key)
    if not law.params:
        pytest.skip("a constant law (no parameter): no regime to leave, nothing to broadcast")
    f = law.lambdify("numpy", outside="nan")

    @settings(SETTINGS, max_examples=25)
    @given(st.lists(_point(law), min_size=2, max_size=5))
    def run(points):
        inside = np.array([law.in_regime(**pt) for pt in points])
        arrays = {name: np.array([pt[name] for pt in points], dtype=float) for name in law.params}
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)
            out = f(**arrays)
        assert out.shape == (len(points),)
        np.testing.assert_array_equal(np.isnan(out), ~inside)
        assert np.all(np.isfinite(out[inside]))

    run()


# ---- (v) phase families tile the plane and agree on their boundaries ---------------------------


FAMILIES = sorted(sl.families())


def _on_a_boundary(members, subs) -> bool:
    for law in members:
        for cond in law.conditions:
            if isinstance(cond, sp.core.relational.Relational):
                if sp.simplify((cond.lhs - cond.rhs).xreplace(subs)) == 0:
                    return True
    return False


def _check_phase(family, point):
    members = sl.laws(family=family)
    result = sl.phase(family, **point)
    holding = [law for law in members if law.in_regime(**{k: point[k] for k in law.params})]
    assert {law.key for law in result.laws} == {law.key for law in holding}
    assert result.on_boundary == (len(result.laws) > 1)
    symbols = {p.name: p.symbol for law in members for p in law.params.values()}
    subs = {
        symbols[k]: sp.Rational(v.numerator, v.denominator)
        if isinstance(v, Fraction)
        else sp.Rational(repr(v))
        for k, v in point.items()
    }
    if not _on_a_boundary(members, subs):
        assert len(result.laws) == 1, result
    if result.on_boundary:
        assert _on_a_boundary(members, subs)
        values = {law.subs(**{k: point[k] for k in law.params}) for law in result.laws}
        assert len({sp.nsimplify(v) for v in values}) == 1, (result, values)
    return result


@pytest.mark.parametrize("family", FAMILIES)
def test_phases_partition_the_plane(family):
    members = sl.laws(family=family)
    params = {}
    for law in members:
        params.update(law.params)

    point = st.fixed_dictionaries(
        {
            name: st.floats(1, 6, exclude_min=True, exclude_max=True)
            if p.domain.start == 1
            else _value(p)
            for name, p in params.items()
        }
    )

    @SETTINGS
    @given(point)
    def run(pt):
        _check_phase(family, pt)

    run()


@SETTINGS
@given(
    st.fractions(min_value=Fraction(65, 64), max_value=3, max_denominator=64),
    st.sampled_from([1, 2]),
)
def test_rate_phases_agree_on_their_boundaries(a, multiple):
    # the anytime.rate boundaries are b = a (hard | minimax) and b = 2a (minimax | early noise)
    result = _check_phase("anytime.rate", {"a": a, "b": multiple * a})
    assert result.on_boundary
    assert len(result.laws) == 2
