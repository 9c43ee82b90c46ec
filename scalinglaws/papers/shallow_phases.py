r"""Scaling laws and weight spectra of shallow networks in the feature-learning regime.

Defilippis, Xu, Girardin, Troiani, Erba, Zdeborová, Loureiro, Krzakala, *Scaling Laws and
Spectra of Shallow Neural Networks in the Feature Learning Regime*, arXiv:2509.24882 (v2, 2026).

Model. A **diagonal** two-layer network :math:`f(x) = \sum_i a_i w_i x_i` trained with weight
decay is LASSO on :math:`\theta = a \odot w` (:math:`\min_{aw = c}(a^2 + w^2)/2 = |c|`); a
**quadratic** network :math:`f(x) = d^{-1/2}(x^\top S x - \operatorname{tr} S)`,
:math:`S = BB^\top`, trained with weight decay on :math:`B` is a PSD program with a trace
(nuclear-norm) penalty, i.e. matrix compressed sensing. Teacher with a power-law profile:
:math:`\theta^*_k = k^{-\gamma}` (diagonal), eigenvalues :math:`s_k \propto k^{-\gamma}`
(quadratic). The paper derives, from the state evolution of AMP for LASSO and for matrix
compressed sensing, a phase diagram of the excess-risk exponents in the (sample complexity, weight
decay) plane and relates each phase to the spectrum of the trained weights.

The laws below are the **LASSO (diagonal-network) side** of that phase diagram, in our
normalisation (summed loss :math:`\tfrac12\sum_\mu (y_\mu - \theta\cdot x_\mu)^2 +
\lambda\lVert\theta\rVert_1`, :math:`x \sim N(0, I_d)`, label noise :math:`\Delta`, excess risk
:math:`R = \lVert\hat\theta - \theta^*\rVert^2`, effective threshold :math:`t \approx \lambda/n`):

==========================  ===========================================  =====================
regime (our naming)         where                                         :math:`R`
==========================  ===========================================  =====================
over-regularised plateau    bias-dominated, :math:`1 \ll k_t \ll n, d`    :math:`(\lambda/n)^{2-1/\gamma}`
tuned penalty               :math:`\lambda \approx \lambda^*(n)`, k ≪ d   :math:`n^{-(1-1/(2\gamma))}` (logs)
parametric (d-limited)      every coordinate active, :math:`n \gg d`      :math:`d\Delta/n`
interpolation peak          :math:`\lambda \to 0^+`                       maximal at :math:`n = d`
==========================  ===========================================  =====================

with :math:`k_t = (n/\lambda)^{1/\gamma}` the number of coordinates the threshold keeps (the
LASSO analogue of the learned rank, :data:`active_set`), and the trained weights' rank-ordered
head :math:`|\hat\theta|_{(k)} \propto k^{-\gamma}` for :math:`k \ll k_t`.

Provenance. Only the paper's abstract and first lines could be read (arXiv HTML, summary pages);
its phase boundaries, exponent formulas, figures and normalisation were **not** read. A
third party (emergentmind.com) quotes the paper's conjecture that the state evolution predicts
the ERM excess risk up to a factor :math:`1 + o(1)` beyond proportional asymptotics (status
``transcribed``); the diagonal-network/LASSO equivalence is stated in the abstract and in
third-party summaries (``transcribed``). Every exponent is **our** derivation from the LASSO
state evolution (heuristic balance of bias and variance of the soft threshold, see
``scalinglaws.derivations.shallow_phases``), confirmed by our state-evolution runs
(``derived``); the interpolation-peak location is ours from the state evolution (``hypothesis``).
Whether the paper's phase diagram uses the same scalings (it likely writes :math:`n = d^{\ell}`,
:math:`\lambda = d^{\kappa}`) is unverified: translate before comparing with its figures.

The **quadratic-network side** (matrix compressed sensing with the trace penalty
:math:`\tilde\lambda\,\mathrm{tr}S/d`, loss :math:`d^{-2}\sum_\mu`, teacher eigenvalues
:math:`s_k \propto k^{-\gamma}` with :math:`\sum_k s_k^2 = d`, excess risk
:math:`2\lVert\hat S - S^*\rVert_F^2/d`; the follow-up code's normalisation) is read off the
quadratic state evolution (:mod:`scalinglaws.validators.processes.matrix_sensing`): a spectral soft
threshold :math:`t \approx \tilde\lambda d^2/(4n)` on the teacher spectrum plus a GOE bulk:

* over-regularised plateau (:math:`1 \ll d^{\rho_{\rm eff}} \ll d`, bulk below :math:`t`):
  :math:`R \asymp (\tilde\lambda d^{3/2}/n)^{2-1/\gamma}`;
* tuned weight decay (:math:`k^* \ll d`): :math:`R^* \asymp (n/d)^{-(1-1/(2\gamma))}`;
* parametric, d-limited (every direction kept, :math:`n \gg d^2`):
  :math:`R \asymp d^2\Delta/n`;

with the learned rank :math:`d^{\rho_{\rm eff}} = (n/(\tilde\lambda d^{3/2}))^{1/\gamma}`
(:data:`rho_eff`, growing with :math:`n`, shrinking with the decay) and the trained spectrum's
power-law head :math:`\hat s_{(k)} \propto k^{-\gamma}` (:data:`quad_weight_head`). These five
are ``derived`` (ours, from the transcribed state evolution); the same :math:`\rho_{\rm eff}` is
used by the group's follow-up plotting code (arXiv 2606.28242, per our digest). The quadratic analogue of the state-evolution conjecture
(:data:`quad_se_conjecture`, ``transcribed``: the quoted section states it for the quadratic
network first) is checked as the ERM / SE risk ratio: at :math:`\alpha = n/d^2 = 1` the ratio
falls from 1.40 (:math:`d = 12`) to 1.09 (:math:`d = 24`), a finite-:math:`d` gap (not the
ERM's tolerance, not the GOE draws) shrinking faster than :math:`1/d`; at :math:`\alpha = 3`
it is 1.03--1.09 at :math:`d = 20`. The quadratic interpolation peak
(:data:`quad_interpolation_peak`, ``hypothesis``) sits at the state evolution's interpolation
threshold, which for noise-dominated data (:math:`\Delta \gg Q_0`) is :math:`n = d(d+1)/4`,
the statistical dimension of the PSD cone -- half the least-squares count :math:`d(d+1)/2`
at which the all-kept branch has its pole; at :math:`\Delta \approx Q_0` it sits higher
(:math:`\alpha \approx 0.35` at :math:`d = 12`).
"""

