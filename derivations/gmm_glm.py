r"""Derivations of :mod:`scalinglaws.papers.gmm_glm`: the K = 2 ridge saddle-point equations solved.

Start from the square-loss, :math:`\ell_2`, one-block saddle-point equations of the authors' code
(restated in :mod:`scalinglaws.validators.processes.gmm`):
:math:`b = (2\rho-1)(1-m)`, :math:`\hat V = \alpha/(1+V)`,
:math:`\hat q = \alpha[\rho(1-m-b)^2 + (1-\rho)(1-m+b)^2 + q]/(1+V)^2`,
:math:`\hat m = \alpha[1-m-(2\rho-1)b]/(1+V)`, :math:`V = \Delta/(\lambda+\hat V\Delta)`,
:math:`q = \Delta(\Delta\hat q + \hat m^2)/(\lambda+\hat V\Delta)^2`,
:math:`m = \hat m/(\lambda+\hat V\Delta)`. The V equation is a quadratic (positive root); the m
equation is linear in m once V is known; the q equation is linear in q.

>>> from scalinglaws.derivations import check
>>> check(DERIVATIONS["gmm_glm.ridge_V"]())
True
"""

from __future__ import annotations

import sympy as sp

from . import Derivation

__all__ = ["DERIVATIONS", "NOT_DERIVED"]

alpha, lam, Delta = sp.symbols("alpha lam Delta", positive=True)
rho = sp.Symbol("rho", positive=True)
V, m, q = sp.symbols("V m q", real=True)


def _Q(x):
    return sp.erfc(x / sp.sqrt(2)) / 2


def _solve_V():
    eq = sp.Eq(V, Delta / (lam + alpha * Delta / (1 + V)))
    roots = sp.solve(eq, V)
    # the root that stays positive (V > 0 at lam > 0)
    pos = [r for r in roots if float(r.subs({alpha: 2, lam: 0.3, Delta: 0.7})) > 0]
    return eq, pos[0]


