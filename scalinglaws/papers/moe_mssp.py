"""How to scale mixture-of-experts layers: μP and the maximally scale-stable parameterization.

Vankadara, Haas, Hayward, Bordt, Breccia, *How to Scale Mixture-of-Experts: From muP to the
Maximally Scale-Stable Parameterization*, arXiv:2605.14200 (v1, 2026).

Model (the authors' MLP-MoE): :math:`h = \\varphi(W_{in}^\\top x)`, router logits
:math:`r = W_r^\\top h`, gates :math:`g_i = \\sigma(r_i)\\,M^{-\\alpha}` (soft sigmoid routing over
all :math:`M` experts, or only the top :math:`K`), experts
:math:`o_i = W_{2,i}^\\top\\varphi(W_{1,i}^\\top h)`, aggregation :math:`h_{agg} = \\sum_i g_i o_i`,
output :math:`\\hat y = W_{out}^\\top h_{agg}`. Scale variables: width :math:`N`, expert width
:math:`N_e`, number of experts :math:`M`, active experts :math:`K`; :math:`D` is the fixed input
dimension.

Three joint limits: Regime I (:math:`N \\asymp N_e`, :math:`M, K` fixed), Regime II
(:math:`N \\asymp M \\asymp K`, :math:`N_e` fixed), Regime III (all proportional). For each regime,
optimizer (SGD, Adam) and parameterization (μP, MSSP) the module registers, per parameter group
(``embedding`` = input weights, ``router``, ``expert_up``, ``expert_down``, ``readout``), the
initialisation variance, the learning-rate factor and (Adam) the :math:`\\epsilon` factor, plus the
aggregation multiplier :math:`M^{-\\alpha}` and the init-sharing flag. All forward multipliers are
1 (the authors' multiplier-free form); :mod:`scalinglaws.parameterization` compares other forms
through the abc-symmetry.

MSSP differs from μP only at initialisation: Regime I zero router; Regime II expert-down
variance :math:`M/N_e` instead of :math:`1/N_e`; Regime III identical initial weights for all
experts. Learning rates and :math:`\\epsilon` are the same.

Provenance: the paper's Table 1 could not be read. Every entry is the parameterization as
implemented in the authors' released code ``vankadara-lab/mssp-moe`` (MLP-MoE
``moe_training.py``; Transformer ``scaling.py``), status ``authors_code``. The code writes some
factors in the regime's instantiation (``N_e = N`` in Regimes I and III of the MLP code), so
exponents of individual variables are meaningful only modulo the regime's co-scaling
(:func:`coscaling`). The depth rule the paper combines with is not identified; two candidate
rules from other papers are registered with their own references.

Laws are tagged ``regime=I|II|III``, ``optimizer=sgd|adam``, ``parameterization=mup|mssp``,
``group=...``, ``quantity=init_var|lr|eps|aggregation|shared_init`` and
``table=<regime>.<optimizer>.<parameterization>``:

>>> import scalinglaws as sl
>>> rows = sl.laws(paper="moe_mssp", tag="table=II.adam.mssp")
>>> sl.law("moe_mssp.ii.mssp.expert_down.init_var").expr
M/N_e
>>> print(to_markdown("II", "adam", "mssp"), end="")  # doctest: +NORMALIZE_WHITESPACE
| group | multiplier | init. variance | learning rate | Adam ε |
| --- | --- | --- | --- | --- |
| embedding | $1$ | $\\frac{1}{D}$ | $\\frac{1}{D}$ | $\\frac{1}{N}$ |
| router | $1$ | $\\frac{1}{N}$ | $\\frac{1}{N}$ | $\\frac{1}{M}$ |
| expert_up | $1$ | $\\frac{1}{N}$ | $\\frac{1}{N}$ | $\\frac{1}{M}$ |
| expert_down | $1$ | $\\frac{M}{N_{e}}$ | $\\frac{1}{N_{e}}$ | $\\frac{1}{M N}$ |
| readout | $1$ | $0$ | $\\frac{1}{N}$ | $1$ |
<BLANKLINE>
aggregation: 1/M
<BLANKLINE>
shared_expert_init: False
"""

from __future__ import annotations

import sympy as sp

from scalinglaws.law import Paper, Reference

