r"""Derivations of the laws of :mod:`scalinglaws.papers.precond_bias` (the delta method).

Model: :math:`\bar p = \frac1m\sum_j p_j`, :math:`p_j` i.i.d. with mean :math:`p` and variance
:math:`s^2`; :math:`T(x) = x^{-a}`. A second-order Taylor expansion of :math:`T` around
:math:`p` and :math:`\mathbb E(\bar p - p) = 0`, :math:`\mathbb E(\bar p - p)^2 = s^2/m` give the
leading bias; the coupling terms expand :math:`\hat g\,T(\hat P)` jointly in
:math:`(\hat g - \mu, \hat P - P)` with the Gaussian moments of :math:`g \sim N(\mu,\sigma^2)`
computed by ``sympy.stats``; the :math:`\chi^2` anchor integrates :math:`x^{-a}` against the
:math:`\chi^2_m` density.

>>> from scalinglaws.derivations import check
>>> check(DERIVATIONS["precond_bias.inversion_bias"]())
True
"""

from __future__ import annotations

import sympy as sp
from sympy.stats import E, Normal

from scalinglaws.registry import paper as _paper

from . import Derivation

__all__ = ["DERIVATIONS", "NOT_DERIVED"]

_P = _paper("precond_bias").params
a, m, p, s2, sigma2, mu, sigma, B = (
    _P[n].symbol for n in ("a", "m", "p", "s2", "sigma2", "mu", "sigma", "B")
)
_x, _d, _e = sp.symbols("x delta epsilon", real=True)


def _taylor2(T, at):
    """Second-order Taylor polynomial of T around ``at`` in the deviation _d."""
    return sum(sp.diff(T, _x, k).subs(_x, at) * _d**k / sp.factorial(k) for k in range(3))


def inversion_bias() -> Derivation:
    T = _x ** (-a)
    poly = sp.expand(_taylor2(T, p))
    # E[delta] = 0, E[delta^2] = Var(p_bar) = s2/m
    mean = poly.subs(_d**2, s2 / m).subs(_d, 0)
    bias = sp.simplify(mean - p ** (-a))
    return Derivation(
        "precond_bias.inversion_bias", "second-order delta method for E T(p_bar), T = x^-a",
        [("T(p + delta) to second order", poly),
         ("E delta = 0, E delta^2 = s2/m", mean),
         ("bias E T(p_bar) - T(p)", bias)],
        bias, notes="Drops the O(m^-2) terms (third and fourth central moments of p_bar).",
    )


def chi2_inverse_moment() -> Derivation:
    X = sp.Symbol("X", positive=True)
    density = X ** (m / 2 - 1) * sp.exp(-X / 2) / (2 ** (m / 2) * sp.gamma(m / 2))
    # p_bar = sigma^2 X / m with X ~ chi^2_m
    integrand = (sigma2 * X / m) ** (-a) * density
    value = sp.integrate(integrand, (X, 0, sp.oo), conds="none")
    value = sp.simplify(sp.gammasimp(value))
    return Derivation(
        "precond_bias.chi2_inverse_moment",
        "E[(sigma^2 X/m)^-a] for X ~ chi^2_m, integrated against the chi-square density",
        [("chi-square density", density), ("integrand", integrand), ("integral", value)],
        value, notes="Converges for m > 2a.",
    )


def corrected_estimator() -> Derivation:
    T = _x ** (-a)
    value = T.subs(_x, p) - sp.diff(T, _x, 2).subs(_x, p) / 2 * s2 / m
    return Derivation(
        "precond_bias.corrected_estimator",
        "T(p_bar) - 1/2 T''(p_bar) Var_hat(p_bar) written at p_bar = p, Var_hat = s2/m",
        [("T''(x)", sp.diff(T, _x, 2)), ("estimator", value)], sp.simplify(value),
    )


def _gradient_moments():
    g = Normal("g", mu, sigma)
    P = E(g**2)
    cov = sp.simplify(E(g**3) - E(g) * E(g**2))
    var = sp.simplify(E(g**4) - E(g**2) ** 2)
    steps = [("P = E g^2", P), ("Cov(g, g^2)", cov), ("Var(g^2)", var)]
    return steps, sp.simplify(P), cov, var


def _joint_expansion():
    """E[g_hat T(P_hat)] to second order in (g_hat - mu, P_hat - P), T = x^-1/2."""
    steps, P, cov, var = _gradient_moments()
    T = _x ** sp.Rational(-1, 2)
    expansion = (mu + _e) * _taylor2(T, P)  # _e = g_hat - mu, _d = P_hat - P
    expanded = sp.expand(expansion)
    poly = sp.Poly(expanded, _e, _d)
    coupling = poly.coeff_monomial(_e * _d) * cov / B
    inversion = poly.coeff_monomial(_d**2) * var / B
    steps = steps + [("(mu + e) T(P + d), second order", expanded),
                     ("coefficient of e d times Cov(g_hat, P_hat) = Cov(g, g^2)/B", coupling),
                     ("coefficient of d^2 times Var(P_hat) = Var(g^2)/B", inversion)]
    return steps, sp.simplify(coupling), sp.simplify(inversion)


def coupling_bias() -> Derivation:
    steps, coupling, _ = _joint_expansion()
    return Derivation("precond_bias.coupling_bias",
                      "cross term T'(P) Cov(g_hat, P_hat) of the joint delta expansion",
                      steps, coupling)


def crossfit_bias() -> Derivation:
    steps, _, inversion = _joint_expansion()
    return Derivation("precond_bias.crossfit_bias",
                      "mu/2 T''(P) Var(P_hat) of the joint delta expansion (independent P_hat)",
                      steps, inversion,
                      notes="With an independent denominator the cross term vanishes.")


def crossfit_amplification() -> Derivation:
    steps, coupling, inversion = _joint_expansion()
    ratio = sp.factor(sp.simplify(inversion / (coupling + inversion)))
    num, den = sp.fraction(ratio)
    value = sp.Abs(sp.expand(num)) / sp.Abs(sp.expand(den))
    value = sp.simplify(value)
    return Derivation(
        "precond_bias.crossfit_amplification",
        "|cross-fitted bias| / |same-batch bias| = |inversion| / |coupling + inversion|",
        steps + [("ratio inversion / (coupling + inversion)", ratio)], value,
    )


DERIVATIONS = {
    "precond_bias.inversion_bias": inversion_bias,
    "precond_bias.chi2_inverse_moment": chi2_inverse_moment,
    "precond_bias.corrected_estimator": corrected_estimator,
    "precond_bias.coupling_bias": coupling_bias,
    "precond_bias.crossfit_bias": crossfit_bias,
    "precond_bias.crossfit_amplification": crossfit_amplification,
}

NOT_DERIVED = {
    "precond_bias.corrected_residual_bias": (
        "an order statement: the m^-2 constant needs the third and fourth cumulants of p_j and "
        "the fluctuation of Var_hat, which depend on the microbatch distribution; checked "
        "numerically (upper bound) instead"
    ),
    "precond_bias.inverse_wishart_mean": (
        "the standard inverse-Wishart mean E[W^-1] = Sigma^-1/(n - k - 1) (e.g. Muirhead, "
        "Aspects of Multivariate Statistical Theory, Section 3.2), quoted, not re-derived here"
    ),
}
