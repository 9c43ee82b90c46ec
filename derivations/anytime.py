"""Derivations of the laws of :mod:`scalinglaws.papers.anytime` from the power-law model.

Model (Meterez et al., arXiv:2602.03702, and the classic averaged-SGD bounds it rests on):
capacity :math:`\\lambda_i = i^{-a}`, source :math:`\\mathbb{E}[\\lambda_i w_i^{*2}] = i^{-b}`
(:math:`a, b > 1`), one-pass SGD with step :math:`\\eta_t = \\eta t^{-\\gamma}`, horizon :math:`N`,
label noise :math:`\\sigma^2`, iterate averaging. Every law is reached from four model facts, each
computed with SymPy, never read from the registered expression:

1. intrinsic time :math:`T_N = \\sum_{t \\le N} \\eta_t \\asymp \\eta N^{1-\\gamma}/(1-\\gamma)`;
2. effective dimension :math:`k^*` from :math:`\\lambda_{k^*} T_N = 1`: directions
   :math:`i \\le k^*` are learned, the others are not;
3. bias = the unlearned tail mass :math:`\\sum_{i > k^*} i^{-b}`, plus the multiplicative SGD
   noise the bias run pushes into the unlearned directions,
   :math:`\\sum_{i>k^*} \\lambda_i^2 \\sum_t \\eta_t^2 q_t` (:math:`q_t` the risk of the iterate),
   slower than the tail when :math:`b > 2a`;
4. variance = :math:`\\sigma^2 k^*/N` from the learned directions, plus the noise injected into
   the unlearned ones,
   :math:`\\sigma^2 \\eta^2 \\sum_{i>k^*} \\lambda_i^2 \\sum_{p \\le N} p^{-2\\gamma}`.

Sums over power laws are done as integrals (the summands are monotone, so the sum and the integral
differ by a bounded term); exponents are the leading power of :math:`N` (log factors dropped).
Signs: a *rate* exponent ``nu`` means risk :math:`\\asymp N^{-\\nu}`;
:meth:`scalinglaws.Law.exponent` returns the power ``p`` in risk :math:`\\asymp N^{p}`.

>>> from scalinglaws.derivations import check
>>> d = DERIVATIONS["anytime.optimal_decay_exponent"]()
>>> d.result
Max(0, (-a + b)/b)
>>> check(d)
True

The module also exposes the cross-paper identities of the digest (FSL, Dieuleveut-Bach) through
:func:`cross_paper_identities`, and the best polynomial schedule over all of the (a, b) plane
through :func:`best_polynomial_schedule`.
"""

from __future__ import annotations

import functools

import sympy as sp
from sympy.solvers.inequalities import reduce_inequalities

from scalinglaws.errors import ScalingLawsError
from scalinglaws.law import leading_exponent
from scalinglaws.registry import paper as _paper

from . import Derivation, drop_constants

__all__ = [
    "DERIVATIONS",
    "NOT_DERIVED",
    "FSL_TO_ANYTIME",
    "DB_TO_ANYTIME",
    "cross_paper_identities",
    "best_polynomial_schedule",
    "exponents",
]

# the paper's symbols (its Params), so that results are written in the law's own symbols
_P = _paper("anytime").params
a, b, gamma, N, sigma2, eta, M, L = (
    _P[name].symbol for name in ("a", "b", "gamma", "N", "sigma2", "eta", "M", "L")
)

# auxiliary symbols of the derivations
_t, _p = sp.Symbol("t", positive=True), sp.Symbol("p", positive=True, integer=True)
_x, _k, _T = sp.symbols("x k T", positive=True)
_u, _c, _lam, _rho = sp.symbols("u c lambda rho", positive=True)
_delta = sp.Symbol("delta", nonnegative=True)

# the other papers' notation (digest section 1)
beta, s, alpha, r = sp.symbols("beta s alpha r", positive=True)
#: FSL (Li et al., arXiv:2509.19189): capacity beta, relative difficulty s.
FSL_TO_ANYTIME = {a: beta, b: 1 + s * beta}
#: Dieuleveut & Bach (arXiv:1408.0361): mu_i ~ i^-alpha, source r (boundary case 2 alpha r = b - 1).
DB_TO_ANYTIME = {a: alpha, b: 1 + 2 * alpha * r}


# ----------------------------------------------------------------------------------------------
# model pieces
# ----------------------------------------------------------------------------------------------


def _leading_in(expr: sp.Expr, x: sp.Symbol) -> sp.Expr:
    """The terms of ``expr`` that grow with ``x`` (the others stay bounded)."""
    flat = sp.expand(expr, deep=False, mul=True, power_base=False, power_exp=False,
                     multinomial=False, log=False)
    return sp.Add(*[t for t in sp.Add.make_args(flat) if t.has(x)])


def _branch(piecewise: sp.Expr, holds_at: dict) -> sp.Expr:
    """The branch of a SymPy Piecewise whose condition holds at a sample point of the regime."""
    if not isinstance(piecewise, sp.Piecewise):
        return piecewise
    for expr, cond in piecewise.args:
        if cond.subs(holds_at) is sp.true:
            return expr
    raise ScalingLawsError(f"no branch of {piecewise} holds at {holds_at}")


def _rate(expr: sp.Expr, x: sp.Symbol = N) -> sp.Expr:
    """The decay rate nu of ``expr`` ~ x**-nu (a sum decays at its slowest term's rate)."""
    p = leading_exponent(expr, x)
    if isinstance(p, sp.Max):
        return sp.Min(*[sp.simplify(-q) for q in p.args])
    return sp.simplify(-p)


