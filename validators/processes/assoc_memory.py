r"""A linear associative memory trained by one or a few steps of SGD, Muon, polar or Newton.

Model (digest ``muon_capacity.md`` §1.3; the normalisation is ours)
---------------------------------------------------------------------
Items :math:`i = 1..N` with input and output embeddings :math:`e_i, u_i \sim N(0, I_d/d)` iid,
frequencies :math:`p_i = i^{-\alpha}/\sum_{k\le N} k^{-\alpha}`. A batch of :math:`B` samples has
counts :math:`c \sim \mathrm{Multinomial}(B, p)` and weights :math:`\hat p = c/B`
(``B=None``: the population, :math:`\hat p = p`). From :math:`W = 0` the negative gradient of the
softmax cross-entropy is :math:`G = \sum_i \hat p_i (u_i - \bar u) e_i^\top`; :math:`\bar u` is
dropped by default (:math:`\|\bar u\| \sim N^{-1/2}`). The update directions:

* SGD: :math:`G`;
* Muon: :math:`h_\lambda(G) = G(G^\top G + \lambda^2 I)^{-1/2}
  = U\,\mathrm{diag}(\sigma/\sqrt{\sigma^2+\lambda^2})\,V^\top` (SVD in float64);
* polar: :math:`\lambda = 0`, :math:`UV^\top`;
* Newton--Schulz (Muon as practitioners run it): ``ns_steps`` = :math:`k` steps of the quintic
  iteration :math:`X \leftarrow aX + (bA + cA^2)X`, :math:`A = XX^\top`,
  :math:`(a, b, c) = (3.4445, -4.7750, 2.0315)`, from :math:`X_0 = G/\|G\|_F` (float64; the
  released implementations run it in bfloat16). On singular values it is the polynomial
  :math:`\varphi(x) = ax + bx^3 + cx^5` iterated :math:`k` times on :math:`\sigma/\|G\|_F`:
  a singular value far below :math:`\|G\|_F a^{-k}` is only multiplied by :math:`a^k`, so
  :math:`k` steps act like :math:`h_\lambda` with the floor :math:`\lambda_k = \|G\|_F a^{-k}`;
* Newton (ours): :math:`G(\hat\Sigma_e + \mu I)^{-1}`, :math:`\hat\Sigma_e = \sum_i \hat p_i e_ie_i^\top`,
  :math:`\mu` = ``mu_rel`` times the median eigenvalue of :math:`\hat\Sigma_e`.

Item :math:`i` is recovered when :math:`\arg\max_j u_j^\top W e_i = i` over all :math:`N` outputs.
Scores are computed in chunks of items (memory :math:`N \times` chunk) in float32; items whose
margin is within ``1e-3`` of the score scale are re-scored in float64.

Multi-step (thresholded, the paper's Section 5 setting; our rule): an item leaves the active set
when its margin :math:`z_i = (s_{ii} - \max_{j\ne i} s_{ji})/\sigma_i > \kappa`,
:math:`\sigma_i = \|We_i\|/\sqrt d`; items losing their margin re-enter; step
:math:`t` uses :math:`\lambda_t = c_\lambda\, d_{t+1}^{-\alpha}\sqrt d` with
:math:`d_{t+1} = d^{\,2-(1-1/(2\alpha))^{t+1}}`.

Array namespaces: every array operation goes through ``xp`` (``numpy`` or ``cupy``); random draws
are made with numpy generators (one child :class:`numpy.random.SeedSequence` per replica) and
moved with ``xp.asarray``, so a replica is the same on every backend.

Examples
--------
>>> import numpy as np
>>> mem = make_memory(32, 1.5, 400, np.random.SeedSequence(0))
>>> W = one_step(mem, "polar")
>>> obs = observe(mem, W, 100)
>>> int(obs.count) >= int(obs.prefix) >= 1
True
>>> G = np.array([[3.0, 0.0], [0.0, 4.0]])
>>> np.round(muon_map(G, 0.0), 12)
array([[1., 0.],
       [0., 1.]])
"""

