"""Lion: the sign-of-interpolated-momentum optimizer, its hyper-parameter rule and its box.

Chen, Liang, Huang, Real, Wang, Liu, Pham, Dong, Luong, Hsieh, Lu, Le, *Symbolic Discovery of
Optimization Algorithms*, arXiv:2302.06675 (2023). Official code and README:
``google/automl/lion``.

Lion's update is the sign of an interpolation between the momentum and the gradient, with
decoupled weight decay; its momentum is a second, slower EMA of the gradients. Because every
coordinate moves by exactly :math:`\\pm\\eta`, the README advises a learning rate 3-10x smaller
than AdamW's and a weight decay 3-10x larger, keeping the product :math:`\\eta\\lambda` (the
"effective weight decay").

Provenance: the update and the translation rule were read in the authors' code and README
(``lion/lion_pytorch.py``, ``lion/README.md``; status ``authors_code``). The box invariance
:math:`\\lVert\\theta_t\\rVert_\\infty \\le 1/\\lambda` and the update-RMS ratio behind the 3-10x
rule are our derivations (``derived``); the constrained-optimization reading of the box is
from Chen, Liu, Liang and Liu, "Lion secretly solves constrained optimization" (arXiv id
recalled, unverified).
"""

from sympy import Interval, oo, sign, sqrt

from scalinglaws.law import Paper, Reference

__all__ = ["paper"]

paper = Paper(
    "lion",
    arxiv="2302.06675",
    version=None,
    title="Symbolic Discovery of Optimization Algorithms",
    authors="Chen, Liang, Huang, Real, Wang, Liu, Pham, Dong, Luong, Hsieh, Lu, Le",
    year=2023,
    venue="NeurIPS 2023",
    summary=(
        "Lion (EvoLved Sign Momentum), found by program search: the update is the sign of an "
        "interpolation of momentum and gradient, with decoupled weight decay; it needs a "
        "3-10x smaller learning rate and a 3-10x larger weight decay than AdamW."
    ),
    conventions=(
        "Per coordinate, as in google/automl/lion/lion_pytorch.py: theta <- theta (1 - lr lam); "
        "c = beta1 m + (1 - beta1) g; theta <- theta - lr sign(c); m <- beta2 m + (1 - beta2) g "
        "(the decay applied first is algebraically the same as theta - lr (sign(c) + lam theta) "
        "with the old theta). Defaults beta1 = 0.9, beta2 = 0.99, lr = 1e-4. Weight decay is "
        "decoupled (multiplied by lr). sign(0) = 0."
    ),
)

theta = paper.param("theta", "parameter coordinate before the step", domain=Interval(-oo, oo),
                    latex=r"\theta_{t-1}")
m = paper.param("m", "momentum coordinate before the step", domain=Interval(-oo, oo),
                latex=r"m_{t-1}")
g = paper.param("g", "gradient coordinate at the step", domain=Interval(-oo, oo))
lr = paper.param("lr", "Lion learning rate", latex=r"\eta")
lam = paper.param("lam", "Lion decoupled weight decay", latex=r"\lambda")
beta1 = paper.param("beta1", "interpolation weight of the update direction",
                    domain=Interval.Ropen(0, 1), latex=r"\beta_1")
lr_adamw = paper.param("lr_adamw", "AdamW learning rate being translated",
                       latex=r"\eta_{\mathrm{AdamW}}")
lam_adamw = paper.param("lam_adamw", "AdamW decoupled weight decay being translated",
                        latex=r"\lambda_{\mathrm{AdamW}}")
th0inf = paper.param("th0inf", "initial sup norm ||theta_0||_inf", latex=r"\lVert\theta_0\rVert_\infty",
                     domain=Interval(0, oo))

paper.law(
    "update",
    quantity="parameter coordinate after one Lion step",
    symbol=r"\theta_t",
    expr=theta - lr * (sign(beta1 * m + (1 - beta1) * g) + lam * theta),
    kind="exact",
    where="Algorithm 2 (Lion) as implemented in lion/lion_pytorch.py (read)",
    status="authors_code",
    tags={"lion", "update"},
    unchecked="definition: the update rule every check of the paper runs",
    notes=(
        "The momentum state uses the other coefficient: m_t = beta2 m_{t-1} + (1 - beta2) g_t "
        "(beta2 = 0.99 by default, 0.98 with beta1 = 0.95 for stability per the README). The "
        "code multiplies theta by (1 - lr lam) before the sign step."
    ),
)

