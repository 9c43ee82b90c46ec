r"""Generalization of stochastic (mini-batch) Adam and AdamW: what the catalogue can and cannot check.

Tang, Zhang, Cao, Zou, *Understanding the Generalization of Stochastic Gradient Adam in Learning
Neural Networks*, arXiv:2510.11354 (v1, 2025).

The paper (abstract, read first-hand): stochastic Adam does not converge to full-batch Adam even
with infinitesimal learning rates, unlike SGD; in a two-layer over-parameterized CNN on image-like
data (a signal patch plus a sparse noise patch; activation :math:`\mathrm{ReLU}(x)^q`,
:math:`q \ge 3`, as transcribed), large-batch Adam and AdamW with a proper weight decay
:math:`\lambda` reach poor test error while their mini-batch variants reach near-zero test error;
and Adam has a strictly smaller *effective weight decay bound* than AdamW.

**What is not checked, and why.** The theorems state asymptotic conditions on the sample size,
batch size, sparsity, noise level and :math:`\lambda` in :math:`\tilde\Theta`/:math:`\tilde O`
form, with constants and log factors the paper's body fixes and we could not read (their exact
expressions are unverified). A finite simulation cannot contradict an asymptotic statement whose
constants are unknown, so the three statements of the abstract are registered with their kinds
and ``unchecked="no-numeric: ..."``; their expressions are the bare orders (a constant test
error, a ratio of bounds below 1), not the paper's conditions.

**What is checked.** The mechanism the abstract names, that the stochastic update's mean drift
depends on the batch size (so the small-learning-rate limit is not full-batch Adam), has a
closed form for Gaussian gradient noise, which we derived (``derived``, not the paper's): with
:math:`\hat g \sim N(\mu, \sigma^2/B)`,

.. math::

    \beta_1=\beta_2=0\ (\text{SignSGD}):\ \mathbb E\,\mathrm{sign}\,\hat g =
    \operatorname{erf}\!\Big(\frac{\mu\sqrt B}{\sqrt2\,\sigma}\Big),\qquad
    \beta_2 \to 1:\ \mathbb E\,\frac{\hat g}{\sqrt{v}} \to \frac{\mu}{\sqrt{\mu^2+\sigma^2/B}},

both functions of :math:`B`, while SGD's mean drift :math:`\mu` is not.
"""

from sympy import Integer, erf, sqrt

from scalinglaws.law import Paper

paper = Paper(
    "stochastic_adam",
    arxiv="2510.11354",
    version=1,
    title="Understanding the Generalization of Stochastic Gradient Adam in Learning Neural Networks",
    authors="Tang, Zhang, Cao, Zou",
    year=2025,
    summary=(
        "Mini-batch Adam/AdamW generalize where large-batch Adam/AdamW do not (two-layer CNN, "
        "signal plus sparse noise); Adam's effective weight-decay bound is strictly below "
        "AdamW's. No closed form the catalogue can check; the batch dependence of the update's "
        "mean drift is checked as a side result (ours)."
    ),
    conventions=(
        "For the drift laws: one coordinate, per-sample gradients N(mu, sigma^2), batch mean "
        "g_hat ~ N(mu, sigma^2/B); Adam without momentum (beta1 = 0) and eps = 0; drift = "
        "expected update direction per step, in units of the learning rate."
    ),
)

mu = paper.param("mu", "mean of a per-sample gradient coordinate", latex=r"\mu")
sigma = paper.param("sigma", "standard deviation of a per-sample gradient coordinate",
                    latex=r"\sigma")
B = paper.param("B", "batch size", integer=True)

signsgd_drift = paper.law(
    "signsgd_drift",
    quantity="mean update E[sign g_hat] of Adam with beta1 = beta2 = 0 (SignSGD) at batch B",
    symbol=r"\mathbb{E}\,\mathrm{sign}\,\hat g",
    expr=erf(mu * sqrt(B) / (sqrt(2) * sigma)),
    kind="exact",
    where="not in the paper: our side result illustrating the abstract's claim (digest SADAM)",
    status="derived",
    tags={"adam", "signsgd", "batch-size"},
    notes=("Ours: P(g_hat > 0) - P(g_hat < 0) for g_hat ~ N(mu, sigma^2/B). Depends on B, "
           "unlike SGD's drift mu."),
)

slow_v_drift = paper.law(
    "slow_v_drift",
    quantity=("mean update E[g_hat/sqrt(v)] of Adam with beta1 = 0 as beta2 -> 1 (v the EMA "
              "of g_hat^2) at batch B"),
    symbol=r"\mathbb{E}\,\hat g/\sqrt{v}",
    expr=mu / sqrt(mu**2 + sigma**2 / B),
    kind="exact",
    where="not in the paper: our side result (digest SADAM)",
    status="derived",
    tags={"adam", "batch-size"},
    notes=("Ours: as beta2 -> 1, v -> E g_hat^2 = mu^2 + sigma^2/B; corrections are "
           "O(1 - beta2). The check extrapolates in 1 - beta2."),
)

large_batch_test_error = paper.law(
    "large_batch_test_error",
    quantity=("test error of large-batch (full-batch) Adam and AdamW with a proper weight decay "
              "in the paper's two-layer CNN model: bounded below by a constant"),
    symbol=r"\mathrm{err}_{\rm test}^{\rm large}",
    expr=Integer(1),
    kind="lower",
    where="abstract ('converge to poor test error solutions'); theorem conditions unverified",
    status="paper",
    tags={"adam", "adamw", "generalization", "batch-size"},
    unchecked=("no-numeric: an asymptotic statement under Theta-tilde conditions on sample "
               "size, batch, sparsity, noise and weight decay whose constants we could not "
               "read; no simulation at finite sizes can contradict it"),
)

minibatch_test_error = paper.law(
    "minibatch_test_error",
    quantity=("test error of mini-batch Adam and AdamW with a proper weight decay in the "
              "paper's model: near zero (at most any fixed epsilon for large enough sizes)"),
    symbol=r"\mathrm{err}_{\rm test}^{\rm mini}",
    expr=Integer(1),
    kind="upper",
    where="abstract ('their mini-batch variants can achieve near-zero test error')",
    status="paper",
    tags={"adam", "adamw", "generalization", "batch-size"},
    unchecked=("no-numeric: 'near-zero' holds under Theta-tilde conditions whose constants we "
               "could not read; a finite simulation cannot contradict it"),
    notes="Registered with the bare order; the paper's error bound is unverified.",
)

weight_decay_bound_ratio = paper.law(
    "weight_decay_bound_ratio",
    quantity=("ratio of Adam's effective weight-decay bound to AdamW's (strictly below 1: Adam "
              "needs more careful lambda tuning)"),
    symbol=r"\lambda^{\rm Adam}_{\max}/\lambda^{\rm AdamW}_{\max}",
    expr=Integer(1),
    kind="upper",
    where="abstract ('Adam has a strictly smaller effective weight decay bound than AdamW')",
    status="paper",
    tags={"adam", "adamw", "weight-decay"},
    unchecked=("no-numeric: both bounds are Theta-tilde expressions in the paper's body that we "
               "could not read; the strict ordering has no numeric value to simulate"),
)