from sympy import Integer, Interval, Rational, oo

from scalinglaws.law import Paper

__all__ = ["paper"]

paper = Paper(
    "shallow_phases",
    arxiv="2509.24882",
    version=2,
    title="Scaling Laws and Spectra of Shallow Neural Networks in the Feature Learning Regime",
    authors="Defilippis, Xu, Girardin, Troiani, Erba, Zdeborová, Loureiro, Krzakala",
    year=2025,
    summary=(
        "Diagonal networks with weight decay are LASSO and quadratic networks are nuclear-norm "
        "matrix compressed sensing; their state evolution gives a phase diagram of excess-risk "
        "exponents in (sample complexity, weight decay), tied to the spectrum of the trained "
        "weights (power-law heads, rank shrinking with the decay)."
    ),
    conventions=(
        "Our normalisation (the paper's was not read): x ~ N(0, I_d), y = theta*.x + sqrt(Delta) "
        "xi, teacher theta*_k = k^-gamma (k = 1..d, unnormalised, random signs), n samples; LASSO "
        "objective with the loss SUMMED over samples, 1/2 sum_mu (y_mu - theta.x_mu)^2 + lam "
        "||theta||_1 (a per-sample mean loss has penalty lam/n); excess risk R = ||theta_hat - "
        "theta*||^2 (= test MSE minus Delta). Diagonal network f(x) = sum_i a_i w_i x_i with decay "
        "lam/2 (||a||^2 + ||w||^2). Predictions from the LASSO state evolution at finite d "
        "(scalinglaws.validators.processes.lasso)."
    ),
)

