r"""Functional scaling laws: loss dynamics of SGD under learning-rate schedules.

Binghui Li, Fengling Chen, Zixun Huang, Lean Wang, Lei Wu, *Functional Scaling Laws in Kernel
Regression: Loss Dynamics and Learning Rate Schedules*, arXiv:2509.19189 (NeurIPS 2025; v1 was
titled *Unveiling the Role of Learning Rate Schedules via Functional Scaling Laws*).

Model (power-law kernel regression): features with covariance eigenvalues
:math:`\lambda_j \asymp j^{-\beta}` (capacity :math:`\beta > 1`), target with
:math:`|\theta^*_j|^2 \asymp j^{-1}\lambda_j^{s-1}` (relative difficulty :math:`s > 0`, so
:math:`\lambda_j\theta_j^{*2} \asymp j^{-(1+s\beta)}`), a model of :math:`M` features (top-:math:`M`
or random-:math:`M`), label noise :math:`\sigma^2`, one-pass SGD with steps :math:`\eta_k` and
batch :math:`B`. With the *intrinsic time* :math:`t = \sum_k \eta_k` and the *effective learning
rate* :math:`\gamma = \eta/B`, the paper's functional scaling law (FSL) reads

.. math::

    \mathbb E[R(\nu_t)] - \frac{\sigma^2}{2} \eqsim M^{-s\beta} + e(t)
    + \int_0^t \mathcal K(t - z)\,\bigl[e(z) + \sigma^2\bigr]\,\gamma(z)\,dz,
    \qquad e(t) = (1+t)^{-s},\quad \mathcal K(t) = (1+t)^{-(2-1/\beta)}

(Theorem 4.2 for :math:`s \le 1 - 1/\beta`; Theorems 4.3/4.4 with the exact sums
:math:`e_M, \mathcal K_M` for any :math:`s`; Theorem 4.6 for random features with
:math:`s \le 1`). Minimising its terms gives the scaling relations of Section 5 for constant,
exponential-decay and WSD-like schedules (Theorems 5.2-5.4), in the *easy* regime
:math:`s \ge 1 - 1/\beta` and the *hard* regime :math:`s \le 1 - 1/\beta`.

The FSL itself is not a closed form: :func:`scalinglaws.validators.processes.fsl.fsl` (the
numeric layer, ``validate`` extra) integrates it for any schedule (O(K) or O(K x bins) work, never
the O(K^2) convolution). Its closed-form pieces and the scaling relations are laws (keys
``functional_scaling.*``).

Provenance: the main text (Sections 1-6) was read in a full-text extraction (status ``paper``);
the appendices were not, so constants, Assumption 2.1 and the paper's simulation settings are
unknown. Laws marked ``derived`` are our own algebra from the paper's statements.

Dictionary to the anytime paper (``anytime.*``): :math:`a = \beta`, :math:`b = 1 + s\beta`; the
easy/hard split :math:`s = 1 - 1/\beta` is :math:`b = a`.
"""

from __future__ import annotations

from sympy import E, Interval, Min, log, oo

from scalinglaws.law import Paper, Reference

__all__ = ["paper"]

paper = Paper(
    "functional_scaling",
    arxiv="2509.19189",
    version=None,
    title="Functional Scaling Laws in Kernel Regression: Loss Dynamics and Learning Rate Schedules",
    authors="Li, Chen, Huang, Wang, Wu",
    year=2025,
    venue="NeurIPS 2025",
    summary=(
        "The excess risk of SGD on power-law kernel regression is, up to constants, a functional "
        "of the schedule: approximation M^-s*beta + signal e(t) + noise accumulated through a "
        "forgetting kernel K, in intrinsic time t = sum eta. Minimising it gives data- and "
        "compute-optimal scaling for constant, exponential-decay and WSD-like schedules."
    ),
    conventions=(
        "Loss 1/2 (f - y)^2; risk R = E(v) + sigma^2/2, the laws are about the excess risk "
        "E[R] - sigma^2/2. One step uses a batch of B fresh samples: K steps see D = B K samples; "
        "compute C = M D. Intrinsic time t = sum_k eta_k; effective learning rate gamma = eta/B "
        "(the schedule enters the SDE only through gamma). Capacity lambda_j ~ j^-beta, "
        "relative difficulty s: lambda_j theta*_j^2 ~ j^-(1 + s beta). Easy regime "
        "s >= 1 - 1/beta, hard regime s <= 1 - 1/beta. Asymptotic relations hold up to "
        "constants independent of the scales; log factors are written out in the expressions "
        "(kind theta), and Law.exponent drops them. Section 5 (Theorems 5.2-5.4) assumes "
        "sigma^2 >~ 1 (Assumption 5.1: the noise term is not dominated by the signal-driven "
        "noise): the final-loss laws carry sigma2 >= 1 in their regime, the scaling relations "
        "(where sigma^2 is no parameter) hold under it and are checked at sigma^2 = 1. The "
        "arXiv version of the text read is not recorded (v3/v4 carry the NeurIPS title)."
    ),
)

s = paper.param(
    "s",
    "relative task difficulty (source), |theta*_j|^2 ~ j^-1 lambda_j^(s-1); the paper takes "
    "s > 0, the catalogue stops at s = 4 (nothing larger is used or validated)",
    domain=Interval.Lopen(0, 4),
)
beta = paper.param(
    "beta", "capacity exponent, lambda_j ~ j^-beta", domain=Interval.open(1, oo), latex=r"\beta"
)
t = paper.param("t", "intrinsic time t = sum of the step sizes so far", domain=Interval(0, oo))
M = paper.param("M", "model size: number of features (top-M or random-M)", integer=True)
D = paper.param("D", "data: number of samples seen, D = B K", integer=True)
C = paper.param("C", "compute C = M D", integer=True)
K = paper.param("K", "number of SGD steps", integer=True)
B = paper.param("B", "batch size (constant)", integer=True)
eta = paper.param("eta", "(peak) learning rate", latex=r"\eta")
eta_min = paper.param("eta_min", "final learning rate of a decaying schedule", latex=r"\eta_{\min}")
gamma = paper.param("gamma", "effective learning rate eta/B (peak for decaying schedules)",
                    latex=r"\gamma")
sigma2 = paper.param("sigma2", "label-noise variance sigma^2", domain=Interval(0, oo),
                     latex=r"\sigma^{2}")
K1 = paper.param("K1", "WSD-like: steps of the stable phase", integer=True, latex="K_1")
K2 = paper.param("K2", "WSD-like: steps of the (exponential) decay phase", integer=True,
                 latex="K_2")

easy = s >= 1 - 1 / beta
hard = s <= 1 - 1 / beta
#: Assumption 5.1 (sigma^2 >~ 1; its constant is unknown, sigma^2 >= 1 stands for it)
_noisy = sigma2 >= 1
#: Section 5 holds under Assumption 5.1; relations without sigma2 state it here
_A51 = ("Assumption 5.1 (sigma^2 >~ 1, constant batch): sigma^2 is no parameter of this "
        "relation; its checks run at sigma^2 = 1.")
#: the log factors of Theorems 5.3/5.4 need a scale above e (log D > 1)
_big_D = D > E
_big_C = C > E

# ---------------------------------------------------------------------------------- families

