"""Unit tests of the data model (Param, Reference, Law, Paper) and the registry."""

import mpmath
import numpy as np
import pytest
import sympy as sp

import scalinglaws as sl
from scalinglaws.errors import (
    DomainError,
    ParameterError,
    RegimeError,
    RegistrationError,
    UnknownKeyError,
)
from scalinglaws.law import Law, Paper, Param, Reference, leading_exponent


def _paper(name="demo"):
    return Paper(name, arxiv="0000.00000", version=1, title="Demo", register=False)


def _ref(status="derived"):
    return Reference(arxiv="0000.00000", where="Eq. (1)", status=status)


# -- Param ---------------------------------------------------------------------------------------


def test_param_symbol_assumptions_follow_domain():
    assert Param("x", "positive", domain=sp.Interval.open(1, sp.oo)).symbol.is_positive
    nonneg = Param("y", "non-negative", domain=sp.Interval(0, sp.oo)).symbol
    assert nonneg.is_nonnegative and nonneg.is_positive is None
    real = Param("z", "real", domain=sp.Interval(-1, 1)).symbol
    assert real.is_real and real.is_positive is None
    assert Param("n", "count", integer=True).symbol.is_integer


def test_param_check_is_exact_and_validates():
    p = Param("a", "capacity exponent", domain=sp.Interval.open(1, sp.oo))
    assert p.check(1.5) == sp.Rational(3, 2)
    assert p.check(2) == 2
    with pytest.raises(DomainError, match=r"a=1 is outside its domain \(1, oo\)"):
        p.check(1)
    with pytest.raises(ParameterError):
        p.check("1.5")
    with pytest.raises(ParameterError):
        p.check(True)
    with pytest.raises(DomainError):
        p.check(float("inf"))
    with pytest.raises(DomainError, match="integer"):
        Param("n", "count", integer=True).check(2.5)


def test_param_rejects_bad_declarations():
    with pytest.raises(RegistrationError):
        Param("not an identifier", "x")
    with pytest.raises(RegistrationError):
        Param("x", "x", domain=(0, 1))


# -- Reference -----------------------------------------------------------------------------------


def test_reference_requires_known_status_and_location():
    with pytest.raises(RegistrationError, match="provenance status"):
        Reference(arxiv="1", where="Thm 1", status="trust me")
    with pytest.raises(RegistrationError):
        Reference(arxiv="1", where="", status="paper")
    ref = Reference(arxiv="2602.03702", version=1, where="Corollary 1", status="transcribed")
    assert ref.url == "https://arxiv.org/abs/2602.03702v1"
    assert "third party" in ref.status_meaning
    assert ref.to_dict()["status"] == "transcribed"


# -- Law registration ----------------------------------------------------------------------------


def test_law_without_reference_does_not_register():
    p = _paper()
    x = p.param("x", "a number")
    with pytest.raises(RegistrationError, match="Reference"):
        p.law("bare", quantity="x", expr=x)
    assert "demo.bare" not in p.laws


def test_law_with_undeclared_symbol_does_not_register():
    p = _paper()
    x = p.param("x", "a number")
    y = sp.Symbol("y", positive=True)
    with pytest.raises(RegistrationError, match="y have no Param"):
        p.law("loose", quantity="x y", expr=x * y, where="Eq. 2", status="paper")
    with pytest.raises(RegistrationError, match="no Param"):
        p.law("loose_regime", quantity="x", expr=x, regime=y > 1, where="Eq. 2", status="paper")


def test_law_rejects_unknown_kind_and_duplicate_keys():
    p = _paper()
    x = p.param("x", "a number")
    with pytest.raises(RegistrationError, match="kind"):
        p.law("k", quantity="x", expr=x, kind="roughly", where="Eq", status="paper")
    p.law("ok", quantity="x", expr=x, where="Eq", status="paper")
    with pytest.raises(RegistrationError, match="twice"):
        p.law("ok", quantity="x", expr=x, where="Eq", status="paper")


def test_law_params_are_exactly_its_symbols():
    p = _paper()
    x = p.param("x", "a number")
    p.param("unused", "not in the law")
    law = p.law("sq", quantity="x^2", expr=x**2, where="Eq", status="derived")
    assert list(law.params) == ["x"]


# -- evaluate / check ----------------------------------------------------------------------------


def test_evaluate_matches_issue_example():
    law = sl.law("anytime.optimal_decay_exponent")
    assert law.evaluate(a=1.5, b=2) == mpmath.mpf("0.25")
    assert law.evaluate(a=sp.Rational(3, 2), b=2) == mpmath.mpf("0.25")
    # b <= a: the max binds
    assert law.evaluate(a=2, b=1.5) == 0


def test_evaluate_precision_follows_dps():
    law = sl.law("anytime.minimax_risk_exponent")
    value = law.evaluate(a=2, b=3, dps=50)
    with mpmath.workdps(50):
        assert abs(value - mpmath.mpf(2) / 3) < mpmath.mpf(10) ** -45