gamma = paper.param(
    "gamma", "teacher power-law exponent, theta*_k = k^-gamma (||theta*|| finite: gamma > 1/2)",
    domain=Interval.open(Rational(1, 2), oo), latex=r"\gamma",
)
n = paper.param("n", "number of samples", latex="n")
lam = paper.param("lam", "weight decay / LASSO penalty (summed-loss convention)",
                  latex=r"\lambda")
d = paper.param("d", "input dimension (width of the diagonal network; S is d x d for the "
                     "quadratic network)", latex="d")
Delta = paper.param("Delta", "label-noise variance", domain=Interval(0, oo), latex=r"\Delta")
k = paper.param("k", "rank index of the sorted trained weights |theta_hat|_(k) (diagonal) or "
                     "eigenvalues of the trained S (quadratic)", latex="k")

_SE = ("Our derivation from the LASSO state evolution (soft threshold at t ~ lam/n on "
       "theta*_k + tau Z): not read in the paper, whose phase-diagram formulas were not "
       "available; see derivations.shallow_phases")

lasso_equivalence = paper.law(
    "lasso_equivalence",
    quantity=(
        "minimum of the diagonal-network objective 1/2 sum (y - sum_i a_i w_i x_i)^2 + lam/2 "
        "(||a||^2 + ||w||^2), as a fraction of the LASSO minimum with penalty lam ||theta||_1"
    ),
    symbol=r"\min L_{\mathrm{diag}} / \min L_{\mathrm{LASSO}}",
    expr=Integer(1),
    kind="exact",
    where="abstract ('leveraging connections with ... LASSO') and third-party summaries; the "
          "reduction min_{a w = c} (a^2 + w^2)/2 = |c| (AM-GM) is ours",
    status="transcribed",
    tags={"equivalence", "diagonal", "lasso"},
    notes=(
        "Read only in the abstract and secondary summaries; the one-line proof (AM-GM per "
        "coordinate) is ours. Checked by training the diagonal network (L-BFGS on (a, w) from a "
        "random start) and solving the LASSO by FISTA on the same data."
    ),
)

quadratic_equivalence = paper.law(
    "quadratic_equivalence",
    quantity=(
        "minimum over B (width m >= d, second layer fixed) of the quadratic-network objective "
        "d^-2 sum (y - (x^T B B^T x - ||B||_F^2)/sqrt(d))^2 + lam ||B||_F^2 / d, as a fraction "
        "of the minimum of the convex PSD program with the trace (nuclear-norm) penalty "
        "lam tr(S)/d"
    ),
    symbol=r"\min L_{\mathrm{quad}} / \min L_{\mathrm{PSD}}",
    expr=Integer(1),
    kind="exact",
    where="abstract ('connections with matrix compressed sensing') and third-party summaries; "
          "the reduction ||B||_F^2 = tr(B B^T), S = B B^T for m >= d (Burer-Monteiro) is ours",
    status="transcribed",
    tags={"equivalence", "quadratic", "nuclear_norm"},
    notes=(
        "Normalisation (1/d^2 loss, lam tr S / d) from the same group's follow-up code "
        "(SPOC-group/WidthQuadraticNetworks, as transcribed in our digest), not from this paper. "
        "Needs the second layer fixed and decay on the first layer only; with a trained readout "
        "under decay the induced penalty is a Schatten-2/3 quasi-norm instead. Checked at d = 6: "
        "L-BFGS on B against accelerated proximal gradient with eigenvalue soft-thresholding."
    ),
)