exp_data = paper.family(
    "exp_decay_data",
    "Exponent nu of the data-optimal final loss E ~ (D/log D)^-nu of exponential decay to "
    "eta/K (Theorem 5.3): easy s >= 1 - 1/beta and hard s <= 1 - 1/beta.",
)
exp_compute = paper.family(
    "exp_decay_compute",
    "Exponent nu of the compute-optimal final loss E ~ (C/log C)^-nu of exponential decay "
    "(Theorem 5.3), easy and hard regimes.",
)
wsd_data = paper.family(
    "wsd_data",
    "Exponent nu of the data-optimal final loss E ~ D^-nu (log factors dropped) of the WSD-like "
    "schedule (Theorem 5.4), easy and hard regimes.",
)
wsd_compute = paper.family(
    "wsd_compute",
    "Exponent nu of the compute-optimal final loss E ~ C^-nu (log factors dropped) of the "
    "WSD-like schedule (Theorem 5.4), easy and hard regimes.",
)

# ---------------------------------------------------------------------------------- pieces

_TAGS = {"fsl", "schedule"}

paper.law(
    "effective_lr",
    quantity="effective learning rate of the intrinsic-time SDE: only eta/B enters the noise",
    symbol=r"\gamma",
    expr=eta / B,
    kind="exact",
    where="Section 3, eq. (7) (time change of the SDE, eq. (5)-(6))",
    status="paper",
    tags=_TAGS | {"batch"},
    notes="Linear scaling rule: batch B and step eta act only through gamma = eta/B (in the SDE limit).",
)

paper.law(
    "intrinsic_time_constant",
    quantity="intrinsic time after K steps of a constant learning rate",
    symbol="t",
    expr=eta * K,
    kind="exact",
    where="Section 3, eq. (6), t = T(tau) = int phi; discrete t_K = sum_k eta_k",
    status="paper",
    tags=_TAGS,
    scale_vars=("K",),
)

paper.law(
    "exp_decay_intrinsic_time",
    quantity="intrinsic time after K steps of exponential decay from eta to eta_min",
    symbol="T",
    expr=(eta - eta_min) * K / log(eta / eta_min),
    regime=eta_min < eta,
    kind="exact",
    where="Theorem 5.3 (T = (a - b) K / log(a/b), a = peak, b = final)",
    status="paper",
    tags=_TAGS | {"exp_decay"},
    scale_vars=("K",),
    notes=(
        "Exact for the continuous-time schedule phi(tau) = eta e^(-lambda tau) over [0, K]; the "
        "discrete sum differs by less than eta. With eta_min = eta/K, T ~ eta K / log K: only a "
        "log factor lost against the constant schedule."
    ),
)

signal_term = paper.law(
    "signal_term",
    quantity="signal-learning term e(t) of the FSL (loss of full-batch gradient flow)",
    symbol="e(t)",
    expr=(1 + t) ** (-s),
    kind="theta",
    where="Theorem 4.2 (definition of e(t)); e_M(t) = sum_{j<=M} lambda_j theta_j^2 e^(-2 lambda_j t) ~ e(t) for t <~ M^beta",
    status="paper",
    tags=_TAGS | {"fsl_piece"},
    scale_vars=("t",),
)

noise_kernel = paper.law(
    "noise_kernel",
    quantity="forgetting kernel K(t) of the FSL noise term",
    symbol=r"\mathcal{K}(t)",
    expr=(1 + t) ** (-(2 - 1 / beta)),
    kind="theta",
    where="Theorem 4.2 (definition of K(t)); K_M(t) = sum_{j<=M} lambda_j^2 e^(-2 lambda_j t)",
    status="paper",
    tags=_TAGS | {"fsl_piece"},
    scale_vars=("t",),
    notes="Higher capacity (smaller beta) learns the signal faster but forgets noise more slowly.",
)

approximation_error = paper.law(
    "approximation_error",
    quantity="approximation error of a model with M features",
    expr=M ** (-s * beta),
    kind="theta",
    where="Theorems 4.2-4.4 (the M^-s*beta term); half the tail sum_{j>M} lambda_j theta_j^2",
    status="paper",
    tags=_TAGS | {"fsl_piece", "model_size"},
    scale_vars=("M",),
)

paper.law(
    "saturation_time",
    quantity="intrinsic time after which a size-M model stops learning (e_M(t_M) ~ M^-s*beta)",
    symbol="t_M",
    expr=M**beta,
    kind="theta",
    where="Theorem 4.3 (t_M = c M^beta; the infinite-M FSL is exact up to constants for t <= c M^beta)",
    status="paper",
    tags=_TAGS | {"model_size"},
    scale_vars=("M",),
)

paper.law(
    "noise_accumulation_constant",
    quantity="noise term of the FSL for a constant effective rate: gamma sigma^2 int_0^t K(u) du",
    expr=gamma * sigma2 * beta / (beta - 1) * (1 - (1 + t) ** (-(1 - 1 / beta))),
    kind="theta",
    reference=paper.reference(
        "not in the paper: the sigma^2 part of the FSL of Theorem 4.2 integrated for constant gamma",
        "derived",
    ),
    tags=_TAGS | {"fsl_piece"},
    notes=(
        "Ours: int_0^t (1+u)^-(2-1/beta) du in closed form. It saturates at gamma sigma^2 "
        "beta/(beta-1) for t >> 1: the gamma sigma^2 term of Theorem 5.2."
    ),
)

paper.law(
    "fsl_theorem_hard",
    quantity=(
        "ratio of the excess risk E[R] - sigma^2/2 of top-M SGD to the power-law FSL "
        "M^-s*beta + e(t) + int K(t-z)[e(z) + sigma^2] gamma(z) dz (computed by fsl(kernel='power'))"
    ),
    expr=1,
    regime=hard,
    kind="theta",
    where="Theorem 4.2 (top-M, s in (0, 1 - 1/beta], any sigma >= 0, all t; sup gamma small)",
    status="paper",
    tags=_TAGS | {"fsl", "hard"},
    notes=(
        "The FSL is a functional of the schedule, computed numerically by "
        "scalinglaws.validators.processes.fsl.fsl; this law states that the ratio stays "
        "bounded above and below by constants independent of t, M and the schedule. "
        "Verification (s = 0.5, beta = 2.5, sigma^2 = 1, peak 0.2, batch 1): with unit constants "
        "the ratio at the end of a constant schedule is 0.526-0.537 for K = 64..65536 (0.60 at "
        "K = 16). Along "
        "cosine and WSD-like schedules it is bounded but converges slowly (cosine 0.64 -> 0.34, "
        "WSD-like 0.60 -> 0.235 for K = 16..2^17, local slopes -0.0035 and -0.009 at 2^17): the "
        "(1+t) power laws are only order-of-magnitude at short lags, so only the constant "
        "schedule is slope-tested."
    ),
)

paper.law(
    "fsl_theorem_noisy",
    quantity=(
        "ratio of the excess risk of top-M SGD to M^-s*beta + F_M(t; gamma), the FSL with the "
        "exact sums e_M, K_M (computed by fsl(kernel='exact'))"
    ),
    expr=1,
    regime=sigma2 >= 1,
    kind="theta",
    where="Theorem 4.4 (top-M, constant noise sigma >~ 1, any s > 0, all t); Theorem 4.3 for general sigma and t <= c M^beta",
    status="paper",
    tags=_TAGS | {"fsl"},
    notes=(
        "The regime sigma^2 >= 1 stands for the paper's sigma >~ 1 (its constant is unknown). "
        "Verification (s = 0.5, beta = 2.5, sigma^2 = 1, peak 0.2): the ratio of twice the "
        "exact final excess risk to this FSL is 1.08-1.21 (constant), 1.007-1.033 (cosine) and "
        "1.044-1.082 (WSD-like) for K = 16..65536. Along the WSD-like schedule its local slope "
        "in K shrinks steadily in size (-0.0125 at K = 362, -0.0029 at 5793, -0.0018 at 46341), "
        "a drift of order 10^-3, far below any resolvable exponent. "
        "Theorem 4.5 (sigma = 0, s <= 2 - 1/beta) and Theorem 4.6 (random-M features, s <= 1) "
        "have the same form and are not registered separately."
    ),
)