from __future__ import annotations

import dataclasses
import functools
import math

import numpy as np

from scalinglaws.errors import DomainError, ParameterError

from .blas_threads import single_blas_thread

__all__ = [
    "METHODS",
    "NS_COEFFS",
    "Memory",
    "Observation",
    "batch_weights",
    "cross_entropy",
    "direction",
    "gradient",
    "make_memory",
    "multi_step",
    "muon_map",
    "newton_direction",
    "newton_schulz",
    "newton_schulz_singular_map",
    "observe",
    "one_step",
    "recovery",
    "restrict",
    "threshold_frequency",
]

METHODS = ("sgd", "muon", "polar", "newton", "newton_schulz")
#: The quintic Newton--Schulz coefficients (a, b, c) of Muon's public implementation.
NS_COEFFS = (3.4445, -4.7750, 2.0315)
_TIE = 1e-3


@dataclasses.dataclass
class Memory:
    """One replica's items: ``U``, ``E`` of shape (N, d) in ``xp``, frequencies ``p`` (numpy)."""

    U: object
    E: object
    p: np.ndarray
    alpha: float
    xp: object
    rng: np.random.Generator

    @property
    def d(self) -> int:
        return int(self.U.shape[1])

    @property
    def n_items(self) -> int:
        return int(self.U.shape[0])


@dataclasses.dataclass
class Observation:
    """What one evaluation of :math:`W` measures on the first ``K`` items."""

    recovered: np.ndarray  # bool (K,)
    margin: np.ndarray  # z_i (K,)
    count: int
    prefix: int
    mass_unrec: float  # sum_i p_i 1[i not recovered] over all N (items > K counted unrecovered)
    mass_unrec_inf: float  # the same for the infinite power law i^-alpha/zeta(alpha): + mass beyond N