__all__ = [
    "paper",
    "REGIMES",
    "OPTIMIZERS",
    "PARAMETERIZATIONS",
    "GROUPS",
    "law_key",
    "table_laws",
    "param_table",
    "coscaling",
    "reduced_exponent",
    "to_markdown",
    "to_latex",
    "to_json",
]

paper = Paper(
    "moe_mssp",
    arxiv="2605.14200",
    version=1,
    title="How to Scale Mixture-of-Experts: From muP to the Maximally Scale-Stable Parameterization",
    authors="Vankadara, Haas, Hayward, Bordt, Breccia",
    year=2026,
    summary=(
        "muP fails for mixture-of-experts joint scaling limits: the aggregation of M "
        "independently initialised experts makes its initial term vanish. The maximally "
        "scale-stable parameterization (MSSP) keeps every term of every activation Theta(1) in "
        "three regimes (N ~ N_e; N ~ M ~ K; all proportional), for SGD and Adam."
    ),
    conventions=(
        "Multiplier-free form: every forward multiplier is 1; scaling lives in the init variance "
        "of each entry and in per-group factors multiplying the base learning rate eta and the "
        "base Adam epsilon. Gates g_i = sigmoid(r_i) * M^-alpha (soft routing over all M experts; "
        "with top-K routing the Transformer code uses K^-alpha, equivalent at fixed K/M). MSE "
        "loss averaged over the batch; one step = one minibatch. The MLP code's learning-rate "
        "formulas use absolute N, M (tuned O(1) multipliers absorb the base sizes N=128, M=8)."
    ),
)

N = paper.param("N", "width (model dimension)", integer=True)
N_e = paper.param("N_e", "expert width (hidden size of each expert)", integer=True, latex="N_{e}")
M = paper.param("M", "number of experts", integer=True)
K = paper.param("K", "number of active experts per token (sparsity; soft routing: K = M)",
                integer=True)
D = paper.param("D", "input dimension (fixed)", integer=True)
L = paper.param("L", "depth (number of residual blocks)", integer=True)

REGIMES = ("I", "II", "III")
OPTIMIZERS = ("sgd", "adam")
PARAMETERIZATIONS = ("mup", "mssp")
GROUPS = ("embedding", "router", "expert_up", "expert_down", "readout")

_SCALES = {"I": ("N", "N_e"), "II": ("N", "M", "K"), "III": ("N", "N_e", "M", "K")}
_REGIME_TEXT = {
    "I": "Regime I (N ~ N_e; M, K fixed)",
    "II": "Regime II (N ~ M ~ K; N_e fixed)",
    "III": "Regime III (N, N_e, M, K all proportional)",
}
_GROUP_TEXT = {
    "embedding": "input/embedding weights W_in (D x N)",
    "router": "router W_r (N x M)",
    "expert_up": "expert up-projection W1_i (N x N_e)",
    "expert_down": "expert down-projection W2_i (N_e x N)",
    "readout": "readout W_out (N x C)",
}
_GROUP_LATEX = {
    "embedding": r"W_{\mathrm{in}}",
    "router": r"W_{r}",
    "expert_up": r"W_{1}",
    "expert_down": r"W_{2}",
    "readout": r"W_{\mathrm{out}}",
}

_ZERO = sp.Integer(0)
_ONE = sp.Integer(1)

# The SGD learning-rate factors and the init variances (muP) per regime, from the MLP code.
_INIT_VAR = {
    "I": {"embedding": 1 / D, "router": N**-2, "expert_up": 1 / N, "expert_down": 1 / N_e, "readout": _ZERO},
    "II": {"embedding": 1 / D, "router": 1 / N, "expert_up": 1 / N, "expert_down": 1 / N_e, "readout": _ZERO},
    "III": {"embedding": 1 / D, "router": 1 / N, "expert_up": 1 / N, "expert_down": 1 / N_e, "readout": _ZERO},
}
_MSSP_INIT_VAR = {"I": {"router": _ZERO}, "II": {"expert_down": M / N_e}, "III": {}}
_LR_SGD = {
    "I": {"embedding": N, "router": 1 / N, "expert_up": _ONE, "expert_down": _ONE, "readout": 1 / N},
    "II": {"embedding": N, "router": M / N, "expert_up": M / N, "expert_down": M * N, "readout": 1 / N},
    "III": {"embedding": N, "router": _ONE, "expert_up": M, "expert_down": M, "readout": 1 / N},
}
# Adam: learning rate eta / fan_in for every group.
_LR_ADAM = {
    r: {"embedding": 1 / D, "router": 1 / N, "expert_up": 1 / N, "expert_down": 1 / N_e, "readout": 1 / N}
    for r in REGIMES
}
_EPS = {
    "I": {"embedding": 1 / N, "router": _ONE, "expert_up": 1 / N, "expert_down": 1 / N, "readout": _ONE},
    "II": {"embedding": 1 / N, "router": 1 / M, "expert_up": 1 / M, "expert_down": 1 / (N * M), "readout": _ONE},
    "III": {"embedding": 1 / N, "router": 1 / M, "expert_up": 1 / (N * M), "expert_down": 1 / (N * M), "readout": _ONE},
}
_AGGREGATION = {"I": _ONE, "II": 1 / M, "III": 1 / M}
_SHARED = {("III", "mssp"): True}