paper.law(
    "volterra_ratio",
    quantity=(
        "ratio of the exact expected excess risk of batch-1 SGD on the Gaussian model to the "
        "solution q of the Volterra equation q = e_M + K_M * (eta gamma (q + sigma^2)) "
        "(fsl(kernel='volterra'); the FSL is its first Picard iterate)"
    ),
    expr=1,
    regime=eta < 1,
    kind="theta",
    reference=paper.reference(
        "not in the paper: the exact second-moment recursion with exp(-2 eta lambda) in place "
        "of 1 - 2 eta lambda + 2 eta^2 lambda^2 (scalinglaws derivation)",
        "derived",
    ),
    tags=_TAGS | {"fsl"},
    notes=(
        "Ours. For batch 1 the per-step factor 1 - 2x + 2x^2 (x = eta lambda) equals e^(-2x) to "
        "O(x^3), so the ratio is 1 up to a relative error of order x_max^2 (x_max = eta_max "
        "lambda_1); it is a sharp check of the FSL machinery, sharper than the Theta of the "
        "theorems. Regime eta < 1: the peak step times lambda_1 = 1 (the model's top eigenvalue) "
        "below 1, where both forms contract. As registered (expr 1, kind theta) the law states "
        "only a bounded ratio, and that is what its checks test (log-slope of the ratio in the "
        "horizon K -> 0). The sharper statement is not tested as such: at peak 0.2 the ratio at "
        "the end of a schedule is 1.015-1.027 (constant), 1.0001-1.011 (cosine), 1.0009-1.014 "
        "(WSD-like) for K = 16..65536, above 1 by up to (2/3) x^2/(1 - x) = 0.033 (x = eta_max "
        "lambda_1), so an exact level test (ln ratio -> 0) would fail at any finite step; it "
        "needs kind exact with a small-step limit, or the O(eta^2) term in the expression. "
        "Finding (of the engine, not of the law): along cosine schedules the judge extrapolates "
        "the ratio's log-slope (K <= 2^16) to -1.4e-5 [-2.4e-5, -5e-6], excluding 0, so the "
        "check fails. Followed to K = 2^18, the ratio is 1 + eps with eps = 1.172e-4, 1.056e-4, "
        "0.965e-4, 0.887e-4, 0.817e-4, 0.750e-4, 0.684e-4 at K = 2^12..2^18: eps falls like "
        "K^-0.12 (factor 0.90-0.92 an octave), so the ratio tends to 1 and its log-slope, about "
        "-0.12 eps (-1.7e-5 .. -0.95e-5 an octave), to 0. The law holds; the fail is an "
        "extrapolation that the engine's correction models (and an interval narrower than their "
        "misfit at the 1e-5 level) cannot follow. Kept as a known failure until the judge "
        "settles such curves."
    ),
)

# ---------------------------------------------------------------------------------- Thm 5.2

_C52 = "Theorem 5.2 (constant learning rate; Assumption 5.1: sigma^2 >~ 1, constant batch)"
_const_tags = {"fsl", "schedule", "constant"}

paper.law(
    "constant.final_loss",
    quantity="excess risk after K steps of constant learning rate, D = B K samples",
    symbol=r"\mathcal{E}_K",
    expr=M ** (-s * beta) + (gamma * D) ** (-s) + gamma * sigma2,
    regime=_noisy,
    kind="theta",
    where=_C52,
    status="paper",
    tags=_const_tags,
    scale_vars=("D", "M"),
    notes="(eta K)^-s = (gamma D)^-s: the linear scaling rule.",
)
paper.law(
    "constant.data_optimal_lr",
    quantity="data-optimal effective learning rate of a constant schedule (M = infinity)",
    symbol=r"\gamma_{\mathrm{opt}}",
    expr=D ** (-s / (s + 1)),
    kind="theta",
    where=_C52,
    status="paper",
    tags=_const_tags | {"data_optimal"},
    scale_vars=("D",),
    notes=_A51,
)
paper.law(
    "constant.data_optimal_model_size",
    quantity="model size from which the data-optimal loss is reached, constant schedule",
    symbol=r"M_{\mathrm{opt}}",
    expr=D ** (1 / ((1 + s) * beta)),
    kind="lower",
    where=_C52,
    status="paper",
    tags=_const_tags | {"data_optimal", "model_size"},
    scale_vars=("D",),
    notes=_A51,
)
paper.law(
    "constant.data_optimal_loss",
    quantity="data-optimal final excess risk of a constant schedule",
    symbol=r"\mathcal{E}_{\mathrm{opt}}",
    expr=D ** (-s / (s + 1)),
    kind="theta",
    where=_C52 + "; Table 1",
    status="paper",
    tags=_const_tags | {"data_optimal"},
    scale_vars=("D",),
    notes=(
        "Same in the easy and hard regimes. Without averaging the last iterate with a tuned "
        "constant step reaches s/(s+1) < s: averaging (anytime paper) is what makes constant "
        "steps optimal."
        " " + _A51
    ),
)
paper.law(
    "constant.compute_optimal_lr",
    quantity="compute-optimal effective learning rate, constant schedule",
    symbol=r"\gamma_{\mathrm{opt}}",
    expr=C ** (-s * beta / (1 + (s + 1) * beta)),
    kind="theta",
    where=_C52,
    status="paper",
    tags=_const_tags | {"compute_optimal"},
    scale_vars=("C",),
    notes=_A51,
)
paper.law(
    "constant.compute_optimal_model_size",
    quantity="compute-optimal model size, constant schedule",
    symbol=r"M_{\mathrm{opt}}",
    expr=C ** (1 / (1 + (s + 1) * beta)),
    kind="theta",
    where=_C52,
    status="paper",
    tags=_const_tags | {"compute_optimal", "model_size"},
    scale_vars=("C",),
    notes=_A51,
)
paper.law(
    "constant.compute_optimal_data",
    quantity="compute-optimal data size, constant schedule",
    symbol=r"D_{\mathrm{opt}}",
    expr=C ** ((s + 1) * beta / (1 + (s + 1) * beta)),
    kind="theta",
    where=_C52,
    status="paper",
    tags=_const_tags | {"compute_optimal"},
    scale_vars=("C",),
    notes=_A51,
)
paper.law(
    "constant.compute_optimal_loss",
    quantity="compute-optimal final excess risk, constant schedule",
    symbol=r"\mathcal{E}_{\mathrm{opt}}",
    expr=C ** (-s * beta / (1 + s * beta + beta)),
    kind="theta",
    where=_C52 + "; Table 1",
    status="paper",
    tags=_const_tags | {"compute_optimal"},
    scale_vars=("C",),
    notes=(
        "Our check [N] (s = 1, beta = 2, sigma^2 = 1, batch 1, last iterate): top-M models of "
        "the d = 1e8 power-law problem (tail = extra label noise + approximation error, exact "
        "for Gaussian features), final risk minimised over M (every integer up to ~12, then "
        "ratio 2^(1/8)) and gamma (ratio ~1.2) with parabolic refinement, C = M D. Local "
        "slopes of E_opt vs C drift from -0.389 to -0.395 over C = 2^12..2^20; extrapolated "
        "-0.402 [-0.487, -0.348] (C <= 2^20) and -0.397 [-0.453, -0.387] (C <= 2^24) vs "
        "-s beta/(1 + s beta + beta) = -0.400. (A sqrt 2 grid in M left jumps of +-0.015 in the "
        "local slopes each time M_opt crossed a grid point.) With the coarser grids, M_opt ~ "
        "C^0.22 (predicted 0.20) and gamma_opt ~ C^-0.41 (predicted -0.40)."
        " " + _A51
    ),
)
paper.law(
    "constant.compute_optimal_loss_exponent",
    quantity="exponent nu of the compute-optimal loss C^-nu, constant schedule",
    symbol=r"\nu",
    expr=s * beta / (1 + s * beta + beta),
    kind="exact",
    where=_C52 + "; Table 1",
    status="paper",
    tags=_const_tags | {"compute_optimal", "exponent"},
    notes=_A51,
)

