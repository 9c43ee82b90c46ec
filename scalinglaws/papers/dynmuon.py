"""DynMuon: Muon as one point of a family of spectral shaping operators, with a p schedule.

Wu, Shah, Silwal, Zhang, *DynMuon: A Dynamic Spectral Shaping View of Muon*, arXiv:2605.17109
(v3), code github.com/fzwark/DynMuon.

The update direction is :math:`D^{(p)}(M) = U\\Sigma^pV^\\top` for the momentum
:math:`M = U\\Sigma V^\\top` (:math:`p = 1` SGD-like, :math:`p = 0` Muon, :math:`p = -1` inverse
spectrum), with a logistic schedule for :math:`p_t`. The paper chooses :math:`p` from a
per-direction mode model (local curvature :math:`\\kappa h_i`, gradient noise of variance
:math:`c_i`):

.. math::

    \\delta_{i,t+1} = \\big(1 - \\eta\\kappa h_i^{(p+1)/2}\\big)\\delta_{i,t}
    - \\eta h_i^{(p-1)/2}\\xi_{i,t}.

Provenance: the operator, schedule and mode recursion are quoted verbatim from the v3 LaTeX source
by a third party (``transcribed``) and the schedule is also in the released code; the second
moment, noise floor and stability bound are our derivations from the mode recursion
(``derived``); the paper cites a second-moment equation whose exact form we did not see.

The paper's surrogate :math:`(GG^\\top)^{(p-1)/2} \\approx \\alpha^{(p-1)/2}H^{(p-1)/2}` holds when
the gradient-noise variance of a mode is proportional to its curvature. The mode laws here carry
the exponent :math:`\\beta` of a noise variance :math:`c_i \\propto h_i^\\beta` (the paper fits
:math:`\\beta \\approx 1.4`): a noise-dominated :math:`GG^\\top \\approx m c_0 H^\\beta`
preconditions by :math:`h^{\\beta(p-1)/2}`, so the mode's contraction is :math:`1 - \\eta\\kappa
h^{1+\\beta(p-1)/2}` and its noise gain :math:`\\eta h^{\\beta(p-1)/2}` (ours; :math:`\\beta = 1` is
the paper's form).
"""

from sympy import Interval, exp, log

from scalinglaws.law import Paper

paper = Paper(
    "dynmuon",
    arxiv="2605.17109",
    version=3,
    title="DynMuon: A Dynamic Spectral Shaping View of Muon",
    authors="Wu, Shah, Silwal, Zhang",
    year=2026,
    summary=(
        "Replace Muon's polar factor by U Sigma^p V^T with p scheduled from positive (early) to "
        "negative (late) by a logistic curve; a per-direction mode model explains the choice."
    ),
    conventions=(
        "Momentum M = U Sigma V^T (exact SVD); update direction U Sigma^p V^T. Training "
        "fraction s = t/T. Mode model: residual E_t = W_t - W*, gradient ~ kappa H E_t + noise, "
        "H = Q diag(h_i) Q^T with h_i in (0, 1], max h_i = 1; delta_i = (Q^T E)_i; noise "
        "projection xi_i with mean 0 and variance c_i, independent across steps; fixed eta, "
        "kappa and p."
    ),
)

p = paper.param("p", "spectral shaping exponent (1: SGD, 0: Muon, -1: inverse spectrum)",
                domain=Interval(-2, 2))
sigma = paper.param("sigma", "a singular value of the momentum M", latex=r"\sigma")
s = paper.param("s", "training fraction t/T", domain=Interval(0, 1))
tau = paper.param("tau", "centre of the logistic p schedule (fraction of training)",
                  domain=Interval.open(0, 1), latex=r"\tau")
w = paper.param("w", "width of the logistic p schedule (fraction of training)")
p_min = paper.param("p_min", "final (smallest) exponent of the schedule", domain=Interval(-2, 2),
                    latex=r"p_{\min}")
p_max = paper.param("p_max", "initial (largest) exponent of the schedule", domain=Interval(-2, 2),
                    latex=r"p_{\max}")
x = paper.param("x", "a value of p between p_min and p_max", domain=Interval(-2, 2))
h = paper.param("h", "curvature of a mode relative to the top one", domain=Interval.Lopen(0, 1))
eta = paper.param("eta", "learning rate", latex=r"\eta")
kappa = paper.param("kappa", "curvature scale", latex=r"\kappa")
c = paper.param("c", "variance of the gradient noise projected on the mode")
m = paper.param("m", "second moment E delta_t^2 of the mode at step t")
beta = paper.param(
    "beta",
    "exponent of the preconditioner's curvature law G G^T ~ alpha H^beta (noise-dominated "
    "gradients with noise variance c_i ~ h_i^beta); the paper's surrogate is beta = 1",
    domain=Interval(0, 3),
    latex=r"\beta",
)