_CODE = {
    "sgd": "mlp-moe-experiments/moe_training.py (per-group std and SGD learning-rate formulas)",
    "adam": (
        "mlp-moe-experiments/moe_training.py (Adam: lr = eta/fan_in, per-group eps factors); "
        "transformer-moe-experiments/scaling.py"
    ),
}

_NOTES = {
    ("I", "mssp", "router", "init_var"): (
        "MSSP fix of Regime I: zero router. With a 1/N-std router the code comments note "
        "'CLT to LLN effects in router propagating updates'."
    ),
    ("I", "mup", "router", "init_var"): "Router initialised like an output layer (std 1/N).",
    ("II", "mssp", "expert_down", "init_var"): (
        "MSSP fix of Regime II: expert-down variance raised from 1/N_e to M/N_e so that the "
        "aggregated initial term sum_i g_i o_i stays Theta(1) (each term Theta(sqrt M) / M); "
        "checked through moe_mssp.mssp.init_term. Learning-rate transfer (our simulations, "
        "SGD, 60 steps, 6 seeds, N = 32..128; not a registered check, no law states it): the "
        "optimal base learning rate moves by 0.21 log2 units (95% CI [0.04, 0.40]), within a "
        "factor 2."
    ),
    ("II", "mup", "expert_down", "init_var"): (
        "Under muP the aggregation's initial term vanishes like M^-1/2 (moe_mssp.mup.init_term; "
        "our coordinate check: slope -0.49 in N at M = N/8), and early learning is delayed "
        "(moe_mssp.sgd.output_change_ratio). Learning-rate transfer (our simulations, SGD, 60 "
        "steps, 6 seeds, N = 32..128 at M = N/8; not a registered check, no law states it): "
        "the optimal base learning rate moves by +0.27 log2 units (95% CI [0.10, 0.70]) under "
        "muP, measurably but by less than a factor 2 and not more than under MSSP (0.21 [0.04, "
        "0.40] in magnitude); the standard parameterization moves by 1.70 [1.59, 2.50]. On "
        "this cheap task the optimum sits next to the width-independent stability edge of "
        "both tables. The loss at the optimum, however, grows with width under muP (0.643, "
        "0.675, 0.721 +- 0.02 at N = 32, 64, 128) while it falls under MSSP (0.563, 0.546, "
        "0.525): the paper's loss of monotonic improvement under muP, reproduced (not a "
        "registered check)."
    ),
    ("III", "mssp", "experts", "shared_init"): (
        "MSSP fix of Regime III: all experts start from identical weights (the code copies "
        "expert 0's weights and biases, tied_expert_init=True); the initial terms then add "
        "coherently."
    ),
}


def law_key(regime: str, optimizer: str, parameterization: str, group: str, quantity: str) -> str:
    """The key of one table entry.

    Keys are ``moe_mssp.<regime>[.<optimizer>][.<parameterization>].<group>.<quantity>``: the
    optimizer appears for learning rates and epsilons, the parameterization only where μP and
    MSSP differ (entries they share are one law, tagged with both tables). ``group`` is
    ``aggregation`` with quantity ``aggregation``, or ``experts`` with ``shared_init``, for the two
    entries that are not weight groups.

    >>> law_key("II", "adam", "mssp", "expert_down", "lr")
    'moe_mssp.ii.adam.expert_down.lr'
    >>> law_key("II", "adam", "mssp", "expert_down", "init_var")
    'moe_mssp.ii.mssp.expert_down.init_var'
    """
    from scalinglaws.errors import UnknownKeyError

    regime, optimizer, parameterization = _check(regime, optimizer, parameterization)
    try:
        return _KEYS[(regime, optimizer, parameterization, group, quantity)]
    except KeyError:
        known = sorted({f"{g}.{q}" for (r, o, p, g, q) in _KEYS if (r, o, p) == (regime, optimizer, parameterization)})
        raise UnknownKeyError("group.quantity", f"{group}.{quantity}", known) from None


