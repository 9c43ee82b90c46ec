"""Derivations of the normalize-and-project laws (:mod:`scalinglaws.papers.normalize_project`).

Start: a loss :math:`L(\\theta) = F(\\theta/\\lVert\\theta\\rVert)` with :math:`F` an arbitrary
(undefined) function, in two coordinates (the identities are coordinatewise, so two suffice to
show the structure), and the SGD step :math:`\\theta' = (1-\\eta\\lambda)\\theta - \\eta g`.

>>> from scalinglaws.derivations import check
>>> check(DERIVATIONS["normalize_project.grad_scale"]())
True
"""

from __future__ import annotations

import sympy as sp

from scalinglaws.registry import paper as _paper

from . import Derivation

__all__ = ["DERIVATIONS", "NOT_DERIVED"]

_P = _paper("normalize_project").params
c, eta, rho, r, x0, S2, th0, G, rho0, t, S4, lam = (
    _P[n].symbol for n in ("c", "eta", "rho", "r", "x0", "S2", "th0", "G", "rho0", "t", "S4",
                           "lam")
)

_p1, _p2 = sp.symbols("p1 p2", real=True)
_t1, _t2 = sp.symbols("theta1 theta2", positive=True)
_F = sp.Function("F")


def _loss(p1, p2):
    norm = sp.sqrt(p1**2 + p2**2)
    return _F(p1 / norm, p2 / norm)


def _gradient():
    L = _loss(_p1, _p2)
    return L, [sp.diff(L, v) for v in (_p1, _p2)]


def grad_scale() -> Derivation:
    L, (g1, _) = _gradient()
    at = g1.subs({_p1: _t1, _p2: _t2})
    at_c = g1.subs({_p1: c * _t1, _p2: c * _t2})
    ratio = sp.simplify(at_c / at)
    return Derivation(
        "normalize_project.grad_scale", "gradient of F(theta/||theta||) at c theta over at theta",
        [("scale-invariant loss", sp.Eq(sp.Symbol("L"), L)),
         ("dL/dtheta_1", g1), ("its value at c theta over its value at theta", ratio)],
        ratio,
    )


def gradient_orthogonality() -> Derivation:
    L, (g1, g2) = _gradient()
    euler = sp.simplify(_p1 * g1 + _p2 * g2)
    return Derivation(
        "normalize_project.gradient_orthogonality", "theta . grad L for a scale-invariant L",
        [("theta . grad L = d/dc L(c theta) at c = 1", _p1 * g1 + _p2 * g2),
         ("simplified (the c-derivative of a constant)", euler)],
        euler,
    )


def norm_growth() -> Derivation:
    x, g2, dot = sp.symbols("x g2 dot", real=True)  # ||theta||^2, ||g||^2, theta . g
    step = sp.expand(x - 2 * eta * dot + eta**2 * g2)
    one = step.subs(dot, 0)
    total = x0 + eta**2 * S2
    return Derivation(
        "normalize_project.norm_growth", "Pythagorean growth of ||theta||^2 under plain SGD",
        [("||theta - eta g||^2", step), ("theta . g = 0 (gradient_orthogonality)", one),
         ("sum over the run (telescoping): x_T = x_0 + eta^2 sum_t ||g_t||^2", total)],
        total,
    )


def projected_equivalence() -> Derivation:
    u, gu = sp.symbols("u g_u", real=True)  # the direction at radius rho, the gradient there
    theta = r / rho * u
    grad_theta = (rho / r) * gu  # grad_scale with c = r/rho
    nxt = theta - eta * grad_theta
    rescaled = sp.expand(nxt * rho / r)
    eta_p = sp.simplify(-rescaled.coeff(gu))
    return Derivation(
        "normalize_project.projected_equivalence",
        "learning rate of the projected step parallel to the unconstrained one",
        [("theta = (r/rho) u, grad L(theta) = (rho/r) grad L(u)", sp.Eq(sp.Symbol("theta'"), nxt)),
         ("theta' rescaled to radius rho, before projection", rescaled),
         ("projected step u - eta_p grad L(u): eta_p", eta_p)],
        eta_p,
    )


