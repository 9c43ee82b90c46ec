"""Derivations of the weight-decay fixed-point laws (:mod:`scalinglaws.papers.swd`).

Start: one coordinate of the diagonal quadratic, gradient :math:`g = h(\\theta - a)`, and the
three update rules (vanilla, coupled, AdamS at stationarity :math:`\\hat m = g`,
:math:`\\hat v = g^2`). A fixed point solves :math:`\\theta' = \\theta`.

>>> from scalinglaws.derivations import check
>>> check(DERIVATIONS["swd.vanilla_fixed_point"]())
True
"""

from __future__ import annotations

import sympy as sp

from scalinglaws.registry import paper as _paper

from . import Derivation

__all__ = ["DERIVATIONS", "NOT_DERIVED"]

_P = _paper("swd").params
eta, eta1, eta2, h, a, lam0, lam, d = (
    _P[n].symbol for n in ("eta", "eta1", "eta2", "h", "a", "lam0", "lam", "d")
)
_th = sp.Symbol("theta", real=True)


def _vanilla(step):
    return _th - step * h * (_th - a) - lam0 * _th


def _vanilla_solution(step):
    (sol,) = sp.solve(sp.Eq(_th, _vanilla(step)), _th)
    return sp.simplify(sol)


def vanilla_fixed_point() -> Derivation:
    sol = _vanilla_solution(eta)
    return Derivation(
        "swd.vanilla_fixed_point", "fixed point of theta' = theta - eta g - lam0 theta",
        [("vanilla step", sp.Eq(sp.Symbol("theta'"), _vanilla(eta))),
         ("solve theta' = theta", sp.Eq(_th, sol))],
        sol,
    )


def vanilla_phase_gap() -> Derivation:
    gap = sp.factor(sp.simplify(_vanilla_solution(eta1) - _vanilla_solution(eta2)))
    return Derivation(
        "swd.vanilla_phase_gap", "difference of the phase fixed points at eta1 and eta2",
        [("theta*(eta1)", _vanilla_solution(eta1)), ("theta*(eta2)", _vanilla_solution(eta2)),
         ("theta*(eta1) - theta*(eta2), positive for eta1 > eta2 and h a lam0 > 0", gap)],
        gap,
    )


def vanilla_gradient_norm() -> Derivation:
    g = sp.Symbol("g", real=True)
    # stationarity of theta - eta g - lam0 theta: eta g = -lam0 theta (coordinatewise)
    (gs,) = sp.solve(sp.Eq(eta * g + lam0 * _th, 0), g)
    ratio = sp.simplify(sp.Abs(gs) / sp.Abs(_th))
    return Derivation(
        "swd.vanilla_gradient_norm", "||grad L|| / ||theta|| at the vanilla fixed point",
        [("stationarity, every coordinate", sp.Eq(eta * g + lam0 * _th, 0)),
         ("g = -(lam0/eta) theta, so the norms are in the ratio", ratio)],
        ratio,
    )


def coupled_fixed_point() -> Derivation:
    step = _th - eta * (h * (_th - a) + lam * _th)
    (sol,) = sp.solve(sp.Eq(_th, step), _th)
    sol = sp.simplify(sol)
    return Derivation(
        "swd.coupled_fixed_point", "fixed point of theta' = theta - eta (g + lam theta)",
        [("coupled step", sp.Eq(sp.Symbol("theta'"), step)),
         ("solve theta' = theta: eta cancels", sp.Eq(_th, sol))],
        sol,
    )


def coupled_gradient_norm() -> Derivation:
    g = sp.Symbol("g", real=True)
    (gs,) = sp.solve(sp.Eq(g + lam * _th, 0), g)
    ratio = sp.simplify(sp.Abs(gs) / sp.Abs(_th))
    return Derivation(
        "swd.coupled_gradient_norm", "||grad L|| / ||theta|| at a coupled stationary point",
        [("stationarity: grad L + lam theta = 0", sp.Eq(g + lam * _th, 0)), ("ratio", ratio)],
        ratio,
    )


def adams_gradient_identity() -> Derivation:
    G2 = sp.Symbol("G2", positive=True)  # ||g||_2^2
    c = sp.Symbol("c", positive=True)  # |theta_i| on an active coordinate
    vbar = G2 / d
    # theta_i (1 - eta lam / sqrt(vbar)) - eta g_i/|g_i| = theta_i  =>  lam |theta_i| = sqrt(vbar)
    (cs,) = sp.solve(sp.Eq(lam * c / sp.sqrt(vbar), 1), c)
    ratio = sp.simplify(sp.sqrt(G2) / cs)
    return Derivation(
        "swd.adams_gradient_identity", "||g||_2 / ||theta||_inf at an AdamS fixed point",
        [("stationary moments: m_hat = g, v_hat = g^2, vbar = ||g||^2/d", vbar),
         ("fixed point of theta(1 - eta lam/sqrt(vbar)) - eta sign(g): |theta_i| = c", cs),
         ("every active coordinate has |theta_i| = c = ||theta||_inf; ratio", ratio)],
        ratio,
        notes="Inactive coordinates (g_i = 0) sit inside the box |theta_i| <= c.",
    )


DERIVATIONS = {
    "swd.vanilla_fixed_point": vanilla_fixed_point,
    "swd.vanilla_phase_gap": vanilla_phase_gap,
    "swd.vanilla_gradient_norm": vanilla_gradient_norm,
    "swd.coupled_fixed_point": coupled_fixed_point,
    "swd.coupled_gradient_norm": coupled_gradient_norm,
    "swd.adams_gradient_identity": adams_gradient_identity,
}

NOT_DERIVED: dict[str, str] = {}
