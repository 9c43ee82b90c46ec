"""Derivations of the laws of :mod:`scalinglaws.papers.muon_capacity`.

The model facts used, each computed here with SymPy (never read from a registered expression):

1. the exponent recursion of the multi-step result, :math:`d_{t+1} = d^{1/\\alpha} d_t^{1-1/(2\\alpha)}`
   from :math:`d_0 = d`, i.e. :math:`a_{t+1} = 1/\\alpha + (1 - 1/(2\\alpha)) a_t`, :math:`a_0 = 1`
   (our reading of the transcribed theorem: solved with ``rsolve``);
2. the batch cap: an item of rank :math:`r` appears :math:`B p_r \\asymp B r^{-\\alpha}` times in a
   batch and must appear at least once, so :math:`r \\lesssim B^{1/\\alpha}`;
3. the tail mass :math:`\\sum_{i > k} i^{-\\alpha} \\asymp k^{1-\\alpha}/(\\alpha-1)` (integral);
4. the SGD heuristic: item :math:`i` beats the head-item interference when
   :math:`p_i \\gtrsim p_1/\\sqrt d`, and (at finite d) the maximum of the N generic wrong
   scores, :math:`\\sqrt{2\\ln N}\\,\\|p\\|_2/d` (second moments of Gaussian overlaps,
   computed here);
5. Newton-Schulz Muon (heuristic): k quintic steps multiply a small normalised singular value by
   :math:`a^k`, a floor :math:`\\lambda_k = \\|G\\|_F a^{-k}`; with a floor above the bulk, the
   recovery threshold is set by the generic wrong scores of the equalised directions.

>>> from scalinglaws.derivations import check
>>> dv = DERIVATIONS["muon_capacity.muon.critical_batch"]()
>>> dv.result
d**(alpha + 1/2)
>>> check(dv)
True
"""

from __future__ import annotations

import functools

import sympy as sp

from scalinglaws.registry import paper as _paper

from . import Derivation, drop_constants

__all__ = ["DERIVATIONS", "NOT_DERIVED", "exponent_recursion"]

_P = _paper("muon_capacity").params
d, B, alpha, t, sigma, lam, N, k = (
    _P[n].symbol for n in ("d", "B", "alpha", "t", "sigma", "lam", "N", "k"))

_k, _x, _r_rank, _pstar = sp.symbols("k x r p_star", positive=True)
_n = sp.Symbol("n", integer=True, nonnegative=True)
_a = sp.Function("a")


@functools.lru_cache(maxsize=None)
def exponent_recursion():
    """``(steps, a_t)``: the exponent of the d-branch after ``t`` steps, from the recursion.

    >>> exponent_recursion()[1]
    2 - (1 - 1/(2*alpha))**t
    """
    r = 1 - 1 / (2 * alpha)
    rec = sp.Eq(_a(_n + 1), 1 / alpha + r * _a(_n))
    sol = sp.rsolve(_a(_n + 1) - 1 / alpha - r * _a(_n), _a(_n), {_a(0): 1})
    a_t = sp.simplify(sol.subs(_n, t))
    # write it in the canonical form 2 - r**t (checked equal, not assumed)
    canonical = 2 - r**t
    if sp.simplify(sp.expand_power_base(a_t - canonical, force=True)) != 0 and not _numeric_equal(a_t, canonical):
        raise ArithmeticError(f"rsolve gave {a_t}, not 2 - r**t")
    steps = [
        ("d_(t+1) = d^(1/alpha) d_t^(1 - 1/(2 alpha)) in logs base d, a_0 = 1 (W_0 = 0)", rec),
        ("solve the linear recursion (rsolve)", sp.Eq(sp.Symbol("a_t"), a_t)),
    ]
    return steps, canonical


