r"""Derivations of the laws of :mod:`scalinglaws.papers.dana` from the mode argument.

Model: the PLRF loss in the eigenbasis of its feature covariance is a sum over modes
:math:`\lambda_j = j^{-2\alpha}` with initial weight :math:`\lambda_j\rho_j(0) = j^{-2\alpha-2\beta}`
(pure-point part), and the floor :math:`F_0`, the part of the target the :math:`d` features cannot
represent, :math:`\asymp \sum_{j > d} j^{-2\alpha-2\beta}` in the pure-point region.

Mode argument (heuristic, stated as such): a mode is *fitted* (its error has decayed) once its
accumulated step exceeds :math:`1/\lambda`: :math:`\gamma_2\lambda t \gtrsim 1` for SGD, and
:math:`\gamma_3(t)\lambda t^2 \gtrsim 1` for DANA, whose mean dynamics (ignoring
:math:`\gamma_2`) are :math:`\theta'' + \tfrac{\delta}{t}\theta' + \gamma_3\lambda\theta = 0`
(oscillation at frequency :math:`\sqrt{\gamma_3\lambda}`, damped like a power of :math:`t` once
:math:`\sqrt{\gamma_3\lambda}\,t \gtrsim 1`). The excess loss is the tail sum of the unfitted
modes, :math:`\int_{j^*(t)}^\infty x^{-2\alpha-2\beta}\,dx`. Compute-optimal exponents balance that
against the floor at fixed :math:`f = t d` (for a sum of two power laws the minimiser over
:math:`d` sits where they are equal, up to constants).

>>> from scalinglaws.derivations import check
>>> check(DERIVATIONS["dana.decaying.eta"]())
True
"""

from __future__ import annotations

import functools

import sympy as sp

from scalinglaws.registry import paper as _paper

from . import Derivation, drop_constants

__all__ = ["DERIVATIONS", "NOT_DERIVED"]

_P = _paper("dana").params
alpha, beta, d, t, f, c3, delta = (
    _P[n].symbol for n in ("alpha", "beta", "d", "t", "f", "c3", "delta")
)
_x, _j, _lam = sp.symbols("x j lambda", positive=True)
_g2, _g3, _Dl = sp.symbols("gamma_2 gamma_3 Delta", positive=True)
_X, _F = sp.symbols("X F", real=True)  # log d, log f


def _tail(jstar):
    """Unfitted tail int_{j*}^oo x^(-2alpha-2beta) dx (converges: 2(alpha+beta) > 1)."""
    p = 2 * alpha + 2 * beta
    integral = sp.integrate(_x ** (-p), (_x, _j, sp.oo), conds="none")
    return integral, sp.powdenest(integral.subs(_j, jstar), force=True)


def _mode_steps(rate, label):
    """j*(t) from rate * lambda_j = 1 with lambda_j = j^(-2alpha), and the tail loss."""
    (lam_star,) = sp.solve(sp.Eq(rate * _lam, 1), _lam)
    jstar = sp.powdenest(lam_star ** (-1 / (2 * alpha)), force=True)
    integral, loss = _tail(jstar)
    steps = [
        (f"{label}: mode lambda is fitted once its accumulated step is >~ 1", sp.Eq(rate * _lam, 1)),
        ("lambda_j = j^-2alpha: the last fitted index", sp.Eq(sp.Symbol("j*"), jstar)),
        ("excess loss = tail of the unfitted modes, int_j^oo x^-(2alpha+2beta) dx", integral),
        ("at j = j*(t)", loss),
    ]
    return steps, loss


def _loss(rate, label, scales=(t,)):
    steps, loss = _mode_steps(rate, label)
    result = drop_constants(loss, *scales)
    return steps + [("power-law reading (constants dropped)", result)], result


def _sgd():
    return _loss(_g2 * t, "SGD, step gamma_2 (rate gamma_2 t)")


def _decaying():
    gamma3_t = c3 * t ** (-1 / (2 * alpha))  # (1+t)^-kappa3 ~ t^-kappa3 for t >> 1
    return _loss(gamma3_t * t**2, "DANA-decaying, gamma_3 = c3 t^-1/(2alpha) (rate gamma_3 t^2)")