def _entries(regime: str, optimizer: str, parameterization: str) -> dict:
    """``{(group, quantity): expr}`` for one table, straight from the code transcription."""
    out = {}
    for group in GROUPS:
        var = _INIT_VAR[regime][group]
        if parameterization == "mssp":
            var = _MSSP_INIT_VAR[regime].get(group, var)
        out[(group, "init_var")] = var
        out[(group, "lr")] = (_LR_SGD if optimizer == "sgd" else _LR_ADAM)[regime][group]
        if optimizer == "adam":
            out[(group, "eps")] = _EPS[regime][group]
    out[("aggregation", "aggregation")] = _AGGREGATION[regime]
    out[("experts", "shared_init")] = sp.Integer(int(_SHARED.get((regime, parameterization), False)))
    return out


_QUANTITY_TEXT = {
    "init_var": ("initialisation variance of the entries of", r"\sigma^2_{{{g}}}"),
    "lr": ("learning-rate factor (times the base learning rate) of", r"\eta_{{{g}}}"),
    "eps": ("Adam epsilon factor (times the base epsilon) of", r"\epsilon_{{{g}}}"),
}

# Every law carries the structural condition 1 <= K <= M of a top-K mixture of experts.
_STRUCTURE = K <= M

_KEYS: dict[tuple[str, str, str, str, str], str] = {}


def _describe(regime, optimizers, parameterizations, group, quantity):
    if quantity == "aggregation":
        text = "aggregation multiplier M^-alpha of the gates g_i = sigmoid(r_i) M^-alpha"
        symbol = r"M^{-\alpha}"
    elif quantity == "shared_init":
        text = "init-sharing flag: 1 if all experts start from identical weights, else 0"
        symbol = r"\mathbb{1}_{\mathrm{shared}}"
    else:
        head, sym = _QUANTITY_TEXT[quantity]
        text = f"{head} the {_GROUP_TEXT[group]}"
        symbol = sym.format(g=_GROUP_LATEX[group])
    opt = " and ".join("SGD" if o == "sgd" else "Adam" for o in optimizers)
    par = " and ".join({"mup": "muP", "mssp": "MSSP"}[p] for p in parameterizations)
    return f"{_REGIME_TEXT[regime]}, {opt}, {par}: {text}", symbol


def _register(regime):
    tables = {(o, p): _entries(regime, o, p) for o in OPTIMIZERS for p in PARAMETERIZATIONS}
    # entries identical across tables share one law (tagged with every table it belongs to)
    groups_of: dict[tuple, list] = {}
    for (o, p), entries in tables.items():
        for (g, q), expr in entries.items():
            by_opt = q in ("lr", "eps")
            differs = tables[(o, "mup")][(g, q)] != tables[(o, "mssp")][(g, q)]
            name_parts = [regime.lower()]
            if by_opt:
                name_parts.append(o)
            if differs:
                name_parts.append(p)
            name = ".".join(name_parts + ([g] if g not in ("aggregation", "experts") else []) + [q])
            groups_of.setdefault(name, []).append((o, p, g, q, expr))
    for name, members in groups_of.items():
        exprs = {m[4] for m in members}
        assert len(exprs) == 1, (name, exprs)  # transcription consistency
        expr = exprs.pop()
        _, _, g, q, _ = members[0]
        opts = sorted({m[0] for m in members}, key=OPTIMIZERS.index)
        pars = sorted({m[1] for m in members}, key=PARAMETERIZATIONS.index)
        quantity, symbol = _describe(regime, opts, pars, g, q)
        notes = " ".join(_NOTES.get((regime, p, g, q), "") for p in pars).strip()
        if expr == 0 and q == "init_var":
            notes = (notes + " Zero initialisation (no power law: b = oo in abc form; "
                     "exponent() reports 0).").strip()
            if g == "readout":
                notes += " The code's alternative 'll1overN' uses std 1/N."
        code = "; ".join(_CODE[o] for o in opts)
        names = {str(s) for s in expr.free_symbols} | {"K", "M"}
        paper.law(
            name,
            quantity=quantity,
            symbol=symbol,
            expr=expr,
            regime=_STRUCTURE,
            kind="exact" if q == "shared_init" else "theta",
            where=f"Table 1 as implemented in the authors' code: {code}",
            status="authors_code",
            tags={"table", f"regime={regime}", f"group={g}", f"quantity={q}"}
            | {f"optimizer={o}" for o in opts}
            | {f"parameterization={p}" for p in pars}
            | {f"table={regime}.{o}.{p}" for o, p, *_ in members},
            scale_vars=tuple(v for v in _SCALES[regime] if v in names),
            notes=notes,
        )
        for o, p, *_ in members:
            _KEYS[(regime, o, p, g, q)] = f"moe_mssp.{name}"