def _numeric_equal(e1, e2) -> bool:
    for av, tv in ((1.5, 1), (1.5, 3), (2.7, 5), (1.1, 2)):
        v1 = complex(e1.subs({alpha: av, t: tv}).evalf())
        v2 = complex(e2.subs({alpha: av, t: tv}).evalf())
        if abs(v1 - v2) > 1e-12:
            return False
    return True


def _batch_cap():
    """The largest rank seen in a batch of B samples: B r^-alpha = 1."""
    (root,) = sp.solve(sp.Eq(B * _r_rank ** (-alpha), 1), _r_rank)
    return ("batch cap: rank r is seen B p_r ~ B r^-alpha times; need >= 1", sp.Eq(_r_rank, root)), root


def multi_step_exponent() -> Derivation:
    steps, a_t = exponent_recursion()
    return Derivation("muon_capacity.muon.multi_step_exponent", "exponent recursion of the multi-step result",
                      steps, a_t)


def multi_step_recovered() -> Derivation:
    steps, a_t = exponent_recursion()
    cap_step, cap = _batch_cap()
    result = sp.Min(d**a_t, cap)
    return Derivation(
        "muon_capacity.muon.multi_step_recovered", "d-branch from the exponent recursion, capped by the batch",
        steps + [cap_step, ("the smaller of the two limits", result)], result,
        notes="The recursion is our reading of the transcribed theorem; the cap is a counting argument.",
    )


def one_step_recovered() -> Derivation:
    steps, a_t = exponent_recursion()
    cap_step, cap = _batch_cap()
    a_1 = sp.simplify(a_t.subs(t, 1))
    result = sp.Min(d**a_1, cap)
    return Derivation(
        "muon_capacity.muon.one_step_recovered", "t = 1 of the multi-step formula",
        steps + [("t = 1", sp.Eq(sp.Symbol("a_1"), a_1)), cap_step, ("min of the branches", result)],
        result,
    )


def newton_matches_muon() -> Derivation:
    dv = one_step_recovered()
    return Derivation(
        "muon_capacity.newton_matches_muon", "Newton's one-step capacity = Muon's (the v2 abstract's claim)",
        dv.steps + (("'Muon matches Newton': the same capacity up to polylog(d)", dv.result),), dv.result,
        notes=("Rests on the paper's qualitative claim, applied to our damped Newton step (the "
               "damping is our choice); checked by simulation (V6)."),
    )


def one_step_exponent() -> Derivation:
    steps, a_t = exponent_recursion()
    a_1 = sp.expand(a_t.subs(t, 1))
    return Derivation("muon_capacity.muon.one_step_exponent", "exponent at t = 1",
                      steps + [("t = 1", a_1)], a_1)


def critical_batch() -> Derivation:
    steps, a_t = exponent_recursion()
    cap_step, cap = _batch_cap()
    a_1 = sp.expand(a_t.subs(t, 1))
    (root,) = sp.solve(sp.Eq(cap, d**a_1), B)
    result = sp.powsimp(sp.expand_power_base(root, force=True), force=True)
    return Derivation(
        "muon_capacity.muon.critical_batch", "equate the batch branch and the d-branch at t = 1",
        steps + [cap_step, ("B^(1/alpha) = d^(a_1), solved for B", sp.Eq(B, root))], result,
    )


def multi_step_loss() -> Derivation:
    steps, a_t = exponent_recursion()
    cap_step, cap = _batch_cap()
    D = sp.Symbol("D", positive=True)
    tail = sp.integrate(_x ** (-alpha), (_x, D, sp.oo), conds="none")
    power = drop_constants(tail, D)
    result = power.subs(D, sp.Min(d**a_t, cap))
    return Derivation(
        "muon_capacity.muon.multi_step_loss", "loss <~ frequency mass of the unrecovered tail",
        steps + [cap_step,
                 ("unrecovered mass sum_(i > D) i^-alpha ~ int_D^oo x^-alpha dx (alpha > 1)", tail),
                 ("drop constants; D = d_t", result)],
        result,
        notes="The cross-entropy of a recovered item is O(1) times a log; only the tail mass scales.",
    )


