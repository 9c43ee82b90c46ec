"""POET: training by orthogonal equivalence transformations, and its Cayley-Neumann truncation.

Qiu, Buchholz, Xiao, Dax, Schölkopf, Liu, *Reparameterized LLM Training via Orthogonal
Equivalence Transformation*, arXiv:2506.08001 (NeurIPS 2025). Code: ``Sphere-AI-Lab/poet``.

POET trains a weight matrix as :math:`W = R\\,W_0\\,P` with :math:`W_0` fixed (random) and
:math:`R \\in O(m)`, :math:`P \\in O(n)` learned, so the singular values of :math:`W` are those of
:math:`W_0`. The orthogonal factors are parameterized by the Cayley transform of a
skew-symmetric :math:`Q`, :math:`(I+Q)(I-Q)^{-1}`, truncated as a Neumann series
:math:`R_k = (I+Q)\\sum_{i=0}^{k} Q^i` (Cayley-Neumann parameterization, CNP), and made cheap by
stochastic primitive orthogonal matrices (SPO): block-diagonal rotations under a random
permutation (POET-BS) or a rotation of a random subset of coordinates (POET-FS).

Provenance: only the abstract and a third-party reading of the authors' README and code were
available (status ``transcribed``); the exact orthogonality error of the truncation, its
even/odd asymmetry and the SPO orthogonality are our derivations (``derived``).
"""

from sympy import Eq, Interval, Mod, sqrt

from scalinglaws.law import Paper

__all__ = ["paper"]

paper = Paper(
    "poet",
    arxiv="2506.08001",
    version=None,
    title="Reparameterized LLM Training via Orthogonal Equivalence Transformation",
    authors="Qiu, Buchholz, Xiao, Dax, Schölkopf, Liu",
    year=2025,
    venue="NeurIPS 2025",
    summary=(
        "POET reparameterizes each weight matrix as R W0 P with W0 fixed and R, P orthogonal, "
        "which preserves the singular values of W0; the orthogonal factors use a truncated "
        "Cayley-Neumann series and stochastic block or subset rotations to scale."
    ),
    conventions=(
        "W0 is m x n; R is m x m, P is n x n. Q is real skew-symmetric with spectral radius rho "
        "(eigenvalues +-i theta_j, theta_j <= rho). The CNP of order k is R_k = (I + Q) "
        "sum_{i=0}^k Q^i (k >= 1). Orthogonality error: the largest |sigma_j(R_k) - 1| "
        "over the singular values of R_k. POET-BS: Psi^T blockdiag(G_1, ..., G_{m/b}) Psi with "
        "b x b orthogonal blocks G_j and a permutation Psi; POET-FS: I + D^T (G - I) D with D "
        "selecting b coordinates."
    ),
)

s = paper.param("s", "a singular value of W0 (the j-th largest)")
rho = paper.param("rho", "spectral radius of the skew-symmetric generator Q", latex=r"\rho")
k = paper.param("k", "order of the Cayley-Neumann truncation (1 to 64: the orders in use are "
                "small, and rho^(2k+2) stays a float64 number for rho >= 0.01)", integer=True,
                domain=Interval(1, 64))
m = paper.param("m", "size of the orthogonal factor (rows of W0 for R)", integer=True)
b = paper.param("b", "block size of POET-BS", integer=True)

paper.law(
    "spectrum_invariance",
    quantity="j-th largest singular value of R W0 P for orthogonal R and P",
    expr=s,
    kind="exact",
    where="Section 3 (orthogonal equivalence transformation; as quoted from the README)",
    status="transcribed",
    tags={"poet", "spectrum", "identity"},
    notes=(
        "Exact: R W0 P = (R U) Sigma (P^T V)^T is an SVD. Moreover P preserves the row Gram "
        "matrix W0 W0^T (norms and angles of the neurons, hence hyperspherical energy) and R the "
        "column Gram matrix; which of the two the paper's 'energy preservation' refers to is "
        "unverified. With the truncated CNP, R_k is not exactly orthogonal and the spectrum "
        "drifts by poet.cnp_error_even or poet.cnp_error_odd per merge (multiplicatively over merges)."
    ),
)