for _r in REGIMES:
    _register(_r)

# -- observables of the coordinate check (ours) ----------------------------------------------------
#
# What the tables are *for*, as laws a simulation can check: the size of the aggregation's initial
# term and of the early output change under each parameterization. They follow from the table
# entries by our exponent bookkeeping (derivations/moe_mssp.py, rules 1-3): the initial term is
# g * sqrt(M) * sqrt(N_e var_2) for M independent experts (g * M * ... for identical ones), and
# the readout's first updates move the output by eta_out * N * |h_agg(0)|^2 under SGD and by
# eta_out * N * |h_agg(0)| under Adam (which normalises the gradient). They are stated once for
# Regimes II and III (M grows; in Regime I, M is fixed and every one of them is Theta(1)). Being
# separate claims, not recomputed from the tables, they test the tables: the coordinate checks
# simulate with the registered tables and compare with these laws.

_OBS_WHERE = (
    "our exponent bookkeeping on the registered tables (derivations/moe_mssp.py, rules 1-3); "
    "the summary's claim that MSSP keeps every term Theta(1) and muP's initial term vanishes"
)
_OBS_TAGS = {"observable", "coordinate_check"}


def _observable(name, quantity, symbol, expr, notes, tags=()):
    return paper.law(
        name, quantity=quantity, symbol=symbol, expr=expr, regime=_STRUCTURE, kind="theta",
        where=_OBS_WHERE, status="derived", tags=_OBS_TAGS | set(tags), scale_vars=("M",),
        notes=notes,
    )


