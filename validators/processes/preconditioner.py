r"""Microbatch-estimated preconditioners: Monte Carlo of their inversion and coupling biases.

Model (Nayak et al., arXiv:2605.20756; laws ``precond_bias.*``). A preconditioner is the mean
:math:`\bar p = \frac1m\sum_j p_j` of :math:`m` microbatch estimates, each the mean of
``samples`` squared Gaussian gradient coordinates, :math:`p_j = \frac1b\sum_i g_{ji}^2`,
:math:`g \sim N(\mu, \sigma^2)`; the update applies :math:`T(x) = x^{-a}`. With :math:`\mu = 0`,
:math:`m b\,\bar p/\sigma^2 \sim \chi^2_{mb}`, whose inverse moments are exact
(:func:`chi2_inverse_moment`). The matrix analogue (:func:`wishart_inverse_mc`) averages
:math:`g g^\top` over microbatches of Gaussian vectors.

Estimators. Biases are small differences of means, so every Monte Carlo mean here uses
*control variates with known means* (:math:`\bar p - p`; :math:`\widehat{\mathrm{Var}}(\bar p) -
s^2/m`; :math:`\hat g - \mu`), with the regression coefficients fitted on the same draws: the
linear part of the fluctuation, which dominates the raw variance, is removed and the estimate
keeps only the second-order noise. Replicas are independent (one child stream of the run's seed
each); intervals are formed across replicas by the caller.

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> p_j = microbatch_estimates(rng, groups=20000, m=16)
>>> round(inverse_power_bias_mc(p_j, a=1.0, p=1.0), 2)      # exact 16/14 - 1 = 0.143
0.14
>>> round(chi2_inverse_moment(1.0, 16) - 1.0, 4)
0.1429
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import gammaln

from scalinglaws.bias import corrected_inverse_power

__all__ = [
    "streams",
    "chi2_inverse_moment",
    "microbatch_estimates",
    "inverse_power_bias_mc",
    "corrected_bias_mc",
    "coupling_mc",
    "wishart_inverse_mc",
]


def streams(seed: int, tag: int, replicas: int) -> list:
    """``replicas`` independent generators, children of ``SeedSequence([seed, tag])``."""
    root = np.random.SeedSequence([int(seed), int(tag)])
    return [np.random.Generator(np.random.PCG64(s)) for s in root.spawn(replicas)]


def chi2_inverse_moment(a: float, m: int, sigma2: float = 1.0) -> float:
    r"""Exact :math:`\mathbb E[\bar p^{-a}]` for :math:`p_j = \sigma^2 z_j^2`, :math:`j\le m`:
    :math:`\sigma^{-2a}(m/2)^a\,\Gamma(m/2-a)/\Gamma(m/2)` (finite for :math:`m > 2a`)."""
    if not m > 2 * a:
        raise ValueError(f"E[p_bar^-a] is infinite for m <= 2a (m = {m}, a = {a})")
    return float(sigma2 ** (-a) * math.exp(a * math.log(m / 2) + gammaln(m / 2 - a)
                                           - gammaln(m / 2)))


def microbatch_estimates(rng, *, groups: int, m: int, samples: int = 1, mu: float = 0.0,
                         sigma: float = 1.0, dtype=np.float64) -> np.ndarray:
    """Per-microbatch second-moment estimates ``(groups, m)``: each the mean of ``samples``
    squared draws of N(mu, sigma^2)."""
    g = mu + sigma * rng.standard_normal((groups, m, samples), dtype=dtype)
    return (g * g).mean(axis=-1)


def _cv_mean(y: np.ndarray, controls: list) -> float:
    """Mean of ``y`` with zero-mean control variates (regression coefficients fitted)."""
    X = np.stack(controls)
    C = np.cov(np.vstack([y, X]))
    beta = np.linalg.solve(np.atleast_2d(C[1:, 1:]), C[1:, 0])
    return float(np.mean(y - beta @ X))


def inverse_power_bias_mc(p_j: np.ndarray, *, a: float, p: float) -> float:
    r"""Monte Carlo :math:`\mathbb E[\bar p^{-a}] - p^{-a}` over the groups (rows) of ``p_j``,
    with the control variate :math:`\bar p - p` (:math:`p` the population preconditioner)."""
    pbar = p_j.mean(axis=1)
    return _cv_mean(pbar ** (-a), [pbar - p]) - p ** (-a)


def corrected_bias_mc(p_j: np.ndarray, *, a: float, p: float, s2: float) -> float:
    r"""Monte Carlo residual bias :math:`\mathbb E[\tilde T] - p^{-a}` of the variance-corrected
    inverse (:func:`scalinglaws.bias.corrected_inverse_power`, unclamped), with the control
    variates :math:`\bar p - p` and :math:`\widehat{\mathrm{Var}}(\bar p) - s^2/m`."""
    m = p_j.shape[1]
    pbar = p_j.mean(axis=1)
    tilde = corrected_inverse_power(p_j, a, axis=1, clamp=False)
    var_hat = p_j.var(axis=1, ddof=1) / m
    return _cv_mean(tilde, [pbar - p, var_hat - s2 / m]) - p ** (-a)


def coupling_mc(rng, *, groups: int, B: int, mu: float, sigma: float) -> dict:
    r"""Biases of Adam's update :math:`\hat g\,\hat P^{-1/2}` (no EMA, :math:`\epsilon = 0`),
    per-sample gradients :math:`N(\mu,\sigma^2)`, batch ``B``, over ``groups`` batches.

    Returns ``coupling`` (:math:`\mathrm{Cov}(\hat g, T(\hat P))`), ``crossfit``
    (:math:`\mu(\mathbb E\,T(\hat P) - T(P))`: the bias of the cross-fitted update, whose
    denominator comes from an independent batch of the same size, since then
    :math:`\mathbb E[\hat g\,T(\hat P')] = \mu\,\mathbb E\,T(\hat P')`) and ``same`` (the bias
    of the same-batch update, :math:`\mathbb E[\hat g T(\hat P)] - \mu T(P)`).
    """
    P = mu * mu + sigma * sigma
    TP = P ** -0.5
    g = mu + sigma * rng.standard_normal((groups, B))
    gh, Ph = g.mean(axis=1), (g * g).mean(axis=1)
    T = Ph ** -0.5
    dg, dP = gh - mu, Ph - P
    coupling = float(np.sum(dg * (T - T.mean())) / (groups - 1))
    crossfit = mu * (_cv_mean(T, [dP]) - TP)
    same = _cv_mean(gh * T, [dg, dP]) - mu * TP
    return {"coupling": coupling, "crossfit": crossfit, "same": same}


def wishart_inverse_mc(rng, *, reps: int, k: int, m: int, samples: int) -> dict:
    r"""Mean diagonal of :math:`\hat L^{-1}` and of the per-eigenvalue variance-corrected
    inverse, :math:`\hat L = \frac1N\sum g g^\top`, :math:`N = m\cdot` ``samples`` Gaussian
    vectors :math:`N(0, I_k)` in ``m`` microbatches, over ``reps`` draws (target: identity).

    The corrected inverse follows the authors' Shampoo recipe with power 1: project each
    microbatch's :math:`\hat L_j` on the eigenbasis of :math:`\hat L`, take the diagonal's sample
    variance over microbatches divided by ``m``, and subtract :math:`\lambda^{-3}\mathrm{Var}`.
    """
    n = m * samples
    g = rng.standard_normal((reps, m, samples, k))
    Lj = np.einsum("rmsi,rmsj->rmij", g, g) / samples
    L = Lj.mean(axis=1)
    lam, Q = np.linalg.eigh(L)
    inv_diag = np.einsum("rij,rj,rij->ri", Q, 1.0 / lam, Q)
    proj = np.einsum("rik,rmij,rjk->rmk", Q, Lj, Q)
    var = proj.var(axis=1, ddof=1) / m
    d = np.maximum(1.0 / lam - var / lam**3, 0.0)
    corr_diag = np.einsum("rij,rj,rij->ri", Q, d, Q)
    return {"inverse": inv_diag.mean(axis=1), "corrected": corr_diag.mean(axis=1), "N": n}