paper.law(
    "translation_weight_decay",
    quantity="Lion weight decay that keeps AdamW's effective weight decay lr x lam when the "
    "learning rate is changed from lr_adamw to lr",
    symbol=r"\lambda_{\mathrm{Lion}}",
    expr=lr_adamw * lam_adamw / lr,
    kind="exact",
    where="README, 'Instructions for hyperparameter tuning' (read): the effective weight decay "
    "is lr x lambda",
    status="authors_code",
    tags={"lion", "hyperparameters"},
    unchecked=(
        "convention: a recommended hyper-parameter translation (keep lr x lambda when moving "
        "from AdamW to Lion), not a statement a process can contradict; tests/test_lion.py "
        "checks the README's three worked pairs against it"
    ),
    notes=(
        "README: a suitable Lion learning rate is typically 3-10x smaller than AdamW's (initial, "
        "peak and end values scaled together), and lambda 3-10x larger, since the effective "
        "weight decay is lr x lambda. Worked pairs (Lion vs AdamW/Adafactor): ViT-B/16 1e-4, "
        "10.0 vs 1e-3, 1.0; diffusion 3e-5, 0.1 vs 3e-4, 0.01; 7.5B LM 1e-4, 0.01 vs 1e-3, "
        "0.001 (Adafactor). The 3-10x factor: lion.update_rms_ratio."
    ),
)

paper.law(
    "box",
    quantity="sup over the run of ||theta_t||_inf under Lion with decoupled weight decay, "
    "started inside the box",
    expr=1 / lam,
    regime=(lr * lam <= 1) & (th0inf <= 1 / lam),
    kind="upper",
    reference=Reference(
        arxiv="2310.05898", version=None,
        where="box-constrained reading of Lion (recalled, unverified); the invariance is ours",
        status="derived", title="Lion Secretly Solves Constrained Optimization: As Lyapunov "
        "Predicts", authors="Chen, Liu, Liang, Liu", year=2023,
    ),
    tags={"lion", "weight_decay", "bound"},
    notes=(
        "Ours: if |theta| <= 1/lam and lr lam <= 1, then |theta (1 - lr lam) - lr sign(c)| <= "
        "(1 - lr lam)/lam + lr = 1/lam, for any gradients (noise included). Outside the box "
        "|theta| contracts geometrically. On a separable quadratic with targets outside the box "
        "Lion ends near clip(a, -1/lam, 1/lam) (noise leaves an offset inside the box: "
        "E sign(c) = -lam theta). The bound is attained only asymptotically."
    ),
)

paper.law(
    "update_rms_ratio",
    quantity="ratio of the update RMS of Lion (1 per coordinate) to that of Adam "
    "m_hat/sqrt(v_hat) under stationary i.i.d. zero-mean gradients, in the limit beta2 -> 1",
    expr=sqrt((1 + beta1) / (1 - beta1)),
    kind="exact",
    where="not in the paper: our reading of the README's 3-10x learning-rate rule",
    status="derived",
    tags={"lion", "hyperparameters", "adam"},
    notes=(
        "Ours: with v_hat -> sigma^2 (beta2 -> 1), Adam's update is an EMA of unit-variance "
        "noise with weight 1 - beta1, whose RMS is sqrt((1 - beta1)/(1 + beta1)) = 0.229 at "
        "beta1 = 0.9; Lion's sign update has RMS 1 exactly (c is never 0 under continuous "
        "noise). The ratio 4.36 lies inside the README's 3-10x; a signal in the gradients raises "
        "Adam's RMS and moves the ratio towards 1, i.e. towards the 3x end. The beta1 here is "
        "Adam's. At finite beta2 the fluctuation of v_hat adds a relative correction of order "
        "(1 - beta2)."
    ),
)
