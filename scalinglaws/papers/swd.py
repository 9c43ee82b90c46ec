"""Weight-decay pitfalls and stable weight decay: fixed points and gradient norms.

Xie, Xu, Zhang, Sato, Sugiyama, *On the Overlooked Pitfalls of Weight Decay and How to
Mitigate Them: A Gradient-Norm Perspective*, arXiv:2011.11152 (v6, NeurIPS 2023; earlier
"Stable Weight Decay Regularization").

Model: gradient descent on a loss :math:`L` with weight decay written three ways: *vanilla*
(:math:`\\theta_{t+1} = \\theta_t - \\eta_t\\nabla L - \\lambda_0\\theta_t`, a decay that does not
scale with the learning rate), *coupled* (L2, or PyTorch's lr x wd:
:math:`\\theta_{t+1} = \\theta_t - \\eta_t(\\nabla L + \\lambda\\theta_t)`), and *AdamS* (the
paper's stable weight decay for Adam: the decoupled decay is divided by
:math:`\\sqrt{\\bar v}`, the root of the mean second-moment estimate over all parameters).
The abstract's claim: weight decay can leave large gradient norms at the end of training; the
fix scales the decay with the gradient norm.

Provenance: only the abstract and the authors' AdamS code (``zeke-xie/
stable-weight-decay-regularization``, ``swd_optim/adams.py``, read) could be consulted; the
theorem statements were not. Every law here is our exact fixed-point algebra on a diagonal
quadratic :math:`L = \\frac12(\\theta - a)^\\top H(\\theta - a)` (status ``derived``), which
makes the paper's gradient-norm mechanism exact; none is claimed to be the paper's numbered
result.
"""

from sympy import Interval, oo, sqrt

from scalinglaws.law import Paper

__all__ = ["paper"]

paper = Paper(
    "swd",
    arxiv="2011.11152",
    version=6,
    title="On the Overlooked Pitfalls of Weight Decay and How to Mitigate Them: A Gradient-Norm "
    "Perspective",
    authors="Xie, Xu, Zhang, Sato, Sugiyama",
    year=2023,
    venue="NeurIPS 2023",
    summary=(
        "Weight decay can leave large gradient norms at the end of training, because its fixed "
        "points move with the learning-rate schedule; Scheduled (stable) Weight Decay scales "
        "the decay with the gradient norm (AdamS: decoupled decay divided by the root of the "
        "mean second moment)."
    ),
    conventions=(
        "Full-batch gradient descent on L = 1/2 (theta - a)^T H (theta - a), H = diag(h_i) "
        "(coordinate i: curvature h, target a). Vanilla weight decay: theta <- theta - eta_t "
        "grad - lam0 theta (lam0 per step, not multiplied by eta). Coupled: theta <- theta - "
        "eta_t (grad + lam theta) (L2 regularisation; PyTorch SGD weight_decay). AdamS as in the "
        "authors' swd_optim/adams.py: theta <- theta (1 - eta lam / sqrt(vbar)) - eta m_hat / "
        "(sqrt(v_hat) + eps), vbar = mean of v_hat over all parameters; eps -> 0 in the "
        "fixed-point laws. Gradient norms are Euclidean; ||theta||_inf is the largest |theta_i|."
    ),
)

eta = paper.param("eta", "learning rate of the phase", latex=r"\eta")
eta1 = paper.param("eta1", "learning rate of the earlier phase", latex=r"\eta_1")
eta2 = paper.param("eta2", "learning rate of the later phase (eta2 < eta1: annealing)",
                   latex=r"\eta_2")
h = paper.param("h", "curvature of the coordinate (eigenvalue of H)")
a = paper.param("a", "target of the coordinate (unregularised optimum)")
lam0 = paper.param("lam0", "vanilla weight decay per step (not scaled by the learning rate)",
                   latex=r"\lambda_0", domain=Interval.open(0, 1))
lam = paper.param("lam", "coupled (L2) or AdamS weight-decay coefficient", latex=r"\lambda")
d = paper.param("d", "number of parameters", integer=True)

_QUAD = "exact on the diagonal quadratic (our fixed-point algebra)"

