"""Escape dynamics and implicit bias of one-pass SGD in over-parameterised quadratic networks.

Bocchi, Regimbeau, Lucibello, Saglietti, Cammarota, *Escape dynamics and implicit bias of
one-pass SGD in overparameterized quadratic networks*, arXiv:2604.03068 (v1, 2026).

Model (our normalisation; the paper's own is unverified): teacher–student two-layer network with
quadratic activation, input :math:`x \\sim N(0, I_N)`, student width :math:`p`, teacher width
:math:`p^*` (orthonormal teacher rows, :math:`T = I`), :math:`\\hat y = \\frac1p\\sum_j
(w_j\\cdot x)^2/N`, :math:`y = \\frac1{p^*}\\sum_k (w^*_k\\cdot x)^2/N`, square loss
:math:`\\frac12(\\hat y - y)^2`, one-pass SGD with rate :math:`\\eta`, time
:math:`t = \\text{steps}/N`. As :math:`N\\to\\infty` the overlaps :math:`Q = WW^\\top/N`,
:math:`R = WW^{*\\top}/N` obey closed ODEs
(:mod:`scalinglaws.validators.processes.overlap_ode`).

Provenance: only the abstract of the paper could be read (arXiv listing and mirrors). It states
the setting (overlap ODEs at finite p, p*, N → ∞ with α = M/N), that over-parameterisation only
modestly speeds up the escape from a plateau by changing a prefactor, that a continuous symmetry
gives a manifold of zero-loss solutions for p > 1 from which the dynamics picks the point
closest to the initialisation, enforced by a conserved quantity of the ODEs, and that the
solution manifold consists of marginal minima. Every formula below is our derivation from the
model (status ``derived``), checked on the ODEs and on SGD; none is quoted from the paper.
"""

from sympy import Integer, sqrt

from scalinglaws.law import Paper

paper = Paper(
    "quadratic_escape",
    arxiv="2604.03068",
    version=1,
    title="Escape dynamics and implicit bias of one-pass SGD in overparameterized quadratic networks",
    authors="Bocchi, Regimbeau, Lucibello, Saglietti, Cammarota",
    year=2026,
    summary=(
        "One-pass SGD on a teacher-student quadratic network in high dimension: overlap ODEs, a "
        "plateau escaped in a time ~ ln N, and an implicit bias towards the zero-loss solution "
        "closest to the initialisation, enforced by a conserved quantity."
    ),
    conventions=(
        "x ~ N(0, I_N); student rows w_j (j <= p), teacher rows w*_k (k <= p*) orthonormal with "
        "|w*_k|^2 = N (T = I); yhat = (1/p) sum_j (w_j.x)^2/N, y = (1/p*) sum_k (w*_k.x)^2/N; "
        "loss (yhat - y)^2/2; one-pass SGD w_j <- w_j - eta (2/p) e (w_j.x/sqrt N) x/sqrt N; "
        "time t = steps/N; population error eps = E(yhat - y)^2/2. Student rows start "
        "N(0, sigma0^2 I_N). Rates and times are for the eta -> 0 limit of the overlap ODEs "
        "(gradient flow in the time eta t); the eta^2 SGD-noise term shifts them by O(eta). "
        "Our normalisation: the paper's readout and learning-rate conventions are unverified."
    ),
)

p = paper.param("p", "student width (hidden units)", integer=True)
p_star = paper.param("p_star", "teacher width", integer=True, latex=r"p^{*}")
eta = paper.param("eta", "SGD learning rate", latex=r"\eta")
N = paper.param("N", "input dimension", integer=True)
sigma0 = paper.param("sigma0", "scale of the initial student rows", latex=r"\sigma_0")

_ODE = ("Overlap ODEs of the model (our derivation: Gaussian moments E[e u u^T] = tr(DC) C + "
        "2 CDC with C the overlap matrix and D = diag(I_p/p, -I_p*/p*)), eta -> 0.")

plateau_overlap = paper.law(
    "plateau_overlap",
    quantity="student self-overlap q on the unaligned plateau (R = 0, Q = q I)",
    symbol=r"q_{\mathrm{pl}}",
    expr=p / (p + 2),
    kind="exact",
    where="plateau of the overlap ODEs (abstract: 'a plateau of poor generalization'); formula ours",
    status="derived",
    tags={"plateau", "ode"},
    notes=_ODE + " Fixed point of dq/dt = -(4 eta/p) q [(q - 1) + 2 q/p] with R = 0.",
)

plateau_error = paper.law(
    "plateau_error",
    quantity="population error on the unaligned plateau",
    symbol=r"\varepsilon_{\mathrm{pl}}",
    expr=1 / (p + 2) + 1 / p_star,
    kind="exact",
    where="plateau of the overlap ODEs; formula ours",
    status="derived",
    tags={"plateau", "ode", "error"},
    notes=_ODE + " eps = [(q - 1)^2 + 2 q^2/p + 2/p*]/2 at q = p/(p + 2).",
)