# ---------------------------------------------------------------------------------- Thm 5.3

_C53 = "Theorem 5.3 (exponential decay from eta to eta_min = eta/K, h = 1; Assumption 5.1)"
_exp_tags = {"fsl", "schedule", "exp_decay"}
_T_exp = (eta - eta_min) * K / log(eta / eta_min)

paper.law(
    "exp_decay.final_loss",
    quantity="excess risk after K steps of exponential decay from eta to eta_min",
    symbol=r"\mathcal{E}_K",
    expr=M ** (-s * beta) + _T_exp ** (-s)
    + sigma2 * (eta_min / B + (eta - eta_min) * Min(M, _T_exp ** (1 / beta)) / (B * _T_exp)),
    regime=(eta_min < eta) & _noisy,
    kind="theta",
    where=_C53,
    status="paper",
    tags=_exp_tags,
    scale_vars=("K",),
    notes="T = (eta - eta_min) K / log(eta/eta_min) is the intrinsic time (exp_decay_intrinsic_time).",
)


def _pair(name, quantity, where, tags, easy_expr, hard_expr, extra_regime, kind="theta",
          scale=None, family=None, easy_notes="", hard_notes="", easy_where=None,
          easy_status="paper", easy_unchecked=""):
    """Register the easy and the hard law of one scaling relation (Section 5: Assumption 5.1)."""
    out = []
    for regime_name, expr, regime, notes, status, at, unchecked in (
        ("easy", easy_expr, easy, easy_notes, easy_status, easy_where or where, easy_unchecked),
        ("hard", hard_expr, hard, hard_notes, "paper", where, ""),
    ):
        if expr is None:
            continue
        full_regime = regime if extra_regime is None else regime & extra_regime
        out.append(paper.law(
            f"{name}.{regime_name}",
            quantity=f"{quantity} ({regime_name} regime, s {'>=' if regime_name == 'easy' else '<='} 1 - 1/beta)",
            expr=expr,
            regime=full_regime,
            kind=kind,
            where=at,
            status=status,
            tags=tags | {regime_name},
            family=family,
            scale_vars=(scale,) if scale else (),
            notes=(notes + " " + _A51).strip(),
            unchecked=unchecked,
        ))
    return out


sb = s * beta
_logD = D / log(D)
_logC = C / log(C)

_pair("exp_decay.data_optimal_lr", "data-optimal peak effective learning rate, exponential decay",
      _C53, _exp_tags | {"data_optimal"},
      _logD ** (-(1 + sb - beta) / (1 + sb)), None, _big_D, scale="D",
      easy_notes="In the hard regime the optimal peak is gamma_opt ~ 1 (no scaling).")
_pair("exp_decay.data_optimal_loss", "data-optimal final excess risk, exponential decay (M = infinity)",
      _C53 + "; Table 1", _exp_tags | {"data_optimal"},
      _logD ** (-sb / (1 + sb)), _logD ** (-s), _big_D, scale="D",
      hard_notes="The optimal peak is gamma_opt ~ 1 here.")
#: the log factors of the compute-optimal relations, resolved on the FSL optimum (issue 21)
_FAR = (
    "Log factor resolved: the minimum of the FSL (unit constants, sigma^2 = 1, decay to eta/C) "
    "against x = ln C, C = 2^128..2^512 (grid geometric in ln C), observable / law judged by "
    "its log-slope in ln x (a wrong power of ln C is that slope): {m} (checks [fsl-far,...]); "
    "the checks against C itself test the power of C only."
)
_pair("exp_decay.compute_optimal_lr", "compute-optimal peak effective learning rate, exponential decay",
      _C53, _exp_tags | {"compute_optimal"},
      _logC ** (-(1 + sb - beta) / (2 + sb)), None, _big_C, scale="C",
      easy_notes="In the hard regime the optimal peak is gamma_opt ~ 1. " + _FAR.format(
          m="-4e-8 [-5.3e-4, 2.2e-4] at s = 1, beta = 2"))
_pair("exp_decay.compute_optimal_model_size", "compute-optimal model size, exponential decay",
      _C53, _exp_tags | {"compute_optimal", "model_size"},
      _logC ** (1 / (2 + sb)), _logC ** (1 / (1 + beta)), _big_C, scale="C",
      easy_notes=_FAR.format(m="-2e-8 [-2.6e-4, 1.1e-4] at s = 1, beta = 2"),
      hard_notes=_FAR.format(m="6.2e-6 [-6.4e-6, 1.8e-5] at s = 0.45, beta = 2.5"))
_pair("exp_decay.compute_optimal_data", "compute-optimal data size, exponential decay",
      _C53, _exp_tags | {"compute_optimal"},
      C ** ((1 + sb) / (2 + sb)) * log(C) ** (1 / (2 + sb)),
      C ** (beta / (1 + beta)) * log(C) ** (1 / (1 + beta)), _big_C, scale="C",
      easy_notes=_FAR.format(m="2e-8 [-1.1e-4, 2.6e-4] at s = 1, beta = 2"),
      hard_notes=_FAR.format(m="-6.2e-6 [-1.8e-5, 6.4e-6] at s = 0.45, beta = 2.5"))
_pair("exp_decay.compute_optimal_loss", "compute-optimal final excess risk, exponential decay",
      _C53 + "; Table 1", _exp_tags | {"compute_optimal"},
      _logC ** (-sb / (2 + sb)), _logC ** (-sb / (1 + beta)), _big_C, scale="C",
      easy_notes=_FAR.format(m="1.7e-10 [-5.8e-10, 1.0e-9] at s = 1, beta = 2"),
      hard_notes=_FAR.format(m="-5.2e-6 [-1.5e-5, 5.4e-6] at s = 0.45, beta = 2.5"))
_pair("exp_decay.data_optimal_loss_exponent",
      "exponent nu of the data-optimal loss (D/log D)^-nu, exponential decay",
      _C53 + "; Table 1", _exp_tags | {"data_optimal", "exponent"},
      sb / (1 + sb), s, None, kind="exact", family=exp_data)
_pair("exp_decay.compute_optimal_loss_exponent",
      "exponent nu of the compute-optimal loss (C/log C)^-nu, exponential decay",
      _C53 + "; Table 1", _exp_tags | {"compute_optimal", "exponent"},
      sb / (2 + sb), sb / (1 + beta), None, kind="exact", family=exp_compute)