def _least(candidates, positive: dict | None = None) -> sp.Expr:
    """The candidate no larger than every other one, proved with SymPy's assumptions.

    ``positive`` substitutes the regime by symbols whose signs SymPy knows (``a -> b + delta``).
    """
    sub = positive or {}
    for c in candidates:
        if all(
            sp.simplify((o - c).xreplace(sub)).is_nonnegative for o in candidates if o is not c
        ):
            return c
    raise ScalingLawsError(f"no provably least element among {candidates}")


@functools.lru_cache(maxsize=None)
def _intrinsic_time():
    """T_N = sum_{t<=N} eta t^-gamma as an integral, and its leading part (gamma < 1)."""
    integral = sp.integrate(eta * _t ** (-gamma), (_t, 1, N))
    exact = _branch(integral, {gamma: sp.Rational(1, 3)})
    return integral, _leading_in(exact, N)


def _kstar(T: sp.Expr) -> sp.Expr:
    """Effective dimension: the index where lambda_k T = 1, lambda_k = k^-a."""
    (root,) = sp.solve(sp.Eq(_k ** (-a) * T, 1), _k)
    return root


def _tail(power: sp.Expr, start: sp.Expr) -> sp.Expr:
    """sum_{i > start} i^-power ~ integral from start to oo (power > 1)."""
    return sp.integrate(_x ** (-power), (_x, _k, sp.oo), conds="none").xreplace({_k: start})


def _kstar_steps():
    """The shared first steps: intrinsic time T_N and effective dimension k*(N)."""
    integral, T_lead = _intrinsic_time()
    kstar = _kstar(T_lead)
    steps = [
        ("intrinsic time T_N = sum_{t<=N} eta t^-gamma, as an integral", integral),
        (
            "the sum lies between int_1^{N+1} and 1 + int_1^N (decreasing summand); keep the "
            "growing part (gamma < 1)",
            sp.Eq(sp.Symbol("T_N"), T_lead),
        ),
        ("effective dimension: lambda_{k*} T_N = 1 with lambda_k = k^-a", sp.Eq(_k, kstar)),
    ]
    return steps, T_lead, kstar


@functools.lru_cache(maxsize=None)
def exponents() -> dict[str, sp.Expr]:
    """The derived rate exponents in N of the averaged risk at decay gamma.

    ``{"bias": ..., "variance": ..., "early": ...}``, each ``nu`` with term ~ N**-nu, computed
    from the model (see :func:`_bias_terms`, :func:`_variance_terms`, :func:`_early_terms`).

    >>> exponents()["bias"]
    -(b - 1)*(gamma - 1)/a
    """
    return {
        "bias": _bias_terms()[-1],
        "variance": _variance_terms()[-1],
        "early": _early_terms()[-1],
    }


@functools.lru_cache(maxsize=None)
def _bias_terms():
    steps, T, kstar = _kstar_steps()
    tail = _tail(b, kstar)
    head = sp.integrate(_x ** (2 * a - b), (_x, 1, kstar), conds="none") / T**2
    nu = sp.factor(_rate(tail))
    steps += [
        (
            "bias: unlearned tail mass sum_{i>k*} E[lambda_i w*_i^2] ~ int_{k*}^oo x^-b dx (b > 1)",
            tail,
        ),
        (
            "head bias of uniform averaging ||w*||^2_{H^-1, 1:k*} / T_N^2, with "
            "w*_i^2/lambda_i = i^(2a-b): same order for b < 2a + 1, saturates at T_N^-2 above",
            head,
        ),
        ("rate exponent of the tail: bias ~ N^-nu", nu),
    ]
    return steps, tail, nu


@functools.lru_cache(maxsize=None)
def _injected_noise():
    """sum_{p<=N} p^(-2 gamma): ~ N^(1-2gamma)/(1-2gamma) for gamma < 1/2, zeta(2gamma) above."""
    low = _branch(sp.integrate(_t ** (-2 * gamma), (_t, 1, N)), {gamma: sp.Rational(1, 4)})
    high = _branch(sp.summation(_p ** (-2 * gamma), (_p, 1, sp.oo)), {gamma: sp.Rational(3, 4)})
    return _leading_in(low, N), high


@functools.lru_cache(maxsize=None)
def _variance_terms():
    steps, T, kstar = _kstar_steps()
    low, _ = _injected_noise()
    head = sigma2 * kstar / N
    tail_injected = sigma2 * eta**2 * _tail(2 * a, kstar) * low
    tail_stationary = sigma2 * _tail(a, kstar) * N ** (-gamma)
    e_head, e_inj, e_stat = (_rate(term) for term in (head, tail_injected, tail_stationary))
    steps += [
        (
            "head variance: each learned direction i <= k* contributes sigma^2/N after averaging",
            head,
        ),
        (
            "noise injected into unlearned directions: sigma^2 eta^2 sum_{i>k*} lambda_i^2 "
            "sum_{p<=N} p^-2gamma, with sum_p ~ N^(1-2gamma)/(1-2gamma) for gamma < 1/2",
            tail_injected,
        ),
        ("Theorem 1's second tail term sigma^2 sum_{i>k*} lambda_i N^-gamma", tail_stationary),
        (
            "the three terms decay at the same rate",
            sp.And(sp.Eq(sp.simplify(e_head - e_inj), 0), sp.Eq(sp.simplify(e_head - e_stat), 0)),
        ),
        ("rate exponent: variance ~ sigma^2 N^-nu", e_head),
    ]
    return steps, head, e_head


