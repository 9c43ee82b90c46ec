r"""Derivations that land on the laws of :mod:`scalinglaws.papers.shallow_phases`.

All are ours (the paper's text beyond its abstract was not read). They start from the LASSO
model in the summed-loss normalisation and from its state evolution,
:math:`\hat\theta_k \approx \mathrm{soft}(\theta^*_k + \tau Z, t)` with
:math:`\theta^*_k = k^{-\gamma}`, :math:`n\tau^2 = \Delta + \sum_k \mathrm{mse}_k`,
:math:`t \approx \lambda/n` while few coordinates are active. Sums over :math:`k` are replaced by
integrals (the power-law reading); log factors of the universal threshold are treated as
constants and named as such in the steps. The step from the state evolution to the power law is
heuristic (a bias/variance balance), and is checked numerically in
``scalinglaws.validators.shallow_phases``.

>>> from scalinglaws.derivations import check
>>> check(DERIVATIONS["shallow_phases.plateau_risk"]())
True
"""

from __future__ import annotations

import sympy as sp

from scalinglaws.registry import paper as _paper

from . import Derivation, drop_constants

__all__ = ["DERIVATIONS", "NOT_DERIVED"]

_P = _paper("shallow_phases").params
gamma, n, lam, d, Delta, k = (_P[name].symbol for name in ("gamma", "n", "lam", "d", "Delta", "k"))
_t, _x, _c, _a, _L = sp.symbols("t x c a L", positive=True)


def lasso_equivalence() -> Derivation:
    """Per coordinate, min over a w = c of (a^2 + w^2)/2 is |c| (here c > 0): the diagonal
    network's penalty equals the LASSO penalty at every predictor, so the minima coincide."""
    f = (_a ** 2 + (_c / _a) ** 2) / 2
    a_star = [s for s in sp.solve(sp.diff(f, _a), _a) if s.is_positive][0]
    f_min = sp.simplify(f.subs(_a, a_star))
    ratio = sp.simplify(lam * f_min / (lam * _c))
    return Derivation(
        "shallow_phases.lasso_equivalence", "diagonal network with weight decay = LASSO",
        [("penalty of one unit with a w = c", f), ("stationary a", a_star),
         ("minimal penalty", f_min), ("diag minimum / LASSO minimum (same loss)", ratio)],
        ratio, notes="AM-GM per coordinate; the loss depends on (a, w) only through a w.")


def quadratic_equivalence() -> Derivation:
    """tr(B B^T) = ||B||_F^2, and every PSD S of rank <= m is some B B^T (m >= d): the network's
    objective at B equals the PSD objective at S = B B^T, so the minima coincide."""
    B = sp.Matrix(3, 3, sp.symbols("b0:9", real=True))
    gap = sp.expand((B * B.T).trace() - sum(b ** 2 for b in B))
    ratio = sp.simplify((lam * ((B * B.T).trace() - gap)) / (lam * (B * B.T).trace()))
    return Derivation(
        "shallow_phases.quadratic_equivalence", "quadratic network with decay = trace-penalised "
        "PSD program",
        [("tr(B B^T) - ||B||_F^2 (3 x 3 case)", gap),
         ("x^T B B^T x - ||B||_F^2 = x^T S x - tr S at S = B B^T", sp.Integer(0)),
         ("net minimum / PSD minimum", ratio)],
        ratio, notes="Surjectivity of B -> B B^T onto PSD matrices needs width m >= rank S.")


def _plateau_bias() -> sp.Expr:
    k_t = _t ** (-1 / gamma)
    tail = sp.integrate(_x ** (-2 * gamma), (_x, k_t, sp.oo), conds="none")
    return k_t * _t ** 2 + tail


def plateau_risk() -> Derivation:
    """Delta -> 0, few active coordinates: kept ones pay t^2, dropped ones theta_k^2."""
    bias = sp.simplify(_plateau_bias())
    at = bias.subs(_t, lam / n)
    result = drop_constants(sp.powsimp(sp.expand_power_base(sp.simplify(at), force=True),
                                       force=True), n, lam)
    result = sp.simplify(sp.powsimp(result, force=True))
    return Derivation(
        "shallow_phases.plateau_risk", "bias of the soft threshold on a power-law teacher",
        [("kept set k^-gamma > t", sp.Eq(sp.Symbol("k_t"), _t ** (-1 / gamma))),
         ("R = k_t t^2 + int_{k_t}^oo x^-2gamma dx", bias),
         ("t = lam/n (threshold; n - active ~ n)", at),
         ("power-law reading", result)],
        result,
        notes="Heuristic: the noise tau is neglected against t (lam^2 >> n(Delta + R)) and "
              "k_t << n, d. Integral for gamma > 1/2.",
    )


