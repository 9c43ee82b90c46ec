r"""CRONOS: convex training of two-layer (gated-)ReLU networks, the equivalence it rests on.

Feng, Frangella, Pilanci, *CRONOS: Enhancing Deep Learning with Scalable GPU Accelerated Convex
Neural Networks*, arXiv:2411.01088 (NeurIPS 2024).

CRONOS (abstract, read first-hand) trains two-layer ReLU networks through their convex
reformulation with ADMM and Nyström-preconditioned inner solves (JAX, GPU), proves convergence to
the global minimum of the convex program, and extends to deep networks by alternating
minimization (CRONOS-AM). The ADMM convergence theorem has no cheap closed-form check (its
constants are unverified) and is not registered.

The reformulation it restates (its Section 3, numbering unverified; from Pilanci & Ergen 2020,
arXiv:2002.10553, and the gated-ReLU relaxation): with fixed gates :math:`h_i` and activation
patterns :math:`D_i = \mathrm{diag}(\mathbb 1[Xh_i \ge 0])`, the non-convex gated network with
weight decay

.. math::

    \min_{u_i,\alpha_i}\ \tfrac12\Big\|\sum_{i=1}^P D_iXu_i\alpha_i - y\Big\|^2
    + \tfrac\beta2\sum_i(\|u_i\|^2+\alpha_i^2)

and the convex group lasso :math:`\min_{w_i}\tfrac12\|\sum_i D_iXw_i - y\|^2 + \beta\sum_i
\|w_i\|_2` have the same optimal value, because :math:`\min_{u\alpha = w}\tfrac12(\|u\|^2 +
\alpha^2) = \|w\|`; a network is recovered as :math:`u = w/\sqrt{\|w\|}`,
:math:`\alpha = \sqrt{\|w\|}`. The number of patterns of rank-:math:`r` data is at most
:math:`2\sum_{k<r}\binom{n-1}{k}` (registered in the plane, :math:`r = 2`: :math:`2n`).

**Not checked: the exact ReLU version** (the constrained program with cone constraints
:math:`(2D_i - I)Xv_i \ge 0` over *all* patterns, equal to the ReLU network once the width reaches
a critical size). It needs a well-kept constrained convex solver (cvxpy is not a dependency), so
it is not registered here; the gated-ReLU equivalence is checked in plain numpy/scipy instead.
"""


from scalinglaws.law import Paper

paper = Paper(
    "cronos",
    arxiv="2411.01088",
    version=None,
    title=("CRONOS: Enhancing Deep Learning with Scalable GPU Accelerated Convex Neural "
           "Networks"),
    authors="Feng, Frangella, Pilanci",
    year=2024,
    venue="NeurIPS 2024",
    summary=(
        "Two-layer (gated-)ReLU networks trained with weight decay have convex group-lasso "
        "reformulations with the same optimal value; CRONOS solves them with preconditioned "
        "ADMM on GPUs."
    ),
    conventions=(
        "Squared loss 1/2 ||f(X) - y||^2 summed over the n samples; weight decay beta/2 "
        "(||u||^2 + alpha^2) on both layers (so the group-lasso penalty is beta ||w||, not "
        "beta/2); one neuron per gate; X includes a bias column."
    ),
)

w = paper.param("w", "Euclidean norm ||w|| of the product u alpha of a neuron's two layers")
n = paper.param("n", "number of training samples", integer=True)

gated_relu_equivalence = paper.law(
    "gated_relu_equivalence",
    quantity=("ratio of the optimal value of the non-convex gated-ReLU network with weight "
              "decay to that of its convex group-lasso program (same gates)"),
    symbol=r"p^*_{\rm nonconvex}/p^*_{\rm convex}",
    expr=1,
    kind="exact",
    where=("Section 3, convex reformulation restated from Pilanci & Ergen (2020) and the "
           "gated-ReLU relaxation (numbering unverified)"),
    status="transcribed",
    tags={"convex", "relu", "weight-decay", "exact"},
    notes=("Checked by solving both sides: FISTA on the group lasso (the duality gap brackets "
           "its optimum) and conjugate gradient on the non-convex net from random starts."),
)

amgm_identity = paper.law(
    "amgm_identity",
    quantity="min over u alpha = w of 1/2 (||u||^2 + alpha^2), the weight decay of one neuron",
    symbol=r"\min_{u\alpha=w}\tfrac12(\|u\|^2+\alpha^2)",
    expr=w,
    kind="exact",
    where="Section 3 (the step from weight decay to the group-lasso penalty; numbering unverified)",
    status="transcribed",
    tags={"convex", "weight-decay", "exact"},
)

pattern_count_bound = paper.law(
    "pattern_count_bound",
    quantity=("number of distinct ReLU activation patterns diag(1[X h >= 0]) over gates h, "
              "for n samples of rank r = 2 (the bound 2 sum_{k<r} C(n-1, k) in the plane)"),
    symbol="P",
    expr=2 * n,
    regime=n >= 2,
    kind="upper",
    where="Section 3 (restated from Pilanci & Ergen 2020; Cover 1965); numbering unverified",
    status="transcribed",
    tags={"convex", "relu", "combinatorics"},
    notes=("The general bound is P <= 2 sum_{k=0}^{r-1} C(n-1, k) for rank-r data (the regions "
           "of a central arrangement of n hyperplanes in R^r); registered at r = 2, where it "
           "reads 2n and is attained by data in general position, because the partial binomial "
           "sum has no closed form the catalogue's evaluator handles."),
)
