"""Derivations of the POET laws (:mod:`scalinglaws.papers.poet`).

Start: rotations and permutations written out symbolically (2 x 2 rotations by free angles),
and, for the truncation, one eigenvalue :math:`i\\theta` of the skew generator (a normal matrix:
its singular values are the moduli of its eigenvalues).

>>> from scalinglaws.derivations import check
>>> check(DERIVATIONS["poet.spo_parameter_count"]())
True
"""

from __future__ import annotations

import sympy as sp

from scalinglaws.registry import paper as _paper

from . import Derivation

__all__ = ["DERIVATIONS", "NOT_DERIVED"]

_P = _paper("poet").params
s, rho, k, m, b = (_P[n].symbol for n in ("s", "rho", "k", "m", "b"))
_al, _be = sp.symbols("alpha beta", real=True)


def _rot(angle):
    return sp.Matrix([[sp.cos(angle), -sp.sin(angle)], [sp.sin(angle), sp.cos(angle)]])


def spectrum_invariance() -> Derivation:
    s2 = sp.Symbol("s_2", positive=True)  # the other singular value of W0
    W0 = sp.diag(s, s2)  # W0 = U diag(s, s2) V^T; U, V absorbed into R and P
    W = _rot(_al) * W0 * _rot(_be)
    gram = sp.simplify(W.T * W)
    x = sp.Symbol("x")
    poly = sp.factor(sp.simplify(gram.charpoly(x).as_expr()))
    roots = sp.solve(poly, x)
    (root,) = [r for r in roots if not r.has(s2)]  # the eigenvalue continuing s^2
    value = sp.sqrt(root)
    return Derivation(
        "poet.spectrum_invariance", "singular values of R W0 P from its Gram matrix",
        [("W = R(alpha) diag(s, s_2) P(beta)", W), ("characteristic polynomial of W^T W", poly),
         ("its root continuing s^2, square-rooted", value)],
        value,
    )


def _cnp_modulus():
    z = sp.Symbol("z")
    i = sp.Symbol("i", integer=True, nonnegative=True)
    series = sp.simplify((1 + z) * sp.Sum(z**i, (i, 0, k)).doit())
    factor = sp.simplify(series / ((1 + z) / (1 - z)))
    steps = [("R_k = (1 + z) sum_{i<=k} z^i on an eigenvalue z", series),
             ("R_k / C with C = (1 + z)/(1 - z), |C(i theta)| = 1: 1 - z^(k+1)", factor)]
    return steps


def _largest_deviation(sigma):
    """|sigma - 1| written without cancellation: |sigma^2 - 1| / (sigma + 1)."""
    return sp.simplify(sp.Abs(sp.expand(sigma**2) - 1) / (sigma + 1))


def cnp_error_even() -> Derivation:
    j = sp.Symbol("j", integer=True, positive=True)
    steps = _cnp_modulus()
    power = sp.expand((sp.I * rho) ** (2 * j + 1))  # k = 2j: (i rho)^(k+1) is imaginary
    modsq = sp.expand((1 - power) * (1 - sp.conjugate(power)))
    sigma = sp.sqrt(sp.simplify(modsq))
    error = _largest_deviation(sigma).subs(j, k / 2)
    return Derivation(
        "poet.cnp_error_even", "singular value of R_k at the eigenvalue i rho, k = 2j",
        steps + [("(i rho)^(2j+1)", power), ("|1 - (i rho)^(k+1)|^2", modsq),
                 ("largest |sigma - 1| (at theta = rho), j = k/2", error)],
        sp.powsimp(sp.expand_power_base(error, force=True), force=True),
    )


def cnp_error_odd() -> Derivation:
    j = sp.Symbol("j", integer=True, positive=True)
    steps = _cnp_modulus()
    power = sp.expand((sp.I * rho) ** (2 * j))  # k = 2j - 1: (i rho)^(k+1) = (-1)^j rho^(2j)
    sigmas = [1 - rho ** (2 * j), 1 + rho ** (2 * j)]  # j even / j odd (rho < 1)
    errors = {sp.simplify(sp.Abs(s_ - 1)) for s_ in sigmas}
    (error,) = errors  # the same for both parities of j
    error = error.subs(j, (k + 1) / 2)
    return Derivation(
        "poet.cnp_error_odd", "singular value of R_k at the eigenvalue i rho, k = 2j - 1",
        steps + [("(i rho)^(2j) = (-1)^j rho^(2j)", power),
                 ("sigma = 1 - rho^(2j) or 1 + rho^(2j)", sp.FiniteSet(*sigmas)),
                 ("|sigma - 1| for both, j = (k+1)/2", error)],
        sp.powsimp(error, force=True),
    )


def spo_orthogonality() -> Derivation:
    # POET-BS: two 2 x 2 blocks under a permutation of 4 coordinates
    blocks = sp.diag(_rot(_al), _rot(_be))
    psi = sp.Matrix(4, 4, lambda i, j: 1 if j == (2, 0, 3, 1)[i] else 0)
    R_bs = psi.T * blocks * psi
    err_bs = sp.simplify(R_bs.T * R_bs - sp.eye(4))
    # POET-FS: a rotation of coordinates 0 and 2 of 3
    D = sp.Matrix([[1, 0, 0], [0, 0, 1]])
    R_fs = sp.eye(3) + D.T * (_rot(_al) - sp.eye(2)) * D
    err_fs = sp.simplify(R_fs.T * R_fs - sp.eye(3))
    worst = sp.Max(*[sp.Abs(e) for e in list(err_bs) + list(err_fs)])
    return Derivation(
        "poet.spo_orthogonality", "R^T R - I for the two stochastic primitives",
        [("POET-BS: Psi^T blockdiag(G1, G2) Psi; R^T R - I", err_bs),
         ("POET-FS: I + D^T (G - I) D; R^T R - I", err_fs), ("largest entry", worst)],
        worst,
    )


def spo_parameter_count() -> Derivation:
    per_block = b * (b - 1) / 2  # free entries of a b x b skew-symmetric generator
    total = sp.simplify((m / b) * per_block)
    return Derivation(
        "poet.spo_parameter_count", "generator entries of a POET-BS factor",
        [("skew-symmetric b x b generator", per_block), ("m/b blocks", total)],
        total,
    )


DERIVATIONS = {
    "poet.spectrum_invariance": spectrum_invariance,
    "poet.cnp_error_even": cnp_error_even,
    "poet.cnp_error_odd": cnp_error_odd,
    "poet.spo_orthogonality": spo_orthogonality,
    "poet.spo_parameter_count": spo_parameter_count,
}

NOT_DERIVED: dict[str, str] = {}
