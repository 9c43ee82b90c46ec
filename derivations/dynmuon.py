"""Derivations of the mode-model laws of :mod:`scalinglaws.papers.dynmuon`.

Start: the update :math:`W \\leftarrow W - \\eta (GG^\\top)^{(p-1)/2} G` (which is
:math:`U\\Sigma^pV^\\top` for :math:`G = U\\Sigma V^\\top`) with the paper's local model
:math:`G = \\kappa H E + \\Xi`. When the noise dominates and its variance on mode :math:`i` is
:math:`c_0 h_i^\\beta`, :math:`GG^\\top \\approx \\Xi\\Xi^\\top \\approx m c_0 H^\\beta`, so
:math:`(GG^\\top)^{(p-1)/2} \\approx \\alpha^{(p-1)/2} H^{\\beta(p-1)/2}` (:math:`\\alpha = m c_0`
absorbed in :math:`\\eta`; :math:`\\beta = 1` is the paper's curvature-aligned surrogate). In the
eigenbasis of :math:`H` every mode is a scalar recursion; its square, averaged, gives the second
moment, whose fixed point is the noise floor and whose contraction bounds the stable step.

>>> from scalinglaws.derivations import check
>>> check(DERIVATIONS["dynmuon.noise_floor"]())
True
"""

from __future__ import annotations

import sympy as sp

from scalinglaws.registry import paper as _paper

from . import Derivation

__all__ = ["DERIVATIONS", "NOT_DERIVED", "flat_mode_threshold"]

_P = _paper("dynmuon").params
p, h, eta, kappa, c, m, beta = (
    _P[n].symbol for n in ("p", "h", "eta", "kappa", "c", "m", "beta")
)
s, tau, w, p_min, p_max, x = (_P[n].symbol for n in ("s", "tau", "w", "p_min", "p_max", "x"))

_delta, _xi = sp.symbols("delta xi", real=True)
_m_cols, _c0 = sp.symbols("m_cols c_0", positive=True)


def _preconditioner():
    """(G G^T)^((p-1)/2) on mode i when the noise dominates: E[Xi Xi^T]_ii = m c_0 h^beta."""
    gram = _m_cols * _c0 * h**beta  # sum over the m columns of Var Xi_ij = c_0 h_i^beta
    power = sp.powsimp(sp.expand_power_base(gram ** ((p - 1) / 2), force=True), force=True)
    alpha = (_m_cols * _c0) ** ((p - 1) / 2)
    shape = sp.powsimp(sp.simplify(power / alpha), force=True)
    steps = [
        ("noise-dominated G G^T ~ Xi Xi^T, diagonal in H's eigenbasis: (Xi Xi^T)_ii", gram),
        ("(G G^T)^((p-1)/2) on mode i", power),
        ("alpha^((p-1)/2) with alpha = m c_0 absorbed in eta leaves", shape),
    ]
    return steps, shape


def _mode_step():
    """delta' = delta - eta h^(beta (p-1)/2) (kappa h delta + xi), expanded."""
    steps, precond = _preconditioner()
    grad = kappa * h * _delta + _xi
    new = sp.expand(_delta - eta * precond * grad)
    steps = steps + [
        ("mode i of G = kappa H E + Xi in H's eigenbasis", sp.Eq(sp.Symbol("g"), grad)),
        ("delta' = delta - eta h^(beta (p-1)/2) g", new),
    ]
    return steps, new


def _coefficients():
    steps, new = _mode_step()
    contraction = sp.powsimp(sp.expand(new.coeff(_delta)), force=True)
    gain = sp.powsimp(sp.expand(-new.coeff(_xi)), force=True)
    return steps, contraction, gain


def mode_contraction() -> Derivation:
    steps, contraction, _ = _coefficients()
    return Derivation("dynmuon.mode_contraction", "coefficient of delta in the mode step", steps, contraction)