# ---------------------------------------------------------------------------------- Thm 5.4

_C54 = (
    "Theorem 5.4 (WSD-like schedule, eq. (12): eta for K1 steps, then exponential decay to "
    "eta_min over K2 = r K steps; data-optimal with eta_min = eta/K)"
)
_wsd_tags = {"fsl", "schedule", "wsd"}
_T1 = eta * K1
_T2 = (eta - eta_min) * K2 / log(eta / eta_min)

paper.law(
    "wsd.final_loss",
    quantity="excess risk after K1 stable and K2 exponentially decaying steps (WSD-like)",
    symbol=r"\mathcal{E}_K",
    expr=M ** (-s * beta) + (_T1 + _T2) ** (-s)
    + sigma2 * (eta_min / B + (eta - eta_min) * Min(M, _T2 ** (1 / beta)) / (B * _T2)),
    regime=(eta_min < eta) & _noisy,
    kind="theta",
    where=_C54,
    status="paper",
    tags=_wsd_tags,
    notes=(
        "T1 = eta K1, T2 = (eta - eta_min) K2 / log(eta/eta_min). The paper's WSD-like decay is "
        "exponential; the anytime paper's WSD decays linearly (anytime.wsd_last_iterate_rate)."
    ),
)
_WSD_FIX = (
    "Theorem 5.4 (WSD-like), log factor re-derived: the paper's text as transcribed reads {paper}"
)
_pair("wsd.data_optimal_lr", "data-optimal peak effective learning rate, WSD-like",
      _C54, _wsd_tags | {"data_optimal"},
      D ** (-(1 + sb - beta) / (1 + sb)) * log(D) ** (-(beta - 1) / (1 + sb)), None, _big_D,
      scale="D", easy_status="derived",
      easy_where=_WSD_FIX.format(paper="D^-(1 + s beta - beta)/(1 + s beta) (log D)^+(beta - "
                                 "1)/(1 + s beta)"),
      easy_notes=(
          "Finding (issue 14): the log power's sign. Minimising the WSD-like loss (eta D)^-s + "
          "eta T2^(1/beta - 1), T2 ~ eta r D/log D, r fixed in (0, 1), over eta gives "
          "(log D)^-(beta - 1)/(1 + s beta) (derivations.functional_scaling); only this sign "
          "reproduces the paper's own E_opt = (eta_opt D)^-s log factor (s beta - s)/(1 + s "
          "beta) (wsd.data_optimal_loss.easy). The FSL functional minimised over (eta, r) "
          "agrees: in x = ln D, gamma_opt / law has log-slope 0.033 [-0.033, 0.093] (s = 1, "
          "beta = 2) and 0.031 [-0.035, 0.089] (s = 0.7, beta = 2.5) with this sign; with the "
          "transcribed sign it is -0.634 [-0.699, -0.574] and -1.060 [-1.125, -1.002] "
          "(predicted -2(beta - 1)/(1 + s beta) = -0.667 at "
          "s = 1, beta = 2, -1.09 at s = 0.7, beta = 2.5). Status derived: the expression is "
          "ours; the transcription (or the paper) carries a sign slip. Optimal decay fraction "
          "r_opt in (0, 1) (0.52 at s = 1, beta = 2, D = 2^512); hard regime: gamma_opt ~ 1."))
_pair("wsd.data_optimal_loss", "data-optimal final excess risk, WSD-like (M = infinity)",
      _C54 + "; Table 1", _wsd_tags | {"data_optimal"},
      D ** (-sb / (1 + sb)) * log(D) ** ((sb - s) / (1 + sb)), D ** (-s), _big_D, scale="D",
      hard_notes="gamma_opt ~ 1 and r_opt ~ D^((s beta + 1 - beta)/(beta - 1)) log D -> 0: no log factor.")
_pair("wsd.data_optimal_decay_fraction", "smallest optimal decay fraction r, WSD-like",
      _C54, _wsd_tags | {"data_optimal"},
      None, D ** ((sb + 1 - beta) / (beta - 1)) * log(D), _big_D, kind="lower", scale="D",
      hard_notes=(
          "A lower bound, and not tight on the FSL: minimised over r with the peak at the cap, "
          "the optimal fraction falls like D^-0.212 at s = 0.25, beta = 2.5 (the bound: "
          "D^-0.583 log D) and D^-0.053 at s = 0.5, beta = 2.5 (bound D^-0.167 log D) (ratio "
          "r_opt / bound: log-slopes 0.371 [0.359, 0.384] and 0.113 [0.085, 0.142] in D, "
          "2^112..2^240). Balancing the stable phase's bias against the decay's noise, "
          "(eta D)^-s (1 - r) ~ eta (eta r D/log D)^-(1 - 1/beta), gives (ours, not registered) "
          "r_opt ~ D^((s beta + 1 - beta)/(2 beta - 1)) (log D)^((beta - 1)/(2 beta - 1)): "
          "exponents -0.219 and -0.0625."))
_WSD_C = (
    "Finding (issue 14): the log factor. Our dominant balance with the decay fraction r fixed in "
    "(0, 1) (M ~ T2^(1/beta) at the optimum, T2 ~ eta r D/log C, D = C/M) gives the same power "
    "of C as the transcription but the log factor written here; the compute-optimal loss, "
    "log factor included, agrees with the paper. The FSL functional minimised over (eta, r, M) "
    "agrees with ours: the log-slope in x = ln C of the measured optimum / the transcribed law "
    "is {measured} (ours predicts {ours}); against this law it is {fixed}. Status derived: the "
    "expression is ours (the transcribed forms coincide with the exponential-decay ones)."
)
_pair("wsd.compute_optimal_lr", "compute-optimal peak effective learning rate, WSD-like",
      _C54, _wsd_tags | {"compute_optimal"},
      C ** (-(1 + sb - beta) / (2 + sb)) * log(C) ** (-(beta**2 - 1) / (beta * (2 + sb))), None,
      _big_C, scale="C", easy_status="derived",
      easy_where=_WSD_FIX.format(paper="(C/log C)^-(1 + s beta - beta)/(2 + s beta)"),
      easy_notes=_WSD_C.format(
          measured="-0.577 [-0.676, -0.484] (s = 1, beta = 2) and -0.587 [-0.672, -0.502] "
                   "(s = 0.7, beta = 2.5)",
          ours="-0.625 and -0.627", fixed="0.048 [-0.051, 0.141] and 0.040 [-0.045, 0.124]")
      + " Hard regime: gamma_opt ~ 1. The check against ln C up to 2^240 ([fsl-log,...]) is "
      "inconclusive (its interval admits the control); " + _FAR.format(
          m="0.035 [-0.034, 0.098] at s = 1, beta = 2"))
_pair("wsd.compute_optimal_model_size", "compute-optimal model size, WSD-like",
      _C54, _wsd_tags | {"compute_optimal", "model_size"},
      C ** (1 / (2 + sb)) * log(C) ** (-(beta - 1) / (beta * (2 + sb))), C ** (1 / (1 + beta)),
      _big_C, scale="C", easy_status="derived",
      easy_where=_WSD_FIX.format(paper="(C/log C)^(1/(2 + s beta))"),
      easy_notes=_WSD_C.format(
          measured="0.131 [0.118, 0.143] (s = 1, beta = 2) and 0.110 [0.098, 0.119] (s = 0.7, "
                   "beta = 2.5)",
          ours="1/(beta (2 + s beta)) = 0.125 and 0.107",
          fixed="0.006 [-0.007, 0.018] and 0.003 [-0.009, 0.012]"))
