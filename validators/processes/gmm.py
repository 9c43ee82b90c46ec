r"""Binary Gaussian-mixture classification by ridge regression: saddle-point equations and Monte Carlo.

Model (the conventions of the code of Loureiro et al., arXiv 2106.03791,
``IdePHICS/GaussMixtureProject``, ``K2mix``): labels :math:`y = \pm1` with
:math:`P(y = +1) = \rho`, a mean :math:`\mu` with i.i.d. :math:`N(0, 1/d)` entries, features
:math:`x = (y\mu + \Sigma^{1/2}z)/\sqrt d`, :math:`z \sim N(0, I_d)`, diagonal covariance
:math:`\Sigma` made of blocks (fractions :math:`p_r`, variances :math:`\Delta_r`; isotropic
:math:`\Sigma = \Delta I` is one block); :math:`n = \alpha d` samples. The estimator minimises
:math:`\sum_\mu \frac12 (y_\mu - w\cdot x_\mu - b)^2 + \frac\lambda2 |w|^2` (intercept not
penalised). Order parameters :math:`m = \mu\cdot w/\sqrt d`, :math:`q = w^\top\Sigma w/d`, and
the test error of the classifier :math:`\mathrm{sign}(w\cdot x + b)`,

.. math:: \varepsilon_g = \rho\,Q\Big(\frac{m + b}{\sqrt q}\Big) + (1-\rho)\,Q\Big(\frac{m - b}{\sqrt q}\Big),
   \qquad Q(x) = \tfrac12\operatorname{erfc}(x/\sqrt2),

exact for any fixed :math:`(w, b)` (Gaussian projections).

Saddle-point equations (square loss, :math:`\ell_2` penalty; transcribed from the authors' code),
:func:`k2_ridge_update`, solved by
:func:`~scalinglaws.validators.processes.fixed_point.solve_fixed_point`:
:math:`b = (2\rho-1)(1-m)`, :math:`\hat V = \alpha/(1+V)`,
:math:`\hat q = \alpha[\rho(1-m-b)^2 + (1-\rho)(1-m+b)^2 + q]/(1+V)^2`,
:math:`\hat m = \alpha[1 - m - (2\rho-1)b]/(1+V)`, and
:math:`V = \sum_r p_r\Delta_r/(\lambda + \hat V\Delta_r)`,
:math:`q = \sum_r p_r\Delta_r(\Delta_r\hat q + \hat m^2)/(\lambda + \hat V\Delta_r)^2`,
:math:`m = \sum_r p_r\hat m/(\lambda + \hat V\Delta_r)`.

>>> from scalinglaws.validators.processes.gmm import solve_k2_ridge
>>> s = solve_k2_ridge(alpha=2.0, lam=0.1, rho=0.5, Delta=1.0)
>>> round(s["eps_g"], 4), round(s["m"], 4), round(s["q"], 4)
(0.2669, 0.478, 0.5899)

Monte Carlo (:func:`ridge_monte_carlo`): exact ridge solves (centred data, a :math:`d\times d`
solve) for independent seeded replicas; each replica reports its own :math:`m, q, b` and the exact
test error of its classifier.

>>> from scalinglaws.validators.processes.gmm import ridge_monte_carlo
>>> mc = ridge_monte_carlo(alpha=2.0, lam=0.1, rho=0.5, Delta=1.0, d=100, replicas=4, seed=0)
>>> sorted(mc), mc["eps_g"].shape
(['b', 'eps_g', 'm', 'q'], (4,))
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import erfc

from scalinglaws.errors import ParameterError

from scalinglaws.validators.processes.fixed_point import solve_fixed_point

__all__ = ["gaussian_tail", "k2_error", "k2_ridge_update", "solve_k2_ridge", "ridge_monte_carlo",
           "simplex_gram", "multik_square_update", "multik_error", "solve_multik_ridge",
           "multik_ridge_monte_carlo"]


def gaussian_tail(x):
    """:math:`Q(x) = P(\\xi > x)` for a standard Gaussian :math:`\\xi`."""
    return 0.5 * erfc(np.asarray(x, dtype=float) / math.sqrt(2.0))


def k2_error(m, q, b, rho):
    """Test error of sign(w.x + b) with order parameters (m, q, b) and P(y = +1) = rho."""
    sq = np.sqrt(q)
    return rho * gaussian_tail((m + b) / sq) + (1 - rho) * gaussian_tail((m - b) / sq)


def _blocks(Delta, blocks):
    if blocks is None:
        if Delta is None:
            raise ParameterError("give Delta (isotropic) or blocks ((fraction, variance), ...)")
        return np.array([1.0]), np.array([float(Delta)])
    fr = np.array([f for f, _ in blocks], dtype=float)
    var = np.array([v for _, v in blocks], dtype=float)
    if abs(fr.sum() - 1.0) > 1e-12 or np.any(var <= 0):
        raise ParameterError("block fractions must sum to 1 and variances be positive")
    return fr, var


def k2_ridge_update(alpha: float, lam: float, rho: float, Delta: float | None = None,
                    blocks=None):
    """The saddle-point map (V, q, m) -> (V, q, m) of ridge classification (see module doc)."""
    if not (alpha > 0 and lam > 0 and 0 < rho < 1):
        raise ParameterError("need alpha > 0, lam > 0, 0 < rho < 1")
    fr, var = _blocks(Delta, blocks)
    s = 2 * rho - 1

    def update(x):
        V, q, m = (float(v) for v in np.asarray(x).ravel())
        b = s * (1 - m)
        Vh = alpha / (1 + V)
        qh = alpha * (rho * (1 - m - b) ** 2 + (1 - rho) * (1 - m + b) ** 2 + q) / (1 + V) ** 2
        mh = alpha * (1 - m - s * b) / (1 + V)
        den = lam + Vh * var
        return np.array([np.sum(fr * var / den), np.sum(fr * var * (var * qh + mh**2) / den**2),
                         np.sum(fr * mh / den)])

    return update


def solve_k2_ridge(*, alpha: float, lam: float, rho: float, Delta: float | None = None,
                   blocks=None, x0=None, tol: float = 1e-13, damping: float = 0.5,
                   max_iter: int = 200_000) -> dict:
    """Solve the saddle-point equations: ``{"V", "q", "m", "b", "eps_g", "result"}``."""
    x0 = np.array([1.0, 0.5, 0.5]) if x0 is None else np.asarray(x0, dtype=float)
    res = solve_fixed_point(k2_ridge_update(alpha, lam, rho, Delta, blocks), x0,
                            damping=damping, tol=tol, max_iter=max_iter)
    V, q, m = (float(v) for v in res.x)
    b = (2 * rho - 1) * (1 - m)
    return {"V": V, "q": q, "m": m, "b": b, "eps_g": float(k2_error(m, q, b, rho)),
            "result": res}


def ridge_monte_carlo(*, alpha: float, lam: float, rho: float, Delta: float, d: int,
                      replicas: int, seed, xp=np) -> dict:
    """Exact ridge on sampled mixtures (isotropic Delta): per-replica arrays ``m``, ``q``, ``b``
    and ``eps_g`` (the exact test error of each replica's classifier)."""
    n = int(round(alpha * d))
    if n < 2:
        raise ParameterError("alpha d must be at least 2")
    root = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    out = {"m": [], "q": [], "b": [], "eps_g": []}
    for child in root.spawn(replicas):
        rng = np.random.default_rng(child)
        mu = rng.standard_normal(d) / math.sqrt(d)
        y = np.where(rng.random(n) < rho, 1.0, -1.0)
        X = (y[:, None] * mu[None, :] + math.sqrt(Delta) * rng.standard_normal((n, d))) / math.sqrt(d)
        Xc, yc = X - X.mean(axis=0), y - y.mean()
        A = xp.asarray(Xc.T @ Xc + lam * np.eye(d))
        w = xp.linalg.solve(A, xp.asarray(Xc.T @ yc))
        w = w.get() if hasattr(w, "get") else np.asarray(w)
        b = float(y.mean() - X.mean(axis=0) @ w)
        m = float(mu @ w) / math.sqrt(d)
        q = Delta * float(w @ w) / d
        out["m"].append(m)
        out["q"].append(q)
        out["b"].append(b)
        out["eps_g"].append(float(k2_error(m, q, b, rho)))
    return {k: np.array(v) for k, v in out.items()}


# ------------------------------------------------------------------------------ K clusters


def simplex_gram(K: int) -> np.ndarray:
    """Gram matrix of K unit-norm simplex means, :math:`\\frac K{K-1}(I - \\frac1K 11^\\top)`."""
    return K / (K - 1) * (np.eye(K) - np.ones((K, K)) / K)


def multik_square_update(alpha: float, lam: float, Delta: float, gram, rho):
    """The square-loss, :math:`\\ell_2` saddle-point map of K-cluster ridge (one-hot targets),
    transcribed from the authors' ``multiK`` code: unknowns ``(V, Q, m, b)`` with K×K matrices
    ``V``, ``Q``, ``m`` (column k: the class-k mean overlaps) and the intercept vector ``b``.

    With :math:`\\Delta_m = m - I + b 1^\\top` and :math:`A = (I + V)^{-1}`:
    :math:`\\hat V = \\alpha\\Delta A`,
    :math:`\\hat Q = \\alpha\\Delta A(Q + \\Delta_m \\mathrm{diag}(\\rho)\\Delta_m^\\top)A`,
    :math:`\\hat M = -\\alpha A\\Delta_m\\mathrm{diag}(\\rho)`, :math:`b = (I - m)\\rho`; then with
    :math:`B = (\\lambda I + \\hat V)^{-1}`: :math:`V = \\Delta B`,
    :math:`Q = \\Delta B(\\hat Q + \\hat M G\\hat M^\\top)B`, :math:`m = B\\hat M G^\\top`.
    Data: class k has mean :math:`\\mu_k` (Gram ``gram`` = :math:`G`), features
    :math:`x = (\\mu_k + \\sqrt\\Delta z)/\\sqrt d`, one-hot targets;
    :math:`Q = \\Delta WW^\\top/d`, :math:`m = W M/\\sqrt d`.
    """
    G = np.asarray(gram, dtype=float)
    rho = np.asarray(rho, dtype=float)
    K = rho.size
    E = np.eye(K)

    def update(state):
        V, Q, m, b = state
        diff = m - E + np.outer(b, np.ones(K))
        A = np.linalg.inv(E + V)
        Vh = alpha * Delta * A
        Qh = alpha * Delta * A @ (Q + diff @ np.diag(rho) @ diff.T) @ A
        Mh = -alpha * A @ (diff * rho[None, :])
        b_new = (E - m) @ rho
        B = np.linalg.inv(lam * E + Vh)
        Qn = Delta * B @ (Qh + Mh @ G @ Mh.T) @ B
        return (Delta * B, 0.5 * (Qn + Qn.T), B @ Mh @ G.T, b_new)

    return update


def multik_error(Q, m, b, rho, *, samples: int = 0, seed=0) -> float:
    """Test error :math:`\\sum_k \\rho_k P(\\arg\\max_j h_j \\ne k)`, :math:`h \\sim N(m_{:k} + b, Q)`:
    exact for K = 2 (a Gaussian tail), else by ``samples`` seeded Gaussian draws per class."""
    Q, m, b, rho = (np.asarray(a, dtype=float) for a in (Q, m, b, rho))
    K = rho.size
    if K == 2:
        s = Q[0, 0] + Q[1, 1] - 2 * Q[0, 1]
        d0 = (m[0, 0] + b[0]) - (m[1, 0] + b[1])  # class 0 right when h0 - h1 > 0
        d1 = (m[1, 1] + b[1]) - (m[0, 1] + b[0])
        return float(rho[0] * gaussian_tail(d0 / np.sqrt(s)) + rho[1] * gaussian_tail(d1 / np.sqrt(s)))
    if samples < 1:
        raise ParameterError("K > 2 needs samples > 0 for the Gaussian average")
    rng = np.random.default_rng(seed)
    L = np.linalg.cholesky(Q + 1e-15 * np.eye(K))
    err = 0.0
    for k in range(K):
        h = (m[:, k] + b)[None, :] + rng.standard_normal((samples, K)) @ L.T
        err += rho[k] * float(np.mean(np.argmax(h, axis=1) != k))
    return err


def solve_multik_ridge(*, alpha: float, lam: float, Delta: float, rho, gram=None,
                       tol: float = 1e-12, damping: float = 0.5, max_iter: int = 100_000,
                       error_samples: int = 200_000, seed=0) -> dict:
    """Solve the K-cluster square-loss equations: ``{"V", "Q", "m", "b", "eps_g", "result"}``
    (``gram`` defaults to the simplex means).

    >>> import numpy as np
    >>> s = solve_multik_ridge(alpha=2.0, lam=0.1, Delta=1.0, rho=np.array([0.5, 0.5]))
    >>> round(s["eps_g"], 4)          # = the K = 2 ridge classifier (solve_k2_ridge)
    0.2669
    """
    rho = np.asarray(rho, dtype=float)
    K = rho.size
    G = simplex_gram(K) if gram is None else np.asarray(gram, dtype=float)
    x0 = (np.eye(K), np.eye(K), np.eye(K) * 0.5, np.zeros(K))
    res = solve_fixed_point(multik_square_update(alpha, lam, Delta, G, rho), x0,
                            damping=damping, tol=tol, max_iter=max_iter)
    V, Q, m, b = res.x
    eps = multik_error(Q, m, b, rho, samples=error_samples, seed=seed)
    return {"V": V, "Q": Q, "m": m, "b": b, "eps_g": eps, "result": res}


def multik_ridge_monte_carlo(*, alpha: float, lam: float, Delta: float, rho, d: int,
                             replicas: int, seed, test: int = 20_000) -> np.ndarray:
    """Test errors (replicas,) of K-output ridge (one-hot targets, free intercepts) on sampled
    K-cluster mixtures with simplex means in the first K coordinates; each error is measured on
    ``test`` fresh samples."""
    rho = np.asarray(rho, dtype=float)
    K = rho.size
    M = np.zeros((d, K))
    M[:K, :] = np.linalg.cholesky(simplex_gram(K) + 1e-14 * np.eye(K)).T
    n = int(round(alpha * d))
    root = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    out = []
    for child in root.spawn(replicas):
        rng = np.random.default_rng(child)

        def sample(size):
            lab = rng.choice(K, size=size, p=rho)
            X = (M[:, lab].T + math.sqrt(Delta) * rng.standard_normal((size, d))) / math.sqrt(d)
            return X, lab

        X, lab = sample(n)
        Y = np.eye(K)[lab]
        Xc, Yc = X - X.mean(axis=0), Y - Y.mean(axis=0)
        W = np.linalg.solve(Xc.T @ Xc + lam * np.eye(d), Xc.T @ Yc)  # (d, K)
        b = Y.mean(axis=0) - X.mean(axis=0) @ W
        Xt, lt = sample(test)
        out.append(float(np.mean(np.argmax(Xt @ W + b, axis=1) != lt)))
    return np.array(out)
