r"""Closed-form risk bounds of SGD on Gaussian linear regression, for any spectrum.

The companion of :mod:`~scalinglaws.validators.processes.linreg` (whose exact recursion gives
the risk these bounds are compared with): spectra given as arrays, optionally *binned* (one
representative index per bin, with the bin's count as multiplicity), so that
:math:`d = 10^{10}` costs about a thousand coordinates.

* :func:`binned_spectrum` -- indices :math:`1..n_{\rm exact}` one by one, then geometric bins of
  relative width ``bin_width`` up to ``d``; evaluates user functions
  :math:`\lambda(i)` and :math:`\lambda(i) w^{*2}(i)` at each representative.
* :func:`theorem1_bound` -- the general-spectrum bound of the anytime paper's Theorem 1 (as
  transcribed; unit constants) for :math:`\eta_t = \eta t^{-\gamma}` and tail averaging over
  :math:`(s, N]`:

  .. math::

      \frac1N\sum_{i\le k^*}\lambda_i w_i^{*2} + \sum_{i>k^*}\lambda_i w_i^{*2}
      + \frac{\sigma^2 k^*}{N}
      + \sigma^2\sum_{i>k^*}\bigl(\eta\lambda_i^2 N^{1-2\gamma} + \lambda_i N^{-\gamma}\bigr),
      \qquad k^* = \max\{k : \lambda_k \ge \log N / (\eta\, s^{1-\gamma})\}.

  The eigenvalues must be sorted in decreasing order (so :math:`k^*` is a count).

Example
-------
>>> import numpy as np
>>> lam, lw2, mult = binned_spectrum(lambda i: i ** -2.0, lambda i: i ** -2.0, 10**6)
>>> bool(np.isclose(np.sum(mult), 10**6))
True
>>> B = [theorem1_bound(lam, lw2, mult, 1.0, 0.5, 0.0, n) for n in (2**10, 2**14)]
>>> bool(B[1] < B[0])
True
"""

from __future__ import annotations

import math

import numpy as np

from scalinglaws.errors import DomainError

__all__ = ["binned_spectrum", "theorem1_bound"]


def binned_spectrum(lam_fn, lw2_fn, d, n_exact=256, bin_width=0.03):
    """``(lam, lam_w2, mult)``: the spectrum at indices 1..n_exact, then at the geometric-mean
    index of geometric bins of relative width ``bin_width`` up to ``d`` (counts as
    multiplicities, summing to ``d``). ``lam_fn`` and ``lw2_fn`` map an index array to
    :math:`\\lambda_i` and :math:`\\lambda_i w_i^{*2}`."""
    d = int(d)
    n_exact = int(min(n_exact, d))
    if d < 1 or not bin_width > 0:
        raise DomainError("binned_spectrum needs d >= 1 and bin_width > 0")
    head = np.arange(1, n_exact + 1, dtype=np.float64)
    reps, counts = [head], [np.ones(n_exact)]
    lo = n_exact  # bins (lo, hi]
    edges = []
    while lo < d:
        hi = min(d, max(lo + 1, int(math.floor(lo * (1.0 + bin_width)))))
        edges.append((lo, hi))
        lo = hi
    if edges:
        e = np.array(edges, dtype=np.float64)
        reps.append(np.sqrt((e[:, 0] + 1.0) * e[:, 1]))
        counts.append(e[:, 1] - e[:, 0])
    idx = np.concatenate(reps)
    mult = np.concatenate(counts)
    lam = np.asarray(lam_fn(idx), dtype=np.float64)
    lw2 = np.asarray(lw2_fn(idx), dtype=np.float64)
    if np.any(~(lam > 0)) or np.any(np.diff(lam) > 0) or np.any(~(lw2 >= 0)):
        raise DomainError("the spectrum must be positive and non-increasing, lam w*^2 >= 0")
    return lam, lw2, mult


def theorem1_bound(lam, lam_w2, mult, sigma2, eta, gamma, n_steps, start=None,
                   smooth=False) -> float:
    r"""Theorem 1's bound (unit constants) on the tail-averaged excess risk after ``n_steps``.

    ``lam`` (non-increasing), ``lam_w2`` (:math:`\lambda_i w_i^{*2}`) and ``mult``
    (multiplicities) describe the spectrum (:func:`binned_spectrum`); ``eta`` is the step
    scale of :math:`\eta_t = \eta t^{-\gamma}`; ``start`` is the tail window's start
    :math:`s` (default :math:`N/2`). :math:`k^*` counts the coordinates (with multiplicity)
    whose eigenvalue is at least :math:`\log N/(\eta s^{1-\gamma})`. With ``smooth=True``
    the coordinate (or bin) that straddles the threshold is split: the fraction
    :math:`\ln(\lambda_k/\theta)/\ln(\lambda_k/\lambda_{k+1})` of it (in :math:`\ln\lambda`
    between it and the next eigenvalue) counts as head, the rest as tail, so the bound is
    continuous in :math:`N` (it moves by less than one coordinate's terms, a bounded factor).

    >>> # threshold log(100)/50 = 0.092: both coordinates are in the head, bias 1.1/N
    >>> round(theorem1_bound([1.0, 0.1], [1.0, 0.1], [1, 1], 0.0, 1.0, 0.0, 100), 12)
    0.011
    >>> round(theorem1_bound([1.0, 0.01], [1.0, 0.01], [1, 1], 0.0, 1.0, 0.0, 100), 12)  # k* = 1
    0.02
    """
    lam = np.asarray(lam, dtype=np.float64)
    lw2 = np.asarray(lam_w2, dtype=np.float64)
    mult = np.asarray(mult, dtype=np.float64)
    N = float(n_steps)
    if not (N > 1 and eta > 0 and 0 <= gamma < 1 and sigma2 >= 0):
        raise DomainError("theorem1_bound needs N > 1, eta > 0, 0 <= gamma < 1, sigma2 >= 0")
    s = N / 2.0 if start is None else float(start)
    threshold = math.log(N) / (eta * s ** (1.0 - gamma))
    h = (lam >= threshold).astype(np.float64)  # head weight of each coordinate
    if smooth:
        k = int(np.sum(h))  # the first tail coordinate, index k (0-based)
        if 0 < k < lam.size:
            # the last head coordinate k-1 is split between head and tail
            frac = math.log(lam[k - 1] / threshold) / math.log(lam[k - 1] / lam[k])
            h[k - 1] = min(1.0, max(0.0, frac))
    t = 1.0 - h
    k_star = float(np.sum(mult * h))
    bias = float(np.sum(mult * lw2 * h)) / N + float(np.sum(mult * lw2 * t))
    var = sigma2 * k_star / N + sigma2 * float(np.sum(
        mult * t * (eta * lam**2 * N ** (1.0 - 2.0 * gamma) + lam * N ** (-gamma))))
    return bias + var