def _constant():
    return _loss((c3 / d) * t**2, "DANA-constant, gamma_3 = c3/d (rate gamma_3 t^2)", (t, d))


def _exponent(expr):
    return sp.simplify(-sp.expand_log(sp.log(expr), force=True).diff(t) * t)


def derive_sgd_loss():
    steps, result = _sgd()
    return Derivation("dana.sgd.loss", "SGD: tail of the modes not yet fitted at gamma_2 lambda t ~ 1",
                      steps, result, notes="Mode argument (sharp cutoff for exp(-2 gamma_2 lambda t)).")


def derive_sgdm_loss():
    eff = _g2 + _g3 / _Dl  # constant momentum: y ~ g/Delta once t >> 1/Delta
    steps, result = _loss(eff * t, "SGD-M, effective step gamma_2 + gamma_3/Delta (gamma_1 = 1)")
    return Derivation(
        "dana.sgdm.loss", "SGD-M: constant momentum only rescales the step",
        [("buffer in quasi-equilibrium for t >> 1/Delta: y_t ~ g_t/Delta", sp.Eq(sp.Symbol("y"), sp.Symbol("g") / _Dl))]
        + steps, result,
        notes="Heuristic; the equality of exponents is the paper's statement (Abstract).",
    )


def derive_decaying_loss():
    steps, result = _decaying()
    return Derivation("dana.decaying.loss", "DANA-decaying: mode fitted once gamma_3(t) lambda t^2 ~ 1",
                      steps, result,
                      notes="Mode argument; (1+t)^-k ~ t^-k for t >> 1; gamma_2 t << gamma_3(t) t^2 for t >> 1.")


def derive_decaying_speedup():
    _, sgd = _sgd()
    _, dec = _decaying()
    ratio = sp.simplify(_exponent(dec) / _exponent(sgd))
    return Derivation("dana.decaying.speedup", "ratio of the two derived loss exponents",
                      [("SGD exponent", _exponent(sgd)), ("DANA-decaying exponent", _exponent(dec))],
                      ratio)


def derive_constant_loss_accelerated():
    steps, result = _constant()
    return Derivation("dana.constant.loss_accelerated",
                      "DANA-constant after its onset: mode fitted once (c3/d) lambda t^2 ~ 1",
                      steps, result)


def derive_constant_loss_early():
    steps, result = _sgd()
    cond = sp.Eq(_g2 * _lam * t, (c3 / d) * _lam * t**2)
    return Derivation(
        "dana.constant.loss_early", "DANA-constant before its onset: the SGD term fits the modes",
        [("SGD term gamma_2 lambda t exceeds the momentum term (c3/d) lambda t^2 while t < gamma_2 d/c3", cond)]
        + steps, result,
    )


def derive_constant_onset():
    (t_on,) = [s for s in sp.solve(sp.Eq(_g2 * _lam * t, (c3 / d) * _lam * t**2), t) if s != 0]
    return Derivation(
        "dana.constant.onset", "where the momentum term overtakes the SGD term",
        [("gamma_2 lambda t = (c3/d) lambda t^2", sp.Eq(t, t_on))], drop_constants(t_on, d),
    )


def derive_constant_floor_time():
    steps, _ = _mode_steps((c3 / d) * t**2, "DANA-constant")
    jstar = steps[1][1].rhs
    sols = sp.solve(sp.Eq(sp.log(jstar), sp.log(d)), t)
    (t_floor,) = [s for s in sols if s.is_positive is not False]
    return Derivation(
        "dana.constant.floor_time", "all d modes fitted: j*(t) = d",
        steps[:2] + [("j*(t) = d", sp.Eq(t, t_floor))], drop_constants(t_floor, d),
    )


# ------------------------------------------------------------------------- compute-optimal


def _floor():
    """F_0 ~ tail of the modes beyond the d the features can represent (pure-point region)."""
    _, floor = _tail(d)
    return [("floor F_0: target modes beyond d, int_d^oo x^-(2alpha+2beta) dx", floor)], drop_constants(floor, d)