se_conjecture = paper.law(
    "se_conjecture",
    quantity=(
        "ratio of the ERM excess risk of LASSO (= the diagonal network) to the state-evolution "
        "prediction R_{n,d}, at finite n, d (beyond proportional asymptotics)"
    ),
    symbol=r"R(\hat\theta) / \mathsf{R}_{n,d}",
    expr=Integer(1),
    kind="exact",
    where="Section 'Non-asymptotic state evolution', Conjecture (diagonal networks), as quoted "
          "by emergentmind.com; not read first-hand",
    status="transcribed",
    tags={"state_evolution", "conjecture", "lasso"},
    notes=(
        "The paper states this as a conjecture (probability 1 - o(1), multiplicative 1 + o(1) "
        "error, fixed lam > 0, Delta >= 0) for both the ERM and the Bayes-optimal risk; we check "
        "the ERM side only, as the mean over independent replicas at d = 200."
    ),
)

plateau_risk = paper.law(
    "plateau_risk",
    quantity="excess risk of LASSO in the over-regularised (bias-dominated) plateau",
    symbol=r"R_{\mathrm{plateau}}",
    expr=(lam / n) ** (2 - 1 / gamma),
    kind="theta",
    where=_SE,
    status="derived",
    tags={"phase", "exponent", "plateau", "lasso"},
    scale_vars=("n", "lam"),
    notes=(
        "Valid while 1 << k_t = (n/lam)^(1/gamma) << min(n, d) and lam^2 >> n (Delta + R) (the "
        "threshold dominates the noise): the kept coordinates pay t^2 each, the dropped ones "
        "their squared value, sum = Theta(t^(2 - 1/gamma)). Conditions in these notes, not in a "
        "regime, because the engine evaluates a regime at a representative value of the scale "
        "variable. State evolution, Delta = 0, d = 10^7: local slopes in n -> -(2 - 1/gamma) "
        "(-0.667 at gamma = 0.75, -1.600 at gamma = 2.5)."
    ),
)

active_set = paper.law(
    "active_set",
    quantity=(
        "number of non-zero LASSO weights (the diagonal network's learned 'rank') in the plateau"
    ),
    symbol=r"k_t",
    expr=(n / lam) ** (1 / gamma),
    kind="theta",
    where=_SE,
    status="derived",
    tags={"phase", "spectrum", "rank", "lasso"},
    scale_vars=("n", "lam"),
    notes=(
        "Coordinate k survives the threshold t ~ lam/n when k^-gamma > t; the rank shrinks like "
        "lam^(-1/gamma) as the decay grows (the LASSO analogue of the quadratic network's "
        "learned rank d^rho_eff, which is not encoded). Same validity as plateau_risk."
    ),
)

tuned_risk = paper.law(
    "tuned_risk",
    quantity="excess risk of LASSO at the best penalty, min_lam R, with d >> the kept set",
    symbol=r"R^*",
    expr=n ** (-(1 - 1 / (2 * gamma))),
    kind="theta_log",
    where=_SE,
    status="derived",
    tags={"phase", "exponent", "tuned", "lasso"},
    scale_vars=("n",),
    notes=(
        "Balance of the variance k tau^2 log(d/k) (tau^2 ~ Delta/n, universal threshold) with the "
        "bias sum_{j > k} j^-2gamma ~ k^(1 - 2gamma): k* ~ (n / log)^(1/(2 gamma)), R* ~ (log / "
        "n)^(1 - 1/(2 gamma)); Delta > 0. Checked on the state evolution along d = 100 "
        "n^(1/(2 gamma)) (d/k* then grows only like a power of ln n): extrapolated local slopes "
        "-0.500 [-0.5002, -0.4997] (gamma = 1) and -0.750 [-0.751, -0.748] (gamma = 2). Along d "
        "= 10 n instead, log(d/k*) ~ (1 - 1/(2 gamma)) ln n bends the local slopes (-0.47 at n = "
        "1e5, gamma = 1) over the whole affordable range."
    ),
)

