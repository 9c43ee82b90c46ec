r"""Spectral dynamics of hidden weights: bulk, outlier escape, edge of stability, μP vs NTP.

Lauditi, Pehlevan, Bordelon, *Spectral Dynamics in Deep Networks: Feature Learning, Outlier
Escape, and Learning Rate Transfer*, arXiv:2605.07870 (v2, 2026).

The paper (abstract only available) develops a two-level DMFT that tracks the bulk and the
outliers of hidden-weight spectra during training; in deep linear networks μP gives
width-consistent outlier dynamics and hyperparameter transfer, including width-stable growth of
the leading NTK mode toward the edge of stability, while the NTK parameterization has strongly
width-dependent outlier dynamics although it converges to a stable large-width limit.

What is encoded: the random-matrix facts the outlier picture rests on (textbook, not from the
paper: the bulk edge of a Gaussian matrix and the BBP location of a rank-one spike,
Benaych-Georges & Nadakuditi), the edge-of-stability bound on the sharpness (Cohen et al.), and
our checkable form of the μP collapse statement (``hypothesis``): the escape of the top
singular value of the hidden matrix from the bulk is Θ(1) in width under μP.

Model for the network laws: the depth-2 linear network of
:mod:`~scalinglaws.validators.processes.wide_nets` (input ``D -> N``, hidden ``N x N``, scalar
readout), full-batch GD on a linear teacher; μP: readout :math:`1/(\gamma_0N)`, learning rate
:math:`\eta\gamma_0^2N`; NTP: readout :math:`1/\sqrt N`, learning rate :math:`\eta`.
"""

from sympy import Integer, Interval, oo, sqrt

from scalinglaws.law import Paper, Reference

paper = Paper(
    "dmft_spectral",
    arxiv="2605.07870",
    version=2,
    title="Spectral Dynamics in Deep Networks: Feature Learning, Outlier Escape, and Learning "
          "Rate Transfer",
    authors="Lauditi, Pehlevan, Bordelon",
    year=2026,
    summary=(
        "A two-level DMFT tracks bulk and outlier spectra of hidden weights; in deep linear "
        "networks muP gives width-consistent outlier dynamics and learning-rate transfer, with "
        "the leading NTK mode growing to the edge of stability; NTP's outlier dynamics are "
        "strongly width dependent."
    ),
    conventions=(
        "Random matrices: N x D with entries N(0, 1/N), aspect ratio c = D/N <= 1, singular "
        "values. Networks: depth-2 linear net D -> N -> N -> 1, weights N(0, 1); hidden matrix "
        "singular values of W/sqrt(N). Sharpness: top eigenvalue of the NTK divided by P, in "
        "learning-rate units (one GD step moves the output by (eta/P) K Delta)."
    ),
)

c = paper.param("c", "aspect ratio D/N of the Gaussian matrix", domain=Interval.Lopen(0, 1))
theta = paper.param("theta", "strength of the rank-one spike theta u v^T (unit u, v)",
                    latex=r"\theta")
eta = paper.param("eta", "learning rate (muP units: the network's rate is eta gamma0^2 N)",
                  latex=r"\eta")
N = paper.param("N", "width", integer=True)

_BGN = Reference(
    arxiv="1103.2221",
    where="Benaych-Georges & Nadakuditi (2012), rank-one Gaussian example; textbook, not from "
          "arXiv:2605.07870",
    status="derived",
    title="The singular values and vectors of low rank perturbations of large rectangular "
          "random matrices",
    authors="Benaych-Georges, Nadakuditi",
    year=2012,
)

bulk_edge = paper.law(
    "bulk_edge",
    quantity="largest singular value of an N x D Gaussian matrix, entries N(0, 1/N), N -> oo",
    symbol=r"s_{\mathrm{edge}}",
    expr=1 + sqrt(c),
    kind="exact",
    reference=_BGN,
    tags={"random_matrix", "textbook", "bulk"},
    notes=(
        "Textbook (Marchenko-Pastur edge; Geman 1980), tagged 'derived' because it is quoted "
        "as the background of the paper, not read in it. Finite N: the top singular value sits "
        "O(N^-2/3) below the edge (Tracy-Widom), so the check extrapolates in N^-2/3."
    ),
)