_pair("wsd.compute_optimal_data", "compute-optimal data size, WSD-like",
      _C54, _wsd_tags | {"compute_optimal"},
      C ** ((1 + sb) / (2 + sb)) * log(C) ** ((beta - 1) / (beta * (2 + sb))),
      C ** (beta / (1 + beta)), _big_C, scale="C", easy_status="derived",
      easy_where=_WSD_FIX.format(paper="C^((1 + s beta)/(2 + s beta)) (log C)^(1/(2 + s beta))"),
      easy_notes=_WSD_C.format(
          measured="-0.131 [-0.143, -0.118] and -0.110 [-0.119, -0.098]",
          ours="-0.125 and -0.107", fixed="-0.006 [-0.018, 0.007] and -0.003 [-0.012, 0.009]"))
_pair("wsd.compute_optimal_loss", "compute-optimal final excess risk, WSD-like",
      _C54 + "; Table 1", _wsd_tags | {"compute_optimal"},
      C ** (-sb / (2 + sb)) * log(C) ** ((sb - s) / (2 + sb)), C ** (-sb / (1 + beta)), _big_C,
      scale="C",
      hard_notes="No log factor in the hard regime. " + _FAR.format(
          m="-0.0021 [-0.0105, 0.0029] at s = 0.45, beta = 2.5") + " At s = 0.5, beta = 2.5 "
      "(0.1 from the boundary) the same check is inconclusive (-0.045 [-0.70, 0.043]): the "
      "optimum approaches its hard form like the decay fraction r_opt ~ C^-0.0625, no "
      "correction model of the engine in x = ln C.")
_EXP_TABLE = (
    "table: covered by check functional_scaling.wsd.{budget}_optimal_loss.easy[fsl,s=1,beta=2] "
    "(and its s=0.7,beta=2.5 twin): nu is the power of {var} in that law, whose check rejects a "
    "power off by 0.1 (its negative control). A check of nu alone would fit the optimal loss's "
    "log-slope in {var}, which carries the law's (log {var})^((s beta - s)/({k} + s beta)) as "
    "a 1/ln {var} correction; an exact law admits no log correction in the engine, whose fit "
    "then puts nu off by ~0.003 with a narrower interval ({measured})"
)
_pair("wsd.data_optimal_loss_exponent",
      "exponent nu of the data-optimal loss D^-nu (log factors dropped), WSD-like",
      _C54 + "; Table 1", _wsd_tags | {"data_optimal", "exponent"},
      sb / (1 + sb), s, None, kind="exact", family=wsd_data,
      easy_unchecked=_EXP_TABLE.format(budget="data", var="D", k=1,
                                       measured="0.6640 [0.6629, 0.6647] against 2/3"))
_pair("wsd.compute_optimal_loss_exponent",
      "exponent nu of the compute-optimal loss C^-nu (log factors dropped), WSD-like",
      _C54 + "; Table 1", _wsd_tags | {"compute_optimal", "exponent"},
      sb / (2 + sb), sb / (1 + beta), None, kind="exact", family=wsd_compute,
      easy_unchecked=_EXP_TABLE.format(budget="compute", var="C", k=2,
                                       measured="0.4981 [0.4975, 0.4986] against 1/2"))

paper.law(
    "constant.data_optimal_loss_exponent",
    quantity="exponent nu of the data-optimal loss D^-nu, constant schedule (easy and hard)",
    symbol=r"\nu",
    expr=s / (s + 1),
    kind="exact",
    where=_C52 + "; Table 1",
    status="paper",
    tags=_const_tags | {"data_optimal", "exponent"},
    notes=_A51,
)

# ---------------------------------------------------------------------- Theorems 4.5 and 4.6

j = paper.param("j", "index of an eigenvalue, in decreasing order (1 = the largest)",
                integer=True)

paper.law(
    "fsl_theorem_noiseless",
    quantity=(
        "ratio of the excess risk E[R] of top-M SGD without label noise (sigma = 0) to "
        "M^-s*beta + e_M(t) + int K_M(t-z) e_M(z) gamma(z) dz (computed by fsl(kernel='exact', "
        "sigma2=0))"
    ),
    expr=1,
    regime=s <= 2 - 1 / beta,  # and sigma = 0: the statement itself (see the quantity)
    kind="theta",
    where="Theorem 4.5 (top-M, sigma = 0, s in [0, 2 - 1/beta]; Assumption 4.1, sup gamma small)",
    status="transcribed",
    tags=_TAGS | {"fsl", "noiseless"},
    notes=(
        "Transcribed from the theory digest (anytime_fsl.md, section 3.4), whose author read the "
        "paper's main text in a full-text extraction; not re-read in the paper's own text in this "
        "session (the arXiv HTML reached by search shows only the first page). Without label "
        "noise the loss is driven by the signal alone (the multiplicative SGD noise eta^2 "
        "lambda q feeds back through e_M); the paper's range s <= 2 - 1/beta is where the "
        "signal-driven noise stays below the signal term. sigma = 0 is part of the statement "
        "(not a parameter). Verification (exact recursion, constant step 0.2, "
        "d = 1e8 binned, M = infinity): twice the excess risk over fsl(kernel='exact', sigma2=0) "
        "is 1.030-1.036 at s = 0.5, beta = 2.5 and 1.054-1.138 at s = 1.5 (0.1 from the range's "
        "end) for K = 16..16384; log-slopes in K 0.0003 [-0.0003, 0.0008] and 0.0007 [-0.0032, "
        "0.0043]."
    ),
)

paper.law(
    "random_features_spectrum",
    quantity=(
        "j-th eigenvalue of the feature covariance W H W^T / M of a random-M model (rows of W "
        "i.i.d. N(0, I_N)), for j <= M"
    ),
    symbol=r"\mu_j",
    expr=j ** (-beta),
    regime=j <= M,
    kind="theta",
    where="Lemma 4.7 (random-M features: the eigenvalues of W H W^T are ~ j^-beta with "
          "probability 1 - e^(-Omega(M)))",
    status="transcribed",
    tags=_TAGS | {"random_features", "model_size"},
    scale_vars=("j",),
    notes=(
        "Transcribed from the theory digest (section 3.4); the paper's normalisation of W is not "
        "recorded there. With W_kj ~ N(0, 1), W H W^T = sum_j lambda_j c_j c_j^T (c_j the columns, "
        "|c_j|^2 ~ M), so we divide by M (our normalisation; the constants of the Theta do not "
        "depend on j or M). The tail j > M lifts the bottom eigenvalues by (sum_{j>M} "
        "lambda_j)/M ~ M^-beta/(beta - 1), of the same order as lambda_M. The range j <= M is our "
        "reading (the digest does not give the lemma's range). Verification (Monte Carlo over W, "
        "beta = 2.5, N = 8M features, the spectrum beyond N by its expectation): log-slope in M of "
        "mu_j / j^-beta at j = M/4: 0.002 [-0.008, 0.013], at j = M/2: -0.0003 [-0.0069, 0.0063] "
        "(M = 16..768, 32 replicas). Finding: at j = M (the smallest eigenvalue) the ratio drifts, "
        "-0.026 [-0.033, -0.019] over the same sizes (fail): either a slowly vanishing "
        "correction at the bottom edge or a lemma whose range stops below j = M; the quick "
        "checks stop at j = M/2."
    ),
)