def _stable_V(Vs):
    """The root ``Vs`` rewritten without cancellation (as the law writes it), and proved equal
    to it on both signs of B = lam + alpha Delta - Delta."""
    B = lam + alpha * Delta - Delta
    S = sp.sqrt(B**2 + 4 * lam * Delta)
    stable = (2 * sp.Max(-B, 0) + 4 * lam * Delta / (S + sp.Abs(B))) / (2 * lam)
    plain = (S - B) / (2 * lam)
    assert sp.simplify(plain - Vs) == 0
    for sign in (1, -1):  # B >= 0: |B| = B, max(-B, 0) = 0; B < 0: |B| = -B, max(-B, 0) = -B
        branch = stable.xreplace({sp.Abs(B): sign * B, sp.Max(-B, 0): (1 - sign) // 2 * -B})
        assert sp.simplify(sp.radsimp(branch - plain)) == 0, sign
    return stable


def _solve_m(Vs):
    s = 2 * rho - 1
    b = s * (1 - m)
    mh = alpha * (1 - m - s * b) / (1 + V)
    eq = sp.Eq(m, mh / (lam + alpha * Delta / (1 + V)))
    ms = sp.solve(eq, m)[0]
    # use the V equation: lam (1 + V) + alpha Delta = Delta (1 + V)/V
    c = 4 * rho * (1 - rho)
    ms_simple = c * alpha * V / (Delta * (1 + V) + c * alpha * V)
    assert sp.simplify((ms - ms_simple).subs(V, Vs)) == 0
    return eq, ms_simple


def _solve_q(Vs, ms):
    s = 2 * rho - 1
    b = s * (1 - m)
    qh = alpha * (rho * (1 - m - b) ** 2 + (1 - rho) * (1 - m + b) ** 2 + q) / (1 + V) ** 2
    mh = alpha * (1 - m - s * b) / (1 + V)
    den = lam + alpha * Delta / (1 + V)
    eq = sp.Eq(q, Delta * (Delta * qh + mh**2) / den**2)
    qs = sp.solve(eq, q)[0]
    return eq, qs


def derive_V():
    eq, Vs = _solve_V()
    return Derivation("gmm_glm.ridge_V", "V from its quadratic (positive root)",
                      [("V equation", eq), ("positive root", Vs),
                       ("written without cancellation (equal for either sign of B)",
                        _stable_V(Vs))], _stable_V(Vs))


def derive_m():
    _, Vs = _solve_V()
    eq, ms = _solve_m(Vs)
    return Derivation("gmm_glm.ridge_m", "m equation, linear in m, with the V equation",
                      [("m equation", eq), ("solution in V", ms)], ms.subs(V, _stable_V(Vs)))


def _q_closed(Vs, ms):
    c = 4 * rho * (1 - rho)
    # q linear: q = [Delta^2 alpha A/(1+V)^2 + Delta mh^2] / (den^2 - Delta^2 alpha/(1+V)^2), and
    # with den = Delta/V (the V equation) this is c alpha V^2 (1-m)^2 (1 + c alpha/Delta)
    # / ((1+V)^2 - alpha V^2)
    return c * alpha * V**2 * (1 - m) ** 2 * (1 + c * alpha / Delta) / ((1 + V) ** 2 - alpha * V**2)


def derive_q():
    _, Vs = _solve_V()
    _, ms = _solve_m(Vs)
    eq, qs = _solve_q(Vs, ms)
    closed = _q_closed(Vs, ms)
    return Derivation("gmm_glm.ridge_q", "q equation, linear in q, with the V equation",
                      [("q equation", eq), ("solution", qs), ("with lam + alpha Delta/(1+V) = "
                                                             "Delta/V", closed)],
                      closed.subs(m, ms).subs(V, Vs),
                      notes="The last step uses the V equation; checked numerically in the tests.")


def derive_b():
    _, Vs = _solve_V()
    _, ms = _solve_m(Vs)
    return Derivation("gmm_glm.ridge_b", "intercept equation b = (2 rho - 1)(1 - m)",
                      [("b equation", (2 * rho - 1) * (1 - m))],
                      ((2 * rho - 1) * (1 - m)).subs(m, ms).subs(V, _stable_V(Vs)))


def derive_error():
    _, Vs = _solve_V()
    _, ms = _solve_m(Vs)
    qs = _q_closed(Vs, ms).subs(m, ms).subs(V, Vs)
    mm = ms.subs(V, Vs)
    bb = (2 * rho - 1) * (1 - mm)
    eps = rho * _Q((mm + bb) / sp.sqrt(qs)) + (1 - rho) * _Q((mm - bb) / sp.sqrt(qs))
    return Derivation("gmm_glm.ridge_error", "Gaussian test error at the solution",
                      [("eps_g(m, q, b)", rho * _Q((m + sp.Symbol("b")) / sp.sqrt(q)))], eps)


def derive_ridgeless_over():
    c = 4 * rho * (1 - rho)
    Vs = 1 / (alpha - 1)  # lam -> 0 root of V (alpha - 1) = 1 for alpha > 1
    ms = c * alpha * V / (Delta * (1 + V) + c * alpha * V)
    qs = _q_closed(Vs, ms).subs(m, ms).subs(V, Vs)
    return Derivation("gmm_glm.ridgeless_q_over", "lam -> 0 with alpha > 1: V -> 1/(alpha - 1)",
                      [("V", Vs)], sp.factor(sp.simplify(qs)))


def derive_ridgeless_under():
    c = 4 * rho * (1 - rho)
    ms = c * alpha / (Delta + c * alpha)  # V -> oo
    u = sp.Symbol("u", positive=True)  # u = 1/V -> 0
    qexpr = _q_closed(1 / u, ms).subs(m, ms).subs(V, 1 / u)
    return Derivation("gmm_glm.ridgeless_q_under", "lam -> 0 with alpha < 1: V -> oo",
                      [("m", ms)], sp.simplify(sp.limit(qexpr, u, 0)))


def derive_large_alpha():
    c = 4 * rho * (1 - rho)
    mm = c / (c + Delta)
    qq = c**2 * Delta / (c + Delta) ** 2
    bb = (2 * rho - 1) * (1 - mm)
    eps = rho * _Q(sp.simplify((mm + bb) / sp.sqrt(qq))) + (1 - rho) * _Q(
        sp.simplify((mm - bb) / sp.sqrt(qq)))
    return Derivation("gmm_glm.large_alpha_error", "alpha -> oo: V ~ 1/alpha",
                      [("m", mm), ("q", qq)], eps)


DERIVATIONS = {
    "gmm_glm.ridge_V": derive_V,
    "gmm_glm.ridge_m": derive_m,
    "gmm_glm.ridge_b": derive_b,
    "gmm_glm.ridgeless_q_over": derive_ridgeless_over,
    "gmm_glm.ridgeless_q_under": derive_ridgeless_under,
}
NOT_DERIVED: dict = {
    "gmm_glm.ridge_q": (
        "derive_q solves the q equation (linear in q) and lands on the law (check(derive_q()) "
        "is True, ~30 s), but the suite's perturbed-law test (simplify of the nested radicals "
        "against a shifted target) does not finish within minutes, so it is kept out of the "
        "registry. Checked numerically: closed form vs the saddle-point solver to 1e-13."
    ),
    "gmm_glm.ridge_error": (
        "The Gaussian test error composed with the derived m, q, b (derive_error builds it); "
        "SymPy does not prove the equality of the nested radicals inside erfc within the test "
        "budget. The composition is checked numerically: closed form vs the saddle-point solver "
        "to 1e-13 (gmm_glm.ridge_error[...] checks)."
    ),
    "gmm_glm.large_alpha_error": (
        "derive_large_alpha gives the alpha -> oo limit (m -> c/(c+Delta), q -> c^2 Delta/"
        "(c+Delta)^2); SymPy does not reduce the erfc arguments to the registered form "
        "(c +- (2 rho - 1) Delta)/(c sqrt Delta). Checked numerically against the solver at "
        "alpha = 1e6."
    ),
}
