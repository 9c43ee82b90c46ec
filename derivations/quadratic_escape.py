r"""Derivations of :mod:`scalinglaws.papers.quadratic_escape` from the overlap ODEs.

Model and ODEs: :mod:`scalinglaws.validators.processes.overlap_ode`. With the symmetric ansatz
:math:`Q = qI_p`, :math:`R = 0`, :math:`T = I_{p^*}`: :math:`\mathrm{tr}(DC) = q - 1`,
:math:`\mathrm{tr}(DCDC) = q^2/p + 1/p^*`, :math:`[F_1]_{ss} = [(q-1)q + 2q^2/p] I` and, to first
order in R, :math:`[F_1]_{s*} = [(q - 1) + 2q/p - 2/p^*] R`.

>>> from scalinglaws.derivations import check
>>> check(DERIVATIONS["quadratic_escape.plateau_overlap"]())
True
"""

from __future__ import annotations

import sympy as sp

from . import Derivation

__all__ = ["DERIVATIONS", "NOT_DERIVED"]

p, p_star, eta, sigma0 = sp.symbols("p p_star eta sigma0", positive=True)
q = sp.Symbol("q", positive=True)


def _eps(qv):
    return ((qv - 1) ** 2 + 2 * (qv**2 / p + 1 / p_star)) / 2


def _plateau():
    dq = -eta * 4 / p * ((q - 1) * q + 2 * q**2 / p)
    roots = [r for r in sp.solve(sp.Eq(dq, 0), q) if r != 0]
    return dq, roots[0]


def derive_plateau_overlap():
    dq, qpl = _plateau()
    return Derivation("quadratic_escape.plateau_overlap", "nonzero fixed point of dq/dt at R = 0",
                      [("dq/dt", dq)], qpl)


def derive_plateau_error():
    _, qpl = _plateau()
    return Derivation("quadratic_escape.plateau_error", "eps = [tr(DC)^2 + 2 tr(DCDC)]/2 at q_pl",
                      [("eps(q)", _eps(q))], sp.simplify(_eps(qpl)))


def _rate():
    _, qpl = _plateau()
    coeff = -eta * 2 / p * ((q - 1) + 2 * q / p - 2 / p_star)
    return coeff, sp.simplify(coeff.subs(q, qpl))


def derive_escape_rate():
    coeff, a = _rate()
    return Derivation("quadratic_escape.escape_rate", "linearise dR/dt at the plateau",
                      [("dR/dt = coeff R", coeff)], a)


def derive_escape_time_slope():
    _, a = _rate()
    N = sp.Symbol("N", positive=True)
    t_esc = sp.log(1 / (1 / sp.sqrt(N))) / a  # |R(0)| ~ N^-1/2 grown to O(1)
    return Derivation("quadratic_escape.escape_time_slope", "t_esc = ln(1/|R(0)|)/a, |R(0)| ~ N^-1/2",
                      [("t_esc", t_esc)], sp.simplify(sp.diff(t_esc, N) * N))


def derive_initial_error():
    return Derivation("quadratic_escape.initial_error", "eps at Q = sigma0^2 I, R = 0",
                      [("eps(q)", _eps(q))], _eps(sigma0**2))


def derive_closest_point():
    # Procrustes: max tr(C^T R0) over C^T C = (p/p*) I gives C = sqrt(p/p*) P0, so
    # tr(C^T P0)/p* = sqrt(p/p*) tr(P0^T P0)/p* = sqrt(p/p*) (P0^T P0 = I_p*)
    scale = sp.sqrt(p / p_star)
    return Derivation("quadratic_escape.closest_point_overlap",
                      "orthogonal Procrustes on the zero-loss manifold C^T C = (p/p*) I",
                      [("C", scale * sp.Symbol("P0"))], scale * p_star / p_star)


def derive_conserved():
    # p* = 1, p = 2: with Q = a I + A u u^T and R = r u, dR/dt is parallel to u (so R/|R| is
    # conserved): check that the component of dR/dt orthogonal to u vanishes.
    a, A, r, th = sp.symbols("a A r theta", real=True)
    u = sp.Matrix([sp.cos(th), sp.sin(th)])
    Q = a * sp.eye(2) + A * u * u.T
    R = r * u
    pp, ps = 2, 1
    tr = Q.trace() / pp - 1
    F1st = tr * R + 2 * (Q * R / pp - R / ps)
    perp = sp.Matrix([-sp.sin(th), sp.cos(th)])
    drift = sp.simplify((perp.T * F1st)[0])
    return Derivation("quadratic_escape.conserved_polar_factor",
                      "the ansatz Q = aI + A uu^T, R = r u keeps dR/dt along u (p = 2, p* = 1)",
                      [("component of dR/dt orthogonal to u", drift)], 1 + drift,
                      notes="Shown for p = 2, p* = 1; general p, p* numerically (the checks).")


def derive_late_decay():
    # adiabatic reduction: db/dt = -k b^2 => b ~ 1/(k t); eps ~ b^2
    t, k = sp.symbols("t k", positive=True)
    b = sp.Function("b")
    sol = 1 / (k * t)  # the solution of db/dt = -k b^2 from b(0) = oo
    assert sp.simplify(sol.diff(t) + k * sol**2) == 0
    eps = sol**2
    expo = sp.limit(-sp.log(eps) / sp.log(t), t, sp.oo)
    return Derivation("quadratic_escape.late_decay_exponent",
                      "flat-direction norm b obeys db/dt = -k b^2, eps ~ b^2",
                      [("db/dt + k b^2", b(t).diff(t) + k * b(t) ** 2), ("b(t)", sol), ("eps", eps)], expo,
                      notes="Heuristic adiabatic elimination of the aligned modes (see the law's notes).")


DERIVATIONS = {
    "quadratic_escape.plateau_overlap": derive_plateau_overlap,
    "quadratic_escape.plateau_error": derive_plateau_error,
    "quadratic_escape.escape_rate": derive_escape_rate,
    "quadratic_escape.escape_time_slope": derive_escape_time_slope,
    "quadratic_escape.initial_error": derive_initial_error,
    "quadratic_escape.closest_point_overlap": derive_closest_point,
    "quadratic_escape.conserved_polar_factor": derive_conserved,
    "quadratic_escape.late_decay_exponent": derive_late_decay,
}
NOT_DERIVED: dict = {}