def unrecovered_mass() -> Derivation:
    dv = multi_step_loss()
    return Derivation("muon_capacity.muon.unrecovered_mass", "frequency mass of the tail beyond d_t",
                      dv.steps, dv.result, notes="Same computation as the loss bound, read two-sided.")


def information_limit() -> Derivation:
    steps, a_t = exponent_recursion()
    limit = sp.limit(a_t.subs(alpha, 1 + _k), t, sp.oo).subs(_k, alpha - 1)
    return Derivation(
        "muon_capacity.information_limit", "t -> infinity of the exponent recursion",
        steps + [("limit of a_t (0 < 1 - 1/(2 alpha) < 1 for alpha > 1)", limit)], d**limit,
    )


def muon_threshold() -> Derivation:
    steps, a_t = exponent_recursion()
    a_1 = sp.expand(a_t.subs(t, 1))
    p_at = sp.powsimp(sp.expand_power_base((d**a_1) ** (-alpha), force=True), force=True)
    result = d ** sp.expand(-alpha * a_1)
    return Derivation(
        "muon_capacity.muon.threshold_frequency", "frequency of the last recovered rank, p_(d_1) ~ d_1^-alpha",
        steps + [("p at rank d_1 = d^(a_1)", p_at)], result,
    )


def multi_step_threshold() -> Derivation:
    steps, a_t = exponent_recursion()
    result = d ** sp.expand(-alpha * a_t)
    return Derivation(
        "muon_capacity.muon.multi_step_threshold_frequency", "p_(d_t) ~ d_t^-alpha on the d-branch",
        steps + [("p at rank d_t = d^(a_t)", result)], result,
    )


def _sgd_rank():
    p1 = sp.Symbol("p_1", positive=True)
    cond = sp.Eq(_pstar, p1 / sp.sqrt(d))
    (rank,) = sp.solve(sp.Eq(p1 * _r_rank ** (-alpha), p1 / sp.sqrt(d)), _r_rank)
    return [("SGD: signal p_i against head interference p_1 e_1.e_i ~ p_1/sqrt(d)", cond),
            ("rank with p_r = p_1 r^-alpha at the threshold", sp.Eq(_r_rank, rank))], rank, p1


def sgd_threshold() -> Derivation:
    steps, _, p1 = _sgd_rank()
    result = drop_constants(p1 / sp.sqrt(d), d)
    return Derivation("muon_capacity.sgd.threshold_frequency", "threshold frequency of one SGD step (ours)",
                      steps[:1] + [("drop the constant p_1", result)], result)


def sgd_one_step() -> Derivation:
    steps, rank, _ = _sgd_rank()
    cap_step, cap = _batch_cap()
    result = sp.Min(sp.powsimp(rank, force=True), cap)
    return Derivation("muon_capacity.sgd.one_step_recovered", "one SGD step (ours)",
                      steps + [cap_step, ("min of the branches", result)], result)


def sgd_one_step_exponent() -> Derivation:
    steps, rank, _ = _sgd_rank()
    from scalinglaws.law import leading_exponent

    result = sp.simplify(leading_exponent(rank, d))
    return Derivation("muon_capacity.sgd.one_step_exponent", "exponent of the SGD rank (ours)",
                      steps + [("exponent in d", result)], result)


def sgd_critical_batch() -> Derivation:
    steps, rank, _ = _sgd_rank()
    cap_step, cap = _batch_cap()
    (root,) = sp.solve(sp.Eq(cap, rank), B)
    result = sp.powsimp(sp.expand_power_base(root, force=True), force=True)
    return Derivation("muon_capacity.sgd.critical_batch", "equate the SGD branches (ours)",
                      steps + [cap_step, ("B^(1/alpha) = d^(1/(2 alpha))", sp.Eq(B, result))], result)