escape_rate = paper.law(
    "escape_rate",
    quantity="exponential growth rate of the student-teacher overlap R on the plateau, R ~ exp(a t)",
    symbol="a",
    expr=4 * eta / (p * p_star),
    kind="exact",
    where="linearisation of the overlap ODEs at the plateau; formula ours",
    status="derived",
    tags={"plateau", "escape", "ode"},
    notes=_ODE + " At Q = q_pl I, dR/dt = (4 eta/(p p*)) R + O(|R|^3).",
)

escape_time_slope = paper.law(
    "escape_time_slope",
    quantity=("slope of the escape time in ln N: t_esc = (p p*/(8 eta)) ln N + O(1), for an "
              "initialisation with R(0) = O(N^-1/2)"),
    symbol=r"\mathrm{d}t_{\mathrm{esc}}/\mathrm{d}\ln N",
    expr=p * p_star / (8 * eta),
    kind="exact",
    where="abstract ('escape from a plateau'); formula ours: t_esc = ln(1/|R(0)|)/a",
    status="derived",
    tags={"escape", "ode", "sgd"},
    notes=(
        _ODE + " With R(0) ~ N^-1/2 and R growing like exp(a t), the error leaves the plateau "
        "when |R| is O(1): t_esc = (1/(2a)) ln N + O(1). Any fixed threshold (here eps_pl/2) only "
        "shifts the O(1). At finite eta the SGD-noise term of the Q equation lowers the rate "
        "(ODE with the eta^2 term: slope 10.40 instead of 10 at p = p* = 2, eta = 0.05; digest)."
    ),
)

conserved_polar_factor = paper.law(
    "conserved_polar_factor",
    quantity=("overlap tr(P(t)^T P(0))/p* of the polar factor P = R (R^T R)^-1/2 (the singular "
              "vectors of R) with its initial value, for Q(0) proportional to I: the singular "
              "vectors of R are conserved"),
    symbol=r"\mathrm{tr}(P_t^\top P_0)/p^{*}",
    expr=Integer(1),
    kind="exact",
    where="abstract ('a conserved quantity in the ODEs governing the evolution of the overlaps'); "
          "the form of the conserved quantity is ours",
    status="derived",
    tags={"implicit-bias", "conservation", "ode"},
    notes=(
        _ODE + " The ansatz Q = a(t) I + U A(t) U^T, R = U S(t) V^T with fixed U, V and diagonal "
        "A, S is preserved by the ODEs (with or without the eta^2 term), so U V^T is conserved. "
        "Whether this is the paper's conserved quantity is unverified."
    ),
)

closest_point_overlap = paper.law(
    "closest_point_overlap",
    quantity=("overlap tr(R(oo)^T P(0))/p* of the converged student-teacher overlap with the "
              "initial polar factor: R(oo) = sqrt(p/p*) U V^T, the zero-loss point closest to "
              "the initialisation"),
    symbol=r"\mathrm{tr}(R_\infty^\top P_0)/p^{*}",
    expr=sqrt(p / p_star),
    regime=p >= p_star,
    kind="exact",
    where="abstract ('selects the closest solution to the random initialization'); formula ours",
    status="derived",
    tags={"implicit-bias", "ode"},
    notes=(
        "Zero-loss manifold (T = I): W = C W*, C^T C = (p/p*) I, no component outside the "
        "teacher span; the point closest to W(0) in Frobenius norm maximises tr(C^T R(0)), "
        "C = sqrt(p/p*) U V^T (orthogonal Procrustes). With the conserved polar factor the ODE's "
        "limit is that point. For p > p* the approach is algebraic (~1/t)."
    ),
)

late_decay_exponent = paper.law(
    "late_decay_exponent",
    quantity="exponent of the algebraic late-time decay of the error for p > p*, eps(t) ~ t^-2",
    symbol=r"\nu_{\mathrm{late}}",
    expr=Integer(2),
    regime=p > p_star,
    kind="theta",
    where="abstract ('marginal minima'); exponent ours",
    status="derived",
    tags={"late-time", "marginal", "ode"},
    notes=(
        "Our adiabatic reduction (heuristic): for p > p* the student's components outside the "
        "teacher span along the p - p* flat directions (b = their norm) decay by "
        "db/dt ~ -c b^2 once the aligned part has equilibrated (tr G = 2b/(2 + p*)), so "
        "b ~ 1/t and eps ~ b^2 ~ t^-2. ODE local slopes: -2.43, -2.12 over t = 100..3000 "
        "(p = 4, p* = 2). For p = p* the decay is exponential."
    ),
)

initial_error = paper.law(
    "initial_error",
    quantity="population error at an isotropic initialisation Q = sigma0^2 I, R = 0 (N -> oo)",
    symbol=r"\varepsilon_0",
    expr=((sigma0**2 - 1) ** 2 + 2 * sigma0**4 / p + 2 / p_star) / 2,
    kind="exact",
    where="Gaussian moments of the model; formula ours",
    status="derived",
    tags={"error", "moments"},
    notes="eps = [tr(DC)^2 + 2 tr(DCDC)]/2 at Q = sigma0^2 I, R = 0, T = I.",
)