def mode_noise_gain() -> Derivation:
    steps, _, gain = _coefficients()
    return Derivation("dynmuon.mode_noise_gain", "coefficient of -xi in the mode step", steps, gain)


def _second_moment():
    steps, new = _mode_step()
    square = sp.expand(new**2)
    poly = sp.Poly(square, _delta, _xi)
    # E delta^2 = m, E xi^2 = c, E delta xi = 0 (xi fresh and zero-mean)
    moments = {(2, 0): m, (0, 2): c, (1, 1): 0, (0, 0): 1}
    value = sum(coef * moments[monom] for monom, coef in poly.terms())
    steps = steps + [("square and average: E xi = 0, E xi^2 = c, xi independent of delta", value)]
    return steps, sp.simplify(value)


def second_moment() -> Derivation:
    steps, value = _second_moment()
    return Derivation("dynmuon.second_moment", "second moment after one step", steps, value)


def noise_floor() -> Derivation:
    steps, value = _second_moment()
    (fixed,) = sp.solve(sp.Eq(m, value), m)
    return Derivation("dynmuon.noise_floor", "fixed point m = E delta^2 of the second-moment recursion",
                      steps + [("solve m = f(m)", sp.Eq(m, fixed))], fixed,
                      notes="Reached from any start iff the contraction's square is < 1.")


def stability_step() -> Derivation:
    steps, contraction, _ = _coefficients()
    roots = sp.solve(sp.Eq(contraction, -1), eta)
    (root,) = roots
    return Derivation(
        "dynmuon.stability_step", "largest eta with |1 - eta kappa h^((p+1)/2)| < 1",
        steps + [("the contraction reaches -1", sp.Eq(eta, root))], root,
    )


def small_step_floor() -> Derivation:
    steps, value = _second_moment()
    (fixed,) = sp.solve(sp.Eq(m, value), m)
    lead = sp.limit(fixed / eta, eta, 0) * eta
    return Derivation("dynmuon.small_step_floor", "first order in eta of the noise floor",
                      steps + [("floor", fixed), ("lim_(eta->0) floor/eta, times eta", lead)],
                      sp.powsimp(sp.simplify(lead), force=True))


def flat_mode_threshold() -> tuple[list, sp.Expr]:
    """(steps, p_c): with c = c_0 h^beta the small-step floor goes like h^e(p); it grows towards
    flat modes (e < 0) iff p < p_c = 2/beta - 1.

    >>> flat_mode_threshold()[1]
    (2 - beta)/beta
    """
    steps, value = _second_moment()
    (fixed,) = sp.solve(sp.Eq(m, value), m)
    lead = sp.limit(fixed / eta, eta, 0) * eta
    with_noise = sp.powsimp(sp.expand_power_base(lead.subs(c, _c0 * h**beta), force=True),
                            force=True)
    e = sp.simplify(sp.log(with_noise.subs(h, sp.E)).expand(force=True)
                    - sp.log(with_noise.subs(h, 1)).expand(force=True))
    (p_c,) = sp.solve(sp.Eq(e, 0), p)
    steps = steps + [
        ("small-step floor with c = c_0 h^beta", with_noise),
        ("its power of h", sp.factor(e)),
        ("zero at", sp.Eq(p, p_c)),
    ]
    return steps, p_c


def schedule_crossing() -> Derivation:
    sched = p_min + (p_max - p_min) / (1 + sp.exp((s - tau) / w))
    sols = sp.solve(sp.Eq(sched, x), s)
    (root,) = sols
    root = sp.expand_log(sp.simplify(root), force=False)
    return Derivation("dynmuon.schedule_crossing", "invert the logistic schedule",
                      [("p_t = x", sp.Eq(sched, x)), ("solve for s", sp.Eq(s, root))], root)


