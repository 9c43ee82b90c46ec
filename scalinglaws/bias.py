r"""How biased is a preconditioned update at this batch size? Delta-method estimators.

A preconditioned optimizer divides by (a power of) a preconditioner it *estimates*: Adam's
second moment :math:`\hat v`, Sophia's curvature, a Shampoo factor. When the estimate is an
average :math:`\bar p = \frac1m\sum_{j=1}^m p_j` of :math:`m` microbatch estimates with mean
:math:`p` and variance :math:`s^2`, a nonlinear transform :math:`T` of it is biased. The delta
method (a second-order Taylor expansion around :math:`p`) gives

.. math::

    \mathbb E\,T(\bar p) - T(p) = \tfrac12\,T''(p)\,\mathrm{Var}(\bar p) + O(m^{-2}),
    \qquad \mathrm{Var}(\bar p) = s^2/m,

and for :math:`T(x) = x^{-a}` (:math:`a = 1`: AdamW's :math:`1/\sqrt{\hat v}` written as
:math:`1/p` with :math:`p = \sqrt{\hat v}`, and Sophia; :math:`a = 1/2`: :math:`\hat v^{-1/2}`;
:math:`a = 1/4`: Shampoo, per eigenvalue) :math:`\tfrac12 T''(p) = \tfrac12 a(a+1)p^{-a-2}`.
The *variance-corrected* estimate subtracts the leading term, estimated from the spread across
microbatches (:math:`\widehat{\mathrm{Var}}(\bar p) = \sum_j (p_j-\bar p)^2/(m(m-1))`):

.. math::

    \tilde T = T(\bar p) - \tfrac12 T''(\bar p)\,\widehat{\mathrm{Var}}(\bar p),

whose remaining bias is :math:`O(m^{-2})`. When the update's numerator :math:`\hat g` comes from
the same microbatches as the preconditioner :math:`\hat P`, there is also a *coupling* bias,
:math:`\mathbb E[\hat g\,T(\hat P)] - \mathbb E[\hat g]\,\mathbb E[T(\hat P)] \approx
T'(P)\,\mathrm{Cov}(\hat g, \hat P)`, which cross-fitting (numerator and preconditioner from
independent microbatch groups) removes. It has the opposite sign of the inversion bias of
Adam's update and partly cancels it: cross-fitting alone can *increase* the total bias (see
``scalinglaws show precond_bias.crossfit_amplification``).

These are the estimators of Nayak et al., arXiv:2605.20756 (the laws ``precond_bias.*`` of the
catalogue), as plain functions: numpy arrays in, numbers (or arrays) out. Microbatches lie
along ``axis`` (default 0); every other axis is a coordinate (a parameter of the model), so a
whole tensor of per-microbatch statistics is handled at once.

Examples
--------
"How biased is my Adam denominator at this batch size?" Eight microbatch gradients of one
coordinate:

>>> import numpy as np
>>> from scalinglaws import bias
>>> g = np.array([0.9, -0.2, 1.4, 0.3, 0.7, -0.5, 1.1, 0.4])
>>> r = bias.adam_denominator_bias(g)
>>> round(r.relative_bias, 4)      # 1/sqrt(v_hat) overshoots 1/sqrt(v) by about 5.4 %
0.054
>>> round(r.coupling / r.inverse, 4)  # same-batch coupling shrinks g_hat/sqrt(v_hat) by 3.6 %
-0.0362
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

__all__ = [
    "inverse_power_bias",
    "corrected_inverse_power",
    "coupling_bias",
    "adam_denominator_bias",
    "DenominatorBias",
    "inverse_wishart_factor",
]


# ------------------------------------------------------------------------------ validation


def _microbatches(samples, axis: int, name: str = "samples", positive: bool = True):
    x = np.asarray(samples, dtype=float)
    if x.ndim == 0:
        raise ValueError(f"{name} must be an array with microbatches along axis {axis}, got a "
                         "scalar")
    try:
        x = np.moveaxis(x, axis, 0)
    except np.exceptions.AxisError as err:
        raise ValueError(f"axis {axis} is out of bounds for {name} of shape "
                         f"{np.shape(samples)}") from err
    if x.shape[0] < 2:
        raise ValueError(f"{name} needs at least 2 microbatches along axis {axis} to estimate a "
                         f"variance, got {x.shape[0]}")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name} must be finite")
    if positive and np.any(x <= 0):
        raise ValueError(f"{name} are preconditioner estimates and must be positive")
    return x


def _power(a) -> float:
    if isinstance(a, bool) or not isinstance(a, (int, float, np.integer, np.floating)):
        raise ValueError(f"a (the power of T(x) = x^-a) must be a number, got {a!r}")
    a = float(a)
    if not (math.isfinite(a) and a > 0):
        raise ValueError(f"a (the power of T(x) = x^-a) must be positive and finite, got {a}")
    return a


def _out(x):
    return float(x) if np.ndim(x) == 0 else x


# ------------------------------------------------------------------------------ estimators


def inverse_power_bias(samples, a=1.0, *, axis=0):
    r"""Delta-method bias of :math:`\bar p^{-a}`: :math:`\tfrac12 a(a+1)\,\bar p^{-a-2}
    \widehat{\mathrm{Var}}(\bar p)`.

    Parameters
    ----------
    samples : array_like
        Per-microbatch estimates :math:`p_j > 0` of the preconditioner, microbatches along
        ``axis`` (at least 2).
    a : float
        Power of :math:`T(x) = x^{-a}`, positive (1: AdamW/Sophia, 1/4: Shampoo).
    axis : int
        The microbatch axis.

    Returns
    -------
    float or ndarray
        The estimated bias :math:`\mathbb E\,T(\bar p) - T(p)` (positive), one per coordinate.

    Examples
    --------
    >>> import numpy as np
    >>> inverse_power_bias([1.0, 3.0], a=1)   # p_bar = 2, Var_hat(p_bar) = 2/2 = 1
    0.125
    >>> inverse_power_bias(np.ones((4, 3)), a=0.25).tolist()
    [0.0, 0.0, 0.0]
    """
    a = _power(a)
    x = _microbatches(samples, axis)
    m = x.shape[0]
    mean = x.mean(axis=0)
    var_mean = x.var(axis=0, ddof=1) / m
    return _out(0.5 * a * (a + 1.0) * mean ** (-a - 2.0) * var_mean)


def corrected_inverse_power(samples, a=1.0, *, axis=0, clamp=True):
    r"""Variance-corrected :math:`\tilde T = \bar p^{-a} - \tfrac12 a(a+1)\bar p^{-a-2}
    \widehat{\mathrm{Var}}(\bar p)`, with bias :math:`O(m^{-2})` instead of :math:`O(m^{-1})`.

    ``clamp=True`` floors the result at 0 (as the authors' code does): with very noisy
    microbatches the subtracted term can exceed :math:`\bar p^{-a}`.

    Examples
    --------
    >>> corrected_inverse_power([1.0, 3.0], a=1)   # 1/2 - 1/8
    0.375
    """
    a = _power(a)
    x = _microbatches(samples, axis)
    mean = x.mean(axis=0)
    out = mean ** (-a) - inverse_power_bias(x, a, axis=0)
    if clamp:
        out = np.maximum(out, 0.0)
    return _out(out)


def coupling_bias(grads, a=0.5, *, axis=0):
    r"""Coupling bias of a same-batch update :math:`\hat g\,T(\hat P)`, :math:`\hat g = \bar g`,
    :math:`\hat P = \overline{g^2}`: :math:`T'(\hat P)\,\widehat{\mathrm{Cov}}(\hat g, \hat P)`.

    ``grads`` holds one gradient (coordinate-wise) per microbatch along ``axis``;
    :math:`T(x) = x^{-a}` (``a = 1/2``: Adam without EMA and :math:`\epsilon`), so
    :math:`T'(P) = -aP^{-a-1}`, and
    :math:`\widehat{\mathrm{Cov}}(\hat g,\hat P) = \frac{1}{m(m-1)}\sum_j (g_j-\bar g)(g_j^2-
    \overline{g^2})`. Cross-fitting removes this term; the inversion bias
    (:func:`inverse_power_bias` of :math:`g_j^2`, times :math:`\hat g`) remains.

    Examples
    --------
    >>> round(coupling_bias([1.0, 2.0, 3.0]), 6)   # negative: shrinks the update
    -0.06613
    """
    a = _power(a)
    g = _microbatches(grads, axis, name="grads", positive=False)
    m = g.shape[0]
    g2 = g * g
    P = g2.mean(axis=0)
    if np.any(P <= 0):
        raise ValueError("grads must not be all zero in a coordinate (P_hat = 0)")
    cov = ((g - g.mean(axis=0)) * (g2 - P)).sum(axis=0) / (m * (m - 1))
    return _out(-a * P ** (-a - 1.0) * cov)


class DenominatorBias(NamedTuple):
    """What :func:`adam_denominator_bias` returns (floats, or arrays per coordinate)."""

    #: 1/(sqrt(v_hat) + eps), the denominator's inverse as the optimizer computes it.
    inverse: object
    #: Delta-method bias 1/2 f''(v_hat) Var_hat(v_hat) of that inverse.
    bias: object
    #: bias / inverse: the fraction by which the update is inflated.
    relative_bias: object
    #: inverse - bias, the variance-corrected inverse (floored at 0).
    corrected: object
    #: Coupling bias of the update m_hat / (sqrt(v_hat) + eps) from the same microbatches,
    #: f'(v_hat) Cov_hat(g_hat, v_hat); its sign is minus that of g_hat.
    coupling: object


def adam_denominator_bias(grads, *, eps=0.0, axis=0) -> DenominatorBias:
    r"""Bias of Adam's :math:`1/(\sqrt{\hat v}+\epsilon)` from :math:`m` microbatch gradients
    (no EMA: :math:`\hat v = \overline{g^2}`, :math:`\hat g = \bar g`).

    With :math:`f(v) = (\sqrt v+\epsilon)^{-1}`,

    .. math::

        f''(v) = \frac{1}{2v(\sqrt v+\epsilon)^3} + \frac{1}{4v^{3/2}(\sqrt v+\epsilon)^2},
        \qquad \text{bias} \approx \tfrac12 f''(\hat v)\,\widehat{\mathrm{Var}}(\hat v),

    (at :math:`\epsilon = 0` this is :math:`\tfrac38 v^{-5/2}\mathrm{Var}`, the :math:`a = 1/2`
    case of :func:`inverse_power_bias`), and the coupling term
    :math:`f'(\hat v)\widehat{\mathrm{Cov}}(\hat g, \hat v)`, :math:`f'(v) =
    -1/(2\sqrt v(\sqrt v+\epsilon)^2)`. With an EMA, the per-step variance enters scaled by
    :math:`(1-\beta_2)^2` and the bias correction :math:`1/(1-\beta_2^t)`; apply this function
    to the per-step statistics accordingly.

    Examples
    --------
    >>> r = adam_denominator_bias([1.0, 2.0, 3.0])
    >>> round(r.bias, 6), round(r.coupling, 6)   # 3/8 v^-5/2 Var_hat(v_hat); coupling
    (0.043398, -0.06613)
    >>> round(r.relative_bias, 6)   # 3/8 Var_hat(v_hat) / v_hat^2
    0.09375
    """
    if isinstance(eps, bool) or not isinstance(eps, (int, float, np.integer, np.floating)) or \
            not (math.isfinite(float(eps)) and float(eps) >= 0):
        raise ValueError(f"eps must be a non-negative number, got {eps!r}")
    eps = float(eps)
    g = _microbatches(grads, axis, name="grads", positive=False)
    m = g.shape[0]
    g2 = g * g
    v = g2.mean(axis=0)
    if np.any(v <= 0):
        raise ValueError("grads must not be all zero in a coordinate (v_hat = 0)")
    r = np.sqrt(v)
    inverse = 1.0 / (r + eps)
    f2 = 1.0 / (2.0 * v * (r + eps) ** 3) + 1.0 / (4.0 * v * r * (r + eps) ** 2)
    bias = 0.5 * f2 * g2.var(axis=0, ddof=1) / m
    cov = ((g - g.mean(axis=0)) * (g2 - v)).sum(axis=0) / (m * (m - 1))
    coupling = -cov / (2.0 * r * (r + eps) ** 2)
    return DenominatorBias(_out(inverse), _out(bias), _out(bias / inverse),
                           _out(np.maximum(inverse - bias, 0.0)), _out(coupling))


def inverse_wishart_factor(n, dim) -> float:
    r"""Exact :math:`\mathbb E[\hat L^{-1}] = \frac{n}{n-k-1}\Sigma^{-1}` for
    :math:`\hat L = \frac1n\sum_{i=1}^n g_ig_i^\top`, :math:`g_i\sim N(0,\Sigma)` in
    :math:`\mathbb R^k`: the factor :math:`n/(n-k-1)` (finite for :math:`n > k+1`).

    The matrix inversion bias :math:`(k+1)/n` at leading order grows with the dimension; a
    per-eigenvalue delta correction sees only about :math:`2/n` of it.

    Examples
    --------
    >>> round(inverse_wishart_factor(64, 8), 5)
    1.16364
    """
    for name, v in (("n", n), ("dim", dim)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
            raise ValueError(f"{name} must be a positive integer, got {v!r}")
    if n <= dim + 1:
        raise ValueError(f"E[L_hat^-1] is finite only for n > dim + 1, got n = {n}, dim = {dim}")
    return n / (n - dim - 1)