@functools.lru_cache(maxsize=None)
def _early_terms():
    steps, T, kstar = _kstar_steps()
    _, high = _injected_noise()
    per_direction = sigma2 * eta**2 * high * _lam**2
    total = per_direction.xreplace({_lam: 1}) * _tail(2 * a, kstar)
    nu = sp.factor(_rate(total))
    steps += [
        (
            "gamma > 1/2: the noise injected in the first steps converges, sum_p p^-2gamma",
            high,
        ),
        (
            "directions with lambda_i T_N < 1 never relax; each keeps a risk "
            "lambda_i * eta^2 sigma^2 lambda_i zeta(2 gamma)",
            per_direction,
        ),
        ("summed over i > k*: int_{k*}^oo x^-2a dx", total),
        ("rate exponent: early-noise term ~ sigma^2 N^-nu", nu),
    ]
    return steps, total, nu


@functools.lru_cache(maxsize=None)
def _cross_terms():
    """The bias run's second term: multiplicative SGD noise pushed into unlearned directions.

    With sigma = 0 the recursion still injects eta_t^2 lambda_i q_t into every direction, q_t the
    risk of the iterate (the tr(H S) H term). If q_t ~ t^-nu, sum_t t^-2gamma q_t converges iff
    2 gamma + nu > 1, and then the unlearned directions keep C sum_{i>k*} lambda_i^2.
    """
    steps, _, kstar = _kstar_steps()
    nu_q = sp.Symbol("nu_q", positive=True)
    injected = sp.Integer(1) * _tail(2 * a, kstar)  # the converged sum is a constant
    nu_cross = sp.factor(_rate(injected))
    # self-consistency: at nu_q = nu_cross the driving sum converges (margin > 0 for a > 1)
    margin = sp.simplify(2 * gamma + nu_cross - 1)
    margin_positive = sp.simplify(margin.xreplace({a: 1 + _u})).is_positive  # gamma >= 0
    # if the sum diverges (2 gamma + nu_q < 1) the term is N^(1 - 2 gamma - nu_q) times the tail
    # sum, which decays faster than q itself by the variance exponent 1 - (1 - gamma)/a > 0
    divergent = N ** (1 - 2 * gamma - nu_q) * _tail(2 * a, kstar)
    extra = sp.simplify(_rate(divergent) - nu_q)
    steps += [
        (
            "sigma = 0: the recursion injects eta_t^2 lambda_i q_t into direction i, q_t = "
            "sum_j lambda_j S_j the risk of the iterate (multiplicative SGD noise)",
            sp.Symbol("eta_t") ** 2 * _lam * sp.Symbol("q_t"),
        ),
        (
            "directions i > k* never relax: they keep lambda_i^2 sum_t eta_t^2 q_t; with "
            "q_t ~ t^-nu_q the sum converges iff 2 gamma + nu_q > 1",
            sp.Gt(2 * gamma + nu_q, 1),
        ),
        ("converged: the term is a constant times sum_{i>k*} lambda_i^2", injected),
        ("its rate exponent", nu_cross),
        (
            "self-consistent: at nu_q = that rate the convergence margin 2 gamma + nu_q - 1 is "
            "positive for a > 1, gamma < 1",
            sp.Eq(sp.Symbol("margin"), margin),
        ),
        ("(margin > 0 proved)", sp.true if margin_positive else sp.false),
        (
            "if the sum diverged (2 gamma + nu_q < 1) the term would decay faster than q_t "
            "by N^-(extra), extra = 1 - (1 - gamma)/a > 0: it never sets the rate then",
            sp.Eq(sp.Symbol("extra"), extra),
        ),
    ]
    return steps, injected, nu_cross, bool(margin_positive)


# ----------------------------------------------------------------------------------------------
# the derivations of the registered laws
# ----------------------------------------------------------------------------------------------


def bias_exponent() -> Derivation:
    _, tail, nu_tail = _bias_terms()
    steps, cross, nu_cross, proved = _cross_terms()
    if not proved:
        raise ScalingLawsError("the multiplicative-noise sum was not proved convergent")
    nu = _rate(tail + cross)
    saturation = 2 * (1 - gamma)
    steps += [
        ("bias run = unlearned tail + multiplicative noise: a sum decays at its slowest rate", nu),
        (
            "the second term is slower iff (dividing by (1 - gamma)/a > 0)",
            reduce_inequalities(sp.simplify((nu_cross - nu_tail) * a / (1 - gamma)) < 0, b),
        ),
        (
            "uniform averaging's head bias saturates at T_N^-2 ~ N^-2(1-gamma) for b > 2a + 1; "
            "2(1-gamma) minus the multiplicative-noise rate (positive: never binds)",
            sp.factor(saturation - nu_cross),
        ),
    ]
    return Derivation(
        "anytime.bias_exponent",
        "bias: unlearned tail beyond k* ~ (eta N^(1-gamma))^(1/a), or the multiplicative SGD "
        "noise left in the unlearned directions, whichever decays slower",
        steps,
        nu,
        notes=(
            "The multiplicative-noise term is the effective-variance part of Zou et al.'s bias "
            "bound; its rate equals the early-noise exponent (same mechanism, q_t in place of "
            "sigma^2)."
        ),
    )


def variance_exponent() -> Derivation:
    steps, _, nu = _variance_terms()
    return Derivation(
        "anytime.variance_exponent",
        "variance: sigma^2 k*/N, matched by the tail terms for gamma < 1/2",
        steps,
        nu,
        notes="At gamma = 1/2 the injected-noise sum is log N: a log factor, dropped.",
    )


def early_noise_exponent() -> Derivation:
    steps, _, nu = _early_terms()
    return Derivation(
        "anytime.early_noise_exponent",
        "early noise: sigma^2 eta^2 sum_{i>k*} lambda_i^2 ~ k*^(1-2a) for gamma > 1/2",
        steps,
        nu,
    )


def _crossing():
    e = exponents()
    (g_c,) = sp.solve(sp.Eq(e["bias"], e["variance"]), gamma)
    return g_c