def _balance(loss_t, label):
    """xi, eta from balancing loss(t = f/d, d) against the floor on f = t d."""
    floor_steps, floor = _floor()
    on_budget = loss_t.subs(t, f / d)
    log_loss = sp.expand(sp.expand_log(sp.log(on_budget), force=True).subs({sp.log(d): _X, sp.log(f): _F}))
    log_floor = sp.expand(sp.expand_log(sp.log(floor), force=True).subs(sp.log(d), _X))
    (X_star,) = sp.solve(sp.Eq(log_loss, log_floor), _X)
    xi = sp.simplify(sp.diff(X_star, _F))
    eta = sp.simplify(-sp.diff(log_floor.subs(_X, X_star), _F))
    steps = floor_steps + [
        (f"{label} loss on the budget t = f/d", on_budget),
        ("balance the two terms (logs: X = log d, F = log f)", sp.Eq(log_loss, log_floor)),
        ("compute-optimal log d*", sp.Eq(_X, X_star)),
        ("xi = d log d*/d log f; eta = -d log P*/d log f", sp.Tuple(xi, eta)),
    ]
    return steps, xi, eta


def _co(key, loss_fn, label, which):
    def run():
        _, loss = loss_fn()
        steps, xi, eta = _balance(loss, label)
        return Derivation(key, f"{label}: compute-optimal {which} by balancing on f = t d", steps,
                          xi if which == "xi" else eta,
                          notes="The minimiser of a sum of two power laws in d sits where they balance (up to constants).")
    return run


# ------------------------------------------------ outside the pure-point region (issue 21)


def _tail_power(weight_power, jstar):
    """int_{j*}^oo x^-weight_power dx at j = j*(tau) (the unfitted modes' share of a term)."""
    integral = sp.integrate(_x ** (-weight_power), (_x, _j, sp.oo), conds="none")
    return integral, sp.powdenest(integral.subs(_j, jstar), force=True)


_tau = sp.Symbol("tau", positive=True)


@functools.lru_cache(maxsize=1)
def _terms():
    """The SGD terms at effective time tau (mode fitted once tau lambda >~ 1): F_pp (weights
    j^-(2a+2b)), F_ac (weight lambda_j w/d, w = O(1) for 2b > 1) and the noise kernel
    K_pp (sum of lambda_j^2 over the unfitted modes)."""
    jstar = _tau ** (1 / (2 * alpha))
    _, pp = _tail_power(2 * alpha + 2 * beta, jstar)
    _, ac = _tail_power(2 * alpha, jstar)
    _, noise = _tail_power(4 * alpha, jstar)
    return jstar, {"pp": drop_constants(pp, _tau), "ac": drop_constants(ac, _tau) / d,
                   "noise": drop_constants(noise, _tau)}


def _shape(key, first, title):
    def run():
        jstar, terms = _terms()
        vartheta = (c3 * t ** (-1 / (2 * alpha))) * t**2
        result = sum(drop_constants(terms[k].subs(_tau, vartheta), t, d) for k in (first, "ac"))
        steps = [
            ("last fitted index at effective time tau", sp.Eq(sp.Symbol("j*"), jstar)),
            ("F_pp(tau): tail of j^-(2a+2b)", terms["pp"]),
            ("F_ac(tau): tail of lambda_j w/d", terms["ac"]),
            ("noise K_pp(tau): tail of lambda_j^2", terms["noise"]),
            ("DANA-decaying: tau = gamma_3(t) t^2 with gamma_3 = c3 t^-1/(2a)", vartheta),
            ("the two terms of this region, constants dropped", result),
        ]
        return Derivation(key, title, steps, result,
                          notes="Effective-time reading (ours): every SGD term at tau = gamma_3 t^2.")
    return run


def derive_constant_horizon():
    base = derive_constant_floor_time()
    return Derivation(
        "dana.constant.horizon", "the horizon is the floor time: after it only the noise the "
        "undamped momentum keeps injecting changes the loss",
        list(base.steps) + [("horizon = floor time", base.result)], base.result,
        notes="Heuristic: the rise after the minimum is measured, not derived.")