paper.law(
    "random_features_approximation",
    quantity=(
        "approximation error of a random-M model: half the excess risk of the best predictor "
        "v^T W phi, (theta*^T H theta* - b^T (W H W^T)^-1 b)/2 with b = W H theta*"
    ),
    expr=M ** (-s * beta),
    regime=s <= 1,
    kind="theta",
    reference=paper.reference(
        "Theorem 4.6 (random-M features, s in (0, 1]): the M^-s*beta term, read at t -> infinity "
        "with gamma -> 0, where the FSL's other terms vanish (our reading)",
        "derived",
    ),
    tags=_TAGS | {"random_features", "model_size"},
    scale_vars=("M",),
    notes=(
        "Theorem 4.6 (as transcribed by the theory digest) states the top-M results for random "
        "features when s <= 1 and leaves s > 1 open. Its approximation term, the risk of the best "
        "predictor in the span of M random features, is our reading of the M^-s*beta term "
        "(status derived): for top-M it is exactly the tail sum_{j>M} lambda_j theta_j^2 / 2 "
        "(functional_scaling.approximation_error). Verification (Monte Carlo over W, beta = 2.5, "
        "N = 8M features): log-slope in M of the error / M^-s*beta 0.011 [-0.004, 0.027] at s = "
        "0.5 (M = 16..768, 32 replicas: pass); 0.031 [0.007, 0.057] at s = 0.75 and 0.196 "
        "[0.163, 0.230] at s = 1 with local slopes drifting by 0.21 over the window "
        "(inconclusive): at the range's end s = 1 (b = a + 1 in the anytime dictionary) the "
        "ratio grows like a log factor over M <= 768, which these sizes cannot tell from a "
        "power."
    ),
)

# ---------------------------------------------------------------------- schedule ranking

_RANK = (
    "Ratio of two of the paper's data-optimal final losses (Theorems 5.2-5.4, Table 1; "
    "the ranking WSD > exponential decay > constant of Section 5, made quantitative). Ours: the "
    "ratio of the registered data-optimal losses, so the constants of both Theta relations "
    "enter (status derived)."
)
_rank_tags = {"fsl", "schedule", "ranking", "data_optimal"}
for _reg, _expr, _where_expr in (
    ("easy", log(D) ** (s / (1 + s * beta)), "(log D)^(s/(1 + s beta))"),
    ("hard", log(D) ** s, "(log D)^s"),
):
    paper.law(
        f"ranking.exp_over_wsd_data.{_reg}",
        quantity=(
            "ratio of the data-optimal final losses of exponential decay and of the WSD-like "
            f"schedule, E_exp / E_wsd ({_reg} regime, s {'>=' if _reg == 'easy' else '<='} "
            "1 - 1/beta)"
        ),
        expr=_expr,
        regime=(easy if _reg == "easy" else hard) & _big_D,
        kind="theta",
        reference=paper.reference(
            "Theorems 5.3 and 5.4, Table 1: ratio of the data-optimal losses (ours)", "derived"),
        tags=_rank_tags | {_reg},
        scale_vars=("D",),
        notes=(
            _RANK + f" WSD-like beats exponential decay by the log factor {_where_expr}: both have "
            "the same power of D; exponential decay pays log D in its intrinsic time "
            "T ~ eta D/log D, WSD-like only in its decay phase. Verification: the ratio of the "
            "two minima of the FSL functional (unit constants) over the law, against ln D up to "
            "2^512, has log-slope 0.000 +- 0.01 at (s, beta) = (1, 2), (0.7, 2.5) (easy), "
            "(0.5, 2.5), (0.25, 2.5) (hard). " + _A51
        ),
    )
for _reg, _expr in (
    ("easy", D ** (s * beta / (1 + s * beta) - s / (s + 1)) * log(D) ** (-s * beta / (1 + s * beta))),
    ("hard", D ** (s**2 / (s + 1)) * log(D) ** (-s)),
):
    paper.law(
        f"ranking.constant_over_exp_data.{_reg}",
        quantity=(
            "ratio of the data-optimal final losses of the constant schedule and of exponential "
            f"decay, E_const / E_exp ({_reg} regime)"
        ),
        expr=_expr,
        regime=(easy if _reg == "easy" else hard) & _big_D,
        kind="theta",
        reference=paper.reference(
            "Theorems 5.2 and 5.3, Table 1: ratio of the data-optimal losses (ours)", "derived"),
        tags=_rank_tags | {_reg},
        scale_vars=("D",),
        notes=(
            _RANK + " Exponential decay beats the constant schedule by a power of D (its exponent "
            "is positive for beta > 1 in the easy regime, s^2/(s+1) > 0 in the hard one), minus "
            "the log factor it pays. Verification: as ranking.exp_over_wsd_data, log-slopes "
            "of ratio / law below 2e-5 in size at the four points. " + _A51
        ),
    )

_RANK_C = (
    "Ratio of two of the paper's compute-optimal final losses (Theorems 5.2-5.4, Table 1: "
    "constant C^-s beta/(1 + s beta + beta); exponential decay (C/log C)^-nu; WSD-like "
    "C^-nu (log C)^((s beta - s)/(2 + s beta)) easy, C^-nu hard; nu = s beta/(2 + s beta) "
    "easy, s beta/(1 + beta) hard), the ranking WSD > exponential decay > constant of Section 5 "
    "made quantitative at fixed compute C = M D. Ours: the ratio of the registered "
    "compute-optimal losses (derivations.functional_scaling), so the constants of both Theta "
    "relations enter (status derived). Verification: the ratio of the two minima of the FSL "
    "functional (unit constants, sigma^2 = 1, minimised over the peak, the decay fraction and "
    "M at each C, the decays ending at eta/C) over the law, judged by its log-slope in x = ln C "
    "on a grid geometric in ln C over C = 2^128..2^512 (in x = ln C a wrong log power q is a "
    "log-slope q, a wrong power of C an exponential growth). "
)
_rank_c_tags = {"fsl", "schedule", "ranking", "compute_optimal"}
for _reg, _expr, _where_expr, _ver in (
    ("easy", log(C) ** (s / (2 + s * beta)), "(log C)^(s/(2 + s beta))",
     ("At (s, beta) = (1, 2) the log-slope is 0.0076 [-0.0101, 0.0235], at (0.7, 2.5) "
      "4e-5 [-0.0055, 0.0058] (pass). ln(ratio/law) still drifts, -0.662 -> -0.679 and -0.532 "
      "-> -0.544 over C = 2^128..2^512 (local log-slopes -0.016 -> -0.009), with the optimal WSD "
      "decay fraction (0.536 -> 0.516 at s = 1, beta = 2): a correction decaying like a power of "
      "ln C, which the engine extrapolates.")),
    ("hard", log(C) ** (s * beta / (1 + beta)), "(log C)^(s beta/(1 + beta))",
     ("At (s, beta) = (0.25, 2.5) the log-slope is 1.3e-6 [-2.2e-6, 5.7e-6] and at (0.45, 2.5) "
      "0.0038 [-0.0047, 0.0120] (pass). Nearer the boundary the WSD-like optimum reaches its "
      "hard form only like a small power of C: ln(ratio/law) = -r_opt to ~10 %, the optimal "
      "decay fraction r_opt ~ C^-omega (omega = |s - 1 + 1/beta|/(2 - 1/beta) = 0.0625 at "
      "(0.5, 2.5): r_opt = 0.164, 0.0048, 2e-4 at C = 2^128, 2^256, 2^362). That correction "
      "is e^(-omega x) in x = ln C, no model of the engine: over C = 2^160..2^512 the check at "
      "(0.5, 2.5) is inconclusive (0.044 [-0.042, 0.69]), and pass or fail depending on where "
      "the window starts, so the near-boundary check sits at s = 0.45 (omega = 0.094), where "
      "the correction has died out by 2^300. The law holds at (0.5, 2.5) too: ratio/law "
      "-> 1 (ln(ratio/law) = -7.7e-6 at 2^470).")),
):
    paper.law(
        f"ranking.exp_over_wsd_compute.{_reg}",
        quantity=(
            "ratio of the compute-optimal final losses of exponential decay and of the WSD-like "
            f"schedule, E_exp / E_wsd at fixed C = M D ({_reg} regime, s "
            f"{'>=' if _reg == 'easy' else '<='} 1 - 1/beta)"
        ),
        expr=_expr,
        regime=(easy if _reg == "easy" else hard) & _big_C,
        kind="theta",
        reference=paper.reference(
            "Theorems 5.3 and 5.4, Table 1: ratio of the compute-optimal losses (ours)",
            "derived"),
        tags=_rank_c_tags | {_reg},
        scale_vars=("C",),
        notes=(
            _RANK_C + f"WSD-like beats exponential decay at fixed compute by the log factor "
            f"{_where_expr} and no power of C: both spend the budget on the same M ~ C^(1/(2 + "
            "s beta)) (easy; C^(1/(1 + beta)) hard) up to log factors, and differ only in the "
            "log C their intrinsic time loses to the decay (exponential decay all of it, "
            "WSD-like in its decay phase, which in the hard regime vanishes). " + _ver + " "
            + _A51
        ),
    )
