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


def test_lambdify_parameter_named_like_a_function_does_not_shadow_it():
    # the step size gamma beside Euler's Gamma, in a piece, a piece condition and the regime:
    # sympy's lambdify binds every symbol of the expression by name in the generated code's
    # namespace (dummify=True or not), so `gamma(a)` used to call the Symbol gamma
    p = _paper()
    a = p.param("a", "argument of Gamma", domain=sp.Interval.open(0, 50))
    gamma = p.param("gamma", "step size", domain=sp.Interval.open(0, 1))
    law = p.law(
        "gamma_step",
        quantity="gamma Gamma(a) where Gamma(a) > 1, else gamma/Gamma(a)",
        expr=sp.Piecewise((gamma * sp.gamma(a), sp.gamma(a) > 1), (gamma / sp.gamma(a), True)),
        regime=gamma < sp.gamma(a + 1),
        where="Eq",
        status="derived",
    )
    a_values = np.array([0.5, 1.5, 2.5, 30.0])
    gammas = np.array([0.1, 0.2, 0.3, 0.4])
    out = law.lambdify()(a=a_values, gamma=gammas)
    expected = [float(law.evaluate(a=x, gamma=g)) for x, g in zip(a_values, gammas)]
    np.testing.assert_allclose(out, expected, rtol=1e-13)
    assert np.isnan(law.lambdify(outside="nan")(a=0.5, gamma=0.95))  # Gamma(1.5) = 0.886 < 0.95
    assert law.lambdify(outside="nan")(a=1.5, gamma=0.5) == pytest.approx(0.5 / 0.886226925)


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


# -- evaluate: digits confirmed at two working precisions (issue 14, bad input) -----------------


def _critical_batch_limit(d):
    """(-a + d**(1-a))/(1-a) as a -> 1: 1 + ln d."""
    return mpmath.mpf(1) + mpmath.log(d)


@pytest.mark.parametrize("a", [1 + sp.Rational(1, 10**40), 1 - sp.Rational(1, 10**40),
                               1 + sp.Rational(1, 10**400), 1 + sp.sqrt(2) / 10**200])
def test_evaluate_near_the_removable_singularity_a_equal_1(a):
    # the issue: a = 1 + 10**-40 raised AttributeError (0/0 at 35 working digits); the table
    # printed 5.625 for 5.6052 (45 working digits leave 5)
    law = sl.law("momentum_batch.powerlaw.sgd.critical_batch")
    value = law.evaluate(dps=15, a=a, d=100)
    assert mpmath.nstr(value, 15) == mpmath.nstr(_critical_batch_limit(100), 15)


@pytest.mark.parametrize("key, point, expected", [
    # 1 - (1 - eta h kappa)**2 cancels for small eta: c eta/(2 kappa - eta kappa**2) at h = 1
    ("dynmuon.noise_floor", dict(c=1, eta=sp.Rational(1, 10**40), h=1, kappa=1, p=0),
     "5.0e-41"),
    # log(eta/eta_min) -> 0 as eta_min -> eta: K/eta * (eta - eta_min)/log(eta/eta_min) -> K
    ("functional_scaling.exp_decay_intrinsic_time",
     dict(K=1000, eta=sp.Rational(3, 2), eta_min=sp.Rational(3, 2) - sp.Rational(1, 10**40)),
     "1500.0"),
    ("momentum_batch.powerlaw.hb.serial_runtime",
     dict(a=1 + sp.Rational(1, 10**40), B=1000, d=1000), "31.6227766016838"),
    ("dynmuon.schedule_crossing",
     dict(p_max=sp.Rational(3, 2), p_min=sp.Rational(7, 10), tau=sp.Rational(7, 10),
          w=sp.Rational(3, 2), x=sp.Rational(7, 10) + sp.Rational(1, 10**40)),
     "138.520390252671"),
])
def test_evaluate_near_other_singularities_of_the_catalogue(key, point, expected):
    law = sl.law(key)
    point = {k: v for k, v in point.items() if k in law.params} | {
        k: 1 for k in law.params if k not in point}  # beta of dynmuon: h = 1 makes it idle
    assert mpmath.nstr(law.evaluate(dps=15, **point), 15) == expected


