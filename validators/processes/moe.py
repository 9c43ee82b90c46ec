r"""A small MLP with a mixture-of-experts layer, and a plain MLP, trained by SGD or Adam.

Forward (the authors' MLP-MoE, multiplier-free, :math:`R` replicas in lockstep on a leading
axis):

.. math::

    h = \varphi(x W_{in}),\quad r = h W_r,\quad g = \sigma(r)\,\rho\,[\text{top-}K\text{ mask}],\quad
    e_i = \varphi(h W_{1,i}),\quad o_i = e_i W_{2,i},\quad h_{agg} = \sum_i g_i o_i,\quad
    \hat y = h_{agg} W_{out},

:math:`\varphi` = GELU (tanh form), :math:`\sigma` = sigmoid, :math:`\rho` the aggregation
multiplier (:math:`M^{-\alpha}`), loss :math:`\frac{1}{2B}\sum_b\|\hat y_b - t_b\|^2` with teacher
targets :math:`t = \mathrm{sign}(x A)`. Forward and backward are written by hand against an array
namespace ``xp`` (:mod:`numpy`, or :mod:`cupy` through the same code). With top-K routing only the
K largest logits per sample are kept (the mask is held fixed in the backward pass).

A parameterization is given as a :class:`Recipe`: per group an initialisation variance and a
learning rate (absolute numbers at the width being run), the aggregation multiplier and whether
experts share their initial weights. :func:`recipe_from_table` builds one from a
:class:`~scalinglaws.parameterization.ParamTable` (any registered table, applied by name).

Observables of the coordinate check (:func:`moe_coord_check`), one value per replica: the RMS
of the aggregation's initial term :math:`h_{agg}(0)`, and the RMS of the output change
:math:`\hat y_T - \hat y_0` on a fixed evaluation batch after ``steps`` updates.

>>> import numpy as np
>>> shape = MoEShape(D=8, N=16, N_e=4, M=4, K=4, C=2)
>>> recipe = Recipe.uniform(shape, var=1.0, lr=0.01)
>>> out = moe_coord_check(shape, recipe, replicas=2, batch=4, steps=2, seed=0)
>>> sorted(out), out["init_term"].shape
(['init_term', 'output_change'], (2,))
"""

from __future__ import annotations

import dataclasses
import math
from typing import Mapping

import numpy as np

from scalinglaws.errors import DomainError, ParameterError

__all__ = [
    "MoEShape",
    "Recipe",
    "recipe_from_table",
    "moe_coord_check",
    "moe_coordinates",
    "GROUP_IO",
    "moe_loss_and_grads",
    "moe_train_loss",
    "MLPShape",
    "mlp_coord_check",
    "mlp_coordinates",
]

GROUPS = ("embedding", "router", "expert_up", "expert_down", "readout")
_C_GELU = math.sqrt(2.0 / math.pi)


def _gelu(xp, z):
    t = xp.tanh(_C_GELU * (z + 0.044715 * (z * z * z)))
    return 0.5 * z * (1.0 + t), t


def _gelu_grad(z, t):
    return 0.5 * (1.0 + t) + 0.5 * z * (1.0 - t * t) * _C_GELU * (1.0 + 3 * 0.044715 * z * z)


def _sigmoid(xp, z):
    return 1.0 / (1.0 + xp.exp(-z))


