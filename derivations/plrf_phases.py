r"""Derivations of the laws of :mod:`scalinglaws.papers.plrf_phases` from the PLRF loss terms.

Model (Paquette, Paquette, Xiao, Pennington, arXiv:2405.15074): spectrum
:math:`\lambda_j = j^{-2\alpha}`, target weights :math:`j^{-2\beta}`, one-pass SGD with step
:math:`\gamma`, batch :math:`B`, :math:`r` iterations, compute :math:`f = d\,r` (:math:`B = 1`).
Everything is reached from three model facts, each computed here with SymPy:

1. *Term integrals.* A sum :math:`\sum_j j^{-p} e^{-c\,r\,j^{-2\alpha}}` is, for
   :math:`1 \ll c r`, the integral :math:`\int_0^\infty x^{-p} e^{-c r x^{-2\alpha}}dx
   = \frac{1}{2\alpha}\Gamma\!\big(\tfrac{p-1}{2\alpha}\big)(c r)^{-(p-1)/(2\alpha)}`
   (substitute :math:`u = c r x^{-2\alpha}`). With :math:`c = 2\gamma B`:
   :math:`F_{pp}` has :math:`p = 2\alpha+2\beta` (:math:`\lambda_j\rho_j`), :math:`K_{pp}` has
   :math:`p = 4\alpha` (:math:`\lambda_j^2`), and :math:`F_{ac}` has :math:`p = 2\alpha` with the
   weight :math:`d^{-1}\sum_k k^{-2\beta}` of the absolutely-continuous part.
2. *Capacity.* :math:`F_0(d) \asymp \kappa \sum_{j \le d} j^{-2\beta} + \sum_{j>d} j^{-2\alpha-2\beta}`
   with :math:`\kappa \asymp d^{-2\alpha}` from the degrees-of-freedom equation
   :math:`d = \#\{j : j^{-2\alpha} > \kappa\}`.
3. *IsoFLOP balance.* On :math:`r = f/d`, the compute-optimal :math:`d^*` makes the two dominant
   terms (one falling, one rising in :math:`d`) equal; stationarity of their sum gives the same
   power of :math:`f`. Below the high-dimensional line the step shrinks like
   :math:`\gamma \propto d^{2\alpha-1}`.

>>> from scalinglaws.derivations import check
>>> d = DERIVATIONS["plrf_phases.eta_II"]()
>>> import sympy as sp
>>> sp.factor(d.result)
(2*alpha + 2*beta - 1)/(2*(alpha + beta))
>>> check(d)
True
"""

from __future__ import annotations

import functools

import sympy as sp

from scalinglaws.errors import ScalingLawsError
from scalinglaws.law import leading_exponent
from scalinglaws.registry import paper as _paper

from . import Derivation, drop_constants

__all__ = ["DERIVATIONS", "NOT_DERIVED", "term_integral", "balance", "boundary_checks"]

_P = _paper("plrf_phases").params
alpha, beta, d, r, gamma, B, trK = (
    _P[n].symbol for n in ("alpha", "beta", "d", "r", "gamma", "B", "trK")
)
_x, _u, _c, _f, _p = sp.symbols("x u c f p", positive=True)
_delta, _eps = sp.symbols("delta epsilon", positive=True)
_HALF = sp.Rational(1, 2)


