r"""Spectral shaping of a matrix update (DynMuon) and its per-mode second-moment dynamics.

Two pieces, both small and exact:

**The released operator** (``fzwark/DynMuon``, ``dynmuon/dynmuon.py``, read by us), in numpy:

* :func:`shaped` -- :math:`U\Sigma^pV^\top` by an exact SVD (the code's
  ``shape_with_p_lam_via_svd``);
* :func:`fast_spectral` -- the code's surrogate for :math:`p < 0`: with
  :math:`X_n = M/\|M\|_F`, :math:`A = X_nX_n^\top`, :math:`\delta = p/2`, it returns
  :math:`(I + \delta(A-I) + \tfrac12\delta(\delta-1)(A-I)^2)\,\mathrm{polar}(X_n)\,\|M\|_F^p`
  (the code's Newton--Schulz polar factor is replaced by the exact one, so that only the
  polynomial correction differs from :func:`shaped`);
* :func:`anchored_direction` -- Algorithm 1's positive anchoring: :math:`M` itself for
  :math:`p_t \ge 1/4`, the polar factor for :math:`0 \le p_t < 1/4`, and for :math:`p_t < 0`
  the exact :math:`U\Sigma^{p_t}V^\top` (``negative="exact"``, the paper's exact-SVD variant) or
  :func:`fast_spectral` (``negative="fast"``, the released optimizer);
* :func:`adjusted_lr` -- the learning-rate adjustment the optimizer applies by default
  (``adjust_lr="spectral_norm"``): :math:`\eta\sqrt{\text{fan\_out}/\text{fan\_in}}` for a
  weight of shape (fan_out, fan_in).

**The mode model** of the paper's local analysis (its boxed recursion
:math:`\delta_{t+1} = (1-\eta\kappa h^{(p+1)/2})\delta_t - \eta h^{(p-1)/2}\xi_t`): the exact
second-moment recursion :func:`mode_second_moments` (noise of variance :math:`c_i` per mode,
independent across steps), the loss :math:`\frac1n\sum_i h_i\,\mathbb E\delta_i^2/2` and the
best fixed exponent over a window, :func:`best_exponent`.

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> M = rng.standard_normal((6, 4))
>>> s_in = np.linalg.svd(M, compute_uv=False)
>>> s_out = np.linalg.svd(shaped(M, -0.5), compute_uv=False)
>>> bool(np.allclose(np.sort(s_out), np.sort(s_in ** -0.5)))
True
>>> bool(np.allclose(anchored_direction(M, 0.3), M))
True
>>> round(adjusted_lr(0.02, (512, 128)), 6)
0.04
>>> h = np.logspace(-2, 0, 8)
>>> p_star, losses = best_exponent(h, np.ones(8), eta=0.5, kappa=1.0, c=1e-4 * h ** 1.4,
...                                steps=10, grid=np.linspace(-1, 1, 41))
>>> bool(-1 <= p_star <= 1) and losses.shape
(41,)
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "adjusted_lr", "anchored_direction", "best_exponent", "fast_spectral", "mode_loss",
    "mode_second_moments", "polar", "shaped",
]


def shaped(M, p: float, dtype=np.float64) -> np.ndarray:
    """U diag(sigma^p) V^T of ``M`` (exact SVD in ``dtype``)."""
    X = np.asarray(M, dtype=dtype)
    U, s, Vt = np.linalg.svd(X, full_matrices=False)
    return (U * s ** dtype(p)) @ Vt


def polar(M, dtype=np.float64) -> np.ndarray:
    """The polar factor U V^T (what Newton--Schulz approximates; p = 0)."""
    X = np.asarray(M, dtype=dtype)
    U, _, Vt = np.linalg.svd(X, full_matrices=False)
    return U @ Vt


def fast_spectral(M, p: float, dtype=np.float64) -> np.ndarray:
    """The released Fast-Spectral surrogate (order 2), with the exact polar factor."""
    X = np.asarray(M, dtype=dtype)
    transposed = X.shape[0] > X.shape[1]
    if transposed:
        X = X.T
    scale = np.linalg.norm(X)
    Xn = X / scale
    Y = polar(Xn, dtype)
    A = Xn @ Xn.T
    E = A - np.eye(A.shape[0], dtype=dtype)
    delta = dtype(p) / 2
    C = np.eye(A.shape[0], dtype=dtype) + delta * E + dtype(0.5) * delta * (delta - 1) * (E @ E)
    out = (C @ Y) * scale ** dtype(p)
    return out.T if transposed else out


def anchored_direction(M, p_t: float, *, negative: str = "exact", dtype=np.float64) -> np.ndarray:
    """Algorithm 1's update direction for the scheduled exponent ``p_t``."""
    if p_t >= 0.25:
        return np.asarray(M, dtype=dtype)
    if p_t >= 0.0:
        return polar(M, dtype)
    if negative == "fast":
        return fast_spectral(M, p_t, dtype)
    if negative == "exact":
        return shaped(M, p_t, dtype)
    raise ValueError(f"negative must be 'exact' or 'fast', got {negative!r}")


def adjusted_lr(lr: float, shape) -> float:
    """The optimizer's default ``spectral_norm`` adjustment, lr * sqrt(fan_out / fan_in), for a
    2-D weight of shape (fan_out, fan_in)."""
    fan_out, fan_in = shape[-2:]
    return float(lr) * float(np.sqrt(fan_out / fan_in))


def mode_second_moments(h, m0, *, p: float, eta: float, kappa: float, c, steps: int):
    """E delta_i^2 after ``steps`` steps of the mode recursion at fixed p (exact)."""
    h = np.asarray(h, dtype=float)
    r = 1.0 - eta * kappa * h ** ((p + 1) / 2)
    g = eta * h ** ((p - 1) / 2)
    m = np.array(m0, dtype=float)
    c = np.broadcast_to(np.asarray(c, dtype=float), h.shape)
    for _ in range(int(steps)):
        m = r * r * m + g * g * c
    return m


def mode_loss(h, m) -> float:
    """The loss of the mode model, mean over the modes of h_i E delta_i^2 / 2."""
    return float(0.5 * np.mean(np.asarray(h) * np.asarray(m)))


def best_exponent(h, m0, *, eta: float, kappa: float, c, steps: int, grid):
    """(p*, losses): the fixed exponent on ``grid`` with the lowest loss after ``steps`` steps
    from the state ``m0`` (ties: the first). All exponents are run at once (the same recursion
    as :func:`mode_second_moments`, one row per exponent)."""
    grid = np.asarray(grid, dtype=float)
    h = np.asarray(h, dtype=float)
    P = grid[:, None]
    r2 = (1.0 - eta * kappa * h ** ((P + 1) / 2)) ** 2
    noise = (eta * h ** ((P - 1) / 2)) ** 2 * np.broadcast_to(np.asarray(c, dtype=float), h.shape)
    m = np.broadcast_to(np.asarray(m0, dtype=float), r2.shape).copy()
    for _ in range(int(steps)):
        m = r2 * m + noise
    losses = 0.5 * np.mean(h * m, axis=1)
    return float(grid[int(np.argmin(losses))]), losses