_MODE = (
    "Section 3, boxed equation eq:scalar_dynamics_model (v3 LaTeX), as transcribed, for beta = 1; "
    "general beta ours"
)
_BETA = (
    " The paper's curvature-aligned surrogate (G G^T)^((p-1)/2) ~ alpha^((p-1)/2) H^((p-1)/2) "
    "holds when the gradient-noise variance of a mode is proportional to its curvature (beta = "
    "1). With noise variance c ~ h^beta (the paper's own fit: beta ~ 1.4) a noise-dominated "
    "G G^T ~ m c_0 H^beta, so the preconditioner is H^(beta (p-1)/2) (alpha absorbed in eta, as "
    "in the paper): ours, issue 14; beta = 1 gives the paper's form."
)
_SURROGATE = (
    " Finding (about the paper's surrogate, not the mode model): on the wide noise-dominated "
    "matrix process (n = 8 modes, m = 512 columns, exact U Sigma^p V^T at p = -0.25, eta_eff "
    "kappa = 0.1, alpha = m c_0 computed; mean over the modes of ln(measured / law), 8 "
    "replicas) every mode observable sees an effective step 2-2.5 % below eta "
    "alpha^((p-1)/2): stationary floor -0.0176 [-0.0204, -0.0148] (beta = 1) and -0.0239 "
    "[-0.0258, -0.0214] (beta = 1.4); noise gain (innovation std / sqrt c) -0.0197 [-0.0198, "
    "-0.0196] and -0.0257 [-0.0258, -0.0256]; contraction (lag-1 regression) +0.0017 "
    "[+0.0016, +0.0019] and +0.0027 [+0.0025, +0.0029]. That is the surrogate's first-order "
    "signal error: kappa H E adds kappa^2 h^2 E delta^2 to diag(G G^T), shrinking the step by "
    "(1 + kappa^2 h^2 E delta^2/c)^((p-1)/2), -0.022 on the log floor averaged over the "
    "modes. The beta = 1 forms on the beta = 1.4 process are off by +0.27 (floor) and +0.26 "
    "(gain), and the floor's slope in h there is -0.477 (law -0.475, beta = 1 form -0.225)."
)
_exponent = 1 + beta * (p - 1) / 2  # power of h in the mode's contraction rate
_contraction = 1 - eta * kappa * h**_exponent
_gain = eta * h ** (beta * (p - 1) / 2)

shaping = paper.law(
    "shaping",
    quantity="singular-value map of the shaping operator D^(p)(M) = U Sigma^p V^T",
    symbol=r"D^{(p)}(\sigma)",
    expr=sigma**p,
    kind="exact",
    where="Introduction (v3 LaTeX); code shape_with_p_lam_via_svd",
    status="transcribed",
    tags={"operator", "definition"},
    unchecked=(
        "definition: the shaping operator U Sigma^p V^T itself, which every matrix-process check "
        "applies (exact SVD)"
    ),
    notes=(
        "p = 0 is Muon's polar factor U V^T, p = 1 the raw momentum. The released optimizer "
        "does not apply U Sigma^p V^T: for p >= 1/4 it returns M, for 0 <= p < 1/4 "
        "Newton-Schulz(M), for p < 0 a 'Fast-Spectral' surrogate that multiplies the singular "
        "values by 1 + delta(s^2 - 1) + delta(delta - 1)(s^2 - 1)^2/2 (delta = p/2, s = "
        "sigma/||M||_F), a <= 20% reweighting at p = -1/4 (our reading of the code)."
    ),
)

p_schedule = paper.law(
    "p_schedule",
    quantity="shaping exponent p_t at training fraction s = t/T (logistic schedule)",
    symbol="p_t",
    expr=p_min + (p_max - p_min) / (1 + exp((s - tau) / w)),
    kind="exact",
    where="Algorithm 1 (v3 LaTeX) and dynmuon/dynmuon.py",
    status="transcribed",
    tags={"schedule", "definition"},
    unchecked=(
        "definition: the paper's logistic schedule, which the schedule_crossing checks run step "
        "by step"
    ),
    notes=(
        "Defaults p_max = 1, p_min = -1/4. (tau, w) differ between sources: appendix "
        "tau = 0.02, w = 0.01; README/CLI and train_gpt.py 0.04/0.04; the scheduler class "
        "0.02/0.08. p_max is never reached: p_0 = p_min + (p_max - p_min)/(1 + e^(-tau/w))."
    ),
)