@pytest.mark.parametrize("exponent", [40, 1000])
def test_evaluate_tiny_and_huge_values_agree_with_a_high_precision_reference(exponent):
    big, tiny = sp.Integer(10) ** exponent, sp.Rational(1, 10**exponent)
    floor = sl.law("dana.constant.floor_time")  # d**(alpha + 1/2)
    assert mpmath.nstr(floor.evaluate(dps=15, alpha=1, beta=sp.Rational(1, 4), d=big), 15) == \
        f"1.0e+{3 * exponent // 2}"
    law = sl.law("momentum_batch.powerlaw.sgd.critical_batch")  # (d**(1-a) - a)/(1 - a)
    with mpmath.workdps(2 * exponent + 50):
        a = mpmath.mpf(3) / 2
        reference = (-a + mpmath.mpf(10) ** (exponent * (1 - a))) / (1 - a)
    assert mpmath.nstr(law.evaluate(dps=15, a=sp.Rational(3, 2), d=big), 15) == \
        mpmath.nstr(reference, 15)
    # the noise floor at a tiny step: c eta / (2 kappa - eta kappa**2) at h = 1
    noise = sl.law("dynmuon.noise_floor")
    point = dict(c=1, eta=tiny, h=1, kappa=1, p=0)
    point |= {k: 1 for k in noise.params if k not in point}
    assert mpmath.nstr(noise.evaluate(dps=15, **point), 15) == f"5.0e-{exponent + 1}"


def _one_law(expr_of, **domains):
    p = _paper()
    symbols = [p.param(name, name, domain=domain) for name, domain in domains.items()]
    return p.law("f", quantity="f", expr=expr_of(*symbols), where="Eq", status="derived")


def test_evaluate_exact_zero_of_a_rational_law_is_zero():
    # floats would give rounding noise (1e-41, 1e-81, ...) that never agrees; exact arithmetic
    law = _one_law(lambda x, y: 2 * x + 2 * y - 1, x=sp.Reals, y=sp.Reals)
    assert law.evaluate(x=1.07, y=-0.57) == 0


def test_evaluate_refuses_digits_it_cannot_confirm():
    # z = sqrt(x + 1) - sqrt(x) - 1/(sqrt(x + 1) + sqrt(x)) is exactly 0, so 1/z has a pole at
    # every x; in floats z is rounding noise (or 0) at every working precision, and 1/z a
    # different huge number (or zoo) each time: no digits agree, none may be printed
    from scalinglaws.errors import EvaluationError

    law = _one_law(lambda x: 1 / (sp.sqrt(x + 1) - sp.sqrt(x) - 1 / (sp.sqrt(x + 1) + sp.sqrt(x))),
                   x=sp.Interval.open(0, sp.oo))
    with pytest.raises(EvaluationError, match="no 15 digits can be confirmed") as info:
        law.evaluate(dps=15, x=2)
    assert info.value.reason == "precision" and "\n" not in str(info.value)


def test_evaluate_refuses_a_value_that_is_not_real():
    from scalinglaws.errors import EvaluationError

    law = _one_law(lambda x: sp.sqrt(x - 2), x=sp.Interval.open(0, sp.oo))
    with pytest.raises(EvaluationError, match="not real"):
        law.evaluate(x=1)
    assert law.evaluate(x=6) == 2


@pytest.mark.parametrize("dps", [0, -1, 1001, 2.5, "30", None, True])
def test_evaluate_rejects_bad_dps(dps):
    with pytest.raises(ParameterError, match="dps"):
        sl.law("anytime.optimal_decay_exponent").evaluate(dps=dps, a=1.5, b=2)