@dataclasses.dataclass(frozen=True)
class MoEShape:
    """Sizes: input ``D``, width ``N``, expert width ``N_e``, experts ``M``, active ``K``,
    outputs ``C``. ``K == M`` is soft routing over all experts."""

    D: int
    N: int
    N_e: int
    M: int
    K: int
    C: int = 4

    def __post_init__(self):
        for name in ("D", "N", "N_e", "M", "K", "C"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise DomainError(f"MoEShape.{name} must be a positive integer, got {value!r}")
        if self.K > self.M:
            raise DomainError(f"K={self.K} active experts exceed M={self.M} experts")

    def fan_in(self, group: str) -> int:
        return {"embedding": self.D, "router": self.N, "expert_up": self.N,
                "expert_down": self.N_e, "readout": self.N}[group]


@dataclasses.dataclass(frozen=True)
class Recipe:
    """Absolute hyperparameters at one shape: ``var[group]``, ``lr[group]``, ``eps[group]``
    (Adam), ``aggregation`` (the gate multiplier), ``shared`` (identical initial experts) and
    ``optimizer`` (``"sgd"`` or ``"adam"``)."""

    var: Mapping[str, float]
    lr: Mapping[str, float]
    aggregation: float = 1.0
    shared: bool = False
    optimizer: str = "sgd"
    eps: Mapping[str, float] | None = None

    def __post_init__(self):
        if self.optimizer not in ("sgd", "adam"):
            raise ParameterError(f"optimizer must be 'sgd' or 'adam', got {self.optimizer!r}")
        for name in ("var", "lr"):
            table = getattr(self, name)
            missing = [g for g in GROUPS if g not in table]
            if missing:
                raise ParameterError(f"Recipe.{name} lacks group(s) {missing}")
            bad = {g: v for g, v in table.items() if not (math.isfinite(v) and v >= 0)}
            if bad:
                raise DomainError(f"Recipe.{name} must be finite and >= 0: {bad}")
        if self.optimizer == "adam" and self.eps is None:
            raise ParameterError("an Adam recipe needs eps per group")

    @classmethod
    def uniform(cls, shape: MoEShape, *, var: float = 1.0, lr: float = 0.01) -> "Recipe":
        """Variance ``var/fan_in`` in every group, one learning rate (for tests)."""
        return cls({g: var / shape.fan_in(g) for g in GROUPS}, {g: lr for g in GROUPS})


def recipe_from_table(table, shape: MoEShape, base: MoEShape, *, lr: float,
                      var_scale: float = 1.0, eps: float = 1e-8) -> Recipe:
    """Apply a parameterization table at ``shape``.

    Variances are the table's expressions evaluated at ``shape`` (times ``var_scale``);
    learning rates are ``lr`` times the table's factor at ``shape`` divided by its factor at
    ``base`` (so every group runs at ``lr`` at the base shape, and the table fixes how each
    learning rate moves with the scales); Adam's epsilon likewise. ``table.flags`` supply the
    aggregation multiplier (an expression, evaluated at ``shape``) and ``shared_expert_init``.
    """
    from scalinglaws.parameterization import _as_expr

    symbols = table.symbols

    def at(expr, s: MoEShape) -> float:
        values = {"N": s.N, "N_e": s.N_e, "M": s.M, "K": s.K, "D": s.D}
        return float(_as_expr(expr, symbols).xreplace({symbols[k]: v for k, v in values.items() if k in symbols}))

    var, lrs, epss = {}, {}, {}
    for g in GROUPS:
        entries = table.groups[g]
        if entries.get("multiplier", 1) != 1:
            raise ParameterError("recipe_from_table needs the multiplier-free form: use canonical()")
        var[g] = var_scale * at(entries["init_var"], shape)
        lrs[g] = lr * at(entries["lr"], shape) / at(entries["lr"], base)
        if "eps" in entries:
            epss[g] = eps * at(entries["eps"], shape) / at(entries["eps"], base)
    # a table may come from a user's JSON file: its text goes through the restricted parser
    agg_expr = _as_expr(table.flags.get("aggregation", "1"), symbols)
    return Recipe(var, lrs, aggregation=at(agg_expr, shape),
                  shared=bool(table.flags.get("shared_expert_init", False)),
                  optimizer=table.optimizer, eps=epss or None)


def _init(shape: MoEShape, recipe: Recipe, rngs, xp):
    """Initial weights, one replica per generator, stacked on axis 0.

    Layouts: ``expert_up`` is (N, M, N_e) and ``expert_down`` (M, N_e, N), so that all experts
    together are one (N, M*N_e) and one (M*N_e, N) matrix (one GEMM each).
    """
    s = shape
    dims = {
        "embedding": (s.D, s.N),
        "router": (s.N, s.M),
        "expert_up": (s.N, s.M, s.N_e),
        "expert_down": (s.M, s.N_e, s.N),
        "readout": (s.N, s.C),
    }
    expert_axis = {"expert_up": 1, "expert_down": 0}
    R = len(rngs)
    params = {g: np.zeros((R,) + dims[g]) for g in GROUPS}
    teachers = np.zeros((R, s.D, s.C))
    for r, rng in enumerate(rngs):
        for g in GROUPS:
            std = math.sqrt(recipe.var[g])
            shape_g = dims[g]
            if std == 0:
                continue
            if recipe.shared and g in expert_axis:
                one_shape = list(shape_g)
                one_shape[expert_axis[g]] = 1
                params[g][r] = rng.standard_normal(one_shape) * std  # broadcast over experts
            else:
                w = params[g][r]
                rng.standard_normal(out=w)  # the same draws as standard_normal(shape_g)
                w *= std
        rng.standard_normal(out=teachers[r])
    params = {g: xp.asarray(v) for g, v in params.items()}
    teachers = [teachers]
    return params, xp.asarray(teachers[0])


def _topk_mask(xp, r, k: int):
    """1 on the ``k`` largest logits of every row, else 0; ties go to the lower expert index
    (as ``torch.topk``), so exactly ``k`` experts are active even when logits are equal (a
    zero-initialised router)."""
    M = r.shape[-1]
    if k >= M:
        return xp.ones_like(r)
    order = _argsort_stable(xp, -r)
    rank = _argsort_stable(xp, order)
    return _astype(xp, rank < k, r.dtype)


def _argsort_stable(xp, a):
    """Stable argsort on the last axis (``stable=True`` of the array API; ``kind="stable"``
    for namespaces that predate it)."""
    try:
        return xp.argsort(a, axis=-1, stable=True)
    except TypeError:
        return xp.argsort(a, axis=-1, kind="stable")


def _astype(xp, a, dtype):
    return xp.astype(a, dtype) if hasattr(xp, "astype") else a.astype(dtype)


def _T(xp, a):
    if hasattr(xp, "matrix_transpose"):
        return xp.matrix_transpose(a)
    return xp.swapaxes(a, -1, -2)


def _forward(params, x, shape: MoEShape, recipe: Recipe, xp):
    """Forward pass; returns the output and a cache for the backward pass."""
    R = x.shape[0]
    B = x.shape[-2]
    ME = shape.M * shape.N_e
    W_in, W_r, W1, W2, W_out = (params[g] for g in GROUPS)
    z0 = xp.matmul(x, W_in)  # (R,B,N)
    h, t0 = _gelu(xp, z0)
    r = xp.matmul(h, W_r)  # (R,B,M)
    sig = _sigmoid(xp, r)
    mask = _topk_mask(xp, r, shape.K)
    gate = sig * recipe.aggregation * mask  # (R,B,M)
    z1 = xp.reshape(xp.matmul(h, xp.reshape(W1, (R, shape.N, ME))), (R, B, shape.M, shape.N_e))
    e, t1 = _gelu(xp, z1)
    ge = xp.reshape(gate[..., None] * e, (R, B, ME))
    h_agg = xp.matmul(ge, xp.reshape(W2, (R, ME, shape.N)))  # sum_i g_i e_i W2_i
    y = xp.matmul(h_agg, W_out)  # (R,B,C)
    cache = (x, z0, h, t0, r, sig, mask, gate, z1, e, t1, ge, h_agg)
    return y, cache


def moe_loss_and_grads(params, x, target, shape: MoEShape, recipe: Recipe, xp=np,
                       signals: dict | None = None):
    """Loss per replica (shape (R,)) and the gradient of the summed loss for every group.

    A ``signals`` dict, when given, receives every group's backward signal: the gradient of the
    loss with respect to the group's output (:data:`GROUP_IO`; ``expert_up`` flattened over
    experts)."""
    y, cache = _forward(params, x, shape, recipe, xp)
    x, z0, h, t0, r, sig, mask, gate, z1, e, t1, ge, h_agg = cache
    R, B = x.shape[0], x.shape[-2]
    ME = shape.M * shape.N_e
    W_in, W_r, W1, W2, W_out = (params[g] for g in GROUPS)
    diff = y - target
    loss = 0.5 * xp.sum(diff * diff, axis=(-2, -1)) / B
    dy = diff / B  # (R,B,C)
    g_out = xp.matmul(_T(xp, h_agg), dy)
    dh_agg = xp.matmul(dy, _T(xp, W_out))  # (R,B,N)
    W2f = xp.reshape(W2, (R, ME, shape.N))
    g_W2 = xp.reshape(xp.matmul(_T(xp, ge), dh_agg), W2.shape)
    u = xp.reshape(xp.matmul(dh_agg, _T(xp, W2f)), (R, B, shape.M, shape.N_e))  # W2_i dh_agg
    dgate = xp.sum(e * u, axis=-1)  # (R,B,M) = o_i . dh_agg
    de = gate[..., None] * u
    dz1 = xp.reshape(de * _gelu_grad(z1, t1), (R, B, ME))
    W1f = xp.reshape(W1, (R, shape.N, ME))
    g_W1 = xp.reshape(xp.matmul(_T(xp, h), dz1), W1.shape)
    dh = xp.matmul(dz1, _T(xp, W1f))  # (R,B,N)
    dr = dgate * sig * (1.0 - sig) * recipe.aggregation * mask  # (R,B,M)
    g_Wr = xp.matmul(_T(xp, h), dr)
    dh = dh + xp.matmul(dr, _T(xp, W_r))
    dz0 = dh * _gelu_grad(z0, t0)
    g_in = xp.matmul(_T(xp, x), dz0)
    grads = {"embedding": g_in, "router": g_Wr, "expert_up": g_W1, "expert_down": g_W2, "readout": g_out}
    if signals is not None:
        signals.update({"embedding": dz0, "router": dr, "expert_up": dz1, "expert_down": dh_agg,
                        "readout": dy})
    return loss, grads, y, h_agg


class _Optimizer:
    def __init__(self, recipe: Recipe, params, xp, betas=(0.9, 0.999)):
        self.recipe, self.xp, self.betas, self.t = recipe, xp, betas, 0
        if recipe.optimizer == "adam":
            self.m = {g: xp.zeros_like(p) for g, p in params.items()}
            self.v = {g: xp.zeros_like(p) for g, p in params.items()}

    def step(self, params, grads):
        xp, rec = self.xp, self.recipe
        self.t += 1
        for g in GROUPS:
            if rec.optimizer == "sgd":
                params[g] = params[g] - rec.lr[g] * grads[g]
            else:
                b1, b2 = self.betas
                self.m[g] = b1 * self.m[g] + (1 - b1) * grads[g]
                self.v[g] = b2 * self.v[g] + (1 - b2) * grads[g] ** 2
                mhat = self.m[g] / (1 - b1**self.t)
                vhat = self.v[g] / (1 - b2**self.t)
                params[g] = params[g] - rec.lr[g] * mhat / (xp.sqrt(vhat) + rec.eps[g])


def _row_rms(xp, u) -> np.ndarray:
    """sqrt(mean over the batch of |u_b|^2) per replica: the expected RMS coordinate of
    ``u @ W`` per unit standard deviation of i.i.d. centred entries of ``W`` (the activation's
    size over the draw of the weights that read ``u``)."""
    from .backend import to_numpy

    u = xp.reshape(u, (u.shape[0], u.shape[1], -1))
    return to_numpy(xp.sqrt(xp.mean(xp.sum(u * u, axis=-1), axis=-1)))


def _rms(xp, a):
    axes = tuple(range(1, a.ndim))
    return xp.sqrt(xp.mean(a * a, axis=axes))


def _generators(seed, replicas):
    from .backend import replica_generators

    return replica_generators(seed, replicas)


def moe_coord_check(shape: MoEShape, recipe: Recipe, *, replicas: int, batch: int = 32,
                    steps: int = 3, seed=0, xp=np) -> dict:
    """Run ``steps`` online updates on ``replicas`` independent networks.

    Returns ``{"init_term": (R,), "output_change": (R,)}`` as numpy arrays: the RMS of the
    aggregation's initial term :math:`h_{agg}(0)` and of :math:`\\hat y_T - \\hat y_0` on the first
    training batch. Replica ``r`` draws its weights, teacher and data from its own child of
    ``SeedSequence(seed)``.
    """
    if replicas < 1 or steps < 1 or batch < 1:
        raise DomainError("replicas, steps and batch must be >= 1")
    rngs = _generators(seed, replicas)
    params, teacher = _init(shape, recipe, rngs, xp)
    data = [np.stack([rng.standard_normal((batch, shape.D)) for rng in rngs]) for _ in range(steps)]
    x_eval = xp.asarray(data[0])  # the first training batch
    y0, cache = _forward(params, x_eval, shape, recipe, xp)
    init_term = _rms(xp, cache[-1])
    opt = _Optimizer(recipe, params, xp)
    for k in range(steps):
        x = xp.asarray(data[k])
        target = xp.sign(xp.matmul(x, teacher))
        _, grads, _, _ = moe_loss_and_grads(params, x, target, shape, recipe, xp)
        opt.step(params, grads)
    yT, _ = _forward(params, x_eval, shape, recipe, xp)
    change = _rms(xp, yT - y0)
    from .backend import to_numpy

    return {"init_term": to_numpy(init_term), "output_change": to_numpy(change)}


#: The activation each group writes, and the input it reads: ``out = in @ W`` with the expert
#: groups flattened over experts (``expert_down`` reads the gated expert activations
#: :math:`g_i e_i`, so its output is the aggregate :math:`h_{agg}`).
GROUP_IO = {
    "embedding": ("x", "z0"),
    "router": ("h", "r"),
    "expert_up": ("h", "z1"),
    "expert_down": ("ge", "h_agg"),
    "readout": ("h_agg", "y"),
}


def _flat(params, shape: MoEShape, xp):
    R = params["embedding"].shape[0]
    ME = shape.M * shape.N_e
    return {"embedding": params["embedding"], "router": params["router"],
            "expert_up": xp.reshape(params["expert_up"], (R, shape.N, ME)),
            "expert_down": xp.reshape(params["expert_down"], (R, ME, shape.N)),
            "readout": params["readout"]}


def _io(params, x, shape: MoEShape, recipe: Recipe, xp) -> dict:
    """Every group's input and output at ``x`` (flattened over experts)."""
    y, cache = _forward(params, x, shape, recipe, xp)
    _, z0, h, _, r, _, _, gate, z1, e, _, ge, h_agg = cache
    R, B = x.shape[0], x.shape[-2]
    ME = shape.M * shape.N_e
    return {"x": x, "z0": z0, "h": h, "r": r, "gate": gate, "e": e,
            "z1": xp.reshape(z1, (R, B, ME)), "ge": ge, "h_agg": h_agg, "y": y}


def moe_coordinates(shape: MoEShape, recipe: Recipe, *, replicas: int, batch: int = 32,
                    steps: int = 3, seed=0, data_seed=None, data_repeat: int = 1,
                    fixed_batch: bool = True, xp=np) -> dict:
    r"""A coordinate check of the MoE MLP in the style of ``microsoft/mup``, refined by the
    decomposition of every activation into its initial, effective and propagating terms.

    ``replicas`` independent networks take ``steps`` gradient steps on one batch of teacher
    targets (``fixed_batch``, the default: full-batch steps on ``batch`` samples, and every
    activation is measured on that batch, so every update acts on the inputs that produced it;
    otherwise online steps on fresh batches, measured on a batch that is never trained on). At
    every time :math:`t = 0..T` every group's activation (its output ``in @ W``,
    :data:`GROUP_IO`) is evaluated and split exactly as

    .. math::

        \mathrm{in}_t W_t = \underbrace{\mathrm{in}_0 W_0}_{\text{base}}
        + \underbrace{(\mathrm{in}_t - \mathrm{in}_0) W_0}_{\text{propagating}}
        + \underbrace{\mathrm{in}_t (W_t - W_0)}_{\text{effective}}

    (for ``expert_down`` the input is the gated expert activations, so the propagating term
    of the aggregate carries the gate changes too). At every step the *probe* of a group is
    the effective update one step of unit learning rate makes on the step's batch,
    :math:`\mathrm{in}_t U_t` with :math:`U_t` the update direction (the gradient for SGD,
    :math:`\hat m/(\sqrt{\hat v}+\epsilon)` for Adam), computed before the group's update of
    that step, and projected on the step's backward signal :math:`c` (the gradient of the loss
    with respect to the group's output): :math:`\langle \mathrm{in}_t U_t, c\rangle /
    (|c|\sqrt{n})` with :math:`n` the number of output coordinates, the coherent part of the
    change, which a finite width does not inflate with the incoherent part a plain RMS would
    add. The learning rate that makes the group's per-step contribution Θ(1) scales like its
    inverse. ``denom`` is the RMS entry of Adam's denominator :math:`\sqrt{\hat v}`
    (``nan`` for SGD), ``entry.router`` the RMS entry of the router's applied update, and
    ``probe.expert_each`` the RMS over the ``M`` experts of one expert's share of the
    expert-down probe (the probe is the sum of the shares).

    Replica ``r`` draws its weights from its own child of ``SeedSequence(seed)``, and its
    teacher and data from the same child unless ``data_seed`` is given: then the ``replicas``
    networks come in consecutive groups of ``data_repeat`` that share one teacher and batch,
    group ``j`` drawing them from child ``j`` of ``SeedSequence(data_seed)``; runs at several
    widths given the same ``data_seed`` share every group's task (common random numbers)
    while their weights stay independent.

    Returns numpy arrays, one row per replica: ``act.<g>``, ``upd.<g>`` (change since the
    previous time), ``base.<g>``, ``eff.<g>``, ``prop.<g>`` of shape (R, T+1) (``upd`` at
    ``t = 0`` is 0); ``probe.<g>``, ``denom.<g>``, ``entry.router`` of shape (R, T) (step ``t``
    goes from time ``t`` to ``t+1``); ``unit.<g>`` (R,): the expected RMS of the group's initial
    activation per unit initial standard deviation, over the draw of its own weights (i.i.d.
    centred entries; for ``expert_down``, independent experts):
    :math:`\sqrt{\mathrm{mean}_b |\mathrm{in}_b|^2}` from its initial input, so it does not
    depend on the group's variance; ``unit.expert_out`` the same for one expert's output
    :math:`e_i W_{2,i}`; ``output_change`` (R,):
    RMS of :math:`\hat y_T - \hat y_0`, split into ``out.readout_part``,
    :math:`h_{agg}(0)(W_{out,T} - W_{out,0})`, and ``out.hidden_part``,
    :math:`(h_{agg}(T) - h_{agg}(0)) W_{out,T}`.

    >>> shape = MoEShape(D=4, N=8, N_e=4, M=4, K=2, C=2)
    >>> out = moe_coordinates(shape, Recipe.uniform(shape, lr=0.05), replicas=2, batch=4,
    ...                       steps=2)
    >>> out["act.router"].shape, out["probe.router"].shape, out["unit.readout"].shape
    ((2, 3), (2, 2), (2,))
    """
    from .backend import to_numpy

    if replicas < 1 or steps < 1 or batch < 1:
        raise DomainError("replicas, steps and batch must be >= 1")
    rngs = _generators(seed, replicas)
    params, teacher = _init(shape, recipe, rngs, xp)
    repeat = 1
    if data_seed is not None:
        if data_repeat < 1 or replicas % data_repeat:
            raise DomainError(f"data_repeat={data_repeat} must divide replicas={replicas}")
        repeat = data_repeat
        rngs = _generators(data_seed, replicas // repeat)
        teacher = xp.asarray(np.repeat(
            np.stack([rng.standard_normal((shape.D, shape.C)) for rng in rngs]), repeat, axis=0))
    data = [np.repeat(np.stack([rng.standard_normal((batch, shape.D)) for rng in rngs]),
                      repeat, axis=0)
            for _ in range(1 if fixed_batch else steps + 1)]
    if fixed_batch:
        data = data * (steps + 1)
    x_eval = xp.asarray(data[steps])  # the training batch, or one never trained on
    W0 = _flat(params, shape, xp)
    io0 = _io(params, x_eval, shape, recipe, xp)
    out: dict = {}
    T = steps
    for g in GROUPS:
        for k in ("act", "upd", "base", "eff", "prop"):
            out[f"{k}.{g}"] = np.zeros((replicas, T + 1))
        out[f"probe.{g}"] = np.zeros((replicas, T))
        out[f"denom.{g}"] = np.full((replicas, T), np.nan)
        a_in, _ = GROUP_IO[g]
        out[f"unit.{g}"] = _row_rms(xp, io0[a_in])
    # one expert's output e_i W2_i: its input is e_i, one block of N_e coordinates per expert
    out["unit.expert_out"] = _row_rms(xp, io0["e"]) / math.sqrt(shape.M)
    out["entry.router"] = np.zeros((replicas, T))
    out["probe.expert_each"] = np.zeros((replicas, T))

    def record(t, io, prev):
        for g in GROUPS:
            a_in, a_out = GROUP_IO[g]
            out[f"act.{g}"][:, t] = to_numpy(_rms(xp, io[a_out]))
            out[f"base.{g}"][:, t] = to_numpy(_rms(xp, io0[a_out]))
            at_init = xp.matmul(io[a_in], W0[g])  # in_t W_0: one product gives both terms
            out[f"prop.{g}"][:, t] = to_numpy(_rms(xp, at_init - io0[a_out]))
            out[f"eff.{g}"][:, t] = to_numpy(_rms(xp, io[a_out] - at_init))
            if prev is not None:
                out[f"upd.{g}"][:, t] = to_numpy(_rms(xp, io[a_out] - prev[a_out]))

    record(0, io0, None)
    prev = io0
    adam = recipe.optimizer == "adam"
    m = {g: xp.zeros_like(p) for g, p in params.items()} if adam else {}
    v = {g: xp.zeros_like(p) for g, p in params.items()} if adam else {}
    b1, b2 = 0.9, 0.999
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(steps):
            x = xp.asarray(data[k])
            target = xp.sign(xp.matmul(x, teacher))
            signals: dict = {}
            _, grads, _, _ = moe_loss_and_grads(params, x, target, shape, recipe, xp, signals)
            direction = {}
            for g in GROUPS:
                if not adam:
                    direction[g] = grads[g]
                else:
                    m[g] *= b1
                    m[g] += (1 - b1) * grads[g]
                    v[g] *= b2
                    v[g] += (1 - b2) * grads[g] * grads[g]
                    root = xp.sqrt(v[g])
                    root *= 1 / math.sqrt(1 - b2 ** (k + 1))  # sqrt(v_hat)
                    out[f"denom.{g}"][:, k] = to_numpy(_rms(xp, root))
                    root += recipe.eps[g]
                    direction[g] = m[g] / root
                    direction[g] *= 1 / (1 - b1 ** (k + 1))  # m_hat / (sqrt(v_hat) + eps)
            # each expert's share of the expert-down probe (the probe is their sum)
            c = signals["expert_down"]
            each = xp.sum(direction["expert_down"] * grads["expert_down"], axis=(2, 3))  # (R, M)
            each = each / (xp.sqrt(xp.sum(c * c, axis=(1, 2)))[:, None] * math.sqrt(c.shape[1] * c.shape[2]))
            out["probe.expert_each"][:, k] = to_numpy(xp.sqrt(xp.mean(each * each, axis=1)))
            for g in GROUPS:
                # <in U, c> = <U, in^T c> = <U, G>: the change of the group's output along its
                # backward signal c, per unit learning rate, in RMS units of the output
                c = signals[g]
                axes = tuple(range(1, c.ndim))
                along = xp.sum(direction[g] * grads[g], axis=tuple(range(1, grads[g].ndim)))
                n_out = math.prod(c.shape[1:])
                out[f"probe.{g}"][:, k] = to_numpy(
                    along / (xp.sqrt(xp.sum(c * c, axis=axes)) * math.sqrt(n_out)))
                if g == "router":  # the only group whose update entries a law reads
                    out[f"entry.{g}"][:, k] = recipe.lr[g] * to_numpy(_rms(xp, direction[g]))
                params[g] = params[g] - recipe.lr[g] * direction[g]
            io = _io(params, x_eval, shape, recipe, xp)
            record(k + 1, io, prev)
            prev = io
    WT = _flat(params, shape, xp)
    out["output_change"] = to_numpy(_rms(xp, prev["y"] - io0["y"]))
    out["out.readout_part"] = to_numpy(
        _rms(xp, xp.matmul(io0["h_agg"], WT["readout"] - W0["readout"])))
    out["out.hidden_part"] = to_numpy(
        _rms(xp, xp.matmul(prev["h_agg"] - io0["h_agg"], WT["readout"])))
    return out


def moe_train_loss(shape: MoEShape, recipe: Recipe, *, replicas: int, batch: int = 32,
                   steps: int = 100, last: int = 10, seed=0, xp=np) -> np.ndarray:
    """Final loss of ``steps`` online updates (fresh batches, teacher targets), per replica.

    The loss is the mean over the last ``last`` steps of the loss on each step's fresh batch
    *before* its update (an unbiased estimate of the population loss along the end of the
    run). A replica that diverges (non-finite loss) gets ``inf``. Replica ``r`` draws its
    weights, teacher and data from its own child of ``SeedSequence(seed)``, so the same
    ``seed`` gives the same initial networks and data for every learning rate.

    >>> shape = MoEShape(D=8, N=16, N_e=4, M=4, K=4, C=2)
    >>> loss = moe_train_loss(shape, Recipe.uniform(shape, lr=0.05), replicas=2, batch=8,
    ...                       steps=6, last=3)
    >>> loss.shape, bool(np.all(loss > 0))
    ((2,), True)
    """
    if replicas < 1 or steps < 1 or batch < 1 or not 1 <= last <= steps:
        raise DomainError("replicas, steps, batch >= 1 and 1 <= last <= steps required")
    rngs = _generators(seed, replicas)
    params, teacher = _init(shape, recipe, rngs, xp)
    opt = _Optimizer(recipe, params, xp)
    total = xp.zeros(replicas)
    dead = np.zeros(replicas, dtype=bool)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for k in range(steps):
            x = xp.asarray(np.stack([rng.standard_normal((batch, shape.D)) for rng in rngs]))
            target = xp.sign(xp.matmul(x, teacher))
            loss, grads, _, _ = moe_loss_and_grads(params, x, target, shape, recipe, xp)
            from .backend import to_numpy

            bad = ~np.isfinite(to_numpy(loss))
            if bad.any():
                dead |= bad
                # freeze diverged replicas at zero weights so they cannot overflow further
                for g in GROUPS:
                    keep = xp.reshape(xp.asarray((~dead).astype(float)),
                                      (-1,) + (1,) * (params[g].ndim - 1))
                    params[g] = xp.where(keep > 0, params[g], 0.0)
                    grads[g] = xp.where(keep > 0, grads[g], 0.0)
                    if recipe.optimizer == "adam":
                        opt.m[g] = xp.where(keep > 0, opt.m[g], 0.0)
                        opt.v[g] = xp.where(keep > 0, opt.v[g], 0.0)
                loss = xp.where(xp.asarray(dead), 0.0, loss)
                if dead.all():
                    break
            if k >= steps - last:
                total = total + loss
            opt.step(params, grads)
    from .backend import to_numpy

    out = to_numpy(total) / last
    out[dead] = np.inf
    return out


# ------------------------------------------------------------------------------------ dense MLP


@dataclasses.dataclass(frozen=True)
class MLPShape:
    """A two-hidden-layer MLP ``D -> n -> n2 -> C`` (``n2 = n`` unless given)."""

    D: int
    n: int
    C: int = 4
    n2: int | None = None

    @property
    def m(self) -> int:
        """The second hidden width."""
        return self.n if self.n2 is None else self.n2

    def dims(self) -> dict:
        """Weight shapes per group (fan-in x fan-out)."""
        return {"input": (self.D, self.n), "hidden": (self.n, self.m), "output": (self.m, self.C)}


def mlp_coord_check(shape: MLPShape, var: Mapping[str, float], lr: Mapping[str, float], *,
                    optimizer: str = "sgd", replicas: int, batch: int = 32, steps: int = 3,
                    seed=0, xp=np, eps: float = 1e-12) -> dict:
    """Coordinate check of a plain MLP (groups ``input``, ``hidden``, ``output``; ReLU).

    Returns, per replica, the RMS change after ``steps`` updates of the hidden pre-activation
    (``"hidden"``) and of the output (``"output"``) on a fixed evaluation batch, and the RMS
    of the hidden pre-activation at init (``"hidden_init"``).

    >>> out = mlp_coord_check(MLPShape(4, 8), {"input": .25, "hidden": .125, "output": .125},
    ...                       {"input": .1, "hidden": .1, "output": .1}, replicas=2, steps=1)
    >>> sorted(out)
    ['hidden', 'hidden_init', 'output']
    """
    if optimizer not in ("sgd", "adam"):
        raise ParameterError(f"optimizer must be 'sgd' or 'adam', got {optimizer!r}")
    rngs = _generators(seed, replicas)
    dims = shape.dims()
    W = {g: xp.asarray(np.stack([rng.standard_normal(d) * math.sqrt(var[g]) for rng in rngs]))
         for g, d in dims.items()}
    teacher = xp.asarray(np.stack([rng.standard_normal((shape.D, shape.C)) for rng in rngs]))
    data = [np.stack([rng.standard_normal((batch, shape.D)) for rng in rngs]) for _ in range(steps + 1)]
    x_eval = xp.asarray(data[0])

    def forward(x):
        z1 = xp.matmul(x, W["input"])
        a1 = _relu(xp, z1)
        z2 = xp.matmul(a1, W["hidden"])
        a2 = _relu(xp, z2)
        return z1, a1, z2, a2, xp.matmul(a2, W["output"])

    _, _, z2_0, _, f0 = forward(x_eval)
    m = {g: xp.zeros_like(w) for g, w in W.items()}
    v = {g: xp.zeros_like(w) for g, w in W.items()}
    for k in range(1, steps + 1):
        x = xp.asarray(data[k])
        t = xp.sign(xp.matmul(x, teacher))
        z1, a1, z2, a2, f = forward(x)
        df = (f - t) / batch
        grads = {"output": xp.matmul(_T(xp, a2), df)}
        dz2 = _relu_back(xp, xp.matmul(df, _T(xp, W["output"])), z2)
        grads["hidden"] = xp.matmul(_T(xp, a1), dz2)
        dz1 = _relu_back(xp, xp.matmul(dz2, _T(xp, W["hidden"])), z1)
        grads["input"] = xp.matmul(_T(xp, x), dz1)
        for g in W:
            if optimizer == "sgd":
                W[g] = W[g] - lr[g] * grads[g]
            else:
                m[g] = 0.9 * m[g] + 0.1 * grads[g]
                v[g] = 0.999 * v[g] + 0.001 * grads[g] ** 2
                mhat, vhat = m[g] / (1 - 0.9**k), v[g] / (1 - 0.999**k)
                W[g] = W[g] - lr[g] * mhat / (xp.sqrt(vhat) + eps)
    _, _, z2_T, _, fT = forward(x_eval)
    from .backend import to_numpy

    return {
        "hidden": to_numpy(_rms(xp, z2_T - z2_0)),
        "output": to_numpy(_rms(xp, fT - f0)),
        "hidden_init": to_numpy(_rms(xp, z2_0)),
    }


def _relu(xp, z):
    return xp.where(z > 0, z, xp.zeros_like(z))


def _relu_back(xp, dz, z):
    """The backward signal through ReLU: ``dz`` where ``z > 0``, else 0."""
    return xp.where(z > 0, dz, xp.zeros_like(dz))


#: The MLP's groups: (input the group reads, output it writes).
MLP_IO = {"input": ("x", "z1"), "hidden": ("a1", "z2"), "output": ("a2", "f")}


def mlp_coordinates(shape: MLPShape, var: Mapping[str, float], lr: Mapping[str, float], *,
                    optimizer: str = "sgd", replicas: int, batch: int = 16, steps: int = 1,
                    seed=0, xp=np, eps: float = 1e-12) -> dict:
    r"""Per-group coordinate-check quantities of the MLP ``D -> n -> n2 -> C`` (ReLU, MSE,
    teacher targets), trained by full-batch steps on one batch and measured on it.

    Returns, one value per replica (numpy arrays): ``unit.<g>`` (R,), the expected RMS of the
    group's initial output per unit standard deviation of its weights over their draw,
    :math:`\sqrt{\mathrm{mean}_b|\mathrm{in}_b|^2}` (independent of the group's variance);
    ``probe.<g>`` (R, T), the change of the group's output along its backward signal :math:`c`
    that one step of unit learning rate makes, :math:`\langle U, G\rangle/(|c|\sqrt{n_{out}})`
    (:math:`G` the gradient, :math:`U` the update direction: :math:`G` for SGD,
    :math:`\hat m/(\sqrt{\hat v}+\epsilon)` for Adam); ``entry.<g>`` (R, T), the RMS entry of the
    applied update; ``act.hidden`` (R, T+1), the RMS hidden pre-activation, and ``upd.hidden``
    (R, T+1), its change since initialisation.

    >>> out = mlp_coordinates(MLPShape(4, 8, n2=6), {"input": .25, "hidden": .125,
    ...                       "output": .02}, {"input": .1, "hidden": .1, "output": .1},
    ...                       replicas=2, steps=2)
    >>> out["probe.hidden"].shape, out["unit.output"].shape
    ((2, 2), (2,))
    """
    from .backend import to_numpy

    if optimizer not in ("sgd", "adam"):
        raise ParameterError(f"optimizer must be 'sgd' or 'adam', got {optimizer!r}")
    if replicas < 1 or steps < 1 or batch < 1:
        raise DomainError("replicas, steps and batch must be >= 1")
    rngs = _generators(seed, replicas)
    dims = shape.dims()
    W = {g: xp.asarray(np.stack([rng.standard_normal(d) * math.sqrt(var[g]) for rng in rngs]))
         for g, d in dims.items()}
    teacher = xp.asarray(np.stack([rng.standard_normal((shape.D, shape.C)) for rng in rngs]))
    x = xp.asarray(np.stack([rng.standard_normal((batch, shape.D)) for rng in rngs]))
    target = xp.sign(xp.matmul(x, teacher))

    def forward():
        z1 = xp.matmul(x, W["input"])
        a1 = _relu(xp, z1)
        z2 = xp.matmul(a1, W["hidden"])
        a2 = _relu(xp, z2)
        return {"x": x, "z1": z1, "a1": a1, "z2": z2, "a2": a2, "f": xp.matmul(a2, W["output"])}

    s0 = forward()
    out = {f"unit.{g}": _row_rms(xp, s0[MLP_IO[g][0]]) for g in dims}
    for g in dims:
        out[f"probe.{g}"] = np.zeros((replicas, steps))
        out[f"entry.{g}"] = np.zeros((replicas, steps))
    out["act.hidden"] = np.zeros((replicas, steps + 1))
    out["upd.hidden"] = np.zeros((replicas, steps + 1))
    out["act.hidden"][:, 0] = to_numpy(_rms(xp, s0["z2"]))
    m = {g: xp.zeros_like(w) for g, w in W.items()}
    v = {g: xp.zeros_like(w) for g, w in W.items()}
    s = s0
    for k in range(steps):
        df = (s["f"] - target) / batch
        dz2 = _relu_back(xp, xp.matmul(df, _T(xp, W["output"])), s["z2"])
        dz1 = _relu_back(xp, xp.matmul(dz2, _T(xp, W["hidden"])), s["z1"])
        signal = {"input": dz1, "hidden": dz2, "output": df}
        for g in dims:
            a_in, _ = MLP_IO[g]
            G = xp.matmul(_T(xp, s[a_in]), signal[g])
            if optimizer == "sgd":
                U = G
            else:
                m[g] = 0.9 * m[g] + 0.1 * G
                v[g] = 0.999 * v[g] + 0.001 * G * G
                U = (m[g] / (1 - 0.9 ** (k + 1))) / (xp.sqrt(v[g] / (1 - 0.999 ** (k + 1))) + eps)
            c = signal[g]
            n_out = math.prod(c.shape[1:])
            along = xp.sum(U * G, axis=(1, 2))
            out[f"probe.{g}"][:, k] = to_numpy(
                along / (xp.sqrt(xp.sum(c * c, axis=(1, 2))) * math.sqrt(n_out)))
            out[f"entry.{g}"][:, k] = lr[g] * to_numpy(_rms(xp, U))
            W[g] = W[g] - lr[g] * U
        s = forward()
        out["act.hidden"][:, k + 1] = to_numpy(_rms(xp, s["z2"]))
        out["upd.hidden"][:, k + 1] = to_numpy(_rms(xp, s["z2"] - s0["z2"]))
    return out