def _overlap_second_moment():
    """E[(x.y)^2] for independent x, y ~ N(0, I_d/d): sum over coordinates of E[x_a^2] E[y_a^2]."""
    a = sp.Symbol("a", integer=True, positive=True)
    per_coordinate = (1 / d) * (1 / d)  # E[x_a^2] E[y_a^2]; cross terms have mean zero
    return sp.summation(per_coordinate, (a, 1, d))


def sgd_two_term() -> Derivation:
    m2 = _overlap_second_moment()  # 1/d
    p1, p2norm, p_i = sp.symbols("p_1 pnorm_2 p_i", positive=True)
    head = p1 * sp.sqrt(m2)  # p_1 (e_1.e_i): standard deviation p_1/sqrt(d)
    generic_var = p2norm**2 * m2 * m2  # sum_k p_k^2 E[(u_j.u_k)^2] E[(e_k.e_i)^2]
    generic = sp.sqrt(2 * sp.log(N)) * sp.sqrt(generic_var)  # max of N Gaussians, leading order
    threshold = head + generic
    def H(s_):  # H_N(s), the normalisation of N power-law frequencies
        return sp.zeta(s_) - sp.zeta(s_, N + 1)

    result = threshold.subs({p1: 1 / H(alpha), p2norm: sp.sqrt(H(2 * alpha)) / H(alpha)})
    return Derivation(
        "muon_capacity.sgd.threshold_frequency_two_term",
        "SGD threshold at finite d: head and generic wrong scores (ours)",
        [("E[(x.y)^2] for x, y ~ N(0, I/d)", sp.Eq(sp.Symbol("m_2"), m2)),
         ("head term: the wrong score p_1 |u_1|^2 (e_1.e_i) has standard deviation p_1/sqrt(d)",
          head),
         ("generic term: sum_k p_k (u_j.u_k)(e_k.e_i) has variance ||p||_2^2/d^2", generic_var),
         ("its maximum over the N outputs: sqrt(2 ln N) standard deviations", generic),
         ("recovery needs p_i above both (Theta of their sum)", sp.Eq(p_i, threshold)),
         ("p_1 = 1/H_N(alpha), ||p||_2 = sqrt(H_N(2 alpha))/H_N(alpha)", result)],
        result,
        notes=("Heuristic: Gaussian overlaps, independent maxima, constants of the two terms "
               "not computed (they differ, and depend on alpha through the head's number of "
               "competitors)."),
    )


def newton_schulz_recovered() -> Derivation:
    a, x, lam_, m, F = sp.symbols("a x lambda_k m F", positive=True)
    b_, c_ = sp.symbols("b c", real=True)
    phi = a * x + b_ * x**3 + c_ * x**5
    slope0 = sp.diff(phi, x).subs(x, 0)  # a: small singular values are multiplied by a per step
    floor = F * slope0 ** (-k)  # phi^k(x) ~ a^k x below the floor ||G||_F a^-k
    m_dirs = sp.solve(sp.Eq(lam_, m ** (-alpha)), m)[0]  # p_1 m^-alpha = lambda (p_1 -> 1)
    # an item's own score p_i/lambda against N generic wrong scores of std sqrt(m)/d
    pstar = lam_ * sp.sqrt(m_dirs) / d
    rank = sp.powsimp(sp.expand_power_base(pstar ** (-1 / alpha), force=True), force=True)
    ns_branch = sp.powsimp(sp.expand_power_base(
        rank.subs(lam_, floor).subs({F: 1, a: sp.Rational(34445, 10000)}), force=True), force=True)
    _, a_t = exponent_recursion()
    muon_branch = d ** sp.expand(a_t.subs(t, 1))
    result = sp.Min(muon_branch, ns_branch)
    return Derivation(
        "muon_capacity.muon.newton_schulz_recovered",
        "Newton-Schulz Muon as h_lambda with lambda_k = ||G||_F a^-k (ours, heuristic)",
        [("quintic step on a normalised singular value x", phi),
         ("its slope at 0: a small singular value is multiplied by a per step", slope0),
         ("k steps: a floor lambda_k = ||G||_F a^-k below which the map is linear", floor),
         ("directions above the floor: p_1 m^-alpha = lambda (p_1 = Theta(1))", sp.Eq(m, m_dirs)),
         ("threshold: p_i/lambda against the generic wrong scores ~ sqrt(m)/d", pstar),
         ("in rank units (p_r ~ r^-alpha), lambda = lambda_k, ||G||_F = Theta(1)", ns_branch),
         ("while d^-alpha > lambda_k the floor is inert: exact Muon's one-step capacity",
          muon_branch),
         ("the smaller of the two", result)],
        result,
        notes=("Heuristic: drops the head outputs' wrong scores ~ lambda sqrt(2 ln m)/sqrt(d), "
               "which fall more slowly in d and take over at large d (the law's notes), and "
               "the constants ||G||_F, p_1, sqrt(2 ln N)."),
    )


