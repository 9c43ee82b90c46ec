"""Gaussian-mixture classification with generalised linear models: ridge on two clusters.

Loureiro, Sicuro, Gerbelot, Pacco, Krzakala, Zdeborová, *Learning Gaussian Mixtures with
Generalised Linear Models: Precise Asymptotics in High-dimensions*, arXiv:2106.03791 (v2,
NeurIPS 2021).

Model (the conventions of the authors' code, ``IdePHICS/GaussMixtureProject``, ``K2mix``): labels
:math:`y = \\pm1`, :math:`P(y=+1) = \\rho`; mean :math:`\\mu` with i.i.d. :math:`N(0, 1/d)` entries;
features :math:`x = (y\\mu + \\sqrt\\Delta z)/\\sqrt d`; :math:`n = \\alpha d` samples; ridge
classifier :math:`\\min_{w,b} \\sum \\frac12(y - w\\cdot x - b)^2 + \\frac\\lambda2|w|^2`
(intercept not penalised); order parameters :math:`m = \\mu\\cdot w/\\sqrt d`,
:math:`q = \\Delta|w|^2/d`, intercept :math:`b`, and :math:`V`; test error
:math:`\\varepsilon_g = \\rho Q((m+b)/\\sqrt q) + (1-\\rho)Q((m-b)/\\sqrt q)`.

Provenance: the paper's text could not be read beyond its abstract (which states exact
asymptotics for ERM on K-cluster mixtures with any convex loss and penalty). The K = 2 square-loss
saddle-point equations are read in the authors' released code (``K2mix/saddle_point``), which
reproduces the authors' stored theory curves; they live in
:mod:`scalinglaws.validators.processes.gmm`. The closed-form solution of those equations for an
isotropic covariance, and its limits, are ours (``derived``).
"""

from sympy import Abs, Interval, Max, erfc, sqrt

from scalinglaws.law import Paper

paper = Paper(
    "gmm_glm",
    arxiv="2106.03791",
    version=2,
    title=("Learning Gaussian Mixtures with Generalised Linear Models: Precise Asymptotics in "
           "High-dimensions"),
    authors="Loureiro, Sicuro, Gerbelot, Pacco, Krzakala, Zdeborová",
    year=2021,
    venue="NeurIPS 2021",
    summary=(
        "Exact high-dimensional asymptotics of ERM with convex losses and penalties on mixtures "
        "of K Gaussians; here the two-cluster ridge classifier, whose saddle-point equations "
        "have a closed-form solution for an isotropic covariance."
    ),
    conventions=(
        "y = +-1 with P(y = +1) = rho; mu_i ~ N(0, 1/d); x = (y mu + sqrt(Delta) z)/sqrt(d); "
        "n = alpha d; loss sum (y - w.x - b)^2/2 + lam |w|^2/2 (lam per sum, intercept free); "
        "m = mu.w/sqrt(d), q = Delta |w|^2/d; eps_g = rho Q((m+b)/sqrt q) + (1-rho) "
        "Q((m-b)/sqrt q), Q(x) = erfc(x/sqrt 2)/2 (the authors' code conventions)."
    ),
)

alpha = paper.param("alpha", "sample ratio n/d", latex=r"\alpha")
lam = paper.param("lam", "ridge penalty (per sum)", latex=r"\lambda")
Delta = paper.param("Delta", "cluster variance", latex=r"\Delta")
rho = paper.param("rho", "fraction of the +1 class", domain=Interval.open(0, 1), latex=r"\rho")


def _Q(x):
    return erfc(x / sqrt(2)) / 2


_c = 4 * rho * (1 - rho)
_B = lam + alpha * Delta - Delta
# The positive root (sqrt(B^2 + 4 lam Delta) - B)/(2 lam), written without cancellation:
# sqrt(B^2 + 4 lam Delta) - B = 2 max(-B, 0) + 4 lam Delta/(sqrt(B^2 + 4 lam Delta) + |B|), two
# non-negative terms (the plain form lost 9 digits in float64 at alpha = 655, lam = 0.02).
V_expr = (2 * Max(-_B, 0) + 4 * lam * Delta / (sqrt(_B**2 + 4 * lam * Delta) + Abs(_B))) / (2 * lam)
m_expr = _c * alpha * V_expr / (Delta * (1 + V_expr) + _c * alpha * V_expr)
q_expr = (_c * alpha * V_expr**2 * (1 - m_expr) ** 2 * (1 + _c * alpha / Delta)
          / ((1 + V_expr) ** 2 - alpha * V_expr**2))