def optimal_decay_exponent() -> Derivation:
    e = exponents()
    g_c = _crossing()
    slopes = (sp.diff(e["bias"], gamma), sp.diff(e["variance"], gamma))
    g_star = sp.Max(g_c, 0)
    steps = [
        ("bias and variance rate exponents (derived)", sp.Tuple(e["bias"], e["variance"])),
        ("bias rate falls and variance rate rises with gamma", sp.Tuple(*slopes)),
        ("so min(bias, variance) is largest where they cross", sp.Eq(gamma, g_c)),
        ("the decay must be nonnegative: project onto gamma >= 0", sp.Eq(gamma, g_star)),
        (
            "the variance exponent needs gamma <= 1/2 (early noise above): gamma* <= 1/2 iff",
            reduce_inequalities(g_c <= sp.Rational(1, 2), b),
        ),
    ]
    return Derivation(
        "anytime.optimal_decay_exponent",
        "gamma* balances the bias and variance exponents",
        steps,
        g_star,
    )


def minimax_risk_exponent() -> Derivation:
    e = exponents()
    g_c = _crossing()
    nu = sp.simplify(e["bias"].subs(gamma, g_c))
    steps = [
        ("crossing of the bias and variance exponents", sp.Eq(gamma, g_c)),
        ("bias exponent at the crossing", nu),
        ("variance exponent at the crossing (equal)", sp.simplify(e["variance"].subs(gamma, g_c))),
        ("gamma* >= 0 iff", reduce_inequalities(g_c >= 0, b)),
    ]
    return Derivation(
        "anytime.minimax_risk_exponent",
        "rate at gamma* = 1 - a/b",
        steps,
        nu,
    )


def _optimal_time():
    """Minimise bias + variance over the intrinsic time T (averaged SGD)."""
    kstar = _kstar(_T)
    risk = _tail(b, kstar) + sigma2 * kstar / N
    (T_opt,) = sp.solve(sp.diff(risk, _T), _T)
    return risk, T_opt


def minimax_risk() -> Derivation:
    risk, T_opt = _optimal_time()
    value = sp.simplify(risk.subs(_T, T_opt))
    result = drop_constants(value, N, sigma2)
    _, T_lead = _intrinsic_time()
    (g,) = sp.solve(sp.Eq(leading_exponent(T_lead, N), leading_exponent(T_opt, N)), gamma)
    steps = [
        ("risk at intrinsic time T: tail bias + sigma^2 k*(T)/N", risk),
        ("d/dT = 0", sp.Eq(_T, T_opt)),
        ("risk at the optimum", value),
        ("T_N ~ eta N^(1-gamma) grows like the optimal T ~ N^(a/b) iff", sp.Eq(gamma, g)),
        ("power-law reading in N and sigma^2", result),
    ]
    return Derivation(
        "anytime.minimax_risk",
        "minimise bias + variance over the intrinsic time",
        steps,
        result,
        notes=(
            "The sigma^2 power (1 - 1/b) needs T ~ (N/sigma^2)^(a/b), i.e. eta scaled like "
            "sigma^(-2a/b); with eta fixed only the N exponent holds."
        ),
    )


def constant_lr_suffices() -> Derivation:
    e = {k: v.subs(gamma, 0) for k, v in exponents().items()}
    hard = {a: b + _delta}  # b <= a
    g_star = sp.Max(_crossing(), 0)
    nu = _least(list(e.values()), hard)
    steps = [
        ("rate exponents at gamma = 0", sp.Tuple(e["bias"], e["variance"], e["early"])),
        ("gamma* = max(1 - a/b, 0) with a = b + delta, delta >= 0", g_star.xreplace(hard)),
        ("variance minus bias exponent (>= 0 iff b <= a)", sp.factor(e["variance"] - e["bias"])),
        ("the bias is the slowest term: rate", nu),
    ]
    return Derivation(
        "anytime.constant_lr_suffices",
        "for b <= a the constraint gamma >= 0 binds and the bias limits the rate",
        steps,
        nu,
    )


def early_noise_limited_exponent() -> Derivation:
    e = exponents()
    g_c = _crossing()
    at = {k: sp.simplify(v.subs(gamma, g_c)) for k, v in e.items()}
    above = {b: 2 * a + _delta}
    nu = _least([at["bias"], at["early"]], above)
    steps = [
        ("exponents at gamma* = 1 - a/b", sp.Tuple(at["bias"], at["variance"], at["early"])),
        (
            "early term slower than the minimax rate iff",
            reduce_inequalities(at["early"] < at["bias"], b),
        ),
        ("for b >= 2a the early term sets the rate", nu),
    ]
    return Derivation(
        "anytime.early_noise_limited_exponent",
        "early noise at gamma* = 1 - a/b",
        steps,
        nu,
    )


def large_source_rate_exponent() -> Derivation:
    g_opt, nu = best_polynomial_schedule()
    above = {a: 1, b: 3}  # any point with b > 2a selects the branch
    steps = [
        ("best decay over gamma in [0, 1)", g_opt),
        ("rate at the best decay", nu),
        ("at b > 2a the best decay is", g_opt.subs(above)),
    ]
    result = _branch(nu, above)
    return Derivation(
        "anytime.large_source_rate_exponent",
        "maximum over gamma of min(bias, variance, early) for b >= 2a",
        steps,
        result,
        notes="Rests on the early-noise term (our hypothesis); the log N of the variance at "
        "gamma = 1/2 is dropped.",
    )