def active_set() -> Derivation:
    k_t = _t ** (-1 / gamma)
    result = sp.powsimp(k_t.subs(_t, lam / n), force=True)
    return Derivation(
        "shallow_phases.active_set", "coordinates above the threshold",
        [("k^-gamma > t", k_t), ("t = lam/n", result)],
        sp.simplify(result), notes="Noise tau << t: the active set is the kept set.")


def tuned_risk() -> Derivation:
    """Variance k tau^2 L (L = 2 ln(d/k), held constant) + bias int_k^oo x^-2gamma, minimised."""
    R = _x * Delta / n * _L + sp.integrate(_x ** (-2 * gamma), (_x, _x, sp.oo), conds="none")
    R = sp.simplify(R)
    k_star = sp.solve(sp.Eq(sp.diff(R, _x), 0), _x)[0]
    R_star = sp.simplify(R.subs(_x, k_star))
    result = drop_constants(sp.expand(sp.powsimp(sp.expand_power_base(R_star, force=True),
                                                 force=True)), n)
    result = sp.simplify(sp.powsimp(result, force=True))
    return Derivation(
        "shallow_phases.tuned_risk", "bias-variance balance at the best threshold",
        [("R(k) = k (Delta/n) L + int_k^oo x^-2gamma dx", R), ("optimal kept set", k_star),
         ("R*", R_star), ("power-law reading in n (L and Delta constants)", result)],
        result,
        notes="Heuristic: the log factor L = 2 ln(d/k*) of the universal threshold is held "
              "constant (hence theta_log); tau^2 ~ Delta/n.",
    )


def parametric_risk() -> Derivation:
    """All coordinates active, t -> 0: mse_k = tau^2, n tau^2 = Delta + d tau^2."""
    tau2 = sp.Symbol("tau2", positive=True)
    sol = sp.solve(sp.Eq(n * tau2, Delta + d * tau2), tau2)[0]
    R = sp.simplify(n * sol - Delta)
    lead = sp.limit(R * n, n, sp.oo) / n
    return Derivation(
        "shallow_phases.parametric_risk", "least-squares variance of the state evolution",
        [("n tau^2 = Delta + d tau^2", sol), ("R = n tau^2 - Delta", R),
         ("leading order in d/n", lead)],
        lead, notes="Bias d (lam/n)^2 dropped: lam^2 << n Delta.")


def interpolation_peak() -> Derivation:
    tau2 = sp.Symbol("tau2", positive=True)
    R = sp.simplify(n * sp.solve(sp.Eq(n * tau2, Delta + d * tau2), tau2)[0] - Delta)
    pole = sp.solve(sp.denom(sp.together(R)), n)[0]
    return Derivation(
        "shallow_phases.interpolation_peak", "pole of the lam -> 0 risk",
        [("R at lam -> 0, n > d", R), ("R diverges at", pole)],
        pole, notes="From the least-squares side only; that the n < d branch (minimum-l1 "
                    "interpolation) also rises towards n = d is read off the state evolution.")


def weight_head() -> Derivation:
    mean_abs = k ** (-gamma) - _t
    lead = sp.limit(mean_abs, _t, 0)
    return Derivation(
        "shallow_phases.weight_head", "soft threshold of a large coordinate",
        [("E|soft(theta_k + tau Z, t)| for theta_k >> t, tau", mean_abs),
         ("k << k_t (t k^gamma -> 0)", lead)],
        lead, notes="The noise tau only adds O(tau^2/theta_k).")


# ---- the quadratic network -----------------------------------------------------------------------

lamq = _P["lamq"].symbol


def _quad_threshold():
    """Effective spectral threshold t = 2 lamq / m_hat with m_hat -> 8 alpha = 8 n / d^2."""
    return 2 * lamq / (8 * n / d ** 2)