_observable(
    "mssp.init_term",
    "RMS coordinate of the aggregation's initial term h_agg(0) = M^-alpha sum_i sigmoid(r_i) o_i(0) "
    "under MSSP (Regimes II and III)",
    r"|h_{agg}(0)|_{\mathrm{MSSP}}",
    _ONE,
    "Ours: Regime II, (1/M) sqrt(M) sqrt(N_e M/N_e) = 1 (expert-down variance M/N_e); Regime III, "
    "(1/M) M sqrt(N_e / N_e) = 1 (identical initial experts add coherently). Checked by "
    "moe_mssp.ii.mssp.init_term and moe_mssp.iii.mssp.init_term (coordinate checks, SGD table; "
    "16 replicas): log-slope in N 0.011 [-0.013, 0.037] on N = 64..512 (Regime II) and "
    "0.026 [-0.022, 0.082] on N = 64..384 (Regime III).",
    tags={"mssp"},
)
_observable(
    "mup.init_term",
    "RMS coordinate of the aggregation's initial term h_agg(0) under muP (Regimes II and III)",
    r"|h_{agg}(0)|_{\mu P}",
    M ** sp.Rational(-1, 2),
    "Ours: (1/M) sqrt(M) sqrt(N_e / N_e) = M^-1/2: the M independently initialised experts add "
    "like a random walk under the 1/M gate, so muP's initial term vanishes (the paper's "
    "motivation for MSSP). Checked by moe_mssp.ii.mup.init_term and moe_mssp.iii.mup.init_term "
    "(16 replicas): slopes in N -0.489 [-0.513, -0.463] (Regime II, M = N/8) and -0.524 "
    "[-0.578, -0.471] (Regime III, M = N/16).",
    tags={"mup"},
)
_observable(
    "sgd.output_change_ratio",
    "RMS early output change (first steps of SGD) under muP divided by that under MSSP, on the "
    "same seeds (Regimes II and III): the delay of learning under muP",
    r"\Delta\hat y_{\mu P} / \Delta\hat y_{\mathrm{MSSP}}",
    1 / M,
    "Ours: the readout's first SGD updates move the output by eta_out N |h_agg(0)|^2, with "
    "eta_out = 1/N in both tables, so the ratio is the square of the initial terms' ratio, "
    "(M^-1/2)^2. Checked by moe_mssp.ii.mup.relative_output_change (16 replicas, 3 steps, "
    "N = 64..512): slope -1.008 [-1.013, -1.003], local slopes -1.001 to -1.015 without a "
    "trend, so the ratio to the law drifts by 1.7% over the window; the absolute slopes "
    "share an offset of about -0.1 (muP -1.11 [-1.16, -1.06], MSSP -0.10 [-0.14, -0.05]). "
    "Finding at the precision level: the bootstrap interval excludes -1 by 0.003 and the "
    "replica test has no allowance for a finite-width correction, so the verdict is fail; "
    "we read it as unresolved at 4 widths rather than as a wrong exponent.",
    tags={"mup", "mssp", "sgd"},
)
_observable(
    "adam.mssp.output_change",
    "RMS early output change (first steps of Adam) under MSSP (Regimes II and III)",
    r"\Delta\hat y_{\mathrm{MSSP}}^{\mathrm{Adam}}",
    _ONE,
    "Ours: Adam normalises the readout gradient, so its first updates move the output by "
    "eta_out N |h_agg(0)| = (1/N) N * 1. Checked by moe_mssp.ii.mssp.adam.output_change "
    "(16 replicas, 3 steps, base lr 0.01, N = 64..512): slope -0.072 [-0.128, -0.012]; its "
    "local slopes (3 grid points each) rise towards 0 (-0.13 at N ~ 96 to +0.02 at N ~ 384) "
    "and the slope over N = 128..512 is -0.035 [-0.107, 0.032]: pre-asymptotic drift, not a "
    "disagreement. Recorded as a finding (known failure) because the replica test cannot "
    "extrapolate the drift over 4 widths; the full grid (N up to 1024) should settle it.",
    tags={"mssp", "adam"},
)
_observable(
    "adam.mup.output_change",
    "RMS early output change (first steps of Adam) under muP (Regimes II and III)",
    r"\Delta\hat y_{\mu P}^{\mathrm{Adam}}",
    M ** sp.Rational(-1, 2),
    "Ours: eta_out N |h_agg(0)| = (1/N) N M^-1/2, one factor of the initial term (Adam "
    "normalises the readout gradient). Checked by moe_mssp.ii.mup.adam.output_change "
    "(16 replicas, N = 64..512): slope -0.453 [-0.512, -0.388], local slopes moving from "
    "-0.56 to -0.30 (as in the ratio to MSSP, below).",
    tags={"mup", "adam"},
)
_observable(
    "adam.output_change_ratio",
    "RMS early output change (first steps of Adam) under muP divided by that under MSSP, on the "
    "same seeds (Regimes II and III)",
    r"\Delta\hat y_{\mu P}^{\mathrm{Adam}} / \Delta\hat y_{\mathrm{MSSP}}^{\mathrm{Adam}}",
    M ** sp.Rational(-1, 2),
    "Ours: the ratio of the two readout-only predictions, M^-1/2 / 1. Checked by "
    "moe_mssp.ii.mup.adam.relative_output_change. Finding (16 replicas, 3 Adam steps, base "
    "lr 0.01, N = 64..512): the ratio falls like N^-0.380 (95% CI [-0.387, -0.373]), not "
    "N^-1/2, and its local slopes (3 grid points each) move away from -1/2 (-0.42 at N ~ 96 "
    "to -0.32 at N ~ 384): after the first step Adam's sign-like updates of the expert and router groups "
    "add output change that the readout-only bookkeeping leaves out.",
    tags={"mup", "mssp", "adam"},
)

# -- learning-rate transfer across width (ours: a criterion, not the paper's statement) -----------
#
# The summary says MSSP transfers hyperparameters across scale where muP does not. As a checkable
# statement we take the optimum's shift: the range over widths of the optimal log2 base learning
# rate of SGD (Regime II), in octaves. Transfer: at most one octave (a factor 2), an upper bound;
# no robust transfer: at least one octave, a lower bound. The factor-2 threshold is ours.