def fast_spectral_gain() -> Derivation:
    """The code's polynomial correction is the second-order Taylor polynomial of
    s_n^p = (1 + e)^(p/2), e = s_n^2 - 1, around e = 0 (A = X_n X_n^T has eigenvalues s_n^2)."""
    s_n = _P["s_n"].symbol
    e = sp.Symbol("e", real=True)
    exact = (1 + e) ** (p / 2)
    series = sp.series(exact, e, 0, 3).removeO()
    result = sp.expand(series.subs(e, s_n**2 - 1))
    steps = [
        ("target singular-value map on the normalised spectrum", s_n**p),
        ("in terms of e = s_n^2 - 1 (eigenvalues of A - I)", exact),
        ("second-order Taylor polynomial in e", series),
        ("back in s_n", result),
    ]
    return Derivation("dynmuon.fast_spectral_gain",
                      "Fast-Spectral = second-order Taylor polynomial of s_n^p", steps, result,
                      notes="Ours: the code's comment calls it a 'polynomial correction'.")


def lr_adjustment() -> Derivation:
    """The adjustment that makes the RMS-to-RMS operator norm of the step equal the learning
    rate, for an update with spectral norm 1 (the polar factor)."""
    fo, fi = _P["fan_out"].symbol, _P["fan_in"].symbol
    k = sp.Symbol("k", positive=True)
    rms_norm = sp.sqrt(fi / fo) * k  # ||k U V^T||_(RMS->RMS) = sqrt(fan_in/fan_out) ||.||_2
    (root,) = sp.solve(sp.Eq(rms_norm, 1), k)
    steps = [
        ("||Delta W||_(RMS->RMS) = sqrt(fan_in/fan_out) ||Delta W||_2, ||k U V^T||_2 = k",
         rms_norm),
        ("RMS operator norm 1 per unit learning rate", sp.Eq(k, root)),
    ]
    return Derivation("dynmuon.lr_adjustment", "learning-rate factor for RMS operator norm 1",
                      steps, root, notes="The code's comment: 'Adjust from spectral norm 1 to "
                      "RMS operator norm 1' (arXiv:2310.17813).")


DERIVATIONS = {
    "dynmuon.mode_contraction": mode_contraction,
    "dynmuon.mode_noise_gain": mode_noise_gain,
    "dynmuon.second_moment": second_moment,
    "dynmuon.noise_floor": noise_floor,
    "dynmuon.stability_step": stability_step,
    "dynmuon.small_step_floor": small_step_floor,
    "dynmuon.schedule_crossing": schedule_crossing,
    "dynmuon.fast_spectral_gain": fast_spectral_gain,
    "dynmuon.lr_adjustment": lr_adjustment,
}

NOT_DERIVED = {
    "dynmuon.shaping": "A definition of the operator (the paper's choice), not a consequence.",
    "dynmuon.p_schedule": "A definition of the schedule (the paper's choice), not a consequence.",
}
NOT_DERIVED.update({
    "dynmuon.anchored_exponent": (
        "The released optimizer's branch rule (Algorithm 1's positive anchoring), a design "
        "choice read in the code, not a consequence."),
    "dynmuon.stage_rule.early_best_p": (
        "An empirical and modelling claim (best p over a window) with no closed form; the best "
        "p of the mode model is a numeric argmin (validators/processes/spectral_shaping.py)."),
    "dynmuon.stage_rule.late_best_p": (
        "An empirical and modelling claim (best p over a window) with no closed form; the best "
        "p of the mode model is a numeric argmin."),
    "dynmuon.late_p_batch_trend": (
        "An empirical trend of the paper's LM runs; in the mode model the best p is a numeric "
        "argmin with no closed form."),
    "dynmuon.late_p_label_noise_trend": (
        "Ours: a sign of a numeric argmin of the mode model; no closed form."),
    "dynmuon.noise_curvature_exponent": "An empirical fit on the paper's LM training.",
    **{f"dynmuon.best_late_p.batch_{b}": "An empirical best grid value of the paper's LM runs."
       for b in (2, 16, 128)},
})
