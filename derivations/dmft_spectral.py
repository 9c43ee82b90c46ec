r"""Derivations of :mod:`scalinglaws.papers.dmft_spectral`: the Marchenko-Pastur edge and the GD
stability bound (the BBP location and the μP collapse are not derived here).

>>> from scalinglaws.derivations import check
>>> check(DERIVATIONS["dmft_spectral.bulk_edge"]())
True
"""

from __future__ import annotations

import sympy as sp

from scalinglaws.registry import paper as _paper

from . import Derivation

__all__ = ["DERIVATIONS", "NOT_DERIVED"]

_P = _paper("dmft_spectral").params
c, eta = _P["c"].symbol, _P["eta"].symbol


def bulk_edge() -> Derivation:
    z, m = sp.symbols("z m")
    # Stieltjes transform m(z) of the MP law of W^T W (D x D, entries 1/N, c = D/N):
    # c z m^2 + (z + c - 1) m + 1 = 0; the support ends where its discriminant in m vanishes.
    quad = c * z * m**2 + (z + c - 1) * m + 1
    disc = sp.discriminant(quad, m)
    roots = sp.solve(sp.Eq(disc, 0), z)
    top = max(roots, key=lambda r: float(r.subs(c, sp.Rational(1, 2))))
    r = sp.Symbol("r", positive=True)  # r = sqrt(c)
    s = sp.sqrt(sp.factor(sp.expand(top.subs(c, r**2)))).subs(r, sp.sqrt(c))
    return Derivation(
        "dmft_spectral.bulk_edge", "edge of the Marchenko-Pastur support, square-rooted",
        [("MP self-consistent equation for m(z)", sp.Eq(quad, 0)),
         ("discriminant in m", sp.factor(disc)), ("upper root z_+", top),
         ("top singular value sqrt(z_+)", s)], s)


def eos_sharpness() -> Derivation:
    lam = sp.Symbol("lambda", positive=True)
    # GD on a quadratic: e_{t+1} = (1 - eta lambda) e_t; stable iff |1 - eta lambda| <= 1
    bound = sp.solve(sp.Eq(1 - eta * lam, -1), lam)[0]
    return Derivation(
        "dmft_spectral.eos_sharpness", "GD on the local quadratic model is stable iff "
        "|1 - eta lambda| <= 1",
        [("mode update factor", 1 - eta * lam), ("boundary 1 - eta lambda = -1", bound)], bound)


DERIVATIONS = {
    "dmft_spectral.bulk_edge": bulk_edge,
    "dmft_spectral.eos_sharpness": eos_sharpness,
}

NOT_DERIVED = {
    "dmft_spectral.bbp_outlier": (
        "Textbook (Benaych-Georges & Nadakuditi 2012: the outlier solves D_mu(s) = 1/theta^2 "
        "with the D-transform of the MP law); not re-derived here, checked by simulation."),
    "dmft_spectral.spike_strength": (
        "Our hypothesis from the abstract's muP statement (a muP update of an N x N matrix has "
        "Theta(1) operator norm relative to the bulk by the muP scaling argument); not "
        "derived symbolically."),
    "dmft_spectral.outlier_collapse": (
        "Our hypothesis from the abstract's collapse statement; a DMFT of the outliers (the "
        "paper's two-level theory, unread) would be needed to derive it."),
}
