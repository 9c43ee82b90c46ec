r"""The infinite-width (DMFT) kernel closure of deep linear networks, in discrete time.

Model and conventions: :mod:`~scalinglaws.validators.processes.wide_nets` (μP / mean-field
scaling, full-batch GD with learning rate :math:`\eta\gamma_0^2 N` on
:math:`\frac1{2P}\sum_\mu\Delta_\mu^2`). At infinite width every hidden field is a linear
functional of two independent Gaussian sources, and in discrete time the fields are vectors
over (sample, time) index pairs :math:`(\mu, t)`, :math:`t = 0..T-1`. With the causal
(strictly lower-triangular in time) matrices

.. math::

    C^\ell = A^{\ell-1} + \tfrac{\eta\gamma_0}{P}\,(H^{\ell-1}\circ S)\,\mathrm{diag}\,\Delta,\qquad
    D^\ell = B^{\ell+1} + \tfrac{\eta\gamma_0}{P}\,(G^{\ell+1}\circ S)\,\mathrm{diag}\,\Delta,

(:math:`S_{(\mu t),(\nu s)} = 1[s<t]`), the forward field is :math:`h^\ell = u^\ell + C^\ell g^\ell`
and the backward field :math:`g^\ell = r^\ell + D^\ell h^\ell` with
:math:`u^\ell\sim N(0,H^{\ell-1})`, :math:`r^\ell\sim N(0,G^{\ell+1})` independent, so

.. math::

    H^\ell = M^{-1}(H^{\ell-1} + C G^{\ell+1} C^\top)M^{-\top},\quad
    G^\ell = Q^{-1}(G^{\ell+1} + D H^{\ell-1} D^\top)Q^{-\top},\quad
    A^\ell = M^{-1}C,\ B^\ell = Q^{-1}D,

:math:`M = I - C^\ell D^\ell`, :math:`Q = I - D^\ell C^\ell`, with :math:`H^0 = K^x` (the data
Gram :math:`XX^\top/D`, constant in time), :math:`G^{L+1} = 1`, :math:`A^0 = B^{L+1} = 0`. The
output is exact in discrete time (no first-order-in-:math:`\eta` kernel step):
:math:`f_\mu(t) = \gamma_0^{-1}\,[M^{-1}(H^{L-1}D^\top + C G^{L+1})Q^{-\top}]_{(\mu t),(\mu t)}`
at the top layer, and :math:`\Delta = y - f`. The response matrices :math:`A^\ell, B^\ell` are
the mean responses of :math:`h^\ell` to its backward source and of :math:`g^\ell` to its forward
source. The whole map is iterated to its fixed point with
:func:`~scalinglaws.validators.processes.fixed_point.solve_fixed_point`; causality makes the
plain iteration exact after finitely many sweeps. This form is our derivation of the closure
whose structure the digest reports for arXiv:2205.09653 (the paper's own equations unread).

>>> import numpy as np
>>> X = np.eye(3, 8) * np.sqrt(8.0)                  # three orthogonal points, |x|^2 = D
>>> sol = deep_linear_dmft(X @ X.T / 8, np.array([1.0, -0.5, 0.25]), depth=2, gamma0=1.0,
...                        eta=0.5, steps=12)
>>> sol.Delta.shape, sol.H.shape, sol.converged
((3, 12), (2, 36, 36), True)
>>> bool(abs(sol.Delta[0, -1]) < abs(sol.Delta[0, 0]))
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .fixed_point import solve_fixed_point

__all__ = ["DMFTSolution", "deep_linear_dmft"]


@dataclass(frozen=True)
class DMFTSolution:
    """The deep-linear DMFT fixed point.

    Attributes
    ----------
    Delta : (P, T)
        Errors :math:`\\Delta_\\mu(t) = y_\\mu - f_\\mu(t)` before the update at step ``t``.
    H, G : (L, P*T, P*T)
        Forward kernels :math:`H^\\ell` and backward kernels :math:`G^\\ell`, ``ell = 1..L``,
        indexed by ``mu * T + t``.
    ntk : (T, P, P)
        The NTK :math:`K_t = G^1_{tt}\\circ K^x + \\sum_\\ell H^\\ell_{tt}\\circ G^{\\ell+1}_{tt}`.
    converged, iterations, residual
        From the fixed-point solver.
    """

    Delta: np.ndarray
    H: np.ndarray
    G: np.ndarray
    ntk: np.ndarray
    converged: bool
    iterations: int
    residual: float

    def diag(self, which: str, layer: int) -> np.ndarray:
        """Equal-time diagonal ``(P, T)`` of ``H`` or ``G`` of hidden layer ``layer`` (1-based)."""
        M = {"H": self.H, "G": self.G}[which][layer - 1]
        P, T = self.Delta.shape
        d = np.diagonal(M).reshape(P, T)
        return d


def _blocks(Kx: np.ndarray, T: int) -> np.ndarray:
    return np.kron(Kx, np.ones((T, T)))


def _initial(Kx, y, L, T):
    n = Kx.shape[0] * T
    H0 = _blocks(Kx, T)
    return (np.repeat(y[:, None], T, axis=1), np.array([H0] * L), np.ones((L, n, n)),
            np.zeros((L, n, n)), np.zeros((L, n, n)))


def _extend(state, P, T):
    """Pad a (P, T) solution to T + 1 steps by repeating the last time slice (a warm start)."""
    Delta, *mats = state
    out = [np.concatenate([Delta, Delta[:, -1:]], axis=1)]
    for M in mats:
        L = M.shape[0]
        M4 = M.reshape(L, P, T, P, T)
        M4 = np.concatenate([M4, M4[:, :, -1:]], axis=2)
        M4 = np.concatenate([M4, M4[:, :, :, :, -1:]], axis=4)
        out.append(M4.reshape(L, P * (T + 1), P * (T + 1)))
    return tuple(out)


def _sweep(Kx, y, L, gamma0, eta, T):
    P = Kx.shape[0]
    n = P * T
    tt = np.tile(np.arange(T), P)
    S = (tt[None, :] < tt[:, None]).astype(float)  # 1[s < t], rows (mu t), cols (nu s)
    H0 = _blocks(Kx, T)
    ones = np.ones((n, n))
    eye = np.eye(n)
    zero = np.zeros((n, n))
    c = eta * gamma0 / P

    def sweep(state):
        Delta, H, G, A, B = state
        dg = Delta.reshape(-1)[None, :]
        Hs = [H0] + list(H)              # Hs[l] = H^l, l = 0..L
        Gs = list(G) + [ones]            # Gs[l-1] = G^l, l = 1..L+1
        As = [zero] + list(A)
        Bs = list(B) + [zero]
        newH, newG, newA, newB = [], [], [], []
        cross = None
        for l in range(1, L + 1):
            C = As[l - 1] + c * (Hs[l - 1] * S) * dg
            Dm = Bs[l] + c * (Gs[l] * S) * dg
            Mi = np.linalg.inv(eye - C @ Dm)
            Qi = np.linalg.inv(eye - Dm @ C)
            newH.append(Mi @ (Hs[l - 1] + C @ Gs[l] @ C.T) @ Mi.T)
            newG.append(Qi @ (Gs[l] + Dm @ Hs[l - 1] @ Dm.T) @ Qi.T)
            newA.append(Mi @ C)
            newB.append(Qi @ Dm)
            if l == L:
                cross = Mi @ (Hs[l - 1] @ Dm.T + C @ Gs[l]) @ Qi.T
        f = np.diagonal(cross).reshape(P, T) / gamma0
        return (y[:, None] - f, np.array(newH), np.array(newG), np.array(newA), np.array(newB))

    return sweep


def deep_linear_dmft(Kx, y, depth: int, gamma0: float, eta: float, steps: int, *,
                     tol: float = 1e-12, max_iter: int = 2000) -> DMFTSolution:
    """Solve the deep-linear DMFT closure (module docstring) for a data Gram ``Kx`` (P, P),
    targets ``y`` (P,), ``depth`` hidden layers, feature-learning strength ``gamma0``, learning
    rate ``eta`` (μP units) and ``steps`` GD steps. Width-free: the infinite-width limit of
    :func:`~scalinglaws.validators.processes.wide_nets.deep_linear_gd`.
    """
    Kx = np.asarray(Kx, dtype=float)
    y = np.asarray(y, dtype=float)
    P, T, L = Kx.shape[0], int(steps), int(depth)
    state, iterations, res = None, 0, None
    for Tk in range(1, T + 1):  # march in time: only the newest step is unknown
        x0 = _initial(Kx, y, L, Tk) if state is None else _extend(state, P, Tk - 1)
        res = solve_fixed_point(_sweep(Kx, y, L, gamma0, eta, Tk), x0, tol=tol,
                                max_iter=max_iter)
        state, iterations = res.x, iterations + res.iterations
    Delta, H, G, _, _ = res.x
    ntk = np.empty((T, P, P))
    for t in range(T):
        idx = np.arange(P) * T + t
        sub = lambda M: M[np.ix_(idx, idx)]  # noqa: E731
        k = sub(G[0]) * Kx
        for l in range(L):
            k = k + sub(H[l]) * (sub(G[l + 1]) if l + 1 < L else 1.0)
        ntk[t] = k
    return DMFTSolution(Delta, H, G, ntk, res.converged, iterations, res.residual)
