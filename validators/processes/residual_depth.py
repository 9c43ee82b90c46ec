r"""A deep linear residual network with depth-scaled branches: the first Adam step.

The process under the depth rules that the MoE paper combines with
(:mod:`scalinglaws.papers.moe_mssp`, keys ``moe_mssp.depth_rule.*``): residual blocks

.. math::

    h_{\ell+1} = h_\ell + L^{-\alpha}\, W_\ell h_\ell,\qquad \ell = 0,\dots,L-1,\qquad
    f = w\cdot h_L / N,

width :math:`N`, depth :math:`L`, :math:`h_0 = x` with :math:`|x|^2 = N`, hidden weights
:math:`(W_\ell)_{ij} \sim N(0, 1/N)` (μP hidden init), readout :math:`w_i \sim N(0, 1)` with the
μP output multiplier :math:`1/N`, loss :math:`\frac12(f - y)^2`. The branch multiplier
:math:`L^{-\alpha}` is the depth rule (:math:`\alpha = 1/2`: Depth-μP; :math:`\alpha = 1`:
CompleteP).

Adam's first step with :math:`\epsilon \to 0` moves every hidden entry by
:math:`-\eta\,\mathrm{sign}(\partial_W \ell)`. To first order in :math:`\eta` the output then
changes by :math:`-\eta\,\mathrm{sign}(f-y)\sum_\ell \|\partial f/\partial W_\ell\|_1`, with
:math:`\partial f/\partial W_\ell = L^{-\alpha} g_{\ell+1} h_\ell^\top`, :math:`g_\ell =
\partial f/\partial h_\ell` (backpropagated from :math:`g_L = w/N`). :func:`first_adam_step`
returns, per replica,

* ``unit_lr``: the hidden learning rate at which that first-order output change is 1,
  :math:`1/\sum_\ell \|\partial f/\partial W_\ell\|_1` (a depth rule that keeps the residual
  updates :math:`\Theta(1)` scales the hidden Adam learning rate like it);
* ``grad_rms``: the RMS entry of the hidden gradients :math:`\partial_W \ell` (averaged over the
  blocks), the scale Adam's :math:`\epsilon` must follow so that it never dominates the
  gradient's second moment.

Everything is exact linear algebra on sampled weights; the replicas are independent streams of
``numpy.random.SeedSequence(seed).spawn(replicas)``. Each stream draws the input and the
readout before the hidden weights, so runs at several depths with the same seed share them
(a paired design across depths).

>>> out = first_adam_step(N=32, L=8, alpha=1.0, replicas=3, seed=0)
>>> sorted(out), out["unit_lr"].shape
(['grad_rms', 'unit_lr'], (3,))
>>> bool((out["unit_lr"] > 0).all() and (out["grad_rms"] > 0).all())
True
"""

from __future__ import annotations

import numpy as np

__all__ = ["first_adam_step"]


def first_adam_step(*, N: int, L: int, alpha: float, replicas: int, seed=0,
                    target: float = 1.0) -> dict:
    """The first Adam step of the deep linear residual network (see the module docstring).

    Parameters
    ----------
    N, L : int
        Width and depth (number of residual blocks).
    alpha : float
        Depth exponent of the branch multiplier ``L**-alpha``.
    replicas : int
        Independent draws of (x, W, w).
    seed : int or numpy.random.SeedSequence
        Root of the replicas' streams.
    target : float
        Label ``y``; the loss residual is ``f - y``.

    Returns
    -------
    dict of arrays of shape (replicas,): ``unit_lr`` and ``grad_rms``.
    """
    root = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    a = float(L) ** (-alpha)
    unit_lr = np.empty(replicas)
    grad_rms = np.empty(replicas)
    for r, child in enumerate(root.spawn(replicas)):
        rng = np.random.default_rng(child)
        x = rng.standard_normal(N)
        x *= np.sqrt(N) / np.linalg.norm(x)
        w = rng.standard_normal(N)  # x and w first: the same seed gives them at every depth
        W = rng.standard_normal((L, N, N)) / np.sqrt(N)
        hs = [x]
        for ell in range(L):
            hs.append(hs[-1] + a * (W[ell] @ hs[-1]))
        f = w @ hs[-1] / N
        g = w / N  # df/dh_L
        l1 = 0.0
        sq = 0.0
        for ell in range(L - 1, -1, -1):
            # df/dW_ell = a g_(ell+1) h_ell^T; g_ell = g_(ell+1) + a W_ell^T g_(ell+1)
            l1 += a * np.abs(g).sum() * np.abs(hs[ell]).sum()
            sq += (a * (f - target)) ** 2 * (g @ g) * (hs[ell] @ hs[ell]) / N**2
            g = g + a * (W[ell].T @ g)
        unit_lr[r] = 1.0 / l1
        grad_rms[r] = np.sqrt(sq / L)
    return {"unit_lr": unit_lr, "grad_rms": grad_rms}
