r"""Derivations of the two-layer linear laws of :mod:`scalinglaws.papers.dmft_kernel`.

Start: three neurons (the sums are generic) of the two-layer linear net on one point,
:math:`f = \sum_i a_ih_i/(\gamma_0 N)`, :math:`K = \sum_i (a_i^2+h_i^2)/N`, under the flow
:math:`\dot a_i = \gamma_0\Delta h_i`, :math:`\dot h_i = \gamma_0\Delta a_i`. The chain rule
gives :math:`\dot f = K\Delta` and :math:`\dot K = 4\gamma_0^2 f\Delta`, so
:math:`K^2 - 4\gamma_0^2 f^2` has zero time derivative; the rest follows.

>>> from scalinglaws.derivations import check
>>> check(DERIVATIONS["dmft_kernel.final_ntk"]())
True
"""

from __future__ import annotations

import functools

import sympy as sp

from scalinglaws.registry import paper as _paper

from . import Derivation, drop_constants

__all__ = ["DERIVATIONS", "NOT_DERIVED", "flow_identities"]

_P = _paper("dmft_kernel").params
gamma0, y, f, f0, K0, N = (_P[n].symbol for n in ("gamma0", "y", "f", "f0", "K0", "N"))


def flow_identities(n: int = 3):
    """(dK/dt - 4 gamma0^2 f Delta, df/dt - K Delta) for ``n`` explicit neurons: both zero."""
    a = sp.symbols(f"a1:{n + 1}", real=True)
    h = sp.symbols(f"h1:{n + 1}", real=True)
    fn = sum(ai * hi for ai, hi in zip(a, h)) / (gamma0 * n)
    Kn = sum(ai**2 + hi**2 for ai, hi in zip(a, h)) / n
    delta = y - fn
    adot = {ai: gamma0 * delta * hi for ai, hi in zip(a, h)}
    hdot = {hi: gamma0 * delta * ai for ai, hi in zip(a, h)}

    def ddt(expr):
        return sum(sp.diff(expr, v) * r for v, r in {**adot, **hdot}.items())

    return (sp.simplify(ddt(Kn) - 4 * gamma0**2 * fn * delta),
            sp.simplify(ddt(fn) - Kn * delta))


@functools.lru_cache(maxsize=1)
def _kernel_of_output():
    dK, df = flow_identities()
    Kt = sp.Symbol("K", positive=True)
    invariant = Kt**2 - 4 * gamma0**2 * f**2
    steps = [
        ("dK/dt - 4 gamma0^2 f Delta on three explicit neurons", dK),
        ("df/dt - K Delta on three explicit neurons", df),
        ("so d/dt (K^2 - 4 gamma0^2 f^2) = 2K(4 gamma0^2 f Delta) - 8 gamma0^2 f (K Delta)",
         sp.expand(2 * Kt * 4 * gamma0**2 * f - 8 * gamma0**2 * f * Kt)),
        ("conserved: K^2 - 4 gamma0^2 f^2 = K0^2 - 4 gamma0^2 f0^2",
         sp.Eq(invariant, K0**2 - 4 * gamma0**2 * f0**2)),
    ]
    sols = sp.solve(sp.Eq(invariant, K0**2 - 4 * gamma0**2 * f0**2), Kt)
    return tuple(steps), sols[0]


def conserved_quantity() -> Derivation:
    steps, Kf = _kernel_of_output()
    return Derivation("dmft_kernel.conserved_quantity", "the NTK from the conserved quantity",
                      list(steps) + [("positive root", Kf)], Kf)


def output_ode() -> Derivation:
    steps, Kf = _kernel_of_output()
    rate = Kf * (y - f)
    return Derivation("dmft_kernel.output_ode", "df/dt = K(f) (y - f)",
                      list(steps) + [("df/dt = K Delta with K = K(f)", rate)], rate)


def final_ntk() -> Derivation:
    steps, Kf = _kernel_of_output()
    k_inf = sp.simplify(Kf.subs({K0: 2, f0: 0, f: y}))
    return Derivation("dmft_kernel.final_ntk", "infinite width: K0 = 2, f0 = 0; f -> y",
                      list(steps) + [("K0 = 2, f0 = 0, f = y", k_inf)], k_inf)


def lazy_ntk() -> Derivation:
    d = final_ntk()
    lim = sp.limit(d.result, gamma0, 0)
    return Derivation("dmft_kernel.lazy_ntk", "gamma0 -> 0 of the final NTK",
                      list(d.steps) + [("gamma0 -> 0", lim)], lim)


def closure_mse() -> Derivation:
    sigma, b = sp.symbols("Sigma b", positive=True)
    mse = sigma / N + b**2 / N**2
    lead = sp.limit(mse * N, N, sp.oo) / N
    return Derivation(
        "dmft_kernel.closure_mse", "variance Sigma/N plus squared mean offset (b/N)^2",
        [("E|Delta_N - Delta_DMFT|^2 = Var + bias^2", mse), ("leading order in 1/N", lead)],
        drop_constants(lead, N),
        notes="Assumes the fluctuations' variance Sigma/N (dmft_fluctuations.variance_scaling) "
              "and an O(1/N) offset of the mean; both are the perturbative picture, not proved.")


DERIVATIONS = {
    "dmft_kernel.conserved_quantity": conserved_quantity,
    "dmft_kernel.output_ode": output_ode,
    "dmft_kernel.final_ntk": final_ntk,
    "dmft_kernel.lazy_ntk": lazy_ntk,
    "dmft_kernel.closure_mse": closure_mse,
}

NOT_DERIVED: dict[str, str] = {}