@pytest.mark.parametrize("value, shown", [
    (10**5000, "e+5000"), (-(10**5000), "e+5000"), (sp.Integer(10)**5000, "e+5000"),
    (sp.Rational(1, 10**5000), "e-5000"),
], ids=["int", "-int", "Integer", "Rational"])
def test_5000_digit_numbers_give_short_messages(value, shown):
    # Python refuses str() of integers beyond 4300 digits: messages must not call it
    law = sl.law("anytime.optimal_decay_exponent")
    with pytest.raises((DomainError, RegimeError)) as info:
        law.evaluate(a=1.5, b=value)
    message = str(info.value)
    assert len(message) < 400 and shown in message, message
    if value > 1:
        assert law.evaluate(a=value, b=2) == 0
    with pytest.raises(DomainError, match="must be an integer") as info:
        sl.law("anytime.minimax_risk").evaluate(a=1.5, b=2, N=sp.Rational(value, 7), sigma2=1)
    assert len(str(info.value)) < 400


@pytest.mark.parametrize("value, match", [
    ("1.5", "text"), (None, "not numbers"), (10**400, "beyond float64"), ([10**400], "beyond"),
    (1j, "complex"), (True, "booleans"), ([1, [2]], "not numbers"), (b"1", "bytes|not"),
])
def test_lambdify_raises_package_errors_on_bad_values(value, match):
    f = sl.law("anytime.optimal_decay_exponent").lambdify()
    with pytest.raises(ParameterError, match=match):
        f(a=value, b=3.0)


def test_lambdify_bad_arguments_and_overflow_are_package_errors():
    from scalinglaws.errors import EvaluationError, ScalingLawsError

    law = sl.law("anytime.optimal_decay_exponent")
    for kwargs in (dict(backend="torch"), dict(backend=None), dict(outside="zero")):
        with pytest.raises(DomainError):  # a ScalingLawsError, and a ValueError as before
            law.lambdify(**kwargs)
    with pytest.raises(ParameterError, match="broadcast"):
        law.lambdify()(a=np.array([1.5, 2.0]), b=np.array([3.0, 4.0, 5.0]))
    floor = sl.law("dana.constant.floor_time")  # d**(alpha + 1/2) overflows float64 at 1e300
    with pytest.raises(EvaluationError, match="float64 overflows"):
        floor.lambdify()(alpha=1.0, beta=0.25, d=np.array([10.0, 1e300]))
    out = floor.lambdify(outside="nan")(alpha=1.0, beta=0.25, d=np.array([100.0, 1e300]))
    assert out[0] == 1000.0 and np.isnan(out[1])
    assert issubclass(EvaluationError, ScalingLawsError)


def test_exponent_sympy_cannot_decide_is_a_package_error():
    # SymPy's limit raises NotImplementedError ("Result depends on the sign of sign(log(d))")
    from scalinglaws.errors import ScalingLawsError

    law = sl.law("momentum_batch.powerlaw.hb.serial_runtime")
    with pytest.raises(ScalingLawsError, match="no power-law exponent in a can be computed"):
        law.exponent("a")
    assert law.exponent("d") is not None  # a scale variable: fine


def test_high_precision_tiny_values_format():
    # mpmath's nstr fails on ~1e-3997 held at 20000 digits (a 5000-digit integer to text)
    law = sl.law("functional_scaling.exp_decay.data_optimal_loss.easy")
    value = law.evaluate(D=10**5000, beta=2, s=2)
    assert mpmath.nstr(value, 6) == "1.77398e-3997"


def test_regime_check_with_huge_exponents_is_fast():
    # the regime L <= N**(a/b) at a = 10**40 made SymPy build the integer 1000**(10**40/1.5)
    import time

    from scalinglaws.errors import EvaluationError

    law = sl.law("anytime.classic.multi_pass_hard")
    point = dict(L=1000, M=1000, N=1000, b=sp.Rational(3, 2))
    start = time.perf_counter()
    assert law.in_regime(a=10**40, **point)
    assert mpmath.nstr(law.evaluate(dps=6, a=10**40, **point), 6) == "1.03162"
    with pytest.raises(EvaluationError, match="beyond 10\\*\\*90") as info:
        law.evaluate(a=10**4000, **point)
    assert "\n" not in str(info.value) and len(str(info.value)) < 300
    assert time.perf_counter() - start < 5


