r"""Finite-width kernel and prediction fluctuations around the DMFT limit.

Bordelon, Pehlevan, *Dynamics of Finite Width Kernel and Prediction Fluctuations in Mean Field
Neural Networks*, arXiv:2304.03408 (NeurIPS 2023).

Model: the mean-field / μP networks of :mod:`scalinglaws.papers.dmft_kernel`. Over random
initialisations the DMFT order parameters (kernels, predictions) fluctuate by
:math:`O(1/\sqrt N)`; the paper computes their variance perturbatively in :math:`1/N` but
non-perturbatively in the feature-learning strength :math:`\gamma_0` (abstract). In the lazy
limit kernels are random but static; in the rich regime kernel and prediction fluctuations are
dynamically coupled, and for two-layer networks feature learning can *reduce* the variance of
the final NTK and predictions (abstract).

Closed forms for the two-layer linear network on one point (our derivation): the pair
:math:`(f, K)` obeys a closed ODE at any width (:mod:`~scalinglaws.papers.dmft_kernel`), so all
fluctuations come from :math:`(f_0, K_0)` with :math:`N\,\mathrm{Var}K_0 = 4`,
:math:`N\,\mathrm{Var}f_0 = 1/\gamma_0^2`, :math:`\mathrm{Cov} = 0`; propagating them through
the conserved quantity gives :math:`N\,\mathrm{Var}K_\infty = 4/(1+\gamma_0^2y^2)` (the lazy
value 4 is reduced by feature learning), and through the ODE's sensitivities
:math:`S_f = \partial f(t)/\partial f_0`, :math:`S_K = \partial f(t)/\partial K_0` gives
:math:`N\,\mathrm{Var}f(t) = S_f^2/\gamma_0^2 + 4S_K^2`.

Provenance: only the abstract and first page were available (through the digest); the paper's
equations were not read. The 1/N variance law is the abstract's statement (``transcribed``);
the rest are ours (``derived``).
"""

from sympy import Interval, Ne, exp, oo

from scalinglaws.law import Paper

paper = Paper(
    "dmft_fluctuations",
    arxiv="2304.03408",
    title="Dynamics of Finite Width Kernel and Prediction Fluctuations in Mean Field Neural Networks",
    authors="Bordelon, Pehlevan",
    year=2023,
    venue="NeurIPS 2023",
    summary=(
        "Initialization fluctuations of DMFT order parameters are O(1/sqrt(width)): variances "
        "are Sigma(t)/N at leading order, non-perturbatively in the feature-learning strength; "
        "feature learning can reduce the variance of the final NTK and predictions."
    ),
    conventions=(
        "Mean-field/muP networks as in dmft_kernel; variances over random initialisations "
        "(weights N(0, 1)) at fixed data, gamma0 and time. Two-layer one-point model: "
        "K = (1/N) sum (a_i^2 + h_i^2), f = sum a_i h_i/(gamma0 N), gradient flow."
    ),
)

N = paper.param("N", "width", integer=True)
Sigma = paper.param("Sigma", "leading-order variance coefficient Sigma(t) (width-free)",
                    latex=r"\Sigma")
gamma0 = paper.param("gamma0", "feature-learning strength", latex=r"\gamma_0")
y = paper.param("y", "training target", domain=Interval(-oo, oo))
S_f = paper.param("S_f", "sensitivity df(t)/df0 of the infinite-width output ODE",
                  domain=Interval(-oo, oo), latex="S_f")
S_K = paper.param("S_K", "sensitivity df(t)/dK0 of the infinite-width output ODE",
                  domain=Interval(-oo, oo), latex="S_K")
lambda_k = paper.param("lambda_k", "eigenvalue k of the mean (static) NTK", latex=r"\lambda_k")
lambda_l = paper.param("lambda_l", "eigenvalue l of the mean (static) NTK", latex=r"\lambda_l")
t = paper.param("t", "training time (gradient flow)")