b_expr = (2 * rho - 1) * (1 - m_expr)
eps_expr = rho * _Q((m_expr + b_expr) / sqrt(q_expr)) + (1 - rho) * _Q((m_expr - b_expr) / sqrt(q_expr))

_CF = ("Closed-form solution (ours) of the K = 2 square-loss saddle-point equations of the authors' "
       "code (K2mix/saddle_point: square_loss, L2 penalty, one covariance block Delta): with "
       "c = 4 rho (1 - rho), eliminate the hat variables and solve the quadratic for V.")
_WHERE = "K = 2 ridge saddle-point equations (authors' code, K2mix); closed form ours"

ridge_V = paper.law("ridge_V", quantity="order parameter V (response) of ridge classification",
                    symbol="V", expr=V_expr, kind="exact", where=_WHERE, status="derived",
                    tags={"ridge", "saddle-point"}, notes=_CF)
ridge_m = paper.law("ridge_m", quantity="magnetisation m = mu.w/sqrt(d)", symbol="m", expr=m_expr,
                    kind="exact", where=_WHERE, status="derived", tags={"ridge", "saddle-point"},
                    notes=_CF)
ridge_q = paper.law("ridge_q", quantity="self-overlap q = Delta |w|^2/d", symbol="q", expr=q_expr,
                    kind="exact", where=_WHERE, status="derived", tags={"ridge", "saddle-point"},
                    notes=_CF)
ridge_b = paper.law("ridge_b", quantity="intercept b", symbol="b", expr=b_expr, kind="exact",
                    where=_WHERE, status="derived", tags={"ridge", "saddle-point"},
                    notes=_CF + " b = (2 rho - 1)(1 - m) is the code's intercept equation.")
ridge_error = paper.law("ridge_error", quantity="test (classification) error of the ridge classifier",
                        symbol=r"\varepsilon_g", expr=eps_expr, kind="exact", where=_WHERE,
                        status="derived", tags={"ridge", "error"}, notes=_CF)

ridgeless_q_over = paper.law(
    "ridgeless_q_over",
    quantity="self-overlap q in the ridgeless limit lam -> 0 above interpolation (alpha > 1)",
    symbol=r"q_{\lambda\to0}",
    expr=_c * Delta * (Delta + _c * alpha) / ((alpha - 1) * (Delta + _c) ** 2),
    regime=alpha > 1,
    kind="exact",
    where="limit lam -> 0 of the closed form (ours); interpolation peak at alpha = 1",
    status="derived",
    tags={"ridge", "interpolation-peak", "limit"},
    notes="V -> 1/(alpha - 1), m -> c/(c + Delta); q diverges like 1/(alpha - 1) at alpha -> 1+.",
)
ridgeless_q_under = paper.law(
    "ridgeless_q_under",
    quantity="self-overlap q in the ridgeless limit lam -> 0 below interpolation (alpha < 1)",
    symbol=r"q_{\lambda\to0}",
    expr=_c * alpha * Delta / ((Delta + _c * alpha) * (1 - alpha)),
    regime=alpha < 1,
    kind="exact",
    where="limit lam -> 0 of the closed form (ours); interpolation peak at alpha = 1",
    status="derived",
    tags={"ridge", "interpolation-peak", "limit"},
    notes="V ~ Delta (1 - alpha)/lam -> oo, m -> c alpha/(Delta + c alpha); q diverges like "
          "1/(1 - alpha) at alpha -> 1-.",
)
_s = 2 * rho - 1
large_alpha_error = paper.law(
    "large_alpha_error",
    quantity="test error of ridge as alpha -> oo (lam fixed); at rho = 1/2 the oracle Q(1/sqrt(Delta))",
    symbol=r"\varepsilon_g^{\infty}",
    expr=(rho * _Q((_c + _s * Delta) / (_c * sqrt(Delta)))
          + (1 - rho) * _Q((_c - _s * Delta) / (_c * sqrt(Delta)))),
    kind="exact",
    where="limit alpha -> oo of the closed form (ours)",
    status="derived",
    tags={"ridge", "limit", "oracle"},
    notes=("m -> c/(c + Delta), q -> c^2 Delta/(c + Delta)^2, b -> (2 rho - 1) Delta/(c + Delta). "
           "At rho = 1/2 it is Q(1/sqrt(Delta)), the error of the oracle w ~ mu, b = 0; for "
           "rho != 1/2 the square-loss intercept is not the Bayes one and the limit lies above "
           "the Bayes error."),
)