_TRANSFER_WHERE = (
    "the summary's claim that MSSP transfers learning rates across width and muP does not, as a "
    "factor-2 criterion on the optimum's shift (ours)"
)

paper.law(
    "ii.mssp.lr_transfer",
    quantity="range over widths N of the optimal log2 base learning rate of SGD under the MSSP "
    "table of Regime II, in octaves (the learning rate transfers within a factor 2)",
    symbol="Delta_MSSP", expr=_ONE, regime=_STRUCTURE, kind="upper", where=_TRANSFER_WHERE,
    status="hypothesis", tags={"lr_transfer"},
    notes="Checked by moe_mssp.ii.mssp.lr_transfer (online SGD on the MoE MLP, teacher task; "
    "the standard parameterization's shift is reported beside it for contrast).",
)
paper.law(
    "ii.mup.lr_transfer",
    quantity="range over widths N of the optimal log2 base learning rate of SGD under the muP "
    "table of Regime II, in octaves (no robust transfer: at least a factor 2)",
    symbol="Delta_muP", expr=_ONE, regime=_STRUCTURE, kind="lower", where=_TRANSFER_WHERE,
    status="hypothesis", tags={"lr_transfer"},
    notes="Finding (quick sizes, SGD, 60 steps, 6 seeds, N = 32..128 at M = N/8): muP's optimum "
    "moves by only 0.27 octaves (95% CI [0.10, 0.70]), not measurably more than MSSP's 0.21 "
    "[0.04, 0.40]; on this cheap task both optima sit at the width-independent stability edge. "
    "The claim is not supported at these sizes; larger widths (--full) are needed.",
)


# -- depth: two candidate rules from other papers (the MSSP paper's choice is not identified) ----

_DEPTH_NOTE = (
    "The MSSP paper says it combines with 'existing depth-scaling theory' but which rule it uses "
    "could not be read; the released Transformers use fixed depth and no branch multiplier. "
    "A documented choice, not an MSSP claim."
)
paper.law(
    "depth.branch_multiplier_sqrt",
    quantity="residual-branch multiplier under the 1/sqrt(L) depth rule (Depth-muP)",
    symbol=r"\alpha_{L}",
    expr=L ** sp.Rational(-1, 2),
    kind="theta",
    reference=Reference(
        arxiv="2309.16620", version=1, where="abstract (1/sqrt(depth) branch scaling)",
        status="transcribed", title="Depthwise Hyperparameter Transfer in Residual Networks",
        authors="Bordelon, Noci, Li, Hanin, Pehlevan", year=2023,
    ),
    tags={"depth", "choice"},
    scale_vars=("L",),
    notes=_DEPTH_NOTE + " Also the rule of Depth-muP (Yang et al., arXiv:2310.02244).",
)
paper.law(
    "depth.branch_multiplier_completep",
    quantity="residual-branch multiplier under the 1/L depth rule (CompleteP, alpha = 1)",
    symbol=r"\alpha_{L}",
    expr=1 / L,
    kind="theta",
    reference=Reference(
        arxiv="2505.01618", version=1, where="abstract (CompleteP, alpha = 1)",
        status="transcribed", title="Don't be lazy: CompleteP enables compute-efficient deep transformers",
        authors="Dey et al.", year=2025,
    ),
    tags={"depth", "choice"},
    scale_vars=("L",),
    notes=_DEPTH_NOTE + " Used by the concurrent MoE paper of Jiang, Bordelon, Pehlevan, Hanin "
    "(arXiv:2601.20205) per a secondary source.",
)


# -- tables ---------------------------------------------------------------------------------------


def _check(regime: str, optimizer: str, parameterization: str) -> tuple[str, str, str]:
    from scalinglaws.errors import UnknownKeyError

    regime = str(regime).upper()
    if regime not in REGIMES:
        raise UnknownKeyError("regime", regime, REGIMES)
    if optimizer not in OPTIMIZERS:
        raise UnknownKeyError("optimizer", optimizer, OPTIMIZERS)
    if parameterization not in PARAMETERIZATIONS:
        raise UnknownKeyError("parameterization", parameterization, PARAMETERIZATIONS)
    return regime, optimizer, parameterization


def table_laws(regime: str, optimizer: str, parameterization: str) -> list:
    """The registered laws of one table (a shorthand for the ``table=...`` tag)."""
    from scalinglaws.registry import laws

    regime, optimizer, parameterization = _check(regime, optimizer, parameterization)
    return laws(paper="moe_mssp", tag=f"table={regime}.{optimizer}.{parameterization}")