def derive_loss_highdim():
    jstar = _tau ** (1 / (2 * alpha))
    _, pp = _tail_power(2 * alpha + 2 * beta, jstar)
    trK = sp.integrate(_x ** (-2 * alpha), (_x, 1, d), conds="none")
    trK_reading = d ** (1 - 2 * alpha)  # leading term of trK for 2 alpha < 1
    reading = drop_constants(pp, _tau)  # tau^-nu
    nu = sp.simplify(-sp.expand_log(sp.log(reading), force=True).diff(_tau) * _tau)
    result = (1 + t / trK_reading) ** (-nu)
    steps = [
        ("tr K = int_1^d x^-2a dx (2a < 1: ~ d^(1-2a))", trK),
        ("SGD term gamma_2 t = t / tr K outgrows gamma_3 t^2 = t^(2-1/(2a))/tr K when 2a < 1", t / trK_reading),
        ("F_pp(tau) ~ tau^-nu for tau >> 1, O(1) before the first mode is fitted", reading),
        ("F_pp at tau = t/tr K, written (1 + tau)^-nu (a lower bound: F_ac and noise add)", result),
    ]
    return Derivation("dana.decaying.loss_highdim", "below the line DANA-decaying is SGD-like",
                      steps, result)


def derive_eta_highdim_bound():
    jstar = _tau ** (1 / (2 * alpha))
    _, pp = _tail_power(2 * alpha + 2 * beta, jstar)
    reading = drop_constants(pp, _tau)
    # the effective time t / tr K is at most t <= f = t d, so P >~ F_pp(f)
    bound = reading.subs(_tau, f)
    eta = sp.simplify(-sp.expand_log(sp.log(bound), force=True).diff(f) * f)
    return Derivation(
        "dana.decaying.eta_highdim_bound", "P >~ F_pp(effective time) >= F_pp(f)",
        [("F_pp(tau)", reading), ("tau = t / tr K <= t <= f", bound), ("eta <= nu", eta)], eta,
        notes="Upper bound only (SGD-like below the line; the exponent itself is not recovered).")


def _two_term_balance(key, first, which):
    def run():
        _, terms = _terms()
        vartheta = t ** (2 - 1 / (2 * alpha))
        a_term = terms[first].subs(_tau, vartheta).subs(t, f / d)
        b_term = terms["ac"].subs(_tau, vartheta).subs(t, f / d)
        la = sp.expand(sp.expand_log(sp.log(a_term), force=True).subs({sp.log(d): _X, sp.log(f): _F}))
        lb = sp.expand(sp.expand_log(sp.log(b_term), force=True).subs({sp.log(d): _X, sp.log(f): _F}))
        (X_star,) = sp.solve(sp.Eq(la, lb), _X)
        xi = sp.simplify(sp.diff(X_star, _F))
        eta = sp.simplify(-sp.diff(la.subs(_X, X_star), _F))
        steps = [(f"{first} term on t = f/d", a_term), ("F_ac term on t = f/d", b_term),
                 ("balance (X = log d, F = log f)", sp.Eq(la, lb)), ("xi, eta", sp.Tuple(xi, eta))]
        return Derivation(key, f"DANA-decaying: {first} trades off with F_ac on f = t d", steps,
                          xi if which == "xi" else eta)
    return run


def _batch_rate():
    """gamma_3(t) t^2 for the batch schedule gamma_3 = c3 t^-kappa_3, kappa_3 = (1 - kappa_b)/(2 alpha)."""
    kappa_b = _P["kappa_b"].symbol
    return c3 * t ** (-(1 - kappa_b) / (2 * alpha)) * t**2


def derive_batch_loss():
    steps, result = _loss(_batch_rate(), "DANA-decaying at batch d^kappa_b, gamma_3 = c3 t^-(1-kappa_b)/(2alpha) "
                          "(rate gamma_3 t^2; the batch only scales the noise)")
    return Derivation("dana.batch.loss", "batch schedule: mode fitted once gamma_3(t) lambda t^2 ~ 1",
                      steps, result,
                      notes="Mode argument as for dana.decaying.loss with kappa_3 = (1 - kappa_b)/(2 alpha); "
                      "the batch B = d^kappa_b divides the gradient noise, not the mean dynamics.")