parametric_risk = paper.law(
    "parametric_risk",
    quantity="excess risk of LASSO when every coordinate is active (d-limited, n >> d)",
    symbol=r"R_{\mathrm{param}}",
    expr=d * Delta / n,
    kind="theta",
    where=_SE,
    status="derived",
    tags={"phase", "exponent", "parametric", "lasso"},
    scale_vars=("n", "d"),
    notes=(
        "n >> d and lam^2 << n Delta (the threshold below the noise and below theta*_d): "
        "least-squares variance Delta d/(n - d) plus the bias d (lam/n)^2, which is smaller."
    ),
)

interpolation_peak = paper.law(
    "interpolation_peak",
    quantity="sample size n at which the LASSO excess risk is largest, for a vanishing penalty",
    symbol=r"n_{\mathrm{peak}}",
    expr=d,
    kind="exact",
    where="ours, from the LASSO state evolution (lam -> 0+); the paper's abstract mentions "
          "crossovers and plateaus, the peak itself was not read",
    status="hypothesis",
    tags={"phase", "interpolation", "lasso"},
    notes=(
        "At lam -> 0 the estimator tends to least squares for n > d and to the minimum-l1 "
        "interpolator for n < d; the state-evolution risk at Delta > 0 peaks at n = d (d = 200, "
        "lam = 0.1 and 0.01: the peak on a grid of step 10 sits at n = 200; d = 100, lam = 0.1, "
        "grid step 4: at n = 100)."
    ),
)

weight_head = paper.law(
    "weight_head",
    quantity="k-th largest trained weight |theta_hat|_(k) of the diagonal network (LASSO), k << k_t",
    symbol=r"|\hat\theta|_{(k)}",
    expr=k ** (-gamma),
    kind="theta",
    where="ours (soft threshold of theta*_k + tau Z: the head copies the teacher); the "
          "abstract links power-law tails of trained weight spectra to generalisation, the "
          "paper's statement was not read",
    status="derived",
    tags={"spectrum", "power_law", "lasso"},
    scale_vars=("k",),
    notes=(
        "E|theta_hat_k| = k^-gamma - t + O(tau) for k^-gamma >> t, tau: a power-law head with the "
        "teacher's exponent, cut at k_t by exact zeros. Diagonal-network analogue of the "
        "quadratic network's power-law head of the trained S's eigenvalues (not encoded)."
    ),
)


# ---- the quadratic network (nuclear-norm matrix compressed sensing) ----------------------------

lamq = paper.param(
    "lamq", "weight decay of the quadratic network, in the convention loss d^-2 sum_mu (y_hat - "
    "y)^2 + lamq tr(S)/d (the follow-up code's; the paper's was not read)",
    latex=r"\tilde\lambda",
)

_QSE = ("Our derivation from the quadratic-network state evolution (spectral soft threshold "
        "t = 2 lamq / m_hat ~ lamq d^2 / (4 n) on the teacher eigenvalues s_k ~ sqrt(d) k^-gamma "
        "plus a GOE bulk of radius ~ sqrt(2 (mse + Delta/2) d / n) sqrt(d)); the state "
        "evolution is transcribed from the same group's follow-up code (digest), not read in "
        "this paper; see derivations.shallow_phases")

_QCONV = ("Quadratic network: x ~ N(0, I_d), y = (x^T S* x - tr S*)/sqrt(d) + sqrt(Delta) xi, "
          "teacher eigenvalues s_k ~ k^-gamma normalised to sum_k s_k^2 = d, estimator argmin "
          "over S >= 0 of d^-2 sum (y_hat - y)^2 + lamq tr(S)/d (= the network with weight decay "
          "on its first layer), excess risk 2 ||S_hat - S*||_F^2 / d; n samples, alpha = n/d^2.")