_CNP_NOTES = (
    "Ours: R_k = C (I - Q^(k+1)) with C = (I + Q)(I - Q)^-1 exactly orthogonal, and Q normal, "
    "so the singular values of R_k are |1 - (i theta_j)^(k+1)|, largest deviation at theta = "
    "rho for rho < 1. For even k that is sqrt(1 + theta^(2k+2)) (error ~ theta^(2k+2)/2), for "
    "odd k |1 -+ theta^(k+1)| (error theta^(k+1)): even orders are far more accurate (at rho = "
    "0.104: 1.1e-2, 6.3e-7, 1.2e-4, 7.4e-11, 1.3e-6 for k = 1..5). Transcribed (digest of the "
    "authors' code, not read by us): the released kernel computes I + 2 sum_{i=1}^4 Q^i, the "
    "truncated series of -I + 2 (I - Q)^-1, which is not R_k for any k (it differs from R_3 by "
    "Q^4); its error is about 2 rho^6."
)

paper.law(
    "cnp_error_even",
    quantity="orthogonality error max_j |sigma_j(R_k) - 1| of the Cayley-Neumann truncation "
    "R_k = (I + Q) sum_{i<=k} Q^i, even k",
    expr=rho ** (2 * k + 2) / (sqrt(1 + rho ** (2 * k + 2)) + 1),
    regime=(rho < 1) & Eq(Mod(k, 2), 0),
    kind="exact",
    where="not in the paper: our algebra of the CNP of Section 3.2",
    status="derived",
    tags={"poet", "cayley", "orthogonality"},
    notes="sqrt(1 + rho^(2k+2)) - 1, written without cancellation. " + _CNP_NOTES,
)

paper.law(
    "cnp_error_odd",
    quantity="orthogonality error max_j |sigma_j(R_k) - 1| of the Cayley-Neumann truncation "
    "R_k = (I + Q) sum_{i<=k} Q^i, odd k",
    expr=rho ** (k + 1),
    regime=(rho < 1) & Eq(Mod(k, 2), 1),
    kind="exact",
    where="not in the paper: our algebra of the CNP of Section 3.2",
    status="derived",
    tags={"poet", "cayley", "orthogonality"},
    notes=_CNP_NOTES,
)

paper.law(
    "spo_orthogonality",
    quantity="largest entry of |R^T R - I| for a stochastic primitive orthogonal matrix "
    "(POET-BS or POET-FS) built from orthogonal blocks",
    expr=0,
    kind="exact",
    where="Section 3.3 (stochastic primitive optimization; section not read): our algebra",
    status="derived",
    tags={"poet", "spo", "orthogonality", "identity"},
    notes=(
        "Ours: a permutation conjugate of a block-diagonal orthogonal matrix is orthogonal; "
        "I + D^T (G - I) D with D D^T = I_b acts as G on the selected coordinates and as the "
        "identity elsewhere. Exact only when each block is exactly orthogonal (exact Cayley, "
        "not the truncation)."
    ),
)

paper.law(
    "spo_parameter_count",
    quantity="number of independent trainable parameters of one POET-BS orthogonal factor "
    "(m x m, m/b blocks of size b x b)",
    expr=m * (b - 1) / 2,
    regime=b <= m,
    kind="exact",
    where="Section 3.3; n_elements = b(b-1)/2 per block in poet_layer_paper.py (transcribed)",
    status="transcribed",
    tags={"poet", "spo", "parameters"},
    notes=(
        "(m/b) blocks of b(b-1)/2 skew-symmetric generator entries each; b must divide m. At "
        "b = m it is the dimension m(m-1)/2 of O(m); the dense W0 of size m x n costs m n."
    ),
)