_MODEL = ("Two-layer linear network, one training point, gradient flow; (f, K) closed at any "
          "width (dmft_kernel.conserved_quantity).")

variance_scaling = paper.law(
    "variance_scaling",
    quantity="variance over initialisations of a DMFT order parameter (NTK K(t), output f(t))",
    symbol=r"\mathrm{Var}_{\mathrm{init}}",
    expr=Sigma / N,
    kind="theta",
    where="abstract (O(1/sqrt(width)) fluctuations; power series in 1/width)",
    status="transcribed",
    tags={"fluctuations", "finite_width"},
    scale_vars=("N",),
    notes=(
        "Leading order Sigma(t)/N + O(1/N^2) at fixed gamma0 and t, as the abstract states "
        "(through the digest). Checked on the two-layer one-point network (final NTK and "
        "f(t = 1)) over N = 64..4096 with 2000 seeds per width, via the exact reduced ODE."
    ),
)

final_ntk_variance = paper.law(
    "final_ntk_variance",
    quantity="N times the variance over initialisations of the final NTK, N -> oo",
    symbol=r"N\,\mathrm{Var}\,K_\infty",
    expr=4 / (1 + gamma0**2 * y**2),
    kind="exact",
    where="our derivation; the abstract's qualitative claim (feature learning can reduce the "
          "final-NTK variance)",
    status="derived",
    tags={"fluctuations", "two_layer", "linear", "feature_learning"},
    notes=(
        _MODEL + " K_inf = sqrt(I + 4 gamma0^2 y^2) with I = K0^2 - 4 gamma0^2 f0^2; "
        "dI = 4 dK0 + O(1/N), so N Var K_inf = N Var K0 / (1 + gamma0^2 y^2) = "
        "4/(1 + gamma0^2 y^2). The lazy value is 4."
    ),
)

output_variance = paper.law(
    "output_variance",
    quantity="N times the variance over initialisations of the output f(t), N -> oo",
    symbol=r"N\,\mathrm{Var}\,f(t)",
    expr=S_f**2 / gamma0**2 + 4 * S_K**2,
    kind="exact",
    where="our derivation (linear response of the reduced ODE)",
    status="derived",
    tags={"fluctuations", "two_layer", "linear"},
    notes=(
        _MODEL + " f(t) depends on the seed only through (f0, K0): delta f(t) = S_f delta f0 + "
        "S_K delta K0 with N Var f0 = 1/gamma0^2, N Var K0 = 4, Cov = 0. S_f, S_K solve the "
        "variational equations of the infinite-width ODE (processes.wide_nets."
        "output_sensitivities); for gamma0 = y = t = 1: S_f = 0.1261, S_K = 0.0924, "
        "N Var f(1) = 0.0500."
    ),
)

lazy_propagator = paper.law(
    "lazy_propagator",
    quantity=("lazy limit, static kernel K = Kbar + dK: response of the error mode "
              "Delta_k(t) to the kernel fluctuation dK_kl times the target mode y_l (minus sign "
              "dropped), in the eigenbasis of Kbar"),
    symbol=r"-\partial\Delta_k(t)/\partial(\delta K_{kl}\,y_l)",
    expr=(exp(-lambda_l * t) - exp(-lambda_k * t)) / (lambda_k - lambda_l),
    regime=Ne(lambda_k, lambda_l),
    kind="exact",
    where="our derivation; the abstract's 'universal form' of the lazy-limit prediction variance",
    status="derived",
    tags={"fluctuations", "lazy"},
    notes=(
        "Delta(t) = exp(-K t) (y - f0) with K static. First order in dK: delta Delta_k(t) = "
        "-sum_l dK_kl y_l (e^{-lambda_l t} - e^{-lambda_k t})/(lambda_k - lambda_l) - "
        "e^{-lambda_k t} delta f0_k (the l = k limit is t e^{-lambda_k t}); the variance "
        "follows from Cov(dK) and Var(f0), both O(1/N). The paper's own expression is unread; "
        "whether it coincides is unverified."
    ),
)
