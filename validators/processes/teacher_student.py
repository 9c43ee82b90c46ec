r"""One-pass SGD on the quadratic two-layer network, teacher–student, replicas in lockstep.

Model (the conventions of :mod:`~scalinglaws.validators.processes.overlap_ode`): input
:math:`x \sim N(0, I_N)`; student rows :math:`w_j` (:math:`j \le p`), teacher rows
:math:`w^*_k` (:math:`k \le p^*`, orthonormal with :math:`|w^*_k|^2 = N`, so :math:`T = I`);
pre-activations :math:`\lambda = Wx/\sqrt N`; outputs :math:`\hat y = \frac1p\sum_j\lambda_j^2`,
:math:`y = \frac1{p^*}\sum_k\lambda_k^{*2}`; loss :math:`\frac12(\hat y-y)^2`; one fresh sample
per step (one pass),

.. math:: w_j \leftarrow w_j - \eta\,\tfrac2p\,(\hat y - y)\,\lambda_j\,x/\sqrt N ,

time :math:`t = \text{steps}/N`. Student rows start i.i.d. :math:`N(0, \sigma_0^2 I_N)`, so
:math:`Q(0) \approx \sigma_0^2 I` and :math:`R(0) = O(\sigma_0 N^{-1/2})`.

All ``R`` replicas advance together as a batch dimension; the arrays live in any array namespace
with numpy's API (``xp=numpy``; ``cupy`` on a GPU). Each replica draws its inputs from its own
``numpy.random.SeedSequence`` child, in blocks (on the host with numpy; on the device with a
generator seeded from that child when ``xp`` has ``random.default_rng``, as cupy does: the cupy
streams differ from numpy's but are as reproducible), so a replica's path does not depend on
how many replicas run beside it.

Recorded at every ``record_every`` steps: the overlaps ``Q`` (R, n, p, p) and ``R`` (R, n, p, p*)
and the population error :math:`\varepsilon_g = \frac12\mathbb E(\hat y - y)^2` of the current
weights, computed exactly from the overlaps (Gaussian inputs).

>>> import numpy as np
>>> from scalinglaws.validators.processes.teacher_student import quadratic_sgd
>>> run = quadratic_sgd(p=2, p_star=1, N=200, eta=0.1, t_max=2.0, replicas=3, seed=0,
...                     record_every=100)
>>> run.eps.shape, run.Q.shape, run.R.shape
((3, 5), (3, 5, 2, 2), (3, 5, 2, 1))
>>> again = quadratic_sgd(p=2, p_star=1, N=200, eta=0.1, t_max=2.0, replicas=3, seed=0,
...                       record_every=100)
>>> bool(np.array_equal(run.eps, again.eps))
True
"""

from __future__ import annotations

import dataclasses

import numpy as np

from scalinglaws.errors import ParameterError

from .overlap_ode import quadratic_error

__all__ = ["QuadraticSGDRun", "quadratic_sgd", "orthonormal_teacher"]


@dataclasses.dataclass(frozen=True)
class QuadraticSGDRun:
    """Replicas of one-pass SGD: ``t`` (n,) in units of N steps, ``Q``, ``R`` (R, n, ...),
    ``eps`` (R, n); ``W0`` the initial overlaps ``(Q0, R0)`` per replica (R, ...)."""

    t: np.ndarray
    Q: np.ndarray
    R: np.ndarray
    eps: np.ndarray
    N: int
    eta: float


def orthonormal_teacher(p_star: int, N: int, rng: np.random.Generator) -> np.ndarray:
    """Teacher rows (p*, N), orthonormal with squared norm N each (so T = I exactly)."""
    G = rng.standard_normal((N, p_star))
    q, _ = np.linalg.qr(G)
    return (q.T * np.sqrt(N)).copy()


def _to_host(a):
    return a.get() if hasattr(a, "get") else np.asarray(a)


def quadratic_sgd(*, p: int, p_star: int, N: int, eta: float, t_max: float, replicas: int,
                  seed, sigma0: float = 1.0, record_every: int | None = None, block: int = 256,
                  xp=np) -> QuadraticSGDRun:
    """Run ``replicas`` independent one-pass SGD paths of the quadratic network.

    Parameters
    ----------
    p, p_star
        Student and teacher widths.
    N
        Input dimension.
    eta
        Learning rate (per-unit rate as in the update above).
    t_max
        Horizon in units of N steps (``round(t_max N)`` steps).
    replicas
        Number of independent paths (teacher, initialisation and data all independent).
    seed
        An int or a ``numpy.random.SeedSequence``; replica ``r`` uses its ``r``-th child.
    sigma0
        Initial scale of the student rows.
    record_every
        Steps between records (default ``N // 10``).
    block
        Inputs are drawn ``block`` steps at a time per replica.
    xp
        Array namespace (numpy, cupy).
    """
    if p < 1 or p_star < 1 or N < 2 or replicas < 1:
        raise ParameterError("p, p_star, replicas must be >= 1 and N >= 2")
    if not eta > 0 or not t_max > 0:
        raise ParameterError("eta and t_max must be positive")
    steps = int(round(t_max * N))
    record_every = int(record_every or max(N // 10, 1))
    root = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    children = root.spawn(replicas)
    init_rngs = [np.random.default_rng(c.spawn(2)[0]) for c in children]
    data_seqs = [c.spawn(2)[1] for c in children]
    device_rng = xp is not np and hasattr(getattr(xp, "random", None), "default_rng")
    if device_rng:  # draw the inputs on the device (cupy): one seeded generator per replica
        data_rngs = [xp.random.default_rng(int(s.generate_state(1)[0])) for s in data_seqs]
    else:
        data_rngs = [np.random.default_rng(s) for s in data_seqs]
    Wstar = np.stack([orthonormal_teacher(p_star, N, g) for g in init_rngs])
    W0 = np.stack([sigma0 * g.standard_normal((p, N)) for g in init_rngs])
    W = xp.asarray(W0)
    Ws = xp.asarray(Wstar)
    sq = float(np.sqrt(N))
    coef = eta * 2.0 / p
    T = np.eye(p_star)
    times, Qs, Rs = [], [], []

    def record(step):
        Qm = _to_host(xp.einsum("rin,rjn->rij", W, W)) / N
        Rm = _to_host(xp.einsum("rin,rjn->rij", W, Ws)) / N
        times.append(step / N)
        Qs.append(Qm)
        Rs.append(Rm)

    record(0)
    step = 0
    while step < steps:
        nb = min(block, steps - step)
        if device_rng:
            X = xp.stack([g.standard_normal((nb, N)) for g in data_rngs])
        else:
            X = xp.asarray(np.stack([g.standard_normal((nb, N)) for g in data_rngs]))
        for k in range(nb):
            x = X[:, k, :]
            lam = xp.einsum("rin,rn->ri", W, x) / sq
            lam_s = xp.einsum("rin,rn->ri", Ws, x) / sq
            e = (lam * lam).mean(axis=1) - (lam_s * lam_s).mean(axis=1)
            W -= (coef / sq) * (e[:, None] * lam)[:, :, None] * x[:, None, :]
            step += 1
            if step % record_every == 0:
                record(step)
    Q = np.stack(Qs, axis=1)
    R = np.stack(Rs, axis=1)
    eps = np.array([[quadratic_error(Q[r, i], R[r, i], T) for i in range(Q.shape[1])]
                    for r in range(replicas)])
    return QuadraticSGDRun(np.array(times), Q, R, eps, int(N), float(eta))