# ---- 1. term integrals ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def term_integral(p: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    r"""``(integrand in u, value)`` of :math:`\int_0^\infty x^{-p} e^{-c x^{-2\alpha}} dx`.

    The substitution :math:`x = (c/u)^{1/(2\alpha)}` turns it into a Gamma integral; SymPy does
    both steps. Needs :math:`p > 1` (convergence at :math:`x \to \infty`).
    """
    x_of_u = (_c / _u) ** (1 / (2 * alpha))
    integrand = (x_of_u ** (-p) * sp.exp(-_u) * -sp.diff(x_of_u, _u))
    integrand = sp.powsimp(sp.expand_power_base(integrand, force=True), force=True)
    value = sp.integrate(integrand, (_u, 0, sp.oo), conds="none")
    return integrand, sp.simplify(sp.gammasimp(value))


def _scale_part(value: sp.Expr) -> sp.Expr:
    """The c-dependence of a term integral, evaluated at c = 2 gamma B r."""
    shape = sp.simplify(value / value.subs(_c, 1))
    return shape.subs(_c, 2 * gamma * B * r)


@functools.lru_cache(maxsize=None)
def _terms() -> dict[str, tuple[sp.Expr, sp.Expr]]:
    """(full asymptotic with constant, power-law part) of F_pp, K_pp, F_ac."""
    out = {}
    for name, p, weight in (
        ("F_pp", 2 * alpha + 2 * beta, 1),
        ("K_pp", 4 * alpha, 1),
        ("F_ac", 2 * alpha, 1 / d),
    ):
        _, value = term_integral(p)
        out[name] = (value * weight, _scale_part(value) * weight)
    return out


def _term_derivation(key, name, p_text, regime_note):
    full, shape = _terms()[name]
    integrand, _ = term_integral({"F_pp": 2 * alpha + 2 * beta, "K_pp": 4 * alpha,
                                  "F_ac": 2 * alpha}[name])
    return Derivation(
        key,
        f"{name} from the Gamma integral of its spectral sum ({p_text})",
        [
            ("substitute u = c x^(-2 alpha) in int x^-p exp(-c x^-2alpha) dx", integrand),
            ("integrate over u in (0, oo) (c = 2 gamma B r)", full),
            ("keep the power law (constants dropped)", shape),
        ],
        shape,
        notes=regime_note,
    )


def _forcing_pp():
    return _term_derivation(
        "plrf_phases.forcing_pp", "F_pp", "p = 2 alpha + 2 beta",
        "Gamma(1 + (2b-1)/(2a)) needs 2(a+b) > 1. The sum's cutoff at j ~ d is ignored "
        "(valid for gamma r << d^(2a)).",
    )


def _kernel_pp():
    return _term_derivation(
        "plrf_phases.kernel_pp", "K_pp", "p = 4 alpha", "Converges for 4a > 1.",
    )


def _forcing_ac():
    return _term_derivation(
        "plrf_phases.forcing_ac", "F_ac", "p = 2 alpha, weight sum_k k^-2b / d",
        "The absolutely-continuous part carries weight (sum_k k^-2b)/d on the spectrum "
        "(2b > 1, 2a > 1); its time decay uses p = 2a.",
    )


# ---- 2. capacity -----------------------------------------------------------------------------


def _branch_exponent(expr: sp.Expr, side: int) -> sp.Expr:
    """Leading exponent in d of ``expr`` with 2 beta = 1 + side * 2 delta (delta > 0)."""
    shifted = expr.subs(beta, _HALF + side * _delta)
    p = leading_exponent(sp.expand(shifted), d)
    p = sp.simplify(p)
    if isinstance(p, sp.Max):
        best = [q for q in p.args if all(sp.simplify(q - o).is_nonnegative for o in p.args)]
        if not best:
            raise ScalingLawsError(f"cannot order {p}")
        p = best[0]
    return sp.simplify(p.subs(_delta, side * (beta - _HALF)))


def _capacity_loss():
    kappa_eq = sp.Eq(d, _c ** (-1 / (2 * alpha)))  # #{j : j^-2a > kappa} = kappa^(-1/(2a))
    kappa = sp.solve(kappa_eq, _c)[0]
    learned = sp.integrate(_x ** (-2 * beta), (_x, 1, d), conds="none")
    tail = sp.integrate(_x ** (-2 * alpha - 2 * beta), (_x, d, sp.oo), conds="none")
    F0 = kappa * learned + tail
    below = _branch_exponent(F0, -1)  # 2 beta < 1
    above = _branch_exponent(F0, +1)  # 2 beta > 1
    exponent = sp.Piecewise((-below, 2 * beta < 1), (-above, True))
    return Derivation(
        "plrf_phases.capacity_loss",
        "F_0(d) = distortion of the learned directions + unlearned tail",
        [
            ("degrees of freedom: d = #{j : j^-2a > kappa}", kappa_eq),
            ("kappa", kappa),
            ("F_0 ~ kappa sum_{j<=d} j^-2b + sum_{j>d} j^-(2a+2b)", F0),
            ("leading exponent for 2b < 1", below),
            ("leading exponent for 2b > 1", above),
        ],
        d ** (-exponent),
        notes="Power-law reading of the fixed point (2a > 1); the authors' code solves it exactly.",
    )


# ---- 3. IsoFLOP balance ------------------------------------------------------------------------


def _monomial(term: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    """(a, b) with term ~ f^a d^b (constants dropped)."""
    m = drop_constants(sp.powsimp(sp.expand_power_base(term, force=True), force=True), _f, d)
    return sp.simplify(leading_exponent(m, _f)), sp.simplify(leading_exponent(m.subs(_f, 1), d))


def balance(t1: sp.Expr, t2: sp.Expr, below_line: bool = False, at: dict | None = None) -> dict:
    r"""Compute-optimal exponents of :math:`P = T_1(f/d, d) + T_2(f/d, d)` over :math:`d`.

    Returns ``xi`` (:math:`d^* \propto f^\xi`), ``eta`` (:math:`P^* \propto f^{-\eta}`), the
    monomials and the stationarity solution. Raises when both terms move the same way in
    :math:`d` (no interior optimum); signs are decided inside the power-law region
    :math:`2(\alpha+\beta) > 1`, and with ``below_line`` for :math:`2\alpha < 1`; ``at`` (a
    point ``{alpha: .., beta: ..}`` inside the phase) replaces that generic sign test.
    """
    m1, m2 = (_monomial(t.subs(r, _f / d)) for t in (t1, t2))
    (a1, b1), (a2, b2) = m1, m2
    # signs inside the power-law region 2(alpha + beta) > 1: beta = 1/2 - alpha + delta
    if at is not None:
        sign = (b1 * b2).subs(at)
    else:
        sign = (b1 * b2).subs(beta, _HALF - alpha + _delta)
        sign = sign.subs(alpha, _HALF / (1 + _eps) if below_line else _HALF + _eps)
    if not sp.simplify(sign).is_negative:
        raise ScalingLawsError(f"no interior optimum: d-exponents {b1}, {b2}")
    xi_equal = sp.simplify((a1 - a2) / (b2 - b1))  # f^a1 d^b1 = f^a2 d^b2
    # stationarity of f^a1 d^b1 + f^a2 d^b2 in d: d^(b1-b2) ~ f^(a2-a1)
    L = sp.Symbol("L", real=True)  # log d
    lf = sp.Symbol("lf", positive=True)  # log f
    stationary = sp.solve(sp.Eq((b1 - b2) * L, (a2 - a1) * lf), L)[0] / lf
    if sp.simplify(stationary - xi_equal) != 0:
        raise ScalingLawsError("equal-terms and stationarity disagree")
    eta = sp.simplify(-(a1 + b1 * xi_equal))
    return {"m1": m1, "m2": m2, "xi": xi_equal, "eta": eta, "stationary": stationary}


def _phase_terms() -> dict[str, tuple[sp.Expr, sp.Expr, str]]:
    shape = {k: v[1] for k, v in _terms().items()}
    exponent = sp.piecewise_fold(_capacity_loss().result.exp)  # Piecewise: (2b < 1), else
    F0_low = d ** exponent.args[0][0]
    line = {gamma: d ** (2 * alpha - 1), B: 1}  # below the line: gamma ~ 1 / tr K ~ d^(2a-1)
    F0_high = d ** (-2 * alpha)  # capacity level for 2b > 1 (capacity_loss_high_dim)
    # SGD-noise term: (K * P)(r) ~ K(r) int_0^oo F, K = gamma^2 B K_pp, int F ~ 1/gamma (2b > 1)
    noise = gamma * shape["K_pp"]
    above = {gamma: 1, B: 1}
    return {
        "Ia": (shape["F_pp"].subs(above), F0_low, "F_pp(r) = F_0(d), 2b < 1"),
        "Ib": (shape["F_pp"].subs(line), F0_low, "F_pp(gamma r) = F_0(d), gamma ~ d^(2a-1)"),
        "II": (shape["F_pp"].subs(above), shape["F_ac"].subs(above), "F_pp(r) = F_ac(r, d)"),
        "III": (shape["K_pp"].subs(above), shape["F_ac"].subs(above), "noise K_pp(r) = F_ac(r, d)"),
        "Ic": (shape["F_pp"].subs(line), F0_high,
               "F_pp(gamma r) = F_0(d) = d^-2a (2b > 1), gamma ~ d^(2a-1)"),
        "IVa": (shape["F_pp"].subs(line), noise.subs(line),
                "F_pp(gamma r) = noise gamma K_pp(gamma r), gamma ~ d^(2a-1)"),
        "IVb": (noise.subs(line), F0_high,
                "noise gamma K_pp(gamma r) = F_0(d) = d^-2a, gamma ~ d^(2a-1)"),
    }


#: A point inside each phase where the sign test of :func:`balance` is made.
_PHASE_POINT = {
    "Ia": None, "II": None, "III": None, "Ib": None,
    "Ic": {alpha: sp.Rational(1, 5), beta: sp.Rational(7, 10)},
    "IVa": {alpha: sp.Rational(27, 100), beta: 1},
    "IVb": {alpha: sp.Rational(2, 5), beta: sp.Rational(7, 10)},
}


@functools.lru_cache(maxsize=None)
def _phase(name: str) -> dict:
    t1, t2, text = _phase_terms()[name]
    out = balance(t1, t2, below_line=(name == "Ib"), at=_PHASE_POINT[name])
    out.update(t1=t1, t2=t2, text=text)
    return out


def _phase_derivation(name: str, which: str):
    ph = _phase(name)
    key = f"plrf_phases.{which}_{name}"
    steps = [
        ("dominant term 1 (from the term integrals)", ph["t1"]),
        ("dominant term 2", ph["t2"]),
        ("term 1 on r = f/d: exponents (of f, of d)", sp.Tuple(*ph["m1"])),
        ("term 2 on r = f/d: exponents (of f, of d)", sp.Tuple(*ph["m2"])),
        ("equal terms: d* ~ f^xi", ph["xi"]),
        ("stationarity of the sum gives the same xi", ph["stationary"]),
    ]
    if which == "eta":
        steps.append(("P* ~ f^-eta with eta = -(a1 + b1 xi)", ph["eta"]))
    return Derivation(key, f"Phase {name}: {ph['text']} on the IsoFLOP line", steps, ph[which])


def _sgd_loss_exponent():
    shape = _terms()["F_pp"][1]
    rate = sp.simplify(-leading_exponent(shape, r))
    return Derivation(
        "plrf_phases.sgd_loss_exponent",
        "pre-floor SGD loss decays like F_pp(r)",
        [("F_pp power law", shape), ("decay rate in r", rate)],
        rate,
        notes="Dominance of F_pp over the noise term needs b <= a (compare the K_pp rate).",
    )


def _bound(name: str):
    shape = _terms()["F_pp"][1]
    rate = sp.simplify(-leading_exponent(shape.subs({gamma: 1, B: 1}), r))
    return Derivation(
        f"plrf_phases.eta_{name}_bound",
        "P >= F_pp(gamma r) and gamma r <= f give P* >~ f^-rate",
        [("F_pp power law", shape), ("rate in gamma r, with gamma r <= f", rate)],
        rate,
        notes="An upper bound on eta only; the phase's exponent is not derived.",
    )


def _max_stable_lr():
    g, lam = sp.symbols("g lambda_j", positive=True)
    knorm_lower = g * trK / 2  # (g/2) sum lam/(1 - g lam) >= (g/2) sum lam
    gmax = sp.solve(sp.Eq(knorm_lower, 1), g)[0]
    return Derivation(
        "plrf_phases.max_stable_lr",
        "||K|| >= gamma tr K / 2 must stay below 1",
        [
            ("each factor 1/(1 - gamma lambda_j) >= 1", sp.Ge(1 / (1 - g * lam), 1)),
            ("||K|| >= gamma tr K / 2 < 1", sp.Lt(knorm_lower, 1)),
            ("largest gamma the lower bound allows", gmax),
        ],
        gmax,
    )


def boundary_checks() -> dict[str, bool]:
    """The derived exponents coincide on the phase boundaries (computed, not assumed).

    Ia = II on 2b = 1; II = III on b = a; Ia = Ib on 2a = 1; Ia = Ib = 0 on 2(a + b) = 1.
    """
    e = {n: _phase(n)["eta"] for n in ("Ia", "Ib", "II", "III")}
    x = {n: _phase(n)["xi"] for n in ("Ia", "Ib", "II", "III")}
    z = lambda expr: sp.simplify(expr) == 0  # noqa: E731
    return {
        "eta Ia = II on 2b = 1": z((e["Ia"] - e["II"]).subs(beta, _HALF)),
        "xi Ia = II on 2b = 1": z((x["Ia"] - x["II"]).subs(beta, _HALF)),
        "eta II = III on b = a": z((e["II"] - e["III"]).subs(beta, alpha)),
        "xi II = III on b = a": z((x["II"] - x["III"]).subs(beta, alpha)),
        "eta Ia = Ib on 2a = 1": z((e["Ia"] - e["Ib"]).subs(alpha, _HALF)),
        "xi Ia = Ib on 2a = 1": z((x["Ia"] - x["Ib"]).subs(alpha, _HALF)),
        "eta Ia = 0 on 2(a+b) = 1": z(e["Ia"].subs(beta, _HALF - alpha)),
        "eta Ib = 0 on 2(a+b) = 1": z(e["Ib"].subs(beta, _HALF - alpha)),
        **_below_line_checks(),
    }


def _below_line_checks() -> dict[str, bool]:
    names = ("Ib", "Ic", "IVa", "IVb", "III", "II")
    e = {n: _phase(n)["eta"] for n in names}
    x = {n: _phase(n)["xi"] for n in names}
    z = lambda expr: sp.simplify(expr) == 0  # noqa: E731
    q = sp.Rational(1, 4)
    split = _iv_split()[1]
    return {
        "eta Ic = Ib on 2b = 1": z((e["Ic"] - e["Ib"]).subs(beta, _HALF)),
        "xi Ic = Ib on 2b = 1": z((x["Ic"] - x["Ib"]).subs(beta, _HALF)),
        "eta Ic = IVa on a = 1/4": z((e["Ic"] - e["IVa"]).subs(alpha, q)),
        "xi Ic = IVa on a = 1/4": z((x["Ic"] - x["IVa"]).subs(alpha, q)),
        "eta IVa = Ib on 2b = 1": z((e["IVa"] - e["Ib"]).subs(beta, _HALF)),
        "eta IVb = Ib on 2b = 1": z((e["IVb"] - e["Ib"]).subs(beta, _HALF)),
        "eta IVa = IVb on the split line": z(sp.radsimp((e["IVa"] - e["IVb"]).subs(alpha, split))),
        "eta IVb = III on 2a = 1": z((e["IVb"] - e["III"]).subs(alpha, _HALF)),
        "xi IVb = III on 2a = 1": z((x["IVb"] - x["III"]).subs(alpha, _HALF)),
        "eta Ic = II at a = 1/2 (formal continuation)": z((e["Ic"] - e["II"]).subs(alpha, _HALF)),
    }


@functools.lru_cache(maxsize=None)
def _iv_split():
    """(s(alpha), the root in (1/4, 1/2)): s is the d-exponent of the noise term on r = f/d."""
    m = _monomial(_phase_terms()["IVa"][1].subs(r, _f / d))
    s_alpha = sp.simplify(m[1])
    roots = [rt for rt in sp.solve(sp.Eq(sp.numer(sp.together(s_alpha)), 0), alpha)
             if sp.Rational(1, 4) < rt < _HALF]
    if len(roots) != 1:
        raise ScalingLawsError(f"expected one root of s(alpha) in (1/4, 1/2), got {roots}")
    return s_alpha, roots[0]


def _alpha_iv_split():
    s_alpha, root = _iv_split()
    return Derivation(
        "plrf_phases.alpha_IV_split",
        "IVa/IVb: the noise term's d-exponent at fixed compute changes sign",
        [
            ("noise gamma K_pp(gamma f/d), gamma ~ d^(2a-1): exponents (of f, of d)",
             sp.Tuple(*_monomial(_phase_terms()["IVa"][1].subs(r, _f / d)))),
            ("s(alpha), the exponent of d", s_alpha),
            ("s = 0: numerator", sp.Eq(sp.numer(sp.together(s_alpha)), 0)),
            ("the root in (1/4, 1/2)", root),
        ],
        root,
        notes="s < 0 (IVa): at fixed compute the noise falls with d, the optimum is set by F_pp; "
        "s > 0 (IVb): it rises, the optimum is set by F_0.",
    )


def _derived_exponent(key: str, phase: str, fn, text: str):
    xi = _phase(phase)["xi"]
    value = sp.simplify(fn(xi))
    return Derivation(key, text, [(f"xi of phase {phase} (its balance)", xi), (text, value)], value)


def _capacity_high_dim():
    # degrees of freedom with v = v_ratio d: kappa = c d^-2a (c depends on v_ratio only)
    cst = sp.Symbol("c_v", positive=True)
    kappa = cst * d ** (-2 * alpha)
    learned = sp.integrate(_x ** (-2 * beta), (_x, 1, d), conds="none")
    vr = sp.Symbol("v_r", positive=True)
    tail = sp.integrate(_x ** (-2 * alpha - 2 * beta), (_x, d, vr * d), conds="none")
    F0 = kappa * learned + tail
    below = _branch_exponent(drop_constants(sp.expand(F0), d), -1)
    above = _branch_exponent(drop_constants(sp.expand(F0), d), +1)
    exponent = sp.Piecewise((-below, 2 * beta < 1), (-above, True))
    return Derivation(
        "plrf_phases.capacity_loss_high_dim",
        "F_0(d) below the line: distortion of the learned directions + the tail up to v = v_r d",
        [
            ("kappa ~ c_v d^-2a (degrees of freedom with v/d fixed)", kappa),
            ("F_0 ~ kappa sum_{j<=d} j^-2b + sum_{d<j<=v} j^-(2a+2b)", F0),
            ("leading exponent for 2b < 1", below),
            ("leading exponent for 2b > 1", above),
        ],
        d ** (-exponent),
        notes="The tail is cut at v = v_r d (finite because v/d is fixed); kappa's d-scaling is "
        "that of the fixed point d = sum_{j<=v} j^-2a/(j^-2a + kappa) with v/d fixed.",
    )


def _forcing_ac_high_dim():
    w = sp.Symbol("zeta_2b", positive=True) / d  # the weight d^-1 sum_k k^-2b (2b > 1)
    plateau = w * sp.integrate(_x ** (-2 * alpha), (_x, 0, d), conds="none") / 2
    shape = drop_constants(sp.simplify(plateau), d)
    return Derivation(
        "plrf_phases.forcing_ac_high_dim",
        "F_ac below the line: weight w_d times the trace of the spectrum, flat while gamma r << d^(2a)",
        [
            ("weight w_d ~ zeta(2b)/d", w),
            ("1/2 w_d sum_{j<=d} j^-2a (a_j^r ~ 1 for gamma r j^-2a << 1)", plateau),
            ("power law in d", shape),
        ],
        shape,
        notes="For 2a < 1 the sum is carried by j ~ d, each term unchanged while gamma r << d^(2a).",
    )


def _ac_weight_correction():
    k = sp.Symbol("k", positive=True)
    tail = sp.integrate(k ** (-2 * beta), (k, d, sp.oo), conds="none")
    shape = drop_constants(sp.simplify(tail), d)
    return Derivation(
        "plrf_phases.ac_weight_correction",
        "1 - d w_d/zeta(2b) = sum_{k>d} k^-2b / zeta(2b)",
        [("tail of the zeta sum (integral)", tail), ("power law in d", shape)],
        shape,
    )


def _capacity_slope_correction():
    c0, c1, e0, w = sp.symbols("C_0 c_1 e_0 omega", positive=True)
    L = sp.Symbol("L", real=True)  # ln d
    F0 = c0 * sp.exp(-e0 * L) * (1 + c1 * sp.exp(-w * L))
    s_loc = sp.diff(sp.log(F0), L)
    ds = sp.simplify(sp.diff(s_loc, L))
    lead = sp.limit(ds * sp.exp(w * L), L, sp.oo)
    shape = d ** (-sp.Abs(1 - 2 * beta))
    return Derivation(
        "plrf_phases.capacity_slope_correction",
        "F_0 = C d^-e0 (1 + c d^-omega): the local exponent's drift falls like d^-omega",
        [
            ("F_0 in L = ln d", F0),
            ("local exponent s = dlnF_0/dL", s_loc),
            ("ds/dL", ds),
            ("ds/dL * d^omega -> (L -> oo)", lead),
            ("omega = |1 - 2b| (sum_{j<=d} j^-2b: zeta(2b) vs d^(1-2b)/(1-2b))", shape),
        ],
        shape,
        notes="The correction exponent |1 - 2b| is read off the learned-direction sum of F_0.",
    )


DERIVATIONS = {
    "plrf_phases.forcing_pp": _forcing_pp,
    "plrf_phases.kernel_pp": _kernel_pp,
    "plrf_phases.forcing_ac": _forcing_ac,
    "plrf_phases.capacity_loss": _capacity_loss,
    "plrf_phases.sgd_loss_exponent": _sgd_loss_exponent,
    "plrf_phases.max_stable_lr": _max_stable_lr,
    "plrf_phases.eta_Ic_bound": lambda: _bound("Ic"),
    "plrf_phases.eta_IV_bound": lambda: _bound("IV"),
    "plrf_phases.alpha_IV_split": _alpha_iv_split,
    "plrf_phases.capacity_loss_high_dim": _capacity_high_dim,
    "plrf_phases.forcing_ac_high_dim": _forcing_ac_high_dim,
    "plrf_phases.ac_weight_correction": _ac_weight_correction,
    "plrf_phases.capacity_slope_correction": _capacity_slope_correction,
}
for _name in ("Ia", "Ib", "Ic", "II", "III", "IVa", "IVb"):
    DERIVATIONS[f"plrf_phases.rstar_{_name}"] = functools.partial(
        _derived_exponent, f"plrf_phases.rstar_{_name}", _name, lambda xi: 1 - xi,
        "r* = f/d* ~ f^(1 - xi)")
    DERIVATIONS[f"plrf_phases.tokens_per_param_{_name}"] = functools.partial(
        _derived_exponent, f"plrf_phases.tokens_per_param_{_name}", _name,
        lambda xi: 1 - 2 * xi, "r*/d* = f/d*^2 ~ f^(1 - 2 xi)")
for _name in ("Ia", "Ib", "Ic", "II", "III", "IVa", "IVb"):
    for _which in ("xi", "eta"):
        DERIVATIONS[f"plrf_phases.{_which}_{_name}"] = functools.partial(
            _phase_derivation, _name, _which
        )

_ASSEMBLED = (
    "assembled, not derived: the sum of the derived term integrals (forcing_pp, forcing_ac, "
    "kernel_pp above, with their Gamma constants, halved for P = 1/2 E(.)^2, at c = 2 gamma r) and "
    "the capacity level F_0 and kernel norm ||K|| as inputs; the renewal step (P ~ (F_0 + G)/(1 - "
    "||K||) + K(r) int G/(1 - ||K||)^2 for a forcing G varying slower than the kernel decays) and "
    "the noise normalisation int F_pp = zeta(2b)/(4 gamma) are a first-order reading of "
    "P = F + K * P (law notes), not a SymPy derivation"
)

NOT_DERIVED = {
    "plrf_phases.loss_curve": _ASSEMBLED,
    "plrf_phases.loss_curve_Ia": _ASSEMBLED + "; for 2b < 1 the noise is the fraction ||K|| of F_pp",
    "plrf_phases.eta_no_power_law": (
        "a convention (eta = 0: no power-law decay for 2(alpha + beta) <= 1), not a result"
    ),
}
