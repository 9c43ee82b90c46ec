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
"""

from sympy import Interval, exp, log, oo

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

_MODE = "Section 3, boxed equation eq:scalar_dynamics_model (v3 LaTeX), as transcribed"
_contraction = 1 - eta * kappa * h ** ((p + 1) / 2)
_gain = eta * h ** ((p - 1) / 2)

shaping = paper.law(
    "shaping",
    quantity="singular-value map of the shaping operator D^(p)(M) = U Sigma^p V^T",
    symbol=r"D^{(p)}(\sigma)",
    expr=sigma**p,
    kind="exact",
    where="Introduction (v3 LaTeX); code shape_with_p_lam_via_svd",
    status="transcribed",
    tags={"operator", "definition"},
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
    status="transcribed",
    tags={"mode_model"},
    notes="Larger p contracts strong modes faster; p = -1 equalises contraction across modes.",
)

mode_noise_gain = paper.law(
    "mode_noise_gain",
    quantity="gain applied to the mode's gradient noise xi per step in the mode recursion",
    expr=_gain,
    kind="exact",
    where=_MODE,
    status="transcribed",
    tags={"mode_model"},
    notes="Smaller p amplifies the noise of flat modes (h^((p-1)/2) grows as h -> 0 for p < 1).",
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
    regime=eta * kappa * h ** ((p + 1) / 2) < 2,
    kind="exact",
    reference=paper.reference("fixed point of the second-moment recursion (ours)", "derived"),
    tags={"mode_model", "second_moment", "noise_floor"},
    notes=(
        "Ours. For small eta it is ~ eta c h^((p-3)/2)/(2 kappa). With the paper's empirical "
        "noise law c ~ h^beta (beta ~ 1.4, transcribed) the floor grows towards flat modes iff "
        "p < 3 - 2 beta. Verification (ours): on the matrix process E <- E - eta U Sigma^p V^T, "
        "G = kappa H E + Xi, in the wide noise-dominated regime where the curvature-aligned "
        "surrogate holds (n = 8 modes, m = 512 columns, Var Xi_ij = h_i, alpha = m computed, "
        "eta_eff kappa = 0.1), the stationary row second moments at p = -0.25 are "
        "-0.0176 [-0.0204, -0.0148] in mean log ratio off this law (8 replicas): a finding about "
        "the surrogate, not about this law. The offset has the sign and size of the surrogate's "
        "first-order signal error: kappa H E adds kappa^2 h^2 E delta^2 to diag(GG^T), shrinking "
        "the effective step by (1 + kappa^2 h^2 E delta^2/c)^((p-1)/2), a shift of -0.022 on "
        "average over the modes (the stated first-order bound of the surrogate's error is "
        "0.039); the unshaped (p = 1) floor is off by 0.72."
    ),
)

stability = paper.law(
    "stability_step",
    quantity="largest stable learning rate of a mode (second moment bounded) at fixed p",
    symbol=r"\eta_{\max}",
    expr=2 / (kappa * h ** ((p + 1) / 2)),
    kind="exact",
    reference=paper.reference("|contraction| < 1 in eq:scalar_dynamics_model (ours)", "derived"),
    tags={"mode_model", "stability"},
    notes=(
        "Ours. For p > -1 the strongest mode (h = 1) binds, eta < 2/kappa; for p < -1 the "
        "flattest mode binds."
    ),
)

small_step_floor = paper.law(
    "small_step_floor",
    quantity="noise floor of a mode to first order in the learning rate",
    expr=eta * c * h ** ((p - 3) / 2) / (2 * kappa),
    kind="theta",
    reference=paper.reference("small-eta expansion of the noise floor (ours)", "derived"),
    tags={"mode_model", "noise_floor"},
    notes="Ours: the limit of noise_floor / eta as eta -> 0, times eta.",
)