def test_regime_error_names_the_violated_condition():
    law = sl.law("anytime.minimax_risk_exponent")
    with pytest.raises(RegimeError) as err:
        law.evaluate(a=2, b=1.5)
    assert "a <= b" in str(err.value)
    assert err.value.condition == sp.Le(law.params["a"].symbol, law.params["b"].symbol)
    with pytest.raises(RegimeError, match=r"b <= 2\*a"):
        law.evaluate(a=1.5, b=4)
    assert not law.in_regime(a=1.5, b=4)
    assert law.in_regime(a=1.5, b=3)  # boundary b = 2a is inside (closed)


def test_missing_and_unknown_parameters():
    law = sl.law("anytime.optimal_decay_exponent")
    with pytest.raises(ParameterError, match="missing parameter"):
        law.evaluate(a=1.5)
    with pytest.raises(ParameterError, match="did you mean 'b'"):
        law.evaluate(a=1.5, bb=2)
    with pytest.raises(DomainError):
        law.evaluate(a=0.5, b=2)


def test_subs_is_exact():
    assert sl.law("anytime.optimal_decay_exponent").subs(a=1.5, b=2) == sp.Rational(1, 4)


# -- exponent ------------------------------------------------------------------------------------


def test_exponent_drops_logs_and_takes_leading_term():
    N = sp.Symbol("N", positive=True)
    p = sp.Symbol("p", positive=True)
    assert leading_exponent(N ** (-p) * sp.log(N) ** 3, N) == -p
    assert leading_exponent(sp.sqrt(N) * sp.log(N), N) == sp.Rational(1, 2)
    assert leading_exponent(N**2 + N**3, N) == 3
    assert leading_exponent(sp.Integer(7), N) == 0
    assert sl.law("anytime.minimax_risk").exponent("N") == sp.simplify(1 / sl.law(
        "anytime.minimax_risk").params["b"].symbol - 1)


def test_exponent_of_a_sum_is_the_max_over_terms():
    law = sl.law("anytime.wsd_last_iterate_rate")
    e = law.exponent("N")
    a, b = law.params["a"].symbol, law.params["b"].symbol
    # b > a: variance term -(1 - 1/a) dominates; b < a: bias -(b - 1)/a
    assert e.subs({a: sp.Rational(3, 2), b: 3}) == -sp.Rational(1, 3)
    assert e.subs({a: sp.Rational(3, 2), b: sp.Rational(5, 4)}) == -sp.Rational(1, 6)
    with pytest.raises(ParameterError):
        law.exponent("T")


# -- latex ---------------------------------------------------------------------------------------


def test_latex_wraps_by_kind():
    assert sl.law("anytime.minimax_risk").latex().startswith(r"\tilde{\Theta}\left(")
    assert sl.law("anytime.wsd_last_iterate_rate").latex().startswith(r"O\left(")
    assert sl.law("anytime.optimal_decay_exponent").latex(lhs=True).startswith(r"\gamma^* =")
    assert r"\lesssim" in sl.law("anytime.wsd_last_iterate_rate").latex(lhs=True)
    assert r"\sigma^{2}" in sl.law("anytime.minimax_risk").latex()


# -- lambdify ------------------------------------------------------------------------------------


def test_lambdify_numpy_matches_evaluate_and_broadcasts():
    law = sl.law("anytime.optimal_decay_exponent")
    f = law.lambdify()
    a = np.array([1.5, 2.0, 3.0])
    out = f(a=a, b=3.0)
    expected = [float(law.evaluate(a=x, b=3.0)) for x in a]
    np.testing.assert_allclose(out, expected, rtol=1e-14)
    assert f(a=1.5, b=2.0) == pytest.approx(0.25)


def test_lambdify_outside_regime_raises_or_gives_nan():
    law = sl.law("anytime.minimax_risk_exponent")
    with pytest.raises(RegimeError, match="a <= b"):
        law.lambdify()(a=np.array([2.0, 2.0]), b=np.array([3.0, 1.5]))
    out = law.lambdify(outside="nan")(a=np.array([2.0, 2.0]), b=np.array([3.0, 1.5]))
    assert out[0] == pytest.approx(2 / 3) and np.isnan(out[1])
    with pytest.raises(DomainError):
        law.lambdify()(a=np.array([0.5]), b=np.array([3.0]))


def test_piecewise_branches_evaluated_only_on_their_region():
    p = _paper()
    x = p.param("x", "real", domain=sp.Interval(-5, 5))
    law = p.law(
        "pw",
        quantity="1/x for x > 0, else 0",
        expr=sp.Piecewise((1 / x, x > 0), (sp.log(-x + 1), True)),
        where="Eq",
        status="derived",
    )
    f = law.lambdify()
    with np.errstate(all="raise"):  # a branch evaluated outside its region would raise here
        out = f(x=np.array([-1.0, 0.0, 2.0]))
    np.testing.assert_allclose(out, [np.log(2.0), 0.0, 0.5])