def polynomial_schedule_rate_exponent() -> Derivation:
    e = exponents()
    risk = N ** (-e["bias"]) + sigma2 * N ** (-e["variance"]) + sigma2 * N ** (-e["early"])
    nu = _rate(risk)
    steps = [
        ("risk ~ bias + variance + early noise (derived exponents)", risk),
        (
            "early minus variance exponent: the early term binds only for gamma > 1/2",
            sp.factor(e["early"] - e["variance"]),
        ),
        ("a sum decays at its slowest rate", nu),
    ]
    return Derivation(
        "anytime.polynomial_schedule_rate_exponent",
        "slowest of the bias, variance and early-noise terms",
        steps,
        nu,
        notes="b <= 2a + 1 keeps uniform averaging out of its head-bias saturation.",
    )


def wsd_last_iterate_rate() -> Derivation:
    schedule = sp.Piecewise((eta, _t <= _rho * N), (eta * (N - _t) / ((1 - _rho) * N), True))
    T = sp.simplify(
        sp.integrate(eta, (_t, 0, _rho * N))
        + sp.integrate(eta * (N - _t) / ((1 - _rho) * N), (_t, _rho * N, N))
    )
    kstar = _kstar(T)
    bias = _tail(b, kstar)
    # decay phase: eta_t = c u with u = N - t; a learned direction relaxes during it
    c = eta / ((1 - _rho) * N)
    injected = _lam * sigma2 * _c**2 * _u**2 * sp.exp(-_lam * _c * _u**2)
    v_last = sp.integrate(injected, (_u, 0, sp.oo))
    per_direction = sp.simplify(_lam * v_last).xreplace({_c: c})
    head_sum = sp.integrate(_x ** (-a / 2), (_x, 1, _k), conds="none")
    head = per_direction.xreplace({_lam: 1}) * _leading_in(head_sum, _k).xreplace({_k: kstar})
    tail = sigma2 * eta**2 * N * _tail(2 * a, kstar)
    e_bias, e_head, e_tail = (leading_exponent(term, N) for term in (bias, head, tail))
    result = drop_constants(bias + head, N, sigma2)
    steps = [
        ("schedule: constant to rho N, then linear decay to 0", schedule),
        ("intrinsic time sum_t eta_t ~ integral", T),
        ("effective dimension lambda_{k*} T = 1", sp.Eq(_k, kstar)),
        ("bias: unlearned tail mass (learned directions are damped by exp(-2 lambda T))", bias),
        (
            "last-iterate variance of a learned direction after the decay eta_t = c (N - t): "
            "lambda sigma^2 int c^2 u^2 exp(-lambda c u^2) du, times lambda",
            per_direction,
        ),
        (
            "summed over i <= k*: int_1^{k*} x^-a/2 dx grows like k*^(1-a/2) only for a < 2 "
            "(Theorem 2's condition); for a > 2 it converges and the head gives N^-1/2",
            head_sum,
        ),
        ("head variance (a < 2)", head),
        ("unlearned directions keep sigma^2 lambda_i^2 sum_t eta_t^2", tail),
        (
            "N exponents of bias, head variance, tail variance",
            sp.Tuple(sp.simplify(e_bias), sp.simplify(e_head), sp.simplify(e_tail)),
        ),
        ("power-law reading in N and sigma^2", result),
    ]
    return Derivation(
        "anytime.wsd_last_iterate_rate",
        "WSD last iterate: tail bias plus the variance frozen during the linear decay",
        steps,
        result,
        notes=(
            "Continuous-time reading of the decay phase; the noise of the constant phase is "
            "forgotten in learned directions (damped by exp(-lambda eta (1 - rho) N) during the "
            "decay)."
        ),
    )


def horizon_optimal_step() -> Derivation:
    kstar = _kstar(eta * N)
    risk = _tail(b, kstar) + sigma2 * kstar / N
    (eta_opt,) = sp.solve(sp.diff(risk, eta), eta)
    result = drop_constants(eta_opt, N)
    head = sp.integrate(_x ** (2 * a - b), (_x, 1, kstar), conds="none") / (eta * N) ** 2
    steps = [
        ("constant step: T = eta N; risk = tail bias + sigma^2 k*/N", risk),
        ("d/d eta = 0", sp.Eq(eta, eta_opt)),
        (
            "the step stays below 1/tr H as N grows iff",
            reduce_inequalities(leading_exponent(eta_opt, N) <= 0, b),
        ),
        (
            "head bias of uniform averaging ||w*||^2_{H^-1,1:k*}/(eta N)^2 keeps the bias order "
            "only while 2a - b + 1 > 0 (b < 2a + 1)",
            head,
        ),
        ("power-law reading in N", result),
    ]
    return Derivation(
        "anytime.classic.horizon_optimal_step",
        "minimise the averaged constant-step risk over eta",
        steps,
        result,
        notes="The minimiser also scales as sigma^(-2a/b); the law keeps only N.",
    )


def averaged_rate_exponent() -> Derivation:
    kstar = _kstar(eta * N)
    risk = _tail(b, kstar) + sigma2 * kstar / N
    (eta_opt,) = sp.solve(sp.diff(risk, eta), eta)
    value = sp.simplify(risk.subs(eta, eta_opt))
    nu = sp.factor(_rate(value))
    steps = [
        ("risk at the horizon-optimal constant step", value),
        ("rate exponent in N", nu),
    ]
    return Derivation(
        "anytime.classic.averaged_rate_exponent",
        "rate of averaged SGD at the horizon-optimal constant step",
        steps,
        nu,
    )


def averaged_sgd_variance() -> Derivation:
    kstar = _kstar(eta * N)
    head = sigma2 * kstar / N
    tail = sigma2 * eta**2 * N * _tail(2 * a, kstar)
    steps = [
        ("constant step: k* from lambda_{k*} eta N = 1", sp.Eq(_k, kstar)),
        ("head variance sigma^2 k*/N", head),
        ("tail variance sigma^2 eta^2 N sum_{i>k*} lambda_i^2", tail),
        ("both equal up to a constant", sp.simplify(tail / head)),
    ]
    return Derivation(
        "anytime.classic.averaged_sgd_variance",
        "variance of constant-step averaged SGD",
        steps,
        head,
    )