paper.law(
    "vanilla_fixed_point",
    quantity="fixed point of one coordinate under vanilla weight decay at a constant learning "
    "rate eta",
    symbol=r"\theta^*(\eta)",
    expr=eta * h * a / (eta * h + lam0),
    regime=eta * h + lam0 < 2,
    kind="exact",
    where="Section 3 (vanilla weight decay; section not read): " + _QUAD,
    status="derived",
    tags={"weight_decay", "fixed_point"},
    notes=(
        "Ours: eta h (theta - a) + lam0 theta = 0. It moves with eta, so a learning-rate "
        "schedule leaves no common fixed point except where h a lam0 = 0 "
        "(swd.vanilla_phase_gap). The regime is the convergence condition |1 - eta h - lam0| < 1."
    ),
)

paper.law(
    "vanilla_phase_gap",
    quantity="distance between the vanilla-weight-decay fixed points of one coordinate at two "
    "learning rates eta1 > eta2 (nonzero: no nonzero point is fixed under a changing learning "
    "rate)",
    expr=h * a * lam0 * (eta1 - eta2) / ((eta1 * h + lam0) * (eta2 * h + lam0)),
    regime=(eta2 < eta1) & (eta1 * h + lam0 < 2),
    kind="exact",
    where="Theorem on vanilla weight decay (numbering unverified; as described in issue 16): "
    + _QUAD,
    status="derived",
    tags={"weight_decay", "fixed_point", "schedule"},
    notes=(
        "The paper's statement as described to us (not read): vanilla weight decay has no "
        "nonzero fixed point when the learning rate changes. Ours: a fixed point would need "
        "eta_t grad L(theta*) = -lam0 theta* at every t, which for eta_1 != eta_2 forces "
        "grad L(theta*) = 0 and then theta* = 0; on the quadratic each phase has its own "
        "fixed point (swd.vanilla_fixed_point) and the iterate jumps by this distance between "
        "long phases."
    ),
)

paper.law(
    "vanilla_gradient_norm",
    quantity="||grad L(theta*)|| / ||theta*|| at the vanilla-weight-decay fixed point of a "
    "learning-rate phase eta",
    expr=lam0 / eta,
    regime=eta * h + lam0 < 2,
    kind="exact",
    where="Section 4 (gradient norm at the end of training; section not read): " + _QUAD,
    status="derived",
    tags={"weight_decay", "gradient_norm"},
    notes=(
        "Ours: eta grad L(theta*) = -lam0 theta*. Annealing eta raises the gradient norm of the "
        "fixed point: the paper's large-final-gradient-norm mechanism, exact here. The regime's "
        "h is any curvature of the problem (every coordinate must converge)."
    ),
)

paper.law(
    "coupled_fixed_point",
    quantity="fixed point of one coordinate under coupled (L2) weight decay, at any learning "
    "rate (schedule-free)",
    symbol=r"\theta^*",
    expr=h * a / (h + lam),
    regime=eta * (h + lam) < 2,
    kind="exact",
    where="Section 3 (L2 and decoupled weight decay; section not read): " + _QUAD,
    status="derived",
    tags={"weight_decay", "fixed_point"},
    notes="Ours: (H + lam I) theta* = H a, independent of eta.",
)

paper.law(
    "coupled_gradient_norm",
    quantity="||grad L(theta*)|| / ||theta*|| at a coupled (L2) weight-decay stationary point",
    expr=lam,
    kind="exact",
    where="Section 4 (gradient norm at stationary points; section not read): " + _QUAD,
    status="derived",
    tags={"weight_decay", "gradient_norm"},
    notes="Ours: grad L(theta*) + lam theta* = 0, for any loss (not only the quadratic).",
)

paper.law(
    "adams_gradient_identity",
    quantity="||grad L(theta*)||_2 / ||theta*||_inf at a fixed point of AdamS (eps -> 0, "
    "deterministic gradients, at least one coordinate with nonzero gradient)",
    expr=lam * sqrt(d),
    kind="exact",
    where="not in the paper: our fixed-point algebra of the authors' AdamS update",
    status="derived",
    tags={"weight_decay", "adams", "gradient_norm"},
    notes=(
        "Ours: at a fixed point m_hat = g, v_hat = g^2 and vbar = ||g||^2/d, so every coordinate "
        "with g_i != 0 has lam theta_i / sqrt(vbar) = -sign(g_i): |theta_i| = ||g||/(lam "
        "sqrt(d)), the largest |theta|. Hence ||g||_2 / ||theta||_2 >= lam, with equality when "
        "every coordinate is active. Adam's fixed points need a decaying learning rate: at a "
        "constant one the sign-like steps leave an O(eta) limit cycle. (AdamW's fixed points are "
        "instead the KKT points of min L subject to ||theta||_inf <= 1/lam, whose gradient norm "
        "lam does not control.)"
    ),
)