def quad_plateau_risk() -> Derivation:
    """Bias of the spectral soft threshold on s_k = sqrt(d) k^-gamma, per unit of d."""
    t = _quad_threshold()
    k_eff = (sp.sqrt(d) / t) ** (1 / gamma)
    bias = (k_eff * t ** 2
            + sp.integrate(d * _x ** (-2 * gamma), (_x, _c, sp.oo), conds="none").subs(_c, k_eff)
            ) / d
    bias = sp.simplify(bias)
    result = drop_constants(sp.powsimp(sp.expand_power_base(bias, force=True), force=True),
                            n, lamq, d)
    result = sp.simplify(sp.powsimp(result, force=True))
    result = sp.powsimp(sp.expand_power_base(result, force=True), force=True)
    return Derivation(
        "shallow_phases.quad_plateau_risk", "bias of the spectral threshold, quadratic network",
        [("threshold t = 2 lamq / m_hat, m_hat = 8 alpha (sigma -> 0)", t),
         ("kept directions s_k > t, s_k = sqrt(d) k^-gamma", k_eff),
         ("R ~ (k_eff t^2 + sum_{k > k_eff} s_k^2) / d", bias),
         ("power-law reading in n, lamq, d", result)],
        result,
        notes="Heuristic: the GOE bulk (radius ~ sqrt(2 (mse + Delta/2) d / n) sqrt(d)) is "
              "neglected against t; the normalisation zeta(2 gamma) of s_k is a constant; the "
              "factor 2 of the excess risk is a constant.")


def rho_eff() -> Derivation:
    t = _quad_threshold()
    k_eff = sp.powsimp(sp.expand_power_base((sp.sqrt(d) / t) ** (1 / gamma), force=True),
                       force=True)
    result = drop_constants(k_eff, n, lamq, d)
    result = sp.powsimp(sp.expand_power_base(sp.simplify(result), force=True), force=True)
    return Derivation(
        "shallow_phases.rho_eff", "teacher directions above the spectral threshold",
        [("threshold", t), ("s_k = sqrt(d) k^-gamma > t", k_eff),
         ("power-law reading (= d^rho_eff)", result)],
        result, notes="Noise bulk below the threshold: the kept set is the learned rank.")


def quad_tuned_risk() -> Derivation:
    """Variance k (Delta/2) d/n (rank-k projection of the GOE noise, per unit of d) + bias
    k^(1 - 2 gamma) (tail of s_k^2 / d), minimised over k."""
    R = _x * Delta * d / (2 * n) + sp.integrate(_x ** (-2 * gamma), (_x, _x, sp.oo),
                                                 conds="none")
    R = sp.simplify(R)
    k_star = sp.solve(sp.Eq(sp.diff(R, _x), 0), _x)[0]
    R_star = sp.simplify(R.subs(_x, k_star))
    result = drop_constants(sp.expand(sp.powsimp(sp.expand_power_base(R_star, force=True),
                                                 force=True)), n, d)
    result = sp.simplify(sp.powsimp(result, force=True))
    return Derivation(
        "shallow_phases.quad_tuned_risk", "bias-variance balance at the best spectral threshold",
        [("R(k) = k Delta d/(2 n) + int_k^oo x^-2gamma dx", R), ("optimal rank", k_star),
         ("R*", R_star), ("power-law reading in n, d (Delta constant)", result)],
        result,
        notes="Heuristic: the noise variance Delta/2 + R is replaced by Delta/2 (R << Delta).")


def quad_parametric_risk() -> Derivation:
    """All directions active, lamq -> 0: sigma = (sigma + 1/4)/(2 alpha) and
    mse = (mse + Delta/2)/(2 alpha)."""
    mse, alpha = sp.symbols("mse alpha", positive=True)
    sol = sp.solve(sp.Eq(mse, (mse + Delta / 2) / (2 * alpha)), mse)[0]
    R = sp.simplify(2 * sol)
    R_n = R.subs(alpha, n / d ** 2)
    lead = sp.simplify(sp.limit(R_n * n, n, sp.oo) / n)
    result = drop_constants(lead, n, d, Delta)
    return Derivation(
        "shallow_phases.quad_parametric_risk", "least squares in the quadratic state evolution",
        [("mse = q_hat/m_hat^2 = (mse + Delta/2)/(2 alpha)", sol), ("R = 2 mse", R),
         ("alpha = n/d^2, leading order", lead), ("power-law reading", result)],
        result, notes="||Z||_F^2/d -> 1 for the GOE; the pole at alpha = 1/2 is the "
                      "least-squares count (d(d+1)/2 at finite d); the PSD program's "
                      "interpolation threshold sits below it (quad_interpolation_peak).")