def muon_map() -> Derivation:
    # G = U S V^T: G (G^T G + lam^2 I)^(-1/2) = U S (S^2 + lam^2)^(-1/2) V^T, diagonal by diagonal
    s1, s2 = sp.symbols("s1 s2", positive=True)
    S = sp.diag(s1, s2)
    inner = (S.T * S + lam**2 * sp.eye(2))
    root_inv = sp.diag(*[1 / sp.sqrt(inner[i, i]) for i in range(2)])
    out = sp.simplify(S * root_inv)
    result = out[0, 0].subs(s1, sigma)
    return Derivation(
        "muon_capacity.muon.map", "singular values of G (G^T G + lambda^2 I)^(-1/2)",
        [("G = U S V^T, so G^T G + lambda^2 I = V (S^2 + lambda^2 I) V^T", inner),
         ("the inverse square root acts on the diagonal; U S V^T V (.)^(-1/2) V^T", out)],
        result,
    )


# ---------------------------------------------------------------- Newton in its own right (ours)

_WHITEN = (
    "damped Newton at W = 0: W ~ G (Sigma_e + mu I)^-1 whitens the inputs; for Gaussian "
    "embeddings this equalises the top d singular directions of G as the polar map does, so "
    "the threshold is Muon's (heuristic, ours)"
)


def newton_one_step() -> Derivation:
    dv = one_step_recovered()
    return Derivation(
        "muon_capacity.newton.one_step_recovered", "one damped Newton step: Muon's one-step capacity (ours)",
        dv.steps + ((_WHITEN, dv.result),), dv.result,
        notes="Hypothesis: the whitening argument is ours; checked by simulation (V6).",
    )


def newton_one_step_exponent() -> Derivation:
    dv = one_step_exponent()
    return Derivation(
        "muon_capacity.newton.one_step_exponent", "exponent of the one-step Newton capacity (ours)",
        dv.steps + ((_WHITEN, dv.result),), dv.result,
    )


def newton_threshold() -> Derivation:
    dv = muon_threshold()
    return Derivation(
        "muon_capacity.newton.threshold_frequency", "Newton's threshold frequency p_(d_1) (ours)",
        dv.steps + ((_WHITEN, dv.result),), dv.result,
    )


# ------------------------------------------------------------------------ multi-step SGD (ours)


@functools.lru_cache(maxsize=None)
def _sgd_multi():
    p1 = sp.Symbol("p_1", positive=True)
    signal = sp.Symbol("p_i") * t  # an active item accumulates p_i per step
    interference = p1 / sp.sqrt(d)  # frozen head weight ~ p_1 (recovered at t = 1), overlap 1/sqrt(d)
    (pstar,) = sp.solve(sp.Eq(_pstar * t, interference), _pstar)
    (rank,) = sp.solve(sp.Eq(p1 * _r_rank ** (-alpha), pstar), _r_rank)
    rank = sp.powsimp(sp.expand_power_base(rank, force=True), force=True)
    steps = [
        ("thresholded SGD: an item still in the gradient has the score", signal),
        ("recovered items stop accumulating: the largest wrong score stays the head's", interference),
        ("threshold: p* t = p_1/sqrt(d) (up to sqrt(2 ln d_t) from the max over frozen items)",
         sp.Eq(_pstar, pstar)),
        ("rank with p_r = p_1 r^-alpha at the threshold", sp.Eq(_r_rank, rank)),
    ]
    return steps, pstar, rank, p1


