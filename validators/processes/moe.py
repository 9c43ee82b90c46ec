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
    "moe_loss_and_grads",
    "moe_train_loss",
    "MLPShape",
    "mlp_coord_check",
]

GROUPS = ("embedding", "router", "expert_up", "expert_down", "readout")
_C_GELU = math.sqrt(2.0 / math.pi)


def _gelu(xp, z):
    t = xp.tanh(_C_GELU * (z + 0.044715 * z**3))
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
    import sympy as sp

    symbols = table.symbols

    def at(expr, s: MoEShape) -> float:
        values = {"N": s.N, "N_e": s.N_e, "M": s.M, "K": s.K, "D": s.D}
        return float(sp.sympify(expr).xreplace({symbols[k]: v for k, v in values.items() if k in symbols}))

    var, lrs, epss = {}, {}, {}
    for g in GROUPS:
        entries = table.groups[g]
        if entries.get("multiplier", 1) != 1:
            raise ParameterError("recipe_from_table needs the multiplier-free form: use canonical()")
        var[g] = var_scale * at(entries["init_var"], shape)
        lrs[g] = lr * at(entries["lr"], shape) / at(entries["lr"], base)
        if "eps" in entries:
            epss[g] = eps * at(entries["eps"], shape) / at(entries["eps"], base)
    agg_expr = sp.sympify(table.flags.get("aggregation", "1"), locals=dict(symbols))
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
    params = {g: [] for g in GROUPS}
    teachers = []
    for rng in rngs:
        for g in GROUPS:
            std = math.sqrt(recipe.var[g])
            shape_g = dims[g]
            if std == 0:
                w = np.zeros(shape_g)
            elif recipe.shared and g in expert_axis:
                one_shape = list(shape_g)
                one_shape[expert_axis[g]] = 1
                w = np.broadcast_to(rng.standard_normal(one_shape) * std, shape_g).copy()
            else:
                w = rng.standard_normal(shape_g) * std
            params[g].append(w)
        teachers.append(rng.standard_normal((s.D, s.C)))
    params = {g: xp.asarray(np.stack(v)) for g, v in params.items()}
    return params, xp.asarray(np.stack(teachers))


def _T(xp, a):
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
    if shape.K < shape.M:
        kth = xp.sort(r, axis=-1)[..., shape.M - shape.K][..., None]
        mask = (r >= kth).astype(r.dtype)
    else:
        mask = xp.ones_like(r)
    gate = sig * recipe.aggregation * mask  # (R,B,M)
    z1 = xp.reshape(xp.matmul(h, xp.reshape(W1, (R, shape.N, ME))), (R, B, shape.M, shape.N_e))
    e, t1 = _gelu(xp, z1)
    ge = xp.reshape(gate[..., None] * e, (R, B, ME))
    h_agg = xp.matmul(ge, xp.reshape(W2, (R, ME, shape.N)))  # sum_i g_i e_i W2_i
    y = xp.matmul(h_agg, W_out)  # (R,B,C)
    cache = (x, z0, h, t0, r, sig, mask, gate, z1, e, t1, ge, h_agg)
    return y, cache


def moe_loss_and_grads(params, x, target, shape: MoEShape, recipe: Recipe, xp=np):
    """Loss per replica (shape (R,)) and the gradient of the summed loss for every group."""
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
                    keep = xp.asarray((~dead).astype(float)).reshape((-1,) + (1,) * (params[g].ndim - 1))
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
    """A two-hidden-layer MLP ``D -> n -> n -> C``."""

    D: int
    n: int
    C: int = 4


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
    dims = {"input": (shape.D, shape.n), "hidden": (shape.n, shape.n), "output": (shape.n, shape.C)}
    W = {g: xp.asarray(np.stack([rng.standard_normal(d) * math.sqrt(var[g]) for rng in rngs]))
         for g, d in dims.items()}
    teacher = xp.asarray(np.stack([rng.standard_normal((shape.D, shape.C)) for rng in rngs]))
    data = [np.stack([rng.standard_normal((batch, shape.D)) for rng in rngs]) for _ in range(steps + 1)]
    x_eval = xp.asarray(data[0])

    def forward(x):
        z1 = xp.matmul(x, W["input"])
        a1 = xp.maximum(z1, 0)
        z2 = xp.matmul(a1, W["hidden"])
        a2 = xp.maximum(z2, 0)
        return z1, a1, z2, a2, xp.matmul(a2, W["output"])

    _, _, z2_0, _, f0 = forward(x_eval)
    m = {g: xp.zeros_like(w) for g, w in W.items()}
    v = {g: xp.zeros_like(w) for g, w in W.items()}
    for k in range(1, steps + 1):
        x = xp.asarray(data[k])
        t = xp.sign(xp.matmul(x, teacher))
        z1, a1, z2, a2, f = forward(x)
        df = (f - t) / batch
        grads = {"output": xp.matmul(xp.swapaxes(a2, -1, -2), df)}
        dz2 = xp.matmul(df, xp.swapaxes(W["output"], -1, -2)) * (z2 > 0)
        grads["hidden"] = xp.matmul(xp.swapaxes(a1, -1, -2), dz2)
        dz1 = xp.matmul(dz2, xp.swapaxes(W["hidden"], -1, -2)) * (z1 > 0)
        grads["input"] = xp.matmul(xp.swapaxes(x, -1, -2), dz1)
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