quad_se_conjecture = paper.law(
    "quad_se_conjecture",
    quantity=(
        "ratio of the excess risk of the quadratic network's ERM (the trace-penalised PSD "
        "program, 2 ||S_hat - S*||_F^2 / d) to the finite-d state-evolution prediction, at "
        "finite n, d"
    ),
    symbol=r"R(\hat S) / \mathsf{R}^{\mathrm{quad}}_{n,d}",
    expr=Integer(1),
    kind="exact",
    where="Section 'Non-asymptotic state evolution': the conjecture for the quadratic network "
          "that precedes the diagonal-network one, as quoted by emergentmind.com (per our "
          "digest); not read first-hand. The state evolution itself is transcribed from the "
          "group's follow-up code (digest), not from this paper",
    status="transcribed",
    conventions=_QCONV,
    tags={"state_evolution", "conjecture", "quadratic"},
    notes=(
        "Multiplicative 1 + o(1) as n, d grow at fixed lamq > 0, Delta >= 0 (per the quote). The "
        "finite-d state evolution averages its denoiser over GOE draws fixed by the seed; its "
        "solution carries draw noise amplified by the fixed point (100 draws: 2-4 % between "
        "seeds at alpha = 1, d = 20), so the checks average it over several seeds. Measured "
        "(gamma = 1, Delta = 0.1, lamq = 0.05, alpha = n/d^2 = 1, 24 ERM replicas, 200 draws): "
        "R_ERM / R_SE = 1.40 +- 0.06 (d = 12), 1.26 +- 0.04 (16), 1.17 +- 0.03 (20), 1.09 +- "
        "0.02 (24). The gap is neither the ERM's convergence (FISTA at tol 1e-12 and 20000 "
        "iterations gives the same risks to 4 digits as at 1e-9) nor the number of draws (the "
        "SE moves by 2-4 % between seeds): it is a finite-d effect that shrinks with d, "
        "(ratio - 1) d^2 ~ 55-67 over d = 12..24 (faster than 1/d; the least-squares count "
        "d(d+1)/2 against the state evolution's d^2/2 alone gives 1 + 2/d). A second series "
        "(4 SE seeds x 50 draws, 48..16 replicas): 1.40, 1.19, 1.20, 1.13, 1.03 +- 0.02 at d = "
        "12, 16, 20, 24, 30. At alpha = 3 the ratio is 1.17, 1.03, 1.05, 1.05, 1.03 +- 0.02 "
        "(same d), and 1.042 [1.019, 1.067] at d = 30 with 48 replicas: a fixed-d check rejects "
        "1 there, which is no evidence against a 1 + o(1) statement. The extrapolation to "
        "1/d -> 0 (quadratic in 1/d) is not settled at CPU sizes (intervals +-30 %); not a "
        "finding either way."
    ),
)


quad_plateau_risk = paper.law(
    "quad_plateau_risk",
    quantity="excess risk of the quadratic network in the over-regularised (bias) plateau",
    symbol=r"R^{\mathrm{quad}}_{\mathrm{plateau}}",
    expr=(lamq * d ** Rational(3, 2) / n) ** (2 - 1 / gamma),
    kind="theta",
    where=_QSE,
    status="derived",
    conventions=_QCONV,
    tags={"phase", "exponent", "plateau", "quadratic"},
    scale_vars=("n", "lamq"),
    notes=(
        "The threshold keeps the k_eff = (n / (lamq d^(3/2)))^(1/gamma) teacher directions above "
        "it, each paying t^2 ~ d k_eff^(-2 gamma), and drops the rest, sum_{k > k_eff} s_k^2 ~ d "
        "k_eff^(1 - 2 gamma); divided by d: R ~ k_eff^(1 - 2 gamma). The matrix analogue of "
        "plateau_risk with the effective threshold lamq d^(3/2)/n in units of the top teacher "
        "eigenvalue. Valid while 1 << k_eff << d and the GOE bulk stays below the threshold "
        "(lamq^2 >> n (R + Delta)/d, i.e. large alpha = n/d^2 at fixed k_eff). Conditions in "
        "these notes, not in a regime (the engine evaluates a regime at a representative value "
        "of the scale variable)."
    ),
)