def _check_positive_int(name, value, minimum=1) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ParameterError(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        raise DomainError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


def make_memory(d: int, alpha: float, n_items: int, seed, xp=np, dtype="float32") -> Memory:
    """Draw one replica's embeddings and frequencies from ``seed`` (a SeedSequence or an int).

    ``alpha > 0``: the frequencies are the first ``n_items`` of :math:`i^{-\\alpha}`,
    normalised. For :math:`\\alpha \\le 1` the infinite power law is not summable, so the
    memory is a fixed number of items and ``Observation.mass_unrec_inf`` is 1 (all of the
    infinite law's mass lies beyond any finite N).
    """
    d = _check_positive_int("d", d, 2)
    n_items = _check_positive_int("n_items", n_items, 2)
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or not alpha > 0:
        raise DomainError(f"alpha must be a number > 0, got {alpha!r}")
    if not isinstance(seed, np.random.SeedSequence):
        seed = np.random.SeedSequence(seed)
    rng = np.random.Generator(np.random.PCG64(seed))
    scale = np.float32(1.0 / math.sqrt(d))
    U = rng.standard_normal((n_items, d), dtype=np.float32) * scale
    E = rng.standard_normal((n_items, d), dtype=np.float32) * scale
    ranks = np.arange(1, n_items + 1, dtype=float)
    p = ranks**-alpha
    p /= p.sum()
    return Memory(xp.asarray(U, dtype=getattr(xp, dtype)), xp.asarray(E, dtype=getattr(xp, dtype)),
                  p, float(alpha), xp, rng)


def restrict(mem: Memory, d: int) -> Memory:
    """The same items in dimension ``d <= mem.d``: the first ``d`` coordinates of every
    embedding, rescaled by :math:`\\sqrt{D/d}` so that they are again :math:`N(0, I_d/d)`.

    Memories of several dimensions restricted from one draw share their random numbers (common
    random numbers across a grid of ``d``: one replica's curve in ``d`` is smoother, and one
    draw at the largest ``d`` replaces a draw per ``d``). The frequencies and the batch
    generator are shared with ``mem``.
    """
    d = _check_positive_int("d", d, 2)
    if d > mem.d:
        raise DomainError(f"d = {d} exceeds the memory's dimension {mem.d}")
    xp = mem.xp
    scale = xp.asarray(math.sqrt(mem.d / d), dtype=mem.U.dtype)
    return Memory(xp.ascontiguousarray(mem.U[:, :d]) * scale,
                  xp.ascontiguousarray(mem.E[:, :d]) * scale, mem.p, mem.alpha, xp, mem.rng)


def batch_weights(mem: Memory, B, active=None) -> np.ndarray:
    """Empirical frequencies of a fresh batch of ``B`` samples (``None``: the population)."""
    if B is None:
        w = mem.p.copy()
    else:
        B = _check_positive_int("B", B)
        w = mem.rng.multinomial(B, mem.p) / B
    if active is not None:
        w = w * np.asarray(active, dtype=float)
    return w


def gradient(mem: Memory, weights: np.ndarray, center: bool = False):
    """:math:`G = \\sum_i w_i (u_i - \\bar u) e_i^\\top` over the items with ``w_i > 0`` (d x d)."""
    xp = mem.xp
    idx = np.flatnonzero(weights > 0)
    w = xp.asarray(weights[idx], dtype=mem.U.dtype)
    rows = xp.asarray(idx)
    Us, Es = mem.U[rows], mem.E[rows]
    with single_blas_thread():
        G = Us.T @ (Es * w[:, None])
    if center:
        ubar = xp.mean(mem.U, axis=0)
        G = G - ubar[:, None] * xp.sum(Es * w[:, None], axis=0)[None, :]
    return G


def _svd64(G, xp):
    G64 = xp.asarray(G, dtype=xp.float64)
    with single_blas_thread():
        return xp.linalg.svd(G64, full_matrices=False)


def muon_map(G, lam: float, xp=np):
    """:math:`h_\\lambda(G) = U\\,\\mathrm{diag}(\\sigma/\\sqrt{\\sigma^2+\\lambda^2})\\,V^\\top` (float64 SVD).

    ``lam = 0`` is the polar factor :math:`UV^\\top` (singular values exactly 0 map to 0). The
    check ``V0.map`` measures the singular values it returns against the map's law (agreement
    to ~1e-13). An SVD rather than the eigendecomposition of :math:`G^\\top G` (twice as fast
    on one core): the latter loses relative accuracy in the smallest singular values
    (errors ~3e-7 at lambda = 0 on a d = 128 gradient).
    """
    if isinstance(lam, bool) or not isinstance(lam, (int, float)) or not lam >= 0 or not math.isfinite(lam):
        raise DomainError(f"lam must be a finite number >= 0, got {lam!r}")
    U, s, Vt = _svd64(G, xp)
    if lam == 0:
        f = xp.where(s > 0, xp.ones_like(s), xp.zeros_like(s))
    else:
        f = s / xp.sqrt(s * s + lam * lam)
    return (U * f[None, :]) @ Vt


def newton_schulz(G, steps: int, coeffs=NS_COEFFS, xp=np):
    """``steps`` quintic Newton--Schulz steps from :math:`X_0 = G/\\|G\\|_F` (float64).

    :math:`X \\leftarrow aX + (bA + cA^2)X`, :math:`A = XX^\\top` (on the smaller Gram matrix
    of a rectangular :math:`G`). This is what Muon runs in place of the exact polar factor.
    """
    steps = _check_positive_int("steps", steps)
    a, b, c = (float(v) for v in coeffs)
    X = xp.asarray(G, dtype=xp.float64)
    norm = float(xp.sqrt(xp.sum(X * X)))
    if not norm > 0:
        raise DomainError("Newton-Schulz needs a nonzero G")
    tall = X.shape[0] > X.shape[1]
    X = (X.T if tall else X) / norm
    with single_blas_thread():
        for _ in range(steps):
            A = X @ X.T
            X = a * X + (b * A + c * (A @ A)) @ X
    return X.T if tall else X


def newton_schulz_singular_map(x, steps: int, coeffs=NS_COEFFS):
    """The scalar map of :func:`newton_schulz` on a normalised singular value
    :math:`x = \\sigma/\\|G\\|_F`: :math:`\\varphi^{\\circ k}(x)`, :math:`\\varphi(x) = ax + bx^3 + cx^5`.

    >>> round(float(newton_schulz_singular_map(1e-6, 5)) / 1e-6 / 3.4445**5, 5)
    1.0
    """
    steps = _check_positive_int("steps", steps)
    a, b, c = (float(v) for v in coeffs)
    y = np.asarray(x, dtype=float)
    for _ in range(steps):
        y = a * y + b * y**3 + c * y**5
    return y


def newton_direction(mem: Memory, G, weights: np.ndarray, mu_rel: float = 1e-2):
    """Damped Newton direction at W = 0: :math:`G(\\hat\\Sigma_e + \\mu I)^{-1}` (ours)."""
    xp = mem.xp
    idx = np.flatnonzero(weights > 0)
    w = xp.asarray(weights[idx], dtype=xp.float64)
    Es = xp.asarray(mem.E[xp.asarray(idx)], dtype=xp.float64)
    with single_blas_thread():
        sigma_e = Es.T @ (Es * w[:, None])
        evals = xp.linalg.eigvalsh(sigma_e)
    mu = mu_rel * float(xp.median(evals))
    if not mu > 0:
        raise DomainError("the damping mu is not positive (median eigenvalue of Sigma_e is 0)")
    d = sigma_e.shape[0]
    # W (Sigma + mu I) = G  <=>  (Sigma + mu I) W^T = G^T (symmetric)
    with single_blas_thread():
        WT = xp.linalg.solve(sigma_e + mu * xp.eye(d, dtype=xp.float64),
                             xp.asarray(G, dtype=xp.float64).T)
    return WT.T


def direction(mem: Memory, method: str, G, weights, lam: float = 0.0, mu_rel: float = 1e-2,
              ns_steps: int = 5):
    """The update direction of ``method`` (one of :data:`METHODS`) from the gradient ``G``."""
    if method not in METHODS:
        raise ParameterError(f"method must be one of {METHODS}, got {method!r}")
    xp = mem.xp
    if method == "sgd":
        out = G
    elif method == "muon":
        out = muon_map(G, lam, xp)
    elif method == "polar":
        out = muon_map(G, 0.0, xp)
    elif method == "newton_schulz":
        out = newton_schulz(G, ns_steps, xp=xp)
    else:
        out = newton_direction(mem, G, weights, mu_rel)
    return xp.asarray(out, dtype=mem.U.dtype)


def one_step_lambda(d: int, alpha: float, B, c_lam: float) -> float:
    """:math:`\\lambda = c_\\lambda\\max\\{d^{-\\alpha}, 1/B\\}` (one-step floor without its logs)."""
    base = d ** (-alpha)
    return c_lam * (base if B is None else max(base, 1.0 / B))


def one_step(mem: Memory, method: str, B=None, c_lam: float = 0.1, mu_rel: float = 1e-2,
             ns_steps: int = 5, weights=None, G=None):
    """:math:`W_1` after one step from :math:`W_0 = 0` (the learning rate does not change argmax).

    ``weights`` and ``G`` (a batch and its gradient) may be passed to run several methods on the
    same step; by default a fresh batch of ``B`` samples is drawn.
    """
    if weights is None:
        weights = batch_weights(mem, B)
    if G is None:
        G = gradient(mem, weights)
    lam = one_step_lambda(mem.d, mem.alpha, B, c_lam)
    return direction(mem, method, G, weights, lam=lam, mu_rel=mu_rel, ns_steps=ns_steps)


def multi_step_lambda(d: int, alpha: float, t: int, c_lam: float) -> float:
    """:math:`\\lambda_t = c_\\lambda d_{t+1}^{-\\alpha}\\sqrt d` (d-branch of the floor schedule)."""
    r = 1 - 1 / (2 * alpha)
    d_next = d ** (2 - r ** (t + 1))
    return c_lam * d_next ** (-alpha) * math.sqrt(d)


def multi_step(mem: Memory, steps: int, K: int, *, method: str = "muon", B=None, c_lam: float = 1.0,
               kappa: float = 4.0, eta: float | None = None, chunk: int = 2048, on_step=None,
               ns_steps: int = 5):
    """Thresholded multi-step run; returns the :class:`Observation` after each of ``steps`` steps.

    Item ``i <= K`` leaves the gradient while its margin exceeds ``kappa``; items beyond ``K``
    are never scored and stay active. ``eta`` defaults to :math:`\\sqrt d` (it does not change
    argmax recovery). ``on_step(t, W, observation)``, if given, is called after each step
    (``t = 1, 2, ...``) with the memory :math:`W_t` (for measurements beyond recovery).
    """
    steps = _check_positive_int("steps", steps)
    K = _check_positive_int("K", K)
    if K > mem.n_items:
        raise DomainError(f"K = {K} exceeds the number of items {mem.n_items}")
    xp = mem.xp
    eta = math.sqrt(mem.d) if eta is None else float(eta)
    W = xp.zeros((mem.d, mem.d), dtype=mem.U.dtype)
    active = np.ones(mem.n_items, dtype=bool)
    out = []
    for t in range(steps):
        weights = batch_weights(mem, B, active)
        G = gradient(mem, weights)
        lam = multi_step_lambda(mem.d, mem.alpha, t, c_lam)
        W = W + eta * direction(mem, method, G, weights, lam=lam, ns_steps=ns_steps)
        obs = observe(mem, W, K, chunk=chunk)
        out.append(obs)
        if on_step is not None:
            on_step(t + 1, W, obs)
        active[:K] = ~(obs.margin > kappa)
    return out


def recovery(mem: Memory, W, K: int, chunk: int = 2048, *, sgd_weights=None, start: int = 0):
    r"""``(recovered, margin)`` for items ``start+1..K``: argmax over all N outputs, and the margin z.

    ``start`` (default 0) skips the first items: a caller that scored ``1..K0`` extends the
    scored range to ``K`` without scoring the first ``K0`` again.

    ``sgd_weights``: score the SGD memory :math:`W = \sum_i w_i u_i e_i^\top` without forming it
    (``W`` must be None): :math:`We_k = U^\top(w \odot Ee_k)`, cost :math:`O(NdK)` instead of
    :math:`O(Nd^2)`, and only the :math:`|S|` items with a nonzero weight enter :math:`We_k`
    (cost :math:`O(|S|dK)`) -- the cheap route for large ``d``, small ``K`` or a small batch.
    """
    xp = mem.xp
    K = _check_positive_int("K", K)
    if K > mem.n_items:
        raise DomainError(f"K = {K} exceeds the number of items {mem.n_items}")
    chunk = _check_positive_int("chunk", chunk)
    if isinstance(start, bool) or not isinstance(start, (int, np.integer)) or not 0 <= start < K:
        raise DomainError(f"start must be an integer in [0, K), got {start!r}")
    if (W is None) == (sgd_weights is None):
        raise ParameterError("give exactly one of W and sgd_weights")
    if sgd_weights is not None:
        w_host = np.asarray(sgd_weights, dtype=float)
        if w_host.shape != (mem.n_items,):
            raise DomainError(f"sgd_weights must have shape ({mem.n_items},), got {w_host.shape}")
        # only the items with a nonzero weight enter W (a finite batch touches <= B of them)
        nz = np.flatnonzero(w_host)
        wvec = xp.asarray(w_host[nz], dtype=mem.U.dtype)
        if nz.size == mem.n_items:  # the population: no copy of the tables
            U_s, E_s = mem.U, mem.E
        else:
            rows_s = xp.asarray(nz)
            U_s, E_s = mem.U[rows_s], mem.E[rows_s]
    rec = np.zeros(K, dtype=bool)
    margin = np.zeros(K)
    d = mem.d
    U64 = W64 = E64 = Us64 = None  # float64 copies, made once and only when a near-tie needs them
    for lo in range(int(start), K, chunk):
        hi = min(K, lo + chunk)
        if W is None:
            We = U_s.T @ ((E_s @ mem.E[lo:hi].T) * wvec[:, None])  # (d, c)
        else:
            We = W @ mem.E[lo:hi].T  # (d, c)
        S = mem.U @ We  # (N, c)
        cols = xp.arange(hi - lo)
        own = S[lo + cols, cols]
        S[lo + cols, cols] = -xp.inf
        best = xp.max(S, axis=0)
        scale = xp.sqrt(xp.sum(We * We, axis=0) / d)
        z = (own - best) / xp.maximum(scale, xp.asarray(1e-30, dtype=scale.dtype))
        z = _to_host(z).astype(float)
        # near-ties: re-score those columns in float64
        ties = np.flatnonzero(np.abs(z) < _TIE)
        if ties.size and W is not None and W64 is None:
            W64 = xp.asarray(W, dtype=xp.float64)
        if ties.size and U64 is None:
            U64 = xp.asarray(mem.U, dtype=xp.float64)
        for c in ties:
            i = lo + int(c)
            e64 = xp.asarray(mem.E[i], dtype=xp.float64)
            if W is None:
                if E64 is None:
                    E64 = xp.asarray(E_s, dtype=xp.float64)
                    Us64 = xp.asarray(U_s, dtype=xp.float64)
                we = Us64.T @ ((E64 @ e64) * xp.asarray(wvec, dtype=xp.float64))
            else:
                we = W64 @ e64
            s = U64 @ we
            own_i = float(s[i])
            s[i] = -xp.inf
            z[c] = (own_i - float(xp.max(s))) / max(float(xp.sqrt(xp.sum(we * we) / d)), 1e-300)
        rec[lo:hi] = z > 0
        margin[lo:hi] = z
    return rec[start:], margin[start:]


def cross_entropy(mem: Memory, W, items, scales, chunk: int = 1024) -> np.ndarray:
    r"""Softmax cross-entropy of ``items`` (0-based indices) under :math:`\eta W`, for each
    :math:`\eta` in ``scales``: :math:`\log\sum_{j\le N} e^{\eta s_{ji}} - \eta s_{ii}`,
    :math:`s_{ji} = u_j^\top W e_i`. Shape ``(len(items), len(scales))``, float64; scores in
    float32, log-sum-exp stabilised per column."""
    xp = mem.xp
    idx = np.asarray(items, dtype=np.int64)
    if idx.ndim != 1 or idx.size == 0 or idx.min() < 0 or idx.max() >= mem.n_items:
        raise DomainError("items must be a non-empty 1-D array of item indices in [0, N)")
    etas = np.asarray(scales, dtype=float)
    if etas.ndim != 1 or etas.size == 0 or not np.all(np.isfinite(etas)) or np.any(etas <= 0):
        raise DomainError("scales must be a non-empty 1-D array of positive numbers")
    chunk = _check_positive_int("chunk", chunk)
    out = np.zeros((idx.size, etas.size))
    for lo in range(0, idx.size, chunk):
        part = idx[lo:lo + chunk]
        rows = xp.asarray(part)
        S = mem.U @ (W @ mem.E[rows].T)  # (N, c)
        own = S[rows, xp.arange(part.size)]
        for k, eta in enumerate(etas):
            Z = S * np.float32(eta)
            top = xp.max(Z, axis=0)
            lse = top + xp.log(xp.sum(xp.exp(Z - top[None, :]), axis=0))
            out[lo:lo + part.size, k] = _to_host(lse - own * np.float32(eta)).astype(float)
    return out


def _to_host(x) -> np.ndarray:
    from .backend import to_numpy

    return to_numpy(x)


def observe(mem: Memory, W, K: int, chunk: int = 2048, *, sgd_weights=None) -> Observation:
    """Count, recovered prefix, unrecovered frequency mass (items beyond ``K`` unrecovered)."""
    rec, margin = recovery(mem, W, K, chunk, sgd_weights=sgd_weights)
    failed = np.flatnonzero(~rec)
    prefix = int(failed[0]) if failed.size else K
    mass = float(mem.p[:K][~rec].sum() + mem.p[K:].sum())
    if mem.alpha <= 1.0:  # not summable: the infinite law's mass is all beyond N
        mass_inf = 1.0
    else:
        z_n, z_inf = _zipf_norms(mem.alpha, mem.n_items)
        mass_inf = (mass * z_n + (z_inf - z_n)) / z_inf
    return Observation(rec, margin, int(rec.sum()), prefix, mass, float(mass_inf))


@functools.lru_cache(maxsize=256)
def _zipf_norms(alpha: float, n_items: int) -> tuple[float, float]:
    """(sum_{i<=N} i^-alpha, zeta(alpha)); the items beyond N of an infinite power law are never
    recovered, so their mass (zeta(alpha) - Z_N)/zeta(alpha) counts as unrecovered."""
    import mpmath

    z_inf = float(mpmath.zeta(alpha))
    z_n = z_inf - float(mpmath.zeta(alpha, n_items + 1))
    return z_n, z_inf


def threshold_frequency(p: np.ndarray, recovered: np.ndarray, local: float = 10.0, n_iter: int = 60) -> float:
    r"""The frequency p* where the recovery probability, fitted as logistic in log p, crosses 1/2.

    Two stages: a logistic fit of :math:`P(\text{recovered}) = 1/(1 + e^{-(\log p - \log p^*)/s})`
    on all items, then a refit on the items with :math:`p \in [p^*_0/\text{local},\,
    \text{local}\cdot p^*_0]` around the first estimate, so that the shape of the far tails (a
    broad, non-logistic transition) does not bias the crossing. ``p`` and ``recovered`` are 1-D
    (items of one or several replicas). Raises :class:`~scalinglaws.errors.DomainError` when the
    data hold no transition.

    >>> p = np.logspace(-4, 0, 400)
    >>> rec = p > 1e-2
    >>> round(threshold_frequency(p, rec), 2) > 0.005 and threshold_frequency(p, rec) < 0.02
    True
    """
    x = np.log(np.asarray(p, dtype=float))
    y = np.asarray(recovered, dtype=float)
    if x.shape != y.shape or x.ndim != 1:
        raise DomainError("p and recovered must be 1-D arrays of the same length")
    first = _logistic_crossing(x, y, n_iter)
    if not (isinstance(local, (int, float)) and local > 1):
        raise DomainError(f"local must be a number > 1, got {local!r}")
    keep = np.abs(x - first) <= math.log(local)
    if keep.sum() >= 4 and 0 < y[keep].mean() < 1:
        first = _logistic_crossing(x[keep], y[keep], n_iter)
    return float(math.exp(first))


def _logistic_crossing(x: np.ndarray, y: np.ndarray, n_iter: int) -> float:
    """log p* of a logistic fit (Newton's method; a tiny ridge keeps separable data finite)."""
    if y.min() == y.max():
        raise DomainError("no transition: every item is recovered, or none is")
    xm, xs = x.mean(), x.std() or 1.0
    u = (x - xm) / xs
    beta = np.zeros(2)
    X = np.column_stack([np.ones_like(u), u])
    for _ in range(n_iter):
        eta = np.clip(X @ beta, -30, 30)
        q = 1 / (1 + np.exp(-eta))
        grad = X.T @ (y - q) - 1e-3 * beta
        hess = (X * (q * (1 - q))[:, None]).T @ X + 1e-3 * np.eye(2)
        step = np.linalg.solve(hess, grad)
        beta += step
        if np.max(np.abs(step)) < 1e-10:
            break
    if not beta[1] > 0:
        raise DomainError("the fitted recovery probability does not increase with p")
    return float(xm + xs * (-beta[0] / beta[1]))
