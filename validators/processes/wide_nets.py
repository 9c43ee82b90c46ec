r"""Finite-width linear networks in mean-field / μP scaling, with seeds as a leading axis.

The sampled process under the DMFT papers (:mod:`scalinglaws.papers.dmft_kernel`,
:mod:`~scalinglaws.papers.dmft_fluctuations`, :mod:`~scalinglaws.papers.dmft_spectral`).
Every array carries the replica (seed) axis first; each replica draws its weights from its own
stream of ``numpy.random.SeedSequence(seed).spawn(replicas)``, so the numbers do not depend on
the backend (CuPy arrays are built from the same numpy draws). All functions take an array
namespace ``xp`` (numpy or cupy).

**Network** (depth ``L`` = number of hidden layers, width ``N``, inputs ``X`` of shape
``(P, D)``):

.. math::

    h^1 = W^0 x/\sqrt D,\qquad h^{\ell+1} = W^\ell h^\ell/\sqrt N,\qquad
    f = m\, w^L\!\cdot h^L,

all weights standard normal at initialisation; the readout multiplier is
:math:`m = 1/(\gamma_0 N)` (mean-field / μP, ``"mup"``) or :math:`1/\sqrt N` (NTK
parameterization, ``"ntp"``). Full-batch gradient descent on :math:`\frac{1}{2P}\sum_\mu
(y_\mu - f_\mu)^2` with learning rate :math:`\eta\gamma_0^2 N` (μP) or :math:`\eta` (NTP);
:math:`\Delta_\mu = y_\mu - f_\mu`. With :math:`g^L = w^L` and
:math:`g^\ell = W^{\ell\top} g^{\ell+1}/\sqrt N` the μP update of :math:`W^\ell` is
:math:`(\eta\gamma_0/P)\sum_\mu \Delta_\mu\, g^{\ell+1}_\mu h^{\ell\top}_\mu/\sqrt N`.

**Two-layer, one training point** (``L = 1``, :math:`|x|^2 = D`): with readout :math:`a_i` and
:math:`h_i = w_i\cdot x/\sqrt D`, gradient flow (learning rate :math:`\gamma_0^2 N`) is
:math:`\dot a_i = \gamma_0\Delta h_i`, :math:`\dot h_i = \gamma_0\Delta a_i`, so the output
:math:`f = \sum_i a_ih_i/(\gamma_0 N)` and the NTK :math:`K = \sum_i(a_i^2+h_i^2)/N` obey the
closed system :math:`\dot f = K\Delta`, :math:`\dot K = 4\gamma_0^2 f\Delta` at any width
(:func:`reduced_ode`). Its initial condition has the exact law
:math:`K_0 = (U+V)/(2N)`, :math:`f_0 = (U-V)/(4\gamma_0 N)` with :math:`U, V` independent
:math:`2\chi^2_N` (:func:`sample_initial`, from :math:`a\pm h \sim N(0, 2)`).

>>> import numpy as np
>>> out = two_layer_flow(N=256, gamma0=1.0, y=1.0, t_end=4.0, dt=0.01, replicas=2, seed=0)
>>> out["f"].shape, out["K"].shape
((2, 401), (2, 401))
>>> inv = out["K"] ** 2 - 4 * out["f"] ** 2           # conserved at any width
>>> bool(np.abs(inv - inv[:, :1]).max() < 1e-8)
True
>>> f, K = reduced_ode(out["f"][:, 0], out["K"][:, 0], gamma0=1.0, y=1.0, t_end=4.0, dt=0.01)
>>> bool(np.abs(f[:, -1] - out["f"][:, -1]).max() < 1e-10)
True
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "sample_initial", "two_layer_flow", "reduced_ode", "output_sensitivities",
    "deep_linear_gd", "top_singular_value", "spiked_top_singular_values",
]


def _streams(seed, replicas: int):
    root = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    return [np.random.default_rng(s) for s in root.spawn(replicas)]


def _normal(rngs, shape, xp, dtype=np.float64):
    """(R, *shape) standard normals, one replica per stream (numpy draws, moved to ``xp``)."""
    out = np.stack([r.standard_normal(shape) for r in rngs]).astype(dtype)
    return out if xp is np else xp.asarray(out)


def sample_initial(N: int, gamma0: float, replicas: int, seed=0, xp=np):
    """Exact finite-width law of (f0, K0) of the two-layer linear net on one point.

    ``a_i, h_i`` iid N(0, 1): ``u = a + h`` and ``v = a - h`` are iid N(0, 2), so
    ``sum(a^2 + h^2) = (U + V)/2`` and ``sum(a h) = (U - V)/4`` with ``U, V ~ 2 chi^2_N``
    independent. Returns ``(f0, K0)``, each of shape ``(replicas,)``.

    >>> f0, K0 = sample_initial(1000, 1.0, 4000, seed=1)
    >>> round(float(K0.mean()), 2), bool(abs(1000 * K0.var() - 4.0) < 0.3)
    (2.0, True)
    """
    rng = np.random.default_rng(seed)
    U = 2.0 * rng.chisquare(N, size=replicas)
    V = 2.0 * rng.chisquare(N, size=replicas)
    K0 = (U + V) / (2.0 * N)
    f0 = (U - V) / (4.0 * gamma0 * N)
    if xp is not np:
        return xp.asarray(f0), xp.asarray(K0)
    return f0, K0


def two_layer_flow(N: int, gamma0: float, y: float, t_end: float, dt: float, replicas: int,
                   seed=0, xp=np, dtype=np.float64, a0=None, h0=None) -> dict:
    """Gradient flow of the two-layer linear net on one point, integrated on the weights (RK4).

    Simulates all ``N`` readout weights ``a`` and first-layer projections ``h = w.x/sqrt(D)``
    of ``replicas`` networks (the components of ``w`` orthogonal to ``x`` never move). Returns
    ``{"t": (T+1,), "f": (R, T+1), "K": (R, T+1)}`` with ``T = round(t_end/dt)``. ``a0, h0``
    ((R, N) arrays) replace the random initialisation.
    """
    rngs = _streams(seed, replicas)
    if a0 is None:
        ah = _normal(rngs, (2, N), xp, dtype)
        a, h = ah[:, 0], ah[:, 1]
    else:
        a, h = xp.asarray(a0, dtype=dtype), xp.asarray(h0, dtype=dtype)
    steps = int(round(t_end / dt))
    g = dtype(gamma0)

    def rhs(a, h):
        delta = y - (a * h).sum(axis=1, keepdims=True) / (g * N)
        return g * delta * h, g * delta * a

    fs, Ks = [], []

    def record(a, h):
        fs.append((a * h).sum(axis=1) / (g * N))
        Ks.append((a * a + h * h).sum(axis=1) / N)

    record(a, h)
    for _ in range(steps):
        k1 = rhs(a, h)
        k2 = rhs(a + 0.5 * dt * k1[0], h + 0.5 * dt * k1[1])
        k3 = rhs(a + 0.5 * dt * k2[0], h + 0.5 * dt * k2[1])
        k4 = rhs(a + dt * k3[0], h + dt * k3[1])
        a = a + dt / 6 * (k1[0] + 2 * k2[0] + 2 * k3[0] + k4[0])
        h = h + dt / 6 * (k1[1] + 2 * k2[1] + 2 * k3[1] + k4[1])
        record(a, h)
    tonp = (lambda v: v) if xp is np else (lambda v: xp.asnumpy(v))
    return {"t": np.arange(steps + 1) * dt, "f": tonp(xp.stack(fs, axis=1)),
            "K": tonp(xp.stack(Ks, axis=1))}


def reduced_ode(f0, K0, gamma0: float, y: float, t_end: float, dt: float, xp=np):
    """The exact reduced flow ``f' = K (y - f)``, ``K' = 4 gamma0^2 f (y - f)`` (RK4), vectorised
    over the entries of ``f0, K0``. Returns ``(f, K)`` of shape ``(len(f0), T+1)``.

    >>> f, K = reduced_ode(np.array([0.0]), np.array([2.0]), 1.0, 1.0, 20.0, 0.01)
    >>> round(float(K[0, -1]), 6)                      # 2 sqrt(2) at infinite width
    2.828427
    """
    f = xp.asarray(f0, dtype=float).reshape(-1)
    K = xp.asarray(K0, dtype=float).reshape(-1)
    c = 4.0 * gamma0 * gamma0

    def rhs(f, K):
        d = y - f
        return K * d, c * f * d

    fs, Ks = [f], [K]
    for _ in range(int(round(t_end / dt))):
        k1 = rhs(f, K)
        k2 = rhs(f + 0.5 * dt * k1[0], K + 0.5 * dt * k1[1])
        k3 = rhs(f + 0.5 * dt * k2[0], K + 0.5 * dt * k2[1])
        k4 = rhs(f + dt * k3[0], K + dt * k3[1])
        f = f + dt / 6 * (k1[0] + 2 * k2[0] + 2 * k3[0] + k4[0])
        K = K + dt / 6 * (k1[1] + 2 * k2[1] + 2 * k3[1] + k4[1])
        fs.append(f)
        Ks.append(K)
    F, KK = xp.stack(fs, axis=1), xp.stack(Ks, axis=1)
    if xp is not np:
        F, KK = xp.asnumpy(F), xp.asnumpy(KK)
    return F, KK


def output_sensitivities(gamma0: float, y: float, t: float, dt: float = 1e-3,
                         f0: float = 0.0, K0: float = 2.0) -> dict:
    """Mean-field output and its sensitivities ``S_f = df(t)/df0``, ``S_K = df(t)/dK0``.

    Integrates the reduced flow with its variational (tangent) equations from ``(f0, K0)``
    (default: the infinite-width start ``(0, 2)``) to time ``t`` (RK4, step ``dt``). Returns
    ``{"f", "K", "S_f", "S_K"}``.

    >>> s = output_sensitivities(1.0, 1.0, 1.0)
    >>> round(s["f"], 4), round(s["S_f"], 4), round(s["S_K"], 4)
    (0.9066, 0.1261, 0.0924)
    """
    c = 4.0 * gamma0 * gamma0
    z = np.array([f0, K0, 1.0, 0.0, 0.0, 1.0])  # f, K, df/df0, dK/df0, df/dK0, dK/dK0

    def rhs(z):
        f, K = z[0], z[1]
        d = y - f
        J = np.array([[-K, d], [c * (d - f), 0.0]])
        s1 = J @ z[2:4]
        s2 = J @ z[4:6]
        return np.array([K * d, c * f * d, s1[0], s1[1], s2[0], s2[1]])

    n = max(1, int(round(t / dt)))
    h = t / n
    for _ in range(n):
        k1 = rhs(z)
        k2 = rhs(z + 0.5 * h * k1)
        k3 = rhs(z + 0.5 * h * k2)
        k4 = rhs(z + h * k3)
        z = z + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
    return {"f": float(z[0]), "K": float(z[1]), "S_f": float(z[2]), "S_K": float(z[4])}


def deep_linear_gd(X, y, N: int, depth: int, gamma0: float, eta: float, steps: int,
                   replicas: int, seed=0, parameterization: str = "mup", xp=np,
                   dtype=np.float64, record_kernels: bool = False, keep_weights: bool = False,
                   record_ntk: bool = False):
    r"""Full-batch GD of the depth-``depth`` linear net (see the module docstring).

    ``X`` (P, D), ``y`` (P,). Returns ``{"Delta": (R, steps, P)}`` (the error *before* each
    update, so ``Delta[:, 0] = y - f(0)``), with ``record_kernels`` also ``"H"``: a list over
    hidden layers of (R, steps, P) diagonals ``h^l_mu(t).h^l_mu(t)/N``, and with
    ``keep_weights`` the initial and final hidden matrices ``"W_init"``, ``"W_final"`` (lists
    over the ``depth - 1`` hidden N x N matrices, each (R, N, N)), and with ``record_ntk`` the
    NTK ``"ntk"`` (R, steps, P, P) in learning-rate units, :math:`K = \sum_{\ell=0}^{L}
    (g^{\ell+1}\cdot g^{\ell+1}/N)\,(h^\ell\cdot h^{\ell}/n_\ell)` (``h^0 = x``,
    ``n_0 = D``, ``g^{L+1} = 1``), so that one step moves the output by
    :math:`(\eta/P) K\Delta` to first order in either parameterization.

    >>> X = np.eye(3, 8) * np.sqrt(8)
    >>> out = deep_linear_gd(X, np.ones(3), N=64, depth=2, gamma0=1.0, eta=0.5, steps=40,
    ...                      replicas=3, seed=0)
    >>> out["Delta"].shape, bool(abs(out["Delta"][:, -1]).max() < 0.05)
    ((3, 40, 3), True)
    """
    X = np.asarray(X, dtype=float)
    P, D = X.shape
    rngs = _streams(seed, replicas)
    Xb = xp.asarray(X.T.astype(dtype))  # (D, P)
    yb = xp.asarray(np.asarray(y, dtype=float).astype(dtype))
    Ws = [_normal(rngs, (N, D), xp, dtype)] + [_normal(rngs, (N, N), xp, dtype)
                                               for _ in range(depth - 1)]
    w = _normal(rngs, (N,), xp, dtype)
    if parameterization == "mup":
        m, lr = 1.0 / (gamma0 * N), eta * gamma0 * gamma0 * N
    elif parameterization == "ntp":
        m, lr = 1.0 / np.sqrt(N), eta
    else:
        raise ValueError(f"parameterization must be 'mup' or 'ntp', got {parameterization!r}")
    init = [W.copy() for W in Ws[1:]] if keep_weights else None
    scale = [np.sqrt(D)] + [np.sqrt(N)] * (depth - 1)
    deltas, kern, ntks = [], [[] for _ in range(depth)], []
    for _ in range(steps):
        hs = [Xb[None]]
        for W, s in zip(Ws, scale):
            hs.append(W @ hs[-1] / s)  # (R, N, P)
        f = m * (w[:, None, :] @ hs[-1])[:, 0]
        delta = yb[None] - f
        deltas.append(delta)
        if record_kernels:
            for l in range(depth):
                kern[l].append((hs[l + 1] ** 2).sum(axis=1) / N)
        # backward: g^L = w, g^l = W^l^T g^{l+1}/sqrt(N)
        gs = [w]
        for W, s in zip(Ws[:0:-1], scale[:0:-1]):
            gs.append((gs[-1][:, None, :] @ W)[:, 0] / s)
        gs = gs[::-1]  # gs[l] multiplies into W^l (g^{l+1})
        if record_ntk:
            K = hs[depth].transpose(0, 2, 1) @ hs[depth] / N
            for l in range(depth):
                gg = (gs[l] * gs[l]).sum(axis=1) / N
                hh = (hs[l].transpose(0, 2, 1) @ hs[l]) / (D if l == 0 else N)
                K = K + gg[:, None, None] * hh
            ntks.append(K)
        c = lr * m / P
        hd = [delta @ Xb.T]
        hd += [(hs[l] @ delta[:, :, None])[:, :, 0] for l in range(1, depth + 1)]
        new_w = w + c * hd[depth]
        for l in range(depth):
            Ws[l] += (c / scale[l]) * gs[l][:, :, None] * hd[l][:, None, :]
        w = new_w
    tonp = (lambda v: v) if xp is np else (lambda v: xp.asnumpy(v))
    out = {"Delta": tonp(xp.stack(deltas, axis=1))}
    if record_kernels:
        out["H"] = [tonp(xp.stack(k, axis=1)) for k in kern]
    if record_ntk:
        out["ntk"] = tonp(xp.stack(ntks, axis=1))
    if keep_weights:
        out["W_init"] = init
        out["W_final"] = Ws[1:]
    return out


def top_singular_value(W, xp=np):
    """Largest singular value of each (N, M) slice of ``W`` (R, N, M), scaled by 1/sqrt(N).

    >>> rng = np.random.default_rng(0)
    >>> s = top_singular_value(rng.standard_normal((2, 400, 400)))
    >>> bool(np.all((s > 1.85) & (s < 2.05)))
    True
    """
    W = xp.asarray(W)
    N = W.shape[-2]
    G = xp.swapaxes(W, -1, -2) @ W / N if W.shape[-1] <= N else W @ xp.swapaxes(W, -1, -2) / N
    ev = xp.linalg.eigvalsh(G)[..., -1]
    out = xp.sqrt(ev)
    return out if xp is np else xp.asnumpy(out)


def spiked_top_singular_values(N: int, c: float, theta: float, replicas: int, seed=0, xp=np):
    """Top singular value of ``X + theta u v^T`` for ``replicas`` draws: ``X`` is N x D
    (``D = round(c N)``) with entries N(0, 1/N), ``u``, ``v`` fixed unit vectors (the first
    coordinate vectors; ``X`` is rotation invariant). ``theta = 0`` gives the bulk edge.

    >>> s = spiked_top_singular_values(300, 1.0, 3.0, 4, seed=0)
    >>> bool(np.all(np.abs(s - np.sqrt(10 * 10) / 3) < 0.1))          # BBP: 3.33
    True
    """
    D = int(round(c * N))
    rngs = _streams(seed, replicas)
    X = _normal(rngs, (N, D), xp) / np.sqrt(N)
    X[:, 0, 0] += theta
    return top_singular_value(X * np.sqrt(N), xp=xp)