def derive_batch_floor_time():
    steps, _ = _mode_steps(_batch_rate(), "DANA-decaying at batch d^kappa_b")
    jstar = steps[1][1].rhs
    sols = sp.solve(sp.Eq(sp.log(jstar), sp.log(d)), t)
    (t_floor,) = [s for s in sols if s.is_positive is not False]
    return Derivation(
        "dana.batch.floor_time", "batch schedule: all d modes fitted, j*(t) = d",
        steps[:2] + [("j*(t) = d", sp.Eq(t, t_floor))], drop_constants(t_floor, d),
    )


DERIVATIONS = {
    "dana.sgd.loss": derive_sgd_loss,
    "dana.sgdm.loss": derive_sgdm_loss,
    "dana.decaying.loss": derive_decaying_loss,
    "dana.decaying.speedup": derive_decaying_speedup,
    "dana.constant.loss_early": derive_constant_loss_early,
    "dana.constant.loss_accelerated": derive_constant_loss_accelerated,
    "dana.constant.onset": derive_constant_onset,
    "dana.constant.floor_time": derive_constant_floor_time,
    "dana.sgd.xi": _co("dana.sgd.xi", _sgd, "SGD", "xi"),
    "dana.sgd.eta": _co("dana.sgd.eta", _sgd, "SGD", "eta"),
    "dana.constant.xi": _co("dana.constant.xi", _constant, "DANA-constant", "xi"),
    "dana.constant.eta": _co("dana.constant.eta", _constant, "DANA-constant", "eta"),
    "dana.decaying.xi": _co("dana.decaying.xi", _decaying, "DANA-decaying", "xi"),
    "dana.decaying.eta": _co("dana.decaying.eta", _decaying, "DANA-decaying", "eta"),
    "dana.decaying.loss_ac": _shape("dana.decaying.loss_ac", "pp", "F_pp and F_ac at the effective time"),
    "dana.decaying.loss_noise": _shape("dana.decaying.loss_noise", "noise", "noise and F_ac at the effective time"),
    "dana.decaying.loss_highdim": derive_loss_highdim,
    "dana.decaying.eta_highdim_bound": derive_eta_highdim_bound,
    "dana.constant.horizon": derive_constant_horizon,
    "dana.decaying.xi_ac": _two_term_balance("dana.decaying.xi_ac", "pp", "xi"),
    "dana.decaying.eta_ac": _two_term_balance("dana.decaying.eta_ac", "pp", "eta"),
    "dana.decaying.xi_noise": _two_term_balance("dana.decaying.xi_noise", "noise", "xi"),
    "dana.decaying.eta_noise": _two_term_balance("dana.decaying.eta_noise", "noise", "eta"),
    "dana.batch.loss": derive_batch_loss,
    "dana.batch.floor_time": derive_batch_floor_time,
}

NOT_DERIVED = {
    "dana.update.momentum": "definition of the algorithm (Gen-Mom update)",
    "dana.update.iterate": "definition of the algorithm (Gen-Mom update)",
    "dana.delta_schedule": "a hyperparameter choice of the authors (code), not a consequence of the model",
    "dana.constant.gamma3": "a hyperparameter choice (kappa_2 = 1); its effect is derived in dana.constant.*",
    "dana.decaying.gamma3": "a hyperparameter choice (kappa_3 = 1/(2 alpha)); its effect is derived in dana.decaying.*",
    "dana.friction_threshold": "read only as a code comment; a derivation needs the paper's stability analysis of the "
    "momentum ODE with noise, which we could not read",
    "dana.default_delta": "a default in the authors' code, not a law of the model",
    "dana.decaying.eta_no_power_law": "a convention (no power law encoded as eta = 0) so that the phase family covers the plane",
    "dana.outscaling.decaying_gain": "the difference of derived exponents (dana.decaying.eta, eta_ac, eta_noise minus "
    "the 4+3 exponents of plrf_phases.eta_Ia, eta_II, eta_III); the sign analysis (positive iff 2 alpha > 1) is in the law's notes",
    "dana.decaying.c3_max": "a stability limit set by the top of the spectrum (lambda_1 = 1 for every d); "
    "its O(1) value needs the discrete momentum dynamics' stability analysis, which we did not carry out (the "
    "d-independence is argued in the law's notes)",
    "dana.batch.kappa3": "a hyperparameter prescription of the authors' code, not a consequence of the model",
    "dana.batch.kappa1": "a hyperparameter prescription of the authors' code, not a consequence of the model",
}