for _reg, _expr in (
    ("easy", C ** (s * beta * (beta - 1) / ((2 + s * beta) * (1 + s * beta + beta)))
     * log(C) ** (-s * beta / (2 + s * beta))),
    ("hard", C ** ((s * beta) ** 2 / ((1 + beta) * (1 + s * beta + beta)))
     * log(C) ** (-s * beta / (1 + beta))),
):
    paper.law(
        f"ranking.constant_over_exp_compute.{_reg}",
        quantity=(
            "ratio of the compute-optimal final losses of the constant schedule and of "
            f"exponential decay, E_const / E_exp at fixed C = M D ({_reg} regime)"
        ),
        expr=_expr,
        regime=(easy if _reg == "easy" else hard) & _big_C,
        kind="theta",
        reference=paper.reference(
            "Theorems 5.2 and 5.3, Table 1: ratio of the compute-optimal losses (ours)",
            "derived"),
        tags=_rank_c_tags | {_reg},
        scale_vars=("C",),
        notes=(
            _RANK_C + "Exponential decay beats the constant schedule at fixed compute by a power "
            "of C (exponent s beta (beta - 1)/((2 + s beta)(1 + s beta + beta)) > 0 easy, "
            "(s beta)^2/((1 + beta)(1 + s beta + beta)) > 0 hard), less the log factor it pays. "
            "Log-slopes of ratio/law: 1.8e-9 [-3.8e-9, 9.3e-9] at (s, beta) = (1, 2), -3e-14 "
            "[-2.1e-10, 3.8e-10] at (0.7, 2.5) (easy); -5.2e-8 [-2.2e-7, 8.6e-8] at (0.25, 2.5), "
            "1.3e-5 [-1.3e-5, 6.0e-5] at (0.5, 2.5) (hard): ln(ratio/law) is constant to 1e-5 "
            "(to 2e-3 at (0.5, 2.5), where it settles like C^-0.0625: 0.3034, 0.3056, 0.3058 at "
            "2^128, 2^181, 2^256). On the grid of the other compute checks (C <= 2^240, window "
            "from 2^160) that approach fails the judge at (0.5, 2.5), 4.9e-4 [1.2e-5, 7.9e-4]: "
            "an e^(-omega x) correction in x = ln C is no model of the engine; the grid to "
            "2^512 outlives it. " + _A51
        ),
    )

# ---------------------------------------------------------------------- optimal schedule shape

_OPT = dict(
    arxiv="2602.06797", version=1,
    title="Optimal Learning-Rate Schedules under Functional Scaling Laws: Power Decay and "
          "Warmup-Stable-Decay",
    authors="Li, Wang, Chen, Zhao, Zheng, Wu", year=2026, venue="COLT 2026 (extended abstract)",
)
_OPT_NOTES = (
    "From the follow-up paper by the same group (arXiv:2602.06797), read in its own abstract "
    "(arXiv HTML v1 and the COLT 2026 extended abstract in PMLR 336, which gives the peak "
    "exponent explicitly): for a fixed horizon and a stability cap on the step, the FSL-optimal "
    "schedule in the easy regime is a power decay to zero, eta*(z) = eta_peak (1 - z/N)^(2 beta "
    "- 1), with eta_peak ~ N^-(s - 1 + 1/beta)/(s + 1/beta); in the hard regime it is WSD-like "
    "with a vanishing decay fraction. Here N is the horizon in steps (K, batch 1)."
)

paper.law(
    "optimal_schedule.decay_power",
    quantity=(
        "power p of the FSL-optimal schedule eta*(z) = eta_peak (1 - z/K)^p over a horizon of K "
        "steps (easy regime)"
    ),
    symbol="p^*",
    expr=2 * beta - 1,
    regime=easy,
    kind="exact",
    reference=Reference(where="Abstract (easy-task regime: power decay to zero)",
                        status="paper", **_OPT),
    tags={"fsl", "schedule", "optimal_schedule", "easy"},
    notes=(
        _OPT_NOTES + " Verification (ours): the FSL of Theorem 4.2 (unit constants, sigma^2 = 1) "
        "at the end of eta (1 - z/K)^p, minimised over (eta, p) in continuous time: p* = 2.84, "
        "2.997, 3.000 at K = 2^40, 2^80, 2^160 (beta = 2, s = 1) and 3.85, 3.998, 4.000 (beta = "
        "2.5, s = 0.7); ln(p*/(2 beta - 1)) stays within 5e-5 of 0 over K = 2^96..2^512. The "
        "family contains the claimed optimum, so this checks that no other power does better. "
        + _A51
    ),
)

paper.law(
    "optimal_schedule.peak_lr",
    quantity="peak learning rate of the FSL-optimal power-decay schedule over K steps (easy regime)",
    symbol=r"\eta_{\mathrm{peak}}",
    expr=K ** (-(1 + s * beta - beta) / (1 + s * beta)),
    regime=easy,
    kind="theta",
    reference=Reference(where="Abstract (COLT 2026 extended abstract: the explicit exponent)",
                        status="paper", **_OPT),
    tags={"fsl", "schedule", "optimal_schedule", "easy"},
    scale_vars=("K",),
    notes=(
        _OPT_NOTES + " The exponent (s - 1 + 1/beta)/(s + 1/beta) = (1 + s beta - beta)/(1 + s "
        "beta) is the data-optimal peak exponent of exponential decay and WSD (Theorems 5.3, "
        "5.4) without their log factors, and the anytime gamma* = 1 - a/b (a = beta, b = 1 + s "
        "beta). Verification: the optimal peak of the power-decay family over K^-nu has "
        "log-slope in ln K 0.000 [-0.003, 0.004] at (s, beta) = (1, 2) and (0.7, 2.5) (K up to "
        "2^512; eta_peak K^nu -> 1.000 and 0.4457). " + _A51
    ),
)