def averaged_sgd_bias() -> Derivation:
    kstar = _kstar(eta * N)
    tail = _tail(b, kstar)
    # multiplicative noise: sum_t eta^2 q_t = eta * int q dT over intrinsic time T = eta t;
    # q(T) ~ T^-nu with nu = min((b-1)/a, (2a-1)/a) > 1 for b > a + 1: the integral converges
    nu_q = sp.Min((b - 1) / a, (2 * a - 1) / a)
    converges = all(
        sp.simplify((t - 1).xreplace({b: a + 1 + _x}).xreplace({a: 1 + _u})).is_positive
        for t in nu_q.args
    )
    injected = eta * _tail(2 * a, kstar)
    result = drop_constants(tail + injected, N, eta)
    steps = [
        ("constant step: k* from lambda_{k*} eta N = 1", sp.Eq(_k, kstar)),
        ("tail mass int_{k*}^oo x^-b dx", tail),
        (
            "multiplicative noise eta^2 lambda_i q_t left in the unlearned directions: "
            "sum_t eta^2 q_t = eta int q dT (T = eta t), a constant times eta when "
            "q(T) ~ T^-nu decays with nu > 1, which holds for b > a + 1",
            sp.Eq(sp.Symbol("converges"), sp.true if converges else sp.false),
        ),
        ("times sum_{i>k*} lambda_i^2", injected),
        (
            "for b < a + 1 the integral grows like (eta N)^(1 - nu) and the term stays below the "
            "tail by (eta N)^-((a-1)/a) times eta",
            sp.simplify(eta * (eta * N) ** (1 - (b - 1) / a) * _tail(2 * a, kstar) / tail),
        ),
        ("power-law reading in N and eta (the sum of both)", result),
    ]
    return Derivation(
        "anytime.classic.averaged_sgd_bias",
        "bias of constant-step averaged SGD: the unlearned tail",
        steps,
        result,
    )


def _one_pass_terms(source: sp.Expr, horizon: sp.Symbol):
    kstar = _kstar(eta * horizon)
    approx = _tail(source, M)
    bias = _tail(source, kstar)
    variance = sigma2 * kstar / N
    return kstar, approx, bias, variance


def sketched_test_error() -> Derivation:
    # w* ~ N(0, I): E[lambda_i w*_i^2] = lambda_i = i^-a, so the source exponent is b = a
    source = -leading_exponent(_x ** (-a) * 1, _x)
    kstar, approx, bias, variance = _one_pass_terms(source, N)
    e_bias, e_var = (sp.simplify(leading_exponent(t, N)) for t in (bias, variance))
    result = drop_constants(approx + bias + variance, M, N)
    steps = [
        ("w* ~ N(0, I): E[lambda_i w*_i^2] = i^-a, source exponent", sp.Eq(b, source)),
        ("approximation error of the first M coordinates: int_M^oo x^-a dx", approx),
        ("bias of one-pass SGD with a constant step: tail beyond k* = (eta N)^(1/a)", bias),
        ("variance sigma^2 min(M, k*)/N <= sigma^2 k*/N", variance),
        ("N exponents of bias and variance coincide at b = a", sp.Tuple(e_bias, e_var)),
        ("power-law reading in M and N", result),
    ]
    return Derivation(
        "anytime.classic.sketched_test_error",
        "approximation + data term for w* ~ N(0, I)",
        steps,
        result,
        notes=(
            "Averaged constant-step reading; Lin et al. use a geometrically decaying step "
            "(last iterate), whose exponents this reading matches; their log factors are dropped."
        ),
    )


def one_pass_hard() -> Derivation:
    kstar, approx, bias, variance = _one_pass_terms(b, N)
    e_bias, e_var = (leading_exponent(t, N) for t in (bias, variance))
    hard = {a: b + _delta}
    slowest = _least([-e_bias, -e_var], hard)
    result = drop_constants(approx + bias, M, N)
    steps = [
        ("approximation error int_M^oo x^-b dx", approx),
        ("bias (tail beyond k* = (eta N)^(1/a))", bias),
        ("variance sigma^2 k*/N", variance),
        (
            "bias minus variance N-exponent (> 0 iff b < a: the variance is dominated)",
            sp.factor(e_bias - e_var),
        ),
        ("the data term decays at", slowest),
        ("power-law reading in M and N", result),
    ]
    return Derivation(
        "anytime.classic.one_pass_hard",
        "approximation + bias; the variance is dominated for b < a",
        steps,
        result,
        notes=(
            "Averaged constant-step reading with sigma^2 ~ 1; Lin, Wu & Bartlett's own schedule "
            "is unread."
        ),
    )


def multi_pass_hard() -> Derivation:
    kstar, approx, bias, variance = _one_pass_terms(b, L)
    (L_max,) = sp.solve(sp.Eq(drop_constants(bias, L), drop_constants(variance, L, N)), L)
    result = drop_constants(approx + bias, M, L)
    steps = [
        ("approximation error int_M^oo x^-b dx", approx),
        ("bias after L steps at a constant step: tail beyond k*(eta L)", bias),
        ("variance of fitting N samples up to intrinsic time eta L: sigma^2 k*(eta L)/N", variance),
        ("bias and variance cross at", sp.Eq(L, L_max)),
        (
            "reuse (L > N) is possible below the crossing iff",
            reduce_inequalities(leading_exponent(L_max, N) > 1, b),
        ),
        ("for L <= N^(a/b) the bias dominates: power-law reading in M and L", result),
    ]
    return Derivation(
        "anytime.classic.multi_pass_hard",
        "approximation + bias of L steps; variance over N samples dominated while L <= N^(a/b)",
        steps,
        result,
        notes=(
            "Heuristic reading (ours): multi-pass SGD as gradient descent with early stopping at "
            "intrinsic time eta L, variance sigma^2 k*/N; the fluctuation term of multi-pass SGD "
            "is not modelled. It reproduces the law and its regime boundary, not the paper's proof."
        ),
    )