rho_eff = paper.law(
    "rho_eff",
    quantity=(
        "learned rank of the quadratic network (number of non-zero eigenvalues of the trained "
        "S = B B^T), d^rho_eff, in the plateau"
    ),
    symbol=r"d^{\rho_{\mathrm{eff}}}",
    expr=(n / (lamq * d ** Rational(3, 2))) ** (1 / gamma),
    kind="theta",
    where=_QSE + ". The same exponent rho_eff = min(1, (log_d n - log_d lamq - 3/2)/gamma) is "
                  "used by the group's follow-up (arXiv 2606.28242) plotting code, as "
                  "transcribed in our digest",
    status="derived",
    conventions=_QCONV,
    tags={"phase", "spectrum", "rank", "quadratic"},
    scale_vars=("n", "lamq"),
    notes=(
        "Teacher direction k survives the spectral threshold when s_k ~ sqrt(d) k^-gamma > "
        "lamq d^2/(4 n): rank = d^rho_eff with rho_eff = (log_d n - log_d lamq - 3/2)/gamma "
        "(capped at 1). The rank grows like n^(1/gamma) and shrinks like lamq^(-1/gamma) as the "
        "weight decay grows. Same validity as quad_plateau_risk."
    ),
)

quad_tuned_risk = paper.law(
    "quad_tuned_risk",
    quantity="excess risk of the quadratic network at the best weight decay, min_lamq R, k* << d",
    symbol=r"R^{\mathrm{quad}\,*}",
    expr=(n / d) ** (-(1 - 1 / (2 * gamma))),
    kind="theta",
    where=_QSE,
    status="derived",
    conventions=_QCONV,
    tags={"phase", "exponent", "tuned", "quadratic"},
    scale_vars=("n",),
    notes=(
        "Balance of the variance of k kept directions, k (Delta/2 + R) d / n (a rank-k "
        "projection of the GOE noise of entry variance (Delta/2 + R) d / n, per unit of d), with "
        "the bias k^(1 - 2 gamma): k* ~ (n/(Delta d))^(1/(2 gamma)), R* ~ (n/d)^-(1 - 1/(2 "
        "gamma)). No log factor (the threshold sits at the bulk edge, not at a Gaussian "
        "maximum) -- our reading, to be checked. Needs k* << d: at fixed d it crosses over to "
        "quad_parametric_risk. Digest: the follow-up's plotting code draws a guide n^-(1 - "
        "1/(2 gamma)) at fixed d. State evolution at gamma = 2, fixed d: quick (d = 60) passes "
        "(-0.772 [-0.831, -0.687]); at d = 200 the local slopes sit at -0.767..-0.791 and turn "
        "back at the top of the range (inconclusive), 0.02 steeper than predicted -- unsettled, "
        "not a finding yet."
    ),
)

quad_parametric_risk = paper.law(
    "quad_parametric_risk",
    quantity="excess risk of the quadratic network when every direction is kept (n >> d^2)",
    symbol=r"R^{\mathrm{quad}}_{\mathrm{param}}",
    expr=d ** 2 * Delta / n,
    kind="theta",
    where=_QSE,
    status="derived",
    conventions=_QCONV,
    tags={"phase", "exponent", "parametric", "quadratic"},
    scale_vars=("n", "d"),
    notes=(
        "All eigenvalues active, lamq -> 0: the divergence is sigma = 1/(4 (2 alpha - 1)), and "
        "mse = q_hat/m_hat^2 = (mse + Delta/2)/(2 alpha) gives R = 2 mse = Delta / (2 alpha - "
        "1) -> Delta d^2 / (2 n): least squares on the d(d+1)/2 entries of S. The pole at "
        "alpha = 1/2 (n = d(d+1)/2 at finite d) is the least-squares count; it is not where the "
        "PSD network's risk peaks: near it the noisy spectrum turns negative and the PSD "
        "projection halves the degrees of freedom, moving the pole to d(d+1)/4 "
        "(quad_interpolation_peak)."
    ),
)