def test_lambdify_mpmath_and_bad_backend():
    law = sl.law("anytime.optimal_decay_exponent")
    assert law.lambdify("mpmath")(a=1.5, b=2) == mpmath.mpf("0.25")
    with pytest.raises(ValueError, match="backend"):
        law.lambdify("torch")


def test_lambdify_cupy_without_gpu_is_a_clear_error():
    pytest.importorskip("numpy")
    try:
        import cupy  # noqa: F401

        pytest.skip("cupy present: covered by gpu tests")
    except ImportError:
        pass
    with pytest.raises(sl.BackendUnavailableError, match="cupy backend unavailable"):
        sl.law("anytime.optimal_decay_exponent").lambdify("cupy")


# -- registry ------------------------------------------------------------------------------------


def test_registry_lookup_and_filters():
    assert sl.law("anytime.optimal_decay_exponent").paper == "anytime"
    keys = [law.key for law in sl.laws(paper="anytime")]
    assert keys == sorted(keys) and "anytime.wsd_last_iterate_rate" in keys
    assert all(law.status == "hypothesis" for law in sl.laws(status="hypothesis"))
    assert {law.key for law in sl.laws(family="anytime.rate")} == {
        "anytime.constant_lr_suffices",
        "anytime.minimax_risk_exponent",
        "anytime.large_source_rate_exponent",
    }
    assert "anytime" in [p.name for p in sl.papers()]


@pytest.mark.parametrize(
    "call",
    [
        lambda: sl.law("anytime.optimal_decay_exponnt"),
        lambda: sl.laws(paper="anytme"),
        lambda: sl.laws(tag="minimx"),
        lambda: sl.laws(status="papr"),
        lambda: sl.paper("anytme"),
        lambda: sl.phase("anytme", a=2, b=3),
    ],
)
def test_unknown_names_suggest_close_matches(call):
    with pytest.raises(UnknownKeyError) as err:
        call()
    assert err.value.suggestions, str(err.value)
    assert "did you mean" in str(err.value)


def test_phase_inside_on_boundary_and_errors():
    inside = sl.phase("anytime", a=2, b=3)
    assert not inside.on_boundary and inside.law.key == "anytime.minimax_risk_exponent"
    assert sl.phase("anytime.rate", a=2, b=1.5).law.key == "anytime.constant_lr_suffices"
    assert sl.phase("anytime", a=1.5, b=4).law.key == "anytime.large_source_rate_exponent"
    edge = sl.phase("anytime", a=2, b=2)
    assert edge.on_boundary and "boundary" in str(edge)
    with pytest.raises(RegimeError, match="boundary"):
        edge.law
    # values agree across each boundary (continuity of the rate exponent)
    for a, b in [(2, 2), (1.5, 3)]:
        values = {float(law.evaluate(a=a, b=b)) for law in sl.phase("anytime", a=a, b=b).laws}
        assert max(values) - min(values) < 1e-12
    with pytest.raises(ParameterError, match="missing"):
        sl.phase("anytime", a=2)
    with pytest.raises(ParameterError, match="unknown"):
        sl.phase("anytime", a=2, b=3, c=1)
    with pytest.raises(DomainError):
        sl.phase("anytime", a=0.5, b=3)


def test_every_registered_law_is_complete():
    for law in sl.laws():
        assert isinstance(law.reference, Reference) and law.status in sl.STATUSES
        symbols = law.expr.free_symbols | law.regime.free_symbols
        assert symbols == {p.symbol for p in law.params.values()}, law.key
        assert law.quantity and law.kind in sl.KINDS
        assert law.to_dict()["reference"]["status"] == law.status


def test_import_is_light():
    import subprocess
    import sys

    code = (
        "import sys, scalinglaws as sl; sl.laws(); "
        "bad = [m for m in ('numba', 'cupy', 'matplotlib', 'scipy') if m in sys.modules]; "
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_law_repr_shows_status():
    assert "transcribed" in repr(sl.law("anytime.optimal_decay_exponent"))
    assert isinstance(sl.law("anytime.optimal_decay_exponent"), Law)


def test_array_regime_check_tolerates_rounding_on_a_boundary():
    # alpha + beta <= 1/2 at alpha=1.07, beta=-0.57: exactly on the boundary, 0.5000000000000001 in floats
    law = sl.law("plrf_phases.eta_no_power_law")
    assert law.in_regime(alpha=1.07, beta=-0.57)
    assert law.lambdify("numpy")(alpha=1.07, beta=-0.57) == 0.0
    with pytest.raises(RegimeError, match="alpha \\+ beta <= 1/2"):
        law.lambdify("numpy")(alpha=1.07, beta=-0.56)
