r"""Two-layer gated-ReLU networks with weight decay and their convex group-lasso program.

Model (Pilanci & Ergen 2020, arXiv:2002.10553; the gated-ReLU relaxation used by CRONOS, Feng,
Frangella & Pilanci, arXiv:2411.01088). Data :math:`X \in \mathbb R^{n\times d}`, targets
:math:`y`, fixed gates :math:`h_1..h_P` with activation patterns
:math:`D_i = \mathrm{diag}(\mathbb 1[Xh_i \ge 0])`. The non-convex network with one neuron per gate
and weight decay,

.. math::

    \min_{u_i,\alpha_i}\ \tfrac12\Big\|\sum_i D_iXu_i\alpha_i - y\Big\|^2
    + \tfrac\beta2\sum_i(\|u_i\|^2+\alpha_i^2),

has the same optimal value as the convex group lasso

.. math::

    \min_{w_i}\ \tfrac12\Big\|\sum_i D_iXw_i - y\Big\|^2 + \beta\sum_i\|w_i\|_2,

because :math:`\min_{u\alpha = w}\tfrac12(\|u\|^2+\alpha^2) = \|w\|` (AM-GM).

Solvers: :func:`group_lasso` (FISTA with group soft-thresholding; returns the primal value and
a dual lower bound, so the optimum is bracketed by the duality gap) and :func:`train_gated_net`
(nonlinear conjugate gradient on the non-convex objective from random initializations,
analytic gradient).

>>> import numpy as np
>>> X, y, D = gated_relu_data(np.random.default_rng(0), n=20, d=2, gates=8)
>>> res = group_lasso(X, D, y, beta=0.1, iters=3000)
>>> bool(res["dual"] <= res["primal"] + 1e-12) and res["primal"] - res["dual"] < 1e-6
True
"""

from __future__ import annotations

import numpy as np
from scipy import optimize

__all__ = ["gated_relu_data", "group_lasso", "gated_net_objective", "train_gated_net"]


def gated_relu_data(rng, *, n: int, d: int, gates: int):
    """Gaussian inputs with a bias column (``d`` columns in all), a planted two-neuron ReLU
    target plus noise, and ``gates`` Gaussian gates: ``(X, y, D)`` with ``D`` the ``(n, gates)``
    0/1 activation patterns."""
    X = np.hstack([rng.standard_normal((n, d - 1)), np.ones((n, 1))])
    w1, w2 = rng.standard_normal(d), rng.standard_normal(d)
    y = np.maximum(X @ w1, 0) - 0.5 * np.maximum(X @ w2, 0) + 0.1 * rng.standard_normal(n)
    H = rng.standard_normal((d, gates))
    D = (X @ H >= 0).astype(float)
    return X, y, D


def _design(X, D):
    """A = [D_1 X, ..., D_P X], shape (n, P d)."""
    return (D[:, :, None] * X[:, None, :]).reshape(X.shape[0], -1)


def group_lasso(X, D, y, *, beta: float, iters: int) -> dict:
    r"""FISTA on :math:`\tfrac12\|Aw - y\|^2 + \beta\sum_i\|w_i\|`; returns ``w`` (P, d),
    ``primal`` (the objective at ``w``) and ``dual`` (the dual objective at the scaled residual,
    a lower bound on the optimum)."""
    A = _design(X, D)
    P, d = D.shape[1], X.shape[1]
    L = np.linalg.norm(A, 2) ** 2
    w = np.zeros(A.shape[1])
    z, t = w.copy(), 1.0
    for _ in range(iters):
        grad = A.T @ (A @ z - y)
        v = (z - grad / L).reshape(P, d)
        norms = np.linalg.norm(v, axis=1, keepdims=True)
        shrink = np.maximum(1.0 - (beta / L) / np.maximum(norms, 1e-300), 0.0)
        w_new = (shrink * v).ravel()
        t_new = 0.5 * (1.0 + np.sqrt(1.0 + 4.0 * t * t))
        z = w_new + ((t - 1.0) / t_new) * (w_new - w)
        w, t = w_new, t_new
    W = w.reshape(P, d)
    r = y - A @ w
    primal = 0.5 * r @ r + beta * np.linalg.norm(W, axis=1).sum()
    corr = np.linalg.norm((A.T @ r).reshape(P, d), axis=1).max()
    s = min(1.0, beta / corr) if corr > 0 else 1.0
    dual = 0.5 * y @ y - 0.5 * (y - s * r) @ (y - s * r)
    return {"w": W, "primal": float(primal), "dual": float(dual)}


def gated_net_objective(theta, X, D, y, beta: float):
    """Objective and gradient of the non-convex gated net; ``theta`` = (U (P, d), alpha (P,))."""
    P, d = D.shape[1], X.shape[1]
    U = theta[: P * d].reshape(P, d)
    alpha = theta[P * d:]
    Z = X @ U.T  # (n, P)
    pred = (D * Z) @ alpha
    r = pred - y
    f = 0.5 * r @ r + 0.5 * beta * (np.sum(U * U) + alpha @ alpha)
    g_alpha = (D * Z).T @ r + beta * alpha
    g_U = ((D * r[:, None]) * alpha[None, :]).T @ X + beta * U
    return f, np.concatenate([g_U.ravel(), g_alpha])


def train_gated_net(X, D, y, *, beta: float, rng, restarts: int = 2,
                    gtol: tuple = (1e-5, 1e-7), maxiter: int = 20000) -> tuple:
    """Best objective of nonlinear conjugate gradient (scipy ``CG``) on
    :func:`gated_net_objective` over ``restarts`` random starts (scale 0.5), at each gradient
    tolerance of ``gtol`` in turn (each run warm-started from the previous tolerance's end):
    one best value per tolerance, so that their spread measures the solver's error.

    (Dense quasi-Newton solvers spend most of their time in threaded BLAS calls on tiny
    vectors; CG does not.)
    """
    P, d = D.shape[1], X.shape[1]
    best = [np.inf] * len(gtol)
    for _ in range(restarts):
        theta = 0.5 * rng.standard_normal(P * d + P)
        for i, tol in enumerate(gtol):
            res = optimize.minimize(gated_net_objective, theta, args=(X, D, y, beta), jac=True,
                                    method="CG", options={"gtol": tol, "maxiter": maxiter})
            theta = res.x
            best[i] = min(best[i], float(res.fun))
    return tuple(best)