def tail_averaged_rate_exponent() -> Derivation:
    """Tail averaging over (N/2, N] keeps the same k* (intrinsic time T_{N/2} ~ T_N) and the
    same bias and variance terms, so its rate at gamma* is the crossing rate."""
    d = minimax_risk_exponent()
    steps = [
        ("tail window (N/2, N]: T_N - T_{N/2} ~ T_N, so k* and every term keep their order",
         sp.Eq(sp.Symbol("k*_tail"), sp.Symbol("k*"))),
        *d.steps,
    ]
    return Derivation("anytime.tail_averaged_rate_exponent",
                      "rate of the tail-averaged iterate at gamma* = 1 - a/b", steps, d.result,
                      notes="Theorem 1 is stated for tail averaging; the terms are those of "
                            "the uniform average, whose head-bias saturation (b > 2a + 1) the "
                            "tail window removes.")


def sqrt_vs_constant_exponent_gap() -> Derivation:
    """Rate at gamma = 0 minus rate at gamma = 1/2, each min(bias, variance), for a <= b <= 2a."""
    e = exponents()
    half, zero = sp.Rational(1, 2), sp.Integer(0)
    rate_const = _least([e["bias"].subs(gamma, zero), e["variance"].subs(gamma, zero)],
                        {b: a + _delta})
    rate_sqrt = _least([e["bias"].subs(gamma, half), e["variance"].subs(gamma, half)],
                       {a: (b + _delta) / 2})
    gap = sp.factor(sp.simplify(rate_sqrt - rate_const))
    steps = [
        ("constant step: min(bias, variance) at gamma = 0; b >= a makes the variance the "
         "smaller", rate_const),
        ("eta t^-1/2: min(bias, variance) at gamma = 1/2; b <= 2a makes the bias the smaller "
         "(the early-noise term equals the variance term at gamma = 1/2)", rate_sqrt),
        ("risk(constant)/risk(1/sqrt t) ~ N^(rate_sqrt - rate_const)", gap),
    ]
    return Derivation("anytime.sqrt_vs_constant_exponent_gap",
                      "exponent gap of the Figure-3 comparison", steps, gap)


def ema_polynomial_equivalence() -> Derivation:
    """EMA-f's weight 1 - 2^(-f/t) against polynomial averaging's c/t (t >= c)."""
    f = _P["f"].symbol
    u = sp.Symbol("u", positive=True)  # u = 1/t
    rho_ema = 1 - 2 ** (-f * u)
    lead = sp.series(rho_ema, u, 0, 2).removeO()
    c = sp.simplify(lead / u)
    # weight of iterate k in the average at t: rho_k prod_{j>k} (1 - rho_j) ~ (c/k)(k/t)^c
    steps = [
        ("EMA-f weight of the new iterate, in u = 1/t", rho_ema),
        ("expansion for t -> oo: rho = (f ln 2)/t + O(1/t^2)", lead),
        ("polynomial averaging has rho = c/t for t >= c: same weights (c/k)(k/t)^c on iterate "
         "k up to O(1/k^2) per step, whose product converges", sp.Eq(sp.Symbol("c"), c)),
    ]
    return Derivation("anytime.ema_polynomial_equivalence", "EMA-f as polynomial averaging",
                      steps, c)


DERIVATIONS = {
    "anytime.bias_exponent": bias_exponent,
    "anytime.variance_exponent": variance_exponent,
    "anytime.early_noise_exponent": early_noise_exponent,
    "anytime.optimal_decay_exponent": optimal_decay_exponent,
    "anytime.minimax_risk_exponent": minimax_risk_exponent,
    "anytime.minimax_risk": minimax_risk,
    "anytime.constant_lr_suffices": constant_lr_suffices,
    "anytime.early_noise_limited_exponent": early_noise_limited_exponent,
    "anytime.large_source_rate_exponent": large_source_rate_exponent,
    "anytime.polynomial_schedule_rate_exponent": polynomial_schedule_rate_exponent,
    "anytime.wsd_last_iterate_rate": wsd_last_iterate_rate,
    "anytime.classic.horizon_optimal_step": horizon_optimal_step,
    "anytime.classic.averaged_rate_exponent": averaged_rate_exponent,
    "anytime.classic.averaged_sgd_variance": averaged_sgd_variance,
    "anytime.classic.averaged_sgd_bias": averaged_sgd_bias,
    "anytime.classic.sketched_test_error": sketched_test_error,
    "anytime.classic.one_pass_hard": one_pass_hard,
    "anytime.classic.multi_pass_hard": multi_pass_hard,
    "anytime.tail_averaged_rate_exponent": tail_averaged_rate_exponent,
    "anytime.sqrt_vs_constant_exponent_gap": sqrt_vs_constant_exponent_gap,
    "anytime.ema_polynomial_equivalence": ema_polynomial_equivalence,
}

#: Laws of the paper not derived here, with the reason.
NOT_DERIVED: dict[str, str] = {
    "anytime.general_spectrum_bound": (
        "the paper's Theorem 1 for a general spectrum (proof in the paper, unread); its "
        "power-law reading is derived (anytime.bias_exponent, anytime.variance_exponent) and "
        "the bound itself is checked numerically against the exact recursion"),
}


# ----------------------------------------------------------------------------------------------
# beyond single laws
# ----------------------------------------------------------------------------------------------