def coscaling(regime: str) -> dict:
    """The regime's co-scaling as substitutions into powers of ``N`` (constants dropped).

    Variables that grow with ``N`` become ``N``; those held fixed (the input dimension ``D``
    always; ``M, K`` in Regime I; ``N_e`` in Regime II) become 1. After it, every entry is a
    power of ``N``: the one exponent that is meaningful along the joint limit.

    >>> coscaling("II")
    {'M': N, 'K': N, 'N_e': 1, 'D': 1}
    """
    regime = _check(regime, "sgd", "mup")[0]
    one = sp.Integer(1)
    return {
        "I": {"N_e": N, "M": one, "K": one, "D": one},
        "II": {"M": N, "K": N, "N_e": one, "D": one},
        "III": {"N_e": N, "M": N, "K": N, "D": one},
    }[regime]


def reduced_exponent(expr, regime: str):
    """The exponent of ``N`` of ``expr`` along the regime's joint limit (``None`` for zero).

    >>> reduced_exponent(M * N, "II"), reduced_exponent(M, "I"), reduced_exponent(0, "III")
    (2, 0, None)
    """
    expr = sp.sympify(expr)
    if expr == 0:
        return None
    cos = coscaling(regime)
    by_name = {"N_e": N_e, "M": M, "K": K, "D": D, "N": N}
    subs = {by_name[k]: v for k, v in cos.items()}
    from scalinglaws.law import leading_exponent

    return sp.simplify(leading_exponent(expr.xreplace(subs), N))


def param_table(regime: str, optimizer: str, parameterization: str, *, reduce: bool = True):
    """One table as a :class:`~scalinglaws.parameterization.ParamTable`, from the registry.

    With ``reduce`` the table carries the regime's :func:`coscaling` (used by
    :func:`~scalinglaws.parameterization.equivalent`).

    >>> from scalinglaws.parameterization import equivalent
    >>> equivalent(param_table("II", "sgd", "mup"), param_table("II", "sgd", "mssp"))
    False
    """
    from scalinglaws.parameterization import ParamTable
    from scalinglaws.registry import law

    regime, optimizer, parameterization = _check(regime, optimizer, parameterization)
    groups = {}
    for group in GROUPS:
        quantities = ("init_var", "lr") + (("eps",) if optimizer == "adam" else ())
        groups[group] = {
            q: law(law_key(regime, optimizer, parameterization, group, q)).expr for q in quantities
        }
    agg = law(law_key(regime, optimizer, parameterization, "aggregation", "aggregation")).expr
    shared = law(law_key(regime, optimizer, parameterization, "experts", "shared_init")).expr
    return ParamTable(
        f"moe_mssp.{regime}.{optimizer}.{parameterization}",
        optimizer,
        groups,
        scales=("N", "N_e", "M", "K", "D"),
        coscaling=coscaling(regime) if reduce else {},
        flags={"aggregation": sp.sstr(agg), "shared_expert_init": bool(shared)},
    )


_LATEX_NAMES = {"N_e": "N_{e}"}


def to_markdown(regime: str, optimizer: str, parameterization: str) -> str:
    """The familiar table (groups x quantities) as Markdown."""
    from scalinglaws.tables import param_table_markdown

    return param_table_markdown(
        param_table(regime, optimizer, parameterization, reduce=False), _LATEX_NAMES
    )


def to_latex(regime: str, optimizer: str, parameterization: str) -> str:
    """The familiar table (groups x quantities) as a LaTeX booktabs table."""
    from scalinglaws.tables import param_table_latex

    regime, optimizer, parameterization = _check(regime, optimizer, parameterization)
    caption = (
        f"{ {'mup': 'muP', 'mssp': 'MSSP'}[parameterization]}, {optimizer}, {_REGIME_TEXT[regime]}, "
        "as implemented in the authors' code (arXiv:2605.14200)"
    )
    return param_table_latex(
        param_table(regime, optimizer, parameterization, reduce=False), _LATEX_NAMES, caption
    )


def to_json(regime: str, optimizer: str, parameterization: str) -> str:
    """The table as JSON (:func:`scalinglaws.parameterization.to_json`)."""
    from scalinglaws import parameterization as P

    return P.to_json(param_table(regime, optimizer, parameterization, reduce=False))
