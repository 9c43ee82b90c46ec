r"""Derivations of :mod:`scalinglaws.papers.dmft_fluctuations` (two-layer linear net, one point).

Initial moments: with :math:`a_i, h_i` iid :math:`N(0,1)`, :math:`\mathrm{Var}(a^2+h^2) = 4`,
:math:`\mathrm{Var}(ah) = 1`, :math:`\mathrm{Cov}(a^2+h^2, ah) = 0`, so
:math:`N\mathrm{Var}K_0 = 4`, :math:`N\mathrm{Var}f_0 = 1/\gamma_0^2`. Any smooth function of
:math:`(f_0, K_0)` then has variance :math:`\Sigma/N` (delta method), and the final NTK and the
output inherit it through the conserved quantity and the ODE's sensitivities.

>>> from scalinglaws.derivations import check
>>> check(DERIVATIONS["dmft_fluctuations.final_ntk_variance"]())
True
"""

from __future__ import annotations

import functools

import sympy as sp
from sympy.stats import E, Normal

from scalinglaws.registry import paper as _paper

from . import Derivation

__all__ = ["DERIVATIONS", "NOT_DERIVED", "initial_moments"]

_P = _paper("dmft_fluctuations").params
N, Sigma, gamma0, y, S_f, S_K, lk, ll, t = (
    _P[n].symbol for n in ("N", "Sigma", "gamma0", "y", "S_f", "S_K", "lambda_k", "lambda_l", "t"))


@functools.lru_cache(maxsize=1)
def initial_moments():
    """(Var(a^2 + h^2), Var(a h), Cov(a^2 + h^2, a h)) for a, h iid N(0, 1)."""
    a, h = Normal("a", 0, 1), Normal("h", 0, 1)
    k, q = a**2 + h**2, a * h
    var_k = sp.simplify(E(k**2) - E(k) ** 2)
    var_q = sp.simplify(E(q**2) - E(q) ** 2)
    cov = sp.simplify(E(k * q) - E(k) * E(q))
    return var_k, var_q, cov


def _steps():
    vk, vq, cov = initial_moments()
    return [("Var(a^2 + h^2), a, h iid N(0, 1)", vk), ("Var(a h)", vq),
            ("Cov(a^2 + h^2, a h)", cov),
            ("N Var K0 = Var(a^2 + h^2)", vk), ("N Var f0 = Var(a h)/gamma0^2", vq / gamma0**2)], vk, vq


def variance_scaling() -> Derivation:
    steps, vk, vq = _steps()
    Fk, Ff = sp.symbols("F_K F_f", real=True)
    var = (Fk**2 * vk + Ff**2 * vq / gamma0**2) / N
    return Derivation(
        "dmft_fluctuations.variance_scaling", "delta method for a smooth F(f0, K0)",
        steps + [("Var F = F_K^2 Var K0 + F_f^2 Var f0", var),
                 ("= Sigma/N with Sigma = 4 F_K^2 + F_f^2/gamma0^2", Sigma / N)],
        Sigma / N, notes="Two-layer one-point model only; the paper's statement is general.")


def final_ntk_variance() -> Derivation:
    steps, vk, vq = _steps()
    K0, f0 = sp.symbols("K0 f0", real=True)
    k_inf = sp.sqrt(K0**2 - 4 * gamma0**2 * f0**2 + 4 * gamma0**2 * y**2)
    gk = sp.simplify(sp.diff(k_inf, K0).subs({K0: 2, f0: 0}))
    gf = sp.simplify(sp.diff(k_inf, f0).subs({K0: 2, f0: 0}))
    nvar = sp.simplify(gk**2 * vk + gf**2 * vq / gamma0**2)
    return Derivation(
        "dmft_fluctuations.final_ntk_variance", "delta method on K_inf(f0, K0) at (0, 2)",
        steps + [("K_inf from the conserved quantity", k_inf), ("dK_inf/dK0 at (0, 2)", gk),
                 ("dK_inf/df0 at (0, 2)", gf), ("N Var K_inf", nvar)], nvar)


def output_variance() -> Derivation:
    steps, vk, vq = _steps()
    nvar = S_f**2 * vq / gamma0**2 + S_K**2 * vk
    return Derivation("dmft_fluctuations.output_variance", "linear response of f(t) to (f0, K0)",
                      steps + [("N Var f(t) = S_f^2 N Var f0 + S_K^2 N Var K0", nvar)], nvar)


def lazy_propagator() -> Derivation:
    s = sp.Symbol("s", positive=True)
    resp = sp.simplify(sp.integrate(sp.exp(-lk * (t - s)) * sp.exp(-ll * s), (s, 0, t),
                                    conds="none"))
    return Derivation(
        "dmft_fluctuations.lazy_propagator",
        "first order in dK of dDelta/dt = -(Kbar + dK) Delta, eigenbasis of Kbar",
        [("d(dDelta_k)/dt = -lambda_k dDelta_k - dK_kl y_l exp(-lambda_l t), dDelta_k(0) = 0",
          sp.Integer(0)),
         ("-dDelta_k/(dK_kl y_l) = int_0^t exp(-lambda_k (t-s)) exp(-lambda_l s) ds", resp)],
        resp)


DERIVATIONS = {
    "dmft_fluctuations.variance_scaling": variance_scaling,
    "dmft_fluctuations.final_ntk_variance": final_ntk_variance,
    "dmft_fluctuations.output_variance": output_variance,
    "dmft_fluctuations.lazy_propagator": lazy_propagator,
}

NOT_DERIVED: dict[str, str] = {}