def best_polynomial_schedule() -> tuple[sp.Expr, sp.Piecewise]:
    """The decay gamma in [0, 1) that maximises the derived rate, and that rate, over (a, b).

    The rate is min(bias, variance, early). Bias and early exponents fall with gamma, the
    variance exponent rises, and early >= variance exactly for gamma <= 1/2. So on [0, 1/2] the
    rate is min(bias, variance), largest at their crossing 1 - a/b clipped to [0, 1/2], and on
    [1/2, 1) it is min(bias, early), largest at 1/2. Hence gamma_opt = min(max(1 - a/b, 0), 1/2):
    for b > 2a the best polynomial decay is 1/2, not 1 - a/b, with rate 1 - 1/(2a). (Uniform
    averaging's head-bias saturation for b > 2a + 1 is not part of this rate.)

    >>> g, nu = best_polynomial_schedule()
    >>> g.subs({a: 2, b: 6}), nu.subs({a: 2, b: 6})
    (1/2, 3/4)
    """
    e = exponents()
    (g_ve,) = sp.solve(sp.Eq(e["variance"], e["early"]), gamma)
    g_c = _crossing()
    g_opt = sp.Min(sp.Max(g_c, 0), g_ve)
    regions = [  # (condition, decay there, substitution that proves the ordering there)
        (b <= a, sp.Integer(0), {a: b + _delta}),
        (b <= 2 * a, g_c, {a: (b + _delta) / 2}),
        (sp.true, g_ve, {b: 2 * a + _delta}),
    ]
    pieces = []
    for cond, g, sub in regions:
        values = [sp.simplify(v.subs(gamma, g)) for v in e.values()]
        pieces.append((_least(values, sub), cond))
    return g_opt, sp.Piecewise(*pieces)


def cross_paper_identities(fsl: dict | None = None, db: dict | None = None) -> dict[str, tuple]:
    """The identities of digest section 5: ``{name: (anytime_side, other_side, holds)}``.

    ``holds`` is equality of the two sides, except for ``averaging_beats_last_iterate`` where it
    is the strict inequality anytime_side > other_side (averaged hard rate (b - 1)/a against FSL's
    constant-step last-iterate rate s/(s + 1) mapped back to (a, b)).

    The anytime side is *derived* here (crossing of the exponents, rate at the crossing, the
    gamma = 0 rate, the boundary gamma* = 0) and rewritten with the dictionary ``fsl`` (default
    :data:`FSL_TO_ANYTIME`, a = beta, b = 1 + s beta) or ``db`` (default :data:`DB_TO_ANYTIME`,
    a = alpha, b = 1 + 2 alpha r); the other side is the other paper's published form.

    >>> all(holds for *_, holds in cross_paper_identities().values())
    True
    """
    fsl = FSL_TO_ANYTIME if fsl is None else fsl
    db = DB_TO_ANYTIME if db is None else db
    e = exponents()
    g_c = _crossing()
    minimax = sp.simplify(e["bias"].subs(gamma, g_c))
    hard = e["bias"].subs(gamma, 0)
    (boundary_b,) = sp.solve(sp.Eq(g_c, 0), b)  # easy/hard boundary: gamma* = 0
    # FSL Theorem 5.2 (constant step, last iterate): E = (gamma D)^-s + gamma sigma^2
    g_lr, D = sp.symbols("g_lr D", positive=True)
    fsl_const = (g_lr * D) ** (-s) + g_lr * sigma2
    (g_opt,) = sp.solve(sp.diff(fsl_const, g_lr), g_lr)
    fsl_const_rate = sp.factor(_rate(fsl_const.subs(g_lr, g_opt), D))
    (back,) = sp.solve([sp.Eq(a, fsl[a]), sp.Eq(b, fsl[b])], [beta, s], dict=True)
    const_in_anytime = sp.simplify(fsl_const_rate.xreplace(back))

    def mapped(expr, mapping):
        return sp.simplify(expr.xreplace(mapping))

    def same(left, right):
        return bool(sp.simplify(left - right) == 0)

    out = {}
    pairs = {
        "decay_fsl": (mapped(g_c, fsl), (1 + s * beta - beta) / (1 + s * beta)),
        "decay_db": (mapped(-g_c, db), (alpha - 1 - 2 * alpha * r) / (1 + 2 * alpha * r)),
        "minimax_fsl": (mapped(minimax, fsl), s * beta / (1 + s * beta)),
        "minimax_db": (mapped(minimax, db), 2 * alpha * r / (2 * alpha * r + 1)),
        "hard_fsl": (mapped(hard, fsl), s),
        "hard_db": (mapped(hard, db), 2 * r),
    }
    for name, (left, right) in pairs.items():
        out[name] = (left, right, same(left, right))
    # boundary b = a  <=>  s = 1 - 1/beta  <=>  r = (alpha - 1)/(2 alpha)
    (s_boundary,) = sp.solve(sp.Eq(fsl[b], boundary_b.xreplace(fsl)), s)
    (r_boundary,) = sp.solve(sp.Eq(db[b], boundary_b.xreplace(db)), r)
    out["boundary_fsl"] = (s_boundary, 1 - 1 / beta, same(s_boundary, 1 - 1 / beta))
    r_db = (alpha - 1) / (2 * alpha)
    out["boundary_db"] = (r_boundary, r_db, same(r_boundary, r_db))
    # value of averaging (digest 5.4): FSL's constant-step last iterate, s/(s + 1) in the FSL
    # dictionary, is slower than the averaged gamma = 0 rate for every b > 1
    gap = sp.factor(hard - const_in_anytime)
    faster = sp.simplify(gap.xreplace({b: 1 + sp.Symbol("b_minus_1", positive=True)})).is_positive
    out["averaging_beats_last_iterate"] = (hard, const_in_anytime, bool(faster))
    return out