def quad_interpolation_peak() -> Derivation:
    """Noise-dominated state evolution: sigma = div (sigma + 1/4)/n with div the mean divergence
    of the PSD projection of a GOE matrix = the PSD cone's statistical dimension d(d+1)/4;
    sigma diverges (the interpolation threshold) at n = div."""
    sig, div, alpha = sp.symbols("sigma div alpha", positive=True)
    m_hat = 2 * alpha / (sig + sp.Rational(1, 4))
    sigma_eq = sp.Eq(sig, 2 * div / (m_hat * d ** 2))
    sig_star = sp.solve(sigma_eq, sig)[0]
    sig_n = sp.simplify(sig_star.subs(alpha, n / d ** 2))
    pole = sp.solve(sp.denom(sp.together(sig_n)), n)[0]
    # statistical dimension of the PSD cone in Sym(d): half of the off-diagonal pairs and half
    # of the diagonal survive the projection of an isotropic Gaussian (Amelunxen et al. 2014)
    stat_dim = (d * (d - 1) / 2 + d) / 2
    result = sp.factor(pole.subs(div, stat_dim))
    return Derivation(
        "shallow_phases.quad_interpolation_peak", "pole of the noise-dominated quadratic SE",
        [("m_hat = 2 alpha/(sigma + 1/4); sigma = 2 div/(m_hat d^2) (PSD projection of pure "
          "noise, 2 div/d^2 = the SE's (2 #active + sum_ij (f_i - f_j)/(nu_i - nu_j))/d^2 "
          "times m_hat)", sigma_eq),
         ("sigma at alpha = n/d^2", sig_n), ("sigma diverges at", pole),
         ("div = statistical dimension of the PSD cone", stat_dim), ("n_peak", result)],
        result,
        notes="sigma -> infinity is the interpolation threshold (m_hat -> 0). Assumes the "
              "noise dominates the teacher there (Delta >> Q0) and lamq -> 0+: the denoiser is "
              "the PSD projection of GOE noise. At Delta ~ Q0 the teacher keeps more "
              "eigenvalues positive and div > d(d+1)/4. With div = d(d+1)/2 (identity, every eigenvalue kept) the same steps "
              "give the least-squares pole n = d(d+1)/2 (alpha = 1/2). That the ERM's risk "
              "peaks at the pole is read off the state evolution, heuristically.")


def quad_weight_head() -> Derivation:
    s_k = k ** (-gamma)
    head = s_k - _t
    lead = sp.limit(head, _t, 0)
    return Derivation(
        "shallow_phases.quad_weight_head", "soft threshold of a spike far above the bulk",
        [("eigenvalue of S_hat for a spike s_k >> t, bulk", head),
         ("k << rank (t k^gamma -> 0)", lead)],
        lead, notes="Teacher normalisation sqrt(d/zeta(2 gamma)) is a constant; the BBP "
                    "shift q_hat/(m_hat^2 s_k) is of lower order for s_k above the bulk.")


DERIVATIONS = {
    "shallow_phases.quad_plateau_risk": quad_plateau_risk,
    "shallow_phases.rho_eff": rho_eff,
    "shallow_phases.quad_tuned_risk": quad_tuned_risk,
    "shallow_phases.quad_parametric_risk": quad_parametric_risk,
    "shallow_phases.quad_weight_head": quad_weight_head,
    "shallow_phases.quad_interpolation_peak": quad_interpolation_peak,
    "shallow_phases.lasso_equivalence": lasso_equivalence,
    "shallow_phases.quadratic_equivalence": quadratic_equivalence,
    "shallow_phases.plateau_risk": plateau_risk,
    "shallow_phases.active_set": active_set,
    "shallow_phases.tuned_risk": tuned_risk,
    "shallow_phases.parametric_risk": parametric_risk,
    "shallow_phases.interpolation_peak": interpolation_peak,
    "shallow_phases.weight_head": weight_head,
}

NOT_DERIVED = {
    "shallow_phases.quad_se_conjecture": (
        "The paper's conjecture for the quadratic network (ERM risk = finite-d state evolution "
        "up to 1 + o(1)) is not a closed form to derive; it is checked numerically as the "
        "ERM / SE risk ratio."
    ),
    "shallow_phases.se_conjecture": (
        "The paper's conjecture (ERM risk = state evolution up to 1 + o(1) beyond proportional "
        "asymptotics) is not a closed form to derive; it is checked numerically."
    ),
}
