r"""One-pass SGD on Gaussian linear regression: exact expected risk and the sampled process.

Model
-----
Features :math:`x \sim N(0, H)`, labels :math:`y = x^\top w^* + \varepsilon`,
:math:`\varepsilon \sim N(0, \sigma^2)`, in the eigenbasis of :math:`H = \mathrm{diag}(\lambda)`:

.. math::

    \lambda_i = i^{-a}, \qquad w_i^{*2} = i^{-(b-a)}
    \quad (\text{so } \lambda_i w_i^{*2} = i^{-b}), \qquad i = 1, \dots, d.

Minibatch SGD from :math:`w_0 = 0` with batch :math:`B` and step :math:`\eta_t`,
:math:`w_t = w_{t-1} - \tfrac{\eta_t}{B}\sum_{b=1}^B x_{t,b}(x_{t,b}^\top w_{t-1} - y_{t,b})`, and an
iterate average :math:`\bar w_t = (1-\rho_t)\bar w_{t-1} + \rho_t w_t`, :math:`\bar w_0 = w_0`.
Excess risk :math:`\mathcal E(w) = \tfrac12 (w-w^*)^\top H (w-w^*)` (the label-noise floor
:math:`\sigma^2/2` is not included).

Exact expected-risk recursion
-----------------------------
With :math:`e_t = w_t - w^*`, Gaussian fourth moments
(:math:`\mathbb E[x x^\top M x x^\top] = 2HMH + \operatorname{tr}(HM) H`) close the *diagonal*
second moments :math:`S_i = \mathbb E[e_i^2]`, :math:`A_i = \mathbb E[\bar e_i^2]`,
:math:`C_i = \mathbb E[\bar e_i e_i]` (the off-diagonal entries never feed back into them):

.. math::

    q_{t-1} &= \textstyle\sum_j m_j \lambda_j S_j(t-1), \\
    S_i(t) &= \bigl(1 - 2\eta_t\lambda_i + (1 + \tfrac1B)\eta_t^2\lambda_i^2\bigr) S_i(t-1)
              + \tfrac{\eta_t^2}{B}\lambda_i\,(q_{t-1} + \sigma^2), \\
    C'_i &= (1 - \eta_t\lambda_i)\, C_i(t-1)
            \qquad (= \mathbb E[\bar e_{t-1,i}\, e_{t,i}],\ \text{since }
            \mathbb E[e_t \mid \mathcal F_{t-1}] = (I - \eta_t H) e_{t-1}), \\
    A_i(t) &= (1-\rho_t)^2 A_i(t-1) + \rho_t^2 S_i(t) + 2\rho_t(1-\rho_t)\, C'_i, \\
    C_i(t) &= (1-\rho_t)\, C'_i + \rho_t S_i(t),

started at :math:`S = A = C = w^{*2}`; :math:`m_j` is a coordinate's multiplicity (1 unless the
spectrum is binned, see :class:`PowerLawProblem`). Then
:math:`\mathbb E\,\mathcal E(w_t) = \tfrac12\sum_i m_i\lambda_i S_i(t)` and
:math:`\mathbb E\,\mathcal E(\bar w_t) = \tfrac12\sum_i m_i\lambda_i A_i(t)`. The map
:math:`(S(0), \sigma^2) \mapsto S(t)` is linear, so risk = risk(:math:`\sigma^2=0`) +
risk(:math:`w^*=0`) exactly (target ``"zero"`` gives the variance part).

Averaging weights :math:`\rho_t`: uniform :math:`1/t`; EMA-:math:`f`
:math:`1 - 2^{-f/t}` (the *old* average is kept with weight :math:`2^{-f/t}`); polynomial
:math:`\min(c, t)/t`; tail: 0 before the window start :math:`s`, then :math:`1/(t-s+1)`.

Extension point (momentum family)
---------------------------------
:func:`expected_risk` drives a *method* object (see :class:`.methods._Method`) that owns the
per-coordinate second-moment state and its one-step update; the driver owns what all first-order
methods share: the trace coupling :math:`q = \sum_j m_j\lambda_j\,\mathbb E[\cdot]` at the
gradient point (the gradient noise variance is
:math:`\tfrac1B(\lambda_i^2 S_i + \lambda_i(q+\sigma^2))`), the step and averaging sequences,
the cross-moment bookkeeping of the average, and the checkpoints. Heavy ball, ASGD or DANA add
a subclass with a 2x2 / 3x3 block per coordinate (state ``Z``, mean transition
:math:`M_t(\lambda_i)`, iterate projector ``p``; the cross term becomes the vector
:math:`c = \mathbb E[\bar e\, z]` with :math:`c' = M_t c`) and register it in
``methods._METHODS``; a fused numba runner is optional (``numba_runner``, see ``_kernels``).

Modules
-------
``problem``
    :class:`PowerLawProblem`, :class:`SpectrumProblem` (spectral binning), input checks.
``schedules``
    :class:`Schedule` and its builders, :func:`averaging_weights`,
    :func:`default_checkpoints`.
``methods``
    SGD, heavy ball, ASGD, Gen-Mom (the method objects), :func:`method_names`,
    :func:`contraction_rate`.
``recursion``
    :func:`expected_risk` and its numpy driver; :class:`RiskCurve`.
``_kernels``
    the numba kernels of the SGD recursion (numba is imported on first use only).
``sampled``
    :func:`sample_risk`, the Monte Carlo process; :class:`SampledRisk`.
``_sampled_kernel``
    the compiled engine of :func:`sample_risk`: one fused loop per replica, replicas on threads,
    draws from :mod:`~scalinglaws.validators.processes.normal_streams`.

The names below are re-exported here; import them from this package.

Examples
--------
>>> from scalinglaws.validators.processes import linreg
>>> p = linreg.PowerLawProblem(a=1.5, b=2.25, d=256, sigma2=0.5)
>>> curve = linreg.expected_risk(p, linreg.constant(0.5 / p.trace), 1000)
>>> bool(curve.risk_avg[-1] < curve.risk_avg[0])
True
"""

from __future__ import annotations

from .methods import contraction_rate, method_names
from .problem import PowerLawProblem, SpectrumProblem
from .recursion import RiskCurve, expected_risk
from .sampled import SampledRisk, sample_risk
from .schedules import (
    Schedule,
    averaging_weights,
    constant,
    cosine,
    default_checkpoints,
    exponential,
    polynomial,
    wsd,
)

__all__ = [
    "PowerLawProblem",
    "SpectrumProblem",
    "Schedule",
    "constant",
    "polynomial",
    "wsd",
    "cosine",
    "exponential",
    "averaging_weights",
    "default_checkpoints",
    "RiskCurve",
    "SampledRisk",
    "expected_risk",
    "sample_risk",
    "contraction_rate",
    "method_names",
]