quad_interpolation_peak = paper.law(
    "quad_interpolation_peak",
    quantity=(
        "sample size n of the quadratic network's interpolation threshold (PSD program, "
        "vanishing weight decay), where its excess risk peaks, in the noise-dominated limit "
        "Delta >> ||S*||_F^2 / d"
    ),
    symbol=r"n^{\mathrm{quad}}_{\mathrm{peak}}",
    expr=d * (d + 1) / 4,
    kind="exact",
    where="ours, from the quadratic state evolution (lamq -> 0+, Delta >> Q0) and the "
          "statistical dimension d(d+1)/4 of the PSD cone (Amelunxen, Lotz, McCoy, Tropp "
          "2014); the paper's abstract mentions crossovers, its peak was not read",
    status="hypothesis",
    conventions=_QCONV,
    tags={"phase", "interpolation", "quadratic"},
    notes=(
        "The state evolution's divergence obeys sigma = div (sigma + 1/4)/n, div the mean "
        "divergence of its denoiser; sigma -> infinity (m_hat -> 0: training error 0, the "
        "interpolation threshold; the risk stays finite there and peaks) where n = div. When "
        "the noise dominates the teacher (Delta >> Q0 = 1) the denoiser is the PSD "
        "projection of GOE noise and div = the PSD cone's statistical dimension d(d+1)/4: n = "
        "d(d+1)/4 (alpha -> 1/4), HALF the least-squares count d(d+1)/2 of the all-kept branch "
        "(quad_parametric_risk's pole alpha = 1/2, never reached: near it the noisy spectrum "
        "goes negative and the PSD projection cuts it). The analogue of non-negative least "
        "squares' threshold n = d/2. Conditions (lamq -> 0+, Delta >> Q0) in these notes, not "
        "in a regime. At Delta ~ Q0 the teacher keeps more than half of the spectrum positive "
        "(div > d(d+1)/4) and the threshold moves up: state evolution with damping 0.3 (it "
        "converges below alpha = 1/2), d = 12, 4 draws, lamq = 1e-5: sigma diverges at alpha "
        "~ 0.35 (Delta = 1, rank 65 %) and ~ 0.29 (Delta = 100, rank 52 %; d(d+1)/(4 d^2) = "
        "0.271); d = 20, lamq = 1e-3, Delta = 1: the risk peaks at alpha ~ 0.31-0.33. The PSD "
        "ERM at d = 8, lamq = 0.01, Delta = 1 (8 replicas, FISTA not fully converged near the "
        "peak) peaks on n = 14..20 (alpha 0.22-0.31) and falls by alpha = 0.34-0.37, far below "
        "d^2/2 = 32. Checked: the noise-dominated pole (Monte Carlo divergence of the PSD "
        "projection). Not checked: the ERM/SE argmax at large Delta (the SE needs thousands of "
        "damped iterations there, the ERM's FISTA does not converge near the peak)."
    ),
)


quad_weight_head = paper.law(
    "quad_weight_head",
    quantity=(
        "k-th largest eigenvalue of the trained S = B B^T of the quadratic network (squared "
        "singular values of the first-layer weights), k << rank"
    ),
    symbol=r"\hat s_{(k)}",
    expr=k ** (-gamma),
    kind="theta",
    where="ours (state evolution: the eigenvalues of sqrt(q_hat) Z + m_hat S* - 2 lamq, "
          "soft-thresholded, track m_hat s_k for the spikes above the bulk); the abstract "
          "links power-law tails of trained weight spectra to generalisation, the paper's "
          "statement was not read",
    status="derived",
    conventions=_QCONV,
    tags={"spectrum", "power_law", "quadratic"},
    scale_vars=("k",),
    notes=(
        "s_hat_(k) = s_k - t + O(q_hat/(m_hat^2 s_k)) for s_k >> t and above the BBP edge: a "
        "power-law head with the teacher's exponent -gamma (an eigenvalue density tail "
        "rho(s) ~ s^(-1 - 1/gamma)), cut at the learned rank d^rho_eff."
    ),
)