schedule_crossing = paper.law(
    "schedule_crossing",
    quantity="training fraction s at which the logistic schedule passes the value p = x",
    symbol="s_x",
    expr=tau + w * log((p_max - x) / (x - p_min)),
    regime=(p_min < x) & (x < p_max),
    kind="exact",
    reference=paper.reference("inverse of the schedule of Algorithm 1 (ours)", "derived"),
    tags={"schedule"},
    notes=(
        "Ours. With p_max = 1, p_min = -1/4 the released code switches from raw momentum to "
        "Newton-Schulz at s_(1/4) = tau + w ln(3/2) and to the negative-p surrogate at "
        "s_0 = tau + w ln 4."
    ),
)

mode_contraction = paper.law(
    "mode_contraction",
    quantity="contraction factor of a mode's residual per step in the mode recursion",
    expr=_contraction,
    kind="exact",
    where=_MODE,
    status="derived",
    tags={"mode_model"},
    notes=(
        "Larger p contracts strong modes faster; at beta = 1, p = -1 equalises contraction "
        "across modes (in general p = 1 - 2/beta)." + _BETA + _SURROGATE
    ),
)

mode_noise_gain = paper.law(
    "mode_noise_gain",
    quantity="gain applied to the mode's gradient noise xi per step in the mode recursion",
    expr=_gain,
    kind="exact",
    where=_MODE,
    status="derived",
    tags={"mode_model"},
    notes=(
        "Smaller p amplifies the noise of flat modes (h^(beta (p-1)/2) grows as h -> 0 for "
        "p < 1)." + _BETA + _SURROGATE
    ),
)

second_moment = paper.law(
    "second_moment",
    quantity="second moment E delta_(t+1)^2 of a mode after one step, given E delta_t^2 = m",
    expr=_contraction**2 * m + _gain**2 * c,
    kind="exact",
    reference=paper.reference(
        "from eq:scalar_dynamics_model (ours; the paper's eq:one_step_second_moment is unread)",
        "derived",
    ),
    tags={"mode_model", "second_moment"},
    notes="Ours: square the recursion and average, with E xi = 0, E xi^2 = c, xi independent of delta_t.",
)

noise_floor = paper.law(
    "noise_floor",
    quantity="stationary second moment of a mode under fixed eta, kappa, p (the noise floor)",
    expr=_gain**2 * c / (1 - _contraction**2),
    regime=eta * kappa * h**_exponent < 2,
    kind="exact",
    reference=paper.reference("fixed point of the second-moment recursion (ours)", "derived"),
    tags={"mode_model", "second_moment", "noise_floor"},
    notes=(
        "Ours. For small eta it is ~ eta c h^(beta (p-1)/2 - 1)/(2 kappa). With the noise law "
        "c = c_0 h^beta that sets beta, the floor goes like h^(beta (p+1)/2 - 1) and grows "
        "towards flat modes iff p < 2/beta - 1 (with the paper's beta ~ 1.4: p < 0.43; the "
        "floor's slope in h at p = -0.25 is -0.475, against -0.225 from the beta = 1 form "
        "with c ~ h^1.4, which this law read before issue 14: p < 3 - 2 beta was that "
        "form's condition)." + _SURROGATE
    ),
)

stability = paper.law(
    "stability_step",
    quantity="largest stable learning rate of a mode (second moment bounded) at fixed p",
    symbol=r"\eta_{\max}",
    expr=2 / (kappa * h**_exponent),
    kind="exact",
    reference=paper.reference("|contraction| < 1 in eq:scalar_dynamics_model (ours)", "derived"),
    tags={"mode_model", "stability"},
    notes=(
        "Ours. For p > 1 - 2/beta (p > -1 at beta = 1) the strongest mode (h = 1) binds, "
        "eta < 2/kappa; below it the flattest mode binds. A statement about the mode model: on "
        "the matrix process a step near it puts the floor's signal kappa^2 h^2 E delta^2 ~ c "
        "x/(2 - x) (x = eta kappa h^(1 + beta (p-1)/2)) far outside the noise-dominated regime "
        "where the surrogate holds."
    ),
)

small_step_floor = paper.law(
    "small_step_floor",
    quantity="noise floor of a mode to first order in the learning rate",
    expr=eta * c * h ** (beta * (p - 1) / 2 - 1) / (2 * kappa),
    kind="theta",
    reference=paper.reference("small-eta expansion of the noise floor (ours)", "derived"),
    tags={"mode_model", "noise_floor"},
    notes=(
        "Ours: the limit of noise_floor / eta as eta -> 0, times eta. With c = c_0 h^beta it "
        "goes like h^(beta (p+1)/2 - 1): flat modes carry the larger floor iff p < 2/beta - 1."
    ),
)