_TINY = sp.Rational(1, 10**40)


@pytest.mark.parametrize("b, inside", [
    (3, True),  # on the boundary b = 2a: closed, inside (decided exactly)
    (3 + _TINY, False), (3 - _TINY, True), (3 + sp.Rational(1, 10**3000), False),
    (sp.Rational(3, 2), True), (sp.Rational(3, 2) - _TINY, False),
], ids=["2a", "2a+tiny", "2a-tiny", "2a+1e-3000", "a", "a-tiny"])
def test_regime_decisions_at_and_near_boundaries_are_exact(b, inside):
    # minimax_risk_exponent: a <= b <= 2a; numbers decide clear cases, exact arithmetic ties
    assert sl.law("anytime.minimax_risk_exponent").in_regime(a=sp.Rational(3, 2), b=b) is inside


def test_table_cells_say_why_there_is_no_number():
    # a cell never shows an unconfirmed number: it says why there is none
    cells = {
        "digits": sl.table([_one_law(lambda x: 1 / (sp.sqrt(x + 1) - sp.sqrt(x)
                                                    - 1 / (sp.sqrt(x + 1) + sp.sqrt(x))),
                                     x=sp.Interval.open(0, sp.oo))], values={"x": 2}),
        "exponent": sl.table(["anytime.classic.multi_pass_hard"],
                             values=dict(L=1000, M=1000, N=1000, a=10**4000, b=1.5)),
        "singular": sl.table(["momentum_batch.powerlaw.sgd.critical_batch"],
                             values=dict(a=1 + sp.Rational(1, 10**40), d=100)),
    }
    assert cells["digits"].rows[0]["value"] == \
        "no value (digits not confirmed: too close to a singularity)"
    assert cells["exponent"].rows[0]["value"] == "no value (an exponent beyond 10**90)"
    assert cells["singular"].rows[0]["value"] == "5.60517"


def test_outside_the_regime_is_a_regime_error_even_where_the_law_overflows():
    """The regime is decided before the law's powers are guarded: N**a at a = 10**100 has an
    exponent beyond 10**90, but a < 2 already excludes the point."""
    from scalinglaws.errors import EvaluationError, RegimeError

    p = _paper()
    a = p.param("a", "an exponent", domain=sp.Interval.open(0, sp.oo))
    N = p.param("N", "a size", domain=sp.Interval.open(0, sp.oo))
    law = p.law("steep", quantity="y", expr=N**a, regime=a < 2, where="Eq. 3", status="derived")
    assert law.in_regime(a=10**100, N=3) is False
    with pytest.raises(RegimeError):
        law.check(a=10**100, N=3)
    wide = p.law("steep_everywhere", quantity="y", expr=N**a, where="Eq. 3", status="derived")
    with pytest.raises(EvaluationError, match="beyond 10\\*\\*90"):
        wide.check(a=10**100, N=3)


def test_numpy_regime_puts_a_strict_boundary_outside_as_the_exact_decision_does():
    """2a + 2b > 1 at a = 1.32, b = -0.82 is exactly 1 (outside), 1.0000000000000004 in float64:
    numpy must say outside too (found by the property test on dana.constant.loss_early)."""
    p = _paper()
    a = p.param("a", "an exponent", domain=sp.Interval(-5, 5))
    b = p.param("b", "another", domain=sp.Interval(-5, 5))
    law = p.law("strict", quantity="y", expr=a + b + 1, regime=2 * a + 2 * b > 1, where="Eq. 4",
                status="derived")
    assert law.in_regime(a=1.32, b=-0.82) is False
    f = law.lambdify(outside="nan")
    out = f(a=np.array([1.32, 1.33, 1.0]), b=np.array([-0.82, -0.82, 0.0]))
    assert np.isnan(out[0]) and out[1] == pytest.approx(1.51) and out[2] == 2.0