bbp_outlier = paper.law(
    "bbp_outlier",
    quantity=("largest singular value of X + theta u v^T (X as in bulk_edge, unit u, v), "
              "N -> oo, above the BBP threshold"),
    symbol=r"s_1",
    expr=sqrt((1 + theta**2) * (c + theta**2)) / theta,
    regime=theta > c ** (Integer(1) / 4),
    kind="exact",
    reference=_BGN,
    tags={"random_matrix", "textbook", "outlier", "bbp"},
    notes=(
        "Textbook (BBP transition; Benaych-Georges & Nadakuditi 2012), not from the paper. "
        "Below theta = c^(1/4) the top singular value sticks to the edge 1 + sqrt(c) "
        "(dmft_spectral.bulk_edge). Finite-N corrections O(N^-1/2) in fluctuation, O(1/N) in mean."
    ),
)

eos_sharpness = paper.law(
    "eos_sharpness",
    quantity=("sharpness (top NTK eigenvalue / P, learning-rate units) late in full-batch GD; "
              "at the edge of stability it settles at 2/eta"),
    symbol=r"\lambda_{\max}(K)/P",
    expr=2 / eta,
    kind="upper",
    reference=Reference(
        arxiv="2103.00065",
        where="Cohen et al. (2021), edge of stability; textbook, not from arXiv:2605.07870",
        status="derived",
        title="Gradient Descent on Neural Networks Typically Occurs at the Edge of Stability",
        authors="Cohen, Kaur, Li, Kolter, Talwalkar",
        year=2021,
    ),
    tags={"edge_of_stability", "sharpness", "deep_linear"},
    notes=(
        "Stability of GD on the quadratic model: eta lambda_max(K)/P <= 2; at the edge of "
        "stability progressive sharpening drives the sharpness up to this value, so the bound "
        "is tight (the engine's control 0.9 * 2/eta must be rejected). The paper's claim "
        "(abstract): under muP the leading NTK mode grows width-stably toward the EoS. Checked "
        "on the depth-2 muP linear net, gamma0 = 1, where gradient flow would sharpen to "
        "about 2.5 (> 2/eta for eta >= 1)."
    ),
)

outlier_collapse = paper.law(
    "outlier_collapse",
    quantity=("escape s1(T) - s1(0) of the top singular value of the hidden matrix W/sqrt(N) "
              "after T muP GD steps (fixed gamma0, eta, T, data): Theta(1) in width"),
    symbol=r"s_1(T) - s_1(0)",
    expr=Integer(1),
    kind="theta",
    where="abstract (muP: width-consistent outlier dynamics; NTP: width-dependent); our "
          "quantitative form",
    status="hypothesis",
    tags={"outlier", "mup", "collapse", "deep_linear"},
    scale_vars=(),
    notes=(
        "Our checkable form of the abstract's collapse statement. Under muP the accumulated "
        "update of the hidden matrix is a Theta(1) low-rank spike in operator norm (relative to "
        "the bulk of size 2), so its outlier separates from the edge by a width-independent "
        "amount (BBP); under NTP the spike is O(1/sqrt N) and no outlier escapes (the tests "
        "show NTP fails this law). Measured on the depth-2 linear net, D = P = 16, gamma0 = 1, "
        "eta = 0.2, T = 200, target norm 3 sqrt(P)."
    ),
)

spike_strength = paper.law(
    "spike_strength",
    quantity=("operator norm of the accumulated hidden-weight update |W(T) - W(0)|_op / sqrt(N) "
              "after T muP GD steps (fixed gamma0, eta, T, data): Theta(1) in width"),
    symbol=r"\|W(T) - W(0)\|_{\mathrm{op}}/\sqrt N",
    expr=Integer(1),
    kind="theta",
    where="abstract (spiked ensembles whose spikes depend on the bulk; muP width-consistent); "
          "our quantitative form",
    status="hypothesis",
    tags={"outlier", "mup", "collapse", "deep_linear", "spike"},
    scale_vars=(),
    notes=(
        "The spike theta of the bulk + spike picture: under muP the hidden matrix's update is a "
        "low-rank matrix of Theta(1) operator norm relative to the bulk; under NTP it is "
        "O(1/sqrt N) (measured slope about -0.5; the tests show NTP fails this law). Same runs "
        "as dmft_spectral.outlier_collapse."
    ),
)