def _norm_recursion():
    x = sp.Symbol("x", positive=True)
    cc = eta**2 * G**2 * rho0**2
    nxt = x + cc / x
    return x, cc, nxt


def norm4_identity() -> Derivation:
    x, cc, nxt = _norm_recursion()
    inc = sp.expand(nxt**2 - x**2)
    total = th0**4 + t * (inc - cc**2 / x**2) + cc**2 * S4
    return Derivation(
        "normalize_project.norm4_identity", "||theta||^4 along the pure-noise SGD recursion",
        [("x = ||theta||^2, ||g|| = G rho0/||theta||: x' = x + eta^2 ||g||^2", nxt),
         ("x'^2 - x^2", inc),
         ("sum over t steps; the c^2/x^2 terms sum to c^2 S4", total)],
        sp.expand(total),
    )


def norm4_growth() -> Derivation:
    x, cc, nxt = _norm_recursion()
    inc = sp.expand(nxt**2 - x**2)
    lead = inc.subs(x, sp.oo)
    total = th0**4 + lead * t
    return Derivation(
        "normalize_project.norm4_growth", "leading growth of ||theta||^4",
        [("x'^2 - x^2", inc), ("as x grows the increment tends to", lead),
         ("summed: x_t^2 = x_0^2 + 2 c t + O(log t)", total)],
        total, notes="The dropped remainder c^2 sum 1/x_s^2 grows like (c/2) ln t.",
    )


def elr_decay_exponent() -> Derivation:
    _, cc, _ = _norm_recursion()
    elr = eta / sp.sqrt(th0**4 + 2 * cc * t)
    expo = sp.limit(sp.log(elr) / sp.log(t), t, sp.oo)
    return Derivation(
        "normalize_project.elr_decay_exponent", "exponent of t in eta/||theta_t||^2",
        [("eta_eff = eta/||theta_t||^2 with norm4_growth", elr),
         ("lim log(eta_eff)/log(t)", expo)],
        -expo,
    )


def _equilibrium():
    x = sp.Symbol("x", positive=True)
    cc = eta**2 * G**2 * rho0**2
    nxt = (1 - eta * lam) ** 2 * x + cc / x
    X = sp.Symbol("X", positive=True)  # x^2: the fixed-point equation times x is linear in it
    (x2,) = sp.solve(sp.expand(x * (x - nxt)).subs(x**2, X), X)
    return x, cc, nxt, sp.sqrt(x2)


def wd_equilibrium_norm() -> Derivation:
    x, cc, nxt, sol = _equilibrium()
    x4 = sp.factor(sp.simplify(sol**2))
    return Derivation(
        "normalize_project.wd_equilibrium_norm", "fixed point of the norm recursion with decay",
        [("x' = (1 - eta lam)^2 x + eta^2 G^2 rho0^2 / x", nxt),
         ("positive solution of x = x'", sol), ("||theta||^4 = x^2", x4)],
        x4,
    )


def angular_update() -> Derivation:
    x, cc, nxt, sol = _equilibrium()
    sin2 = (cc / x) / x  # eta^2 ||g||^2 / ||theta'||^2 with ||theta'||^2 = x at equilibrium
    value = sp.sqrt(sp.factor(sp.simplify(sin2.subs(x, sol))))
    return Derivation(
        "normalize_project.angular_update", "sine of the step angle at equilibrium",
        [("sin^2 = eta^2 ||g||^2 / ||theta'||^2, g orthogonal to theta", sin2),
         ("at the fixed point x", value)],
        value,
    )


DERIVATIONS = {
    "normalize_project.grad_scale": grad_scale,
    "normalize_project.gradient_orthogonality": gradient_orthogonality,
    "normalize_project.norm_growth": norm_growth,
    "normalize_project.projected_equivalence": projected_equivalence,
    "normalize_project.norm4_identity": norm4_identity,
    "normalize_project.norm4_growth": norm4_growth,
    "normalize_project.elr_decay_exponent": elr_decay_exponent,
    "normalize_project.wd_equilibrium_norm": wd_equilibrium_norm,
    "normalize_project.angular_update": angular_update,
}

NOT_DERIVED: dict[str, str] = {}