def sgd_multi_step_threshold() -> Derivation:
    steps, pstar, _, p1 = _sgd_multi()
    result = sp.simplify(pstar / p1)
    return Derivation(
        "muon_capacity.sgd.multi_step_threshold_frequency", "threshold frequency after t thresholded SGD steps (ours)",
        steps[:3] + [("drop the constant p_1", result)], result,
        notes="Heuristic; the sqrt(2 ln d_t) of the maximum over the d_t frozen competitors is the "
        "hidden log (kind theta_log).",
    )


def sgd_multi_step() -> Derivation:
    steps, _, rank, _ = _sgd_multi()
    cap_step, cap = _batch_cap()
    limit = information_limit().result
    result = sp.Min(rank, limit, cap)
    return Derivation(
        "muon_capacity.sgd.multi_step_recovered", "capacity after t thresholded SGD steps (ours)",
        steps + [("the generic competitors grow with the signal: the information limit caps it", limit),
                 cap_step, ("the smallest of the three", result)],
        result,
        notes="Heuristic; the d^2 cap is the information limit of the multi-step Muon result.",
    )


DERIVATIONS = {
    "muon_capacity.muon.multi_step_exponent": multi_step_exponent,
    "muon_capacity.muon.multi_step_recovered": multi_step_recovered,
    "muon_capacity.muon.one_step_recovered": one_step_recovered,
    "muon_capacity.muon.one_step_exponent": one_step_exponent,
    "muon_capacity.newton_matches_muon": newton_matches_muon,
    "muon_capacity.muon.critical_batch": critical_batch,
    "muon_capacity.muon.multi_step_loss": multi_step_loss,
    "muon_capacity.muon.unrecovered_mass": unrecovered_mass,
    "muon_capacity.information_limit": information_limit,
    "muon_capacity.muon.threshold_frequency": muon_threshold,
    "muon_capacity.sgd.threshold_frequency": sgd_threshold,
    "muon_capacity.muon.multi_step_threshold_frequency": multi_step_threshold,
    "muon_capacity.sgd.one_step_recovered": sgd_one_step,
    "muon_capacity.sgd.one_step_exponent": sgd_one_step_exponent,
    "muon_capacity.sgd.critical_batch": sgd_critical_batch,
    "muon_capacity.muon.map": muon_map,
    "muon_capacity.sgd.threshold_frequency_two_term": sgd_two_term,
    "muon_capacity.muon.newton_schulz_recovered": newton_schulz_recovered,
    "muon_capacity.newton.one_step_recovered": newton_one_step,
    "muon_capacity.newton.one_step_exponent": newton_one_step_exponent,
    "muon_capacity.newton.threshold_frequency": newton_threshold,
    "muon_capacity.sgd.multi_step_threshold_frequency": sgd_multi_step_threshold,
    "muon_capacity.sgd.multi_step_recovered": sgd_multi_step,
}

NOT_DERIVED = {
    "muon_capacity.muon.learning_rate": "A schedule chosen in the transcribed theorem, not a consequence of the model.",
    "muon_capacity.muon.floor_schedule": (
        "A schedule chosen in the transcribed theorem. Its t = 0 d-branch equals the d-term of "
        "muon.one_step_floor (d^-alpha), its B-branch differs by sqrt(d) (see the law's notes)."
    ),
    "muon_capacity.muon.one_step_floor": "A schedule chosen in the transcribed one-step theorem (one source).",
}
