r"""Optimizer steps on small toy problems: scale-invariant losses, weight decay, Lion, Adam(S),
and the Cayley-Neumann orthogonal parameterization of POET.

Keyed by *model*, not by paper; the checks of ``normalize_project``, ``swd``, ``lion`` and
``poet`` run them. Every runner takes a ``dtype`` so that a check can run it twice, in float32
and float64, with the same random numbers (drawn in float64, then cast): the difference of the
two runs is the systematic interval of an exact identity (:func:`precision_interval`).

Models
------
* **Normalized softmax regression** (:func:`normalized_softmax_loss`): logits
  :math:`z = s\,W x/\lVert W\rVert_F`, cross-entropy averaged over the batch. The loss is
  invariant under :math:`W \to cW` (:math:`c > 0`): the toy stand-in for a weight matrix followed
  by a normalization layer. :func:`normalized_softmax_grad` is its analytic gradient,
  :func:`complex_step_grad` a gradient to machine precision that does not use it.
* **Tangential noise** (:func:`tangential_noise_sgd`): the gradient at :math:`\theta` is
  :math:`G\rho_0/\lVert\theta\rVert` times a random unit vector orthogonal to :math:`\theta`, the
  gradient of a scale-invariant loss whose gradient norm on the sphere of radius
  :math:`\rho_0` is :math:`G` (pure noise); SGD with decoupled weight decay
  :math:`\theta \leftarrow (1-\eta\lambda)\theta - \eta g`.
* **Diagonal quadratic** :math:`L = \tfrac12 (\theta-a)^\top H (\theta-a)`,
  :math:`H = \mathrm{diag}(h)` (:func:`weight_decay_quadratic`): gradient descent with a
  piecewise-constant learning rate and *vanilla* (:math:`\theta \leftarrow \theta - \eta_t g -
  \lambda_0\theta`) or *coupled* (:math:`\theta \leftarrow \theta - \eta_t (g + \lambda\theta)`)
  weight decay.
* **AdamS** (:func:`adams_quadratic`), as in the authors' ``swd_optim/adams.py``: Adam whose
  decoupled decay is divided by :math:`\sqrt{\bar v}`, :math:`\bar v` the mean of
  :math:`\hat v` over *all* coordinates.
* **Lion** (:func:`lion_quadratic`), as in ``google/automl/lion/lion_pytorch.py``:
  :math:`c = \beta_1 m + (1-\beta_1) g`, :math:`\theta \leftarrow (1-\eta\lambda)\theta -
  \eta\,\mathrm{sign}(c)`, :math:`m \leftarrow \beta_2 m + (1-\beta_2) g`.
* **Adam on pure noise** (:func:`adam_noise_update_rms`): the RMS of Adam's update
  :math:`\hat m/(\sqrt{\hat v}+\epsilon)` under i.i.d. :math:`N(0, \sigma^2)` gradients.
* **Cayley-Neumann** (:func:`cayley_neumann`): :math:`R_k = (I+Q)\sum_{i=0}^k Q^i`, the
  truncation of :math:`(I+Q)(I-Q)^{-1}` POET uses, for a skew-symmetric :math:`Q`
  (:func:`skew_with_radius`); and the two stochastic primitive orthogonal matrices of POET
  (:func:`spo_block_diagonal`, :func:`spo_fully_stochastic`).

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> X, Y = rng.standard_normal((8, 4)), rng.integers(0, 3, 8)
>>> W = rng.standard_normal((3, 4))
>>> f = lambda V: normalized_softmax_loss(V, X, Y, scale=2.0)
>>> bool(np.isclose(f(3.0 * W), f(W)))
True
>>> g = normalized_softmax_grad(W, X, Y, scale=2.0)
>>> float(np.max(np.abs(g - complex_step_grad(f, W)))) < 1e-14
True
>>> Q = skew_with_radius(6, 0.2, rng)
>>> R = cayley_neumann(Q, 2)
>>> s = np.linalg.svd(R, compute_uv=False)
>>> bool(np.isclose(s.max() - 1, np.sqrt(1 + 0.2**6) - 1, rtol=1e-6))
True
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "precision_interval",
    "normalized_softmax_loss",
    "normalized_softmax_grad",
    "complex_step_grad",
    "softmax_problem",
    "sgd_scale_invariant",
    "tangential_noise_sgd",
    "weight_decay_quadratic",
    "adams_quadratic",
    "lion_quadratic",
    "adam_noise_update_rms",
    "skew_with_radius",
    "cayley_neumann",
    "random_orthogonal",
    "spo_block_diagonal",
    "spo_fully_stochastic",
]


def precision_interval(value64: float, value32: float) -> tuple[float, float]:
    """The systematic interval of a quantity computed in float64 (``value64``) and again in
    float32 (``value32``): ``value64 +- |value64 - value32|``.

    The float32 run carries the float64 run's rounding errors amplified about 10^9 times, so its
    distance bounds the float64 run's numerical error with a wide margin; an identity that is
    exact passes, and one that is off by more than float32's rounding is rejected.

    >>> lo, hi = precision_interval(1.0, 1.0 + 2**-20)
    >>> (1.0 - lo) * 2**20, (hi - 1.0) * 2**20
    (1.0, 1.0)
    """
    v, w = float(value64), float(value32)
    d = abs(v - w)
    return (v - d, v + d)


# ------------------------------------------------------------------ scale-invariant softmax


def normalized_softmax_loss(W, X, Y, scale: float = 1.0):
    """Cross-entropy of logits ``scale * X @ (W / ||W||_F).T``, averaged over the rows of ``X``.

    Invariant under ``W -> c W`` for every ``c > 0``. Works on complex ``W`` (analytic
    continuation: ``||W||`` is ``sqrt(sum W**2)``, no conjugate), for :func:`complex_step_grad`.
    """
    norm = np.sqrt(np.sum(W * W))
    Z = scale * (X @ (W / norm).T)
    Zmax = Z.real.max(axis=1, keepdims=True)
    logsum = np.log(np.sum(np.exp(Z - Zmax), axis=1)) + Zmax[:, 0]
    picked = Z[np.arange(Z.shape[0]), Y]
    return np.mean(logsum - picked)


def normalized_softmax_grad(W, X, Y, scale: float = 1.0):
    """Analytic gradient of :func:`normalized_softmax_loss` in ``W``:
    ``(G - <G, V> V) / ||W||`` with ``V = W/||W||`` and ``G`` the gradient in ``V``."""
    norm = np.sqrt(np.sum(W * W))
    V = W / norm
    Z = scale * (X @ V.T)
    Z = Z - Z.max(axis=1, keepdims=True)
    P = np.exp(Z)
    P /= P.sum(axis=1, keepdims=True)
    P[np.arange(P.shape[0]), Y] -= 1.0
    G = scale * (P.T @ X) / X.shape[0]
    return (G - np.sum(G * V) * V) / norm


def complex_step_grad(f, W, h: float = 1e-30):
    """Gradient of a real-analytic ``f`` at real ``W`` by the complex step,
    ``df/dW_i = Im f(W + i h e_i) / h``: no subtraction, so exact to machine precision."""
    W = np.asarray(W)
    ctype = np.complex64 if W.dtype == np.float32 else np.complex128
    out = np.empty(W.shape, dtype=W.dtype)
    base = W.astype(ctype)
    for idx in np.ndindex(W.shape):
        Wc = base.copy()
        Wc[idx] += 1j * h
        out[idx] = np.imag(f(Wc)) / h
    return out


def softmax_problem(seed, n: int = 64, d_in: int = 5, classes: int = 3):
    """A seeded data set ``(X, Y, W0)`` for the normalized softmax model: Gaussian inputs, labels
    from a random teacher with label noise, and a Gaussian initial ``W0``."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d_in))
    teacher = rng.standard_normal((classes, d_in))
    Y = np.argmax(X @ teacher.T + rng.gumbel(size=(n, classes)), axis=1)
    W0 = rng.standard_normal((classes, d_in))
    return X, Y, W0


def sgd_scale_invariant(W0, X, Y, *, eta: float, steps: int, batch: int, seed, scale=2.0,
                        dtype=np.float64):
    """Plain minibatch SGD on the normalized softmax loss.

    Returns ``(W, G, batches)``: the iterates ``W[t]`` (``steps + 1`` of them), the minibatch
    gradients ``G[t]`` at ``W[t]``, and the minibatch indices (drawn from ``seed``, identical for
    every ``dtype``).
    """
    rng = np.random.default_rng(seed)
    batches = np.array([rng.choice(X.shape[0], size=batch, replace=False) for _ in range(steps)])
    Xd, W = X.astype(dtype), np.asarray(W0, dtype=dtype).copy()
    eta = dtype(eta)
    Ws, Gs = [W.copy()], []
    for idx in batches:
        g = normalized_softmax_grad(W, Xd[idx], Y[idx], scale)
        Gs.append(g)
        W = W - eta * g
        Ws.append(W.copy())
    return np.array(Ws), np.array(Gs), batches


# ------------------------------------------------------------------ tangential noise


def tangential_noise_sgd(theta0, *, eta: float, G: float, rho0: float, lam: float, steps: int,
                         seed, dtype=np.float64):
    """SGD with decoupled weight decay on a scale-invariant loss with pure-noise gradients.

    The gradient at ``theta`` is ``G * rho0 / ||theta||`` times a uniformly random unit vector
    orthogonal to ``theta`` (the gradient norm is ``G`` on the sphere of radius ``rho0``); the
    step is ``theta <- (1 - eta lam) theta - eta g``. Returns the iterates, shape
    ``(steps + 1, d)``.

    >>> th = tangential_noise_sgd(np.ones(4), eta=0.1, G=1.0, rho0=1.0, lam=0.0, steps=3, seed=0)
    >>> n2 = np.sum(th**2, axis=1)  # ||theta_t+1||^2 = ||theta_t||^2 + eta^2 G^2 rho0^2/||theta_t||^2
    >>> bool(np.allclose(n2[1:], n2[:-1] + 0.01 / n2[:-1]))
    True
    """
    rng = np.random.default_rng(seed)
    theta = np.asarray(theta0, dtype=np.float64)
    noise = rng.standard_normal((steps, theta.size)).astype(dtype)
    th = theta.astype(dtype).copy()
    out = np.empty((steps + 1, theta.size), dtype=dtype)
    out[0] = th
    decay = dtype(1.0) - dtype(eta) * dtype(lam)
    eta_, scale = dtype(eta), dtype(G) * dtype(rho0)
    for t in range(steps):
        z = noise[t]
        r2 = th @ th
        z = z - (z @ th) / r2 * th
        z = z - (z @ th) / r2 * th  # twice: orthogonal to rounding even when z is near theta
        g = z * (scale / (np.sqrt(z @ z) * np.sqrt(r2)))
        th = decay * th - eta_ * g
        out[t + 1] = th
    return out


# ------------------------------------------------------------------ weight decay on quadratics


def weight_decay_quadratic(h, a, theta0, *, etas, phase_steps: int, decay: float, mode: str,
                           dtype=np.float64):
    """Gradient descent on ``L = 1/2 sum h_i (theta_i - a_i)^2`` with a piecewise-constant
    learning rate: ``etas[j]`` for ``phase_steps`` steps, phase after phase.

    ``mode="vanilla"``: ``theta <- theta - eta_t grad - decay * theta`` (decay independent of the
    learning rate); ``mode="coupled"``: ``theta <- theta - eta_t (grad + decay * theta)`` (L2,
    or PyTorch-style lr x wd). Returns the iterate at the end of every phase, shape
    ``(len(etas), d)``.

    >>> ends = weight_decay_quadratic(np.ones(2), np.ones(2), np.zeros(2), etas=[0.5, 0.1],
    ...                               phase_steps=400, decay=0.1, mode="coupled")
    >>> bool(np.allclose(ends, 1 / 1.1))   # (H + lam I)^-1 H a, whatever the learning rate
    True
    """
    if mode not in ("vanilla", "coupled"):
        raise ValueError(f"mode must be 'vanilla' or 'coupled', got {mode!r}")
    h, a = np.asarray(h, dtype=dtype), np.asarray(a, dtype=dtype)
    th = np.asarray(theta0, dtype=dtype).copy()
    lam = dtype(decay)
    ends = []
    for eta in etas:
        eta = dtype(eta)
        for _ in range(phase_steps):
            g = h * (th - a)
            if mode == "vanilla":
                th = th - eta * g - lam * th
            else:
                th = th - eta * (g + lam * th)
        ends.append(th.copy())
    return np.array(ends)


# ------------------------------------------------------------------ Adam-family, Lion


def adams_quadratic(h, a, theta0, *, lr: float, lr_decay: float, steps: int, wd: float,
                    hold: int = 0, betas=(0.9, 0.999), eps: float = 0.0, dtype=np.float64):
    """AdamS (Adam with stable weight decay, as in the authors' ``swd_optim/adams.py``) on the
    diagonal quadratic, full batch, learning rate ``lr`` for the first ``hold`` steps, then
    ``lr * lr_decay**(t - hold)``. Returns the final iterate.

    One step: ``m, v`` EMAs of ``g, g^2``; ``v_hat = v/(1 - b2^t)``; ``vbar = mean(v_hat)``;
    ``theta *= 1 - wd lr_t / sqrt(vbar)``; ``theta -= lr_t/(1 - b1^t) m / (sqrt(v_hat) + eps)``.
    """
    b1, b2 = (dtype(b) for b in betas)
    h, a = np.asarray(h, dtype=dtype), np.asarray(a, dtype=dtype)
    th = np.asarray(theta0, dtype=dtype).copy()
    m, v = np.zeros_like(th), np.zeros_like(th)
    lr_t, q, wd, eps = dtype(lr), dtype(lr_decay), dtype(wd), dtype(eps)
    p1, p2 = dtype(1), dtype(1)
    one = dtype(1)
    for step in range(steps):
        g = h * (th - a)
        m = b1 * m + (one - b1) * g
        v = b2 * v + (one - b2) * g * g
        p1, p2 = p1 * b1, p2 * b2
        v_hat = v / (one - p2)
        th = th * (one - wd * lr_t / np.sqrt(np.mean(v_hat)))
        th = th - (lr_t / (one - p1)) * m / (np.sqrt(v_hat) + eps)
        if step >= hold:
            lr_t = lr_t * q
    return th


def lion_quadratic(h, a, theta0, *, lr: float, wd: float, steps: int, noise: float, seed,
                   betas=(0.9, 0.99), dtype=np.float64):
    """Lion (``google/automl/lion/lion_pytorch.py``) on the diagonal quadratic with additive
    Gaussian gradient noise of standard deviation ``noise``. Returns ``max_t ||theta_t||_inf``
    over the run (the initial point included) and the final iterate.

    One step: ``theta *= 1 - lr wd``; ``c = b1 m + (1 - b1) g``; ``theta -= lr sign(c)``;
    ``m = b2 m + (1 - b2) g``.
    """
    rng = np.random.default_rng(seed)
    h, a = np.asarray(h, dtype=dtype), np.asarray(a, dtype=dtype)
    th = np.asarray(theta0, dtype=dtype).copy()
    xi = (noise * rng.standard_normal((steps, th.size))).astype(dtype)
    b1, b2, one = dtype(betas[0]), dtype(betas[1]), dtype(1)
    lr, decay = dtype(lr), one - dtype(lr) * dtype(wd)
    m = np.zeros_like(th)
    top = np.max(np.abs(th))
    for t in range(steps):
        g = h * (th - a) + xi[t]
        th = th * decay
        th = th - lr * np.sign(b1 * m + (one - b1) * g)
        m = b2 * m + (one - b2) * g
        top = max(top, np.max(np.abs(th)))
    return float(top), th


def adam_noise_update_rms(*, d: int, steps: int, burn_in: int, beta1: float, beta2: float,
                          seed, sigma: float = 1.0, eps: float = 0.0, groups: int = 1,
                          lion_betas=(0.9, 0.99)):
    """RMS of Adam's update ``m_hat/(sqrt(v_hat) + eps)`` and of Lion's update ``sign(c)``
    under the same i.i.d. ``N(0, sigma^2)`` gradients on ``d`` independent coordinates, over
    steps ``burn_in < t <= steps``.

    Returns two arrays of ``groups`` RMS values (Adam, Lion), one per disjoint group of
    coordinates (independent replicas).

    >>> adam, lion = adam_noise_update_rms(d=400, steps=3000, burn_in=1000, beta1=0.9,
    ...                                    beta2=0.999, seed=0)
    >>> bool(abs(adam[0] - np.sqrt(0.1 / 1.9)) < 0.01), float(lion[0])
    (True, 1.0)
    """
    rng = np.random.default_rng(seed)
    m, v, ml = np.zeros(d), np.zeros(d), np.zeros(d)
    acc, acc_l = np.zeros(d), np.zeros(d)
    b1l, b2l = lion_betas
    p1 = p2 = 1.0
    for t in range(1, steps + 1):
        g = sigma * rng.standard_normal(d)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        p1, p2 = p1 * beta1, p2 * beta2
        c = b1l * ml + (1 - b1l) * g
        ml = b2l * ml + (1 - b2l) * g
        if t > burn_in:
            u = (m / (1 - p1)) / (np.sqrt(v / (1 - p2)) + eps)
            acc += u * u
            acc_l += np.sign(c) ** 2
    n = steps - burn_in
    per, per_l = acc / n, acc_l / n
    return (np.sqrt(per.reshape(groups, -1).mean(axis=1)),
            np.sqrt(per_l.reshape(groups, -1).mean(axis=1)))


# ------------------------------------------------------------------ POET


def random_orthogonal(n: int, rng) -> np.ndarray:
    """A Haar-random orthogonal ``n x n`` matrix (QR of a Gaussian with the sign fix)."""
    A = rng.standard_normal((n, n))
    Qm, Rm = np.linalg.qr(A)
    return Qm * np.sign(np.diag(Rm))


def skew_with_radius(n: int, rho: float, rng) -> np.ndarray:
    """A random real skew-symmetric ``n x n`` matrix (``n`` even) with spectral radius ``rho``:
    ``U blockdiag([[0, t_j], [-t_j, 0]]) U^T`` with ``t_j`` uniform in ``(0, rho]`` and the
    largest equal to ``rho``."""
    if n % 2:
        raise ValueError("n must be even")
    thetas = rng.uniform(0.2 * rho, rho, n // 2)
    thetas[0] = rho
    B = np.zeros((n, n))
    for j, t in enumerate(thetas):
        B[2 * j, 2 * j + 1], B[2 * j + 1, 2 * j] = t, -t
    U = random_orthogonal(n, rng)
    Q = U @ B @ U.T
    return 0.5 * (Q - Q.T)


def cayley_neumann(Q, k: int) -> np.ndarray:
    """POET's Cayley-Neumann truncation ``R_k = (I + Q) sum_{i=0}^k Q^i`` (``k >= 0``), in the
    dtype of ``Q``."""
    Q = np.asarray(Q)
    eye = np.eye(Q.shape[0], dtype=Q.dtype)
    total, power = eye.copy(), eye.copy()
    for _ in range(k):
        power = power @ Q
        total = total + power
    return (eye + Q) @ total


def _cayley(Q):
    eye = np.eye(Q.shape[0], dtype=Q.dtype)
    return (eye + Q) @ np.linalg.inv(eye - Q)


def spo_block_diagonal(m: int, b: int, rng, dtype=np.float64):
    """POET-BS's stochastic primitive: ``Psi^T blockdiag(G_1..G_r) Psi`` with ``r = m/b`` exact
    Cayley rotations ``G_j`` of random skew generators and a random permutation ``Psi``.
    Returns ``(R, n_params)``: the matrix and the number of free generator entries
    (``b(b-1)/2`` per block)."""
    if m % b:
        raise ValueError("b must divide m")
    D = np.zeros((m, m))
    n_params = 0
    for j in range(m // b):
        A = rng.standard_normal((b, b)) * 0.3
        S = 0.5 * (A - A.T)
        n_params += b * (b - 1) // 2
        D[j * b:(j + 1) * b, j * b:(j + 1) * b] = _cayley(S)
    perm = rng.permutation(m)
    Psi = np.eye(m)[perm]
    return (Psi.T @ D.astype(dtype) @ Psi).astype(dtype), n_params


def spo_fully_stochastic(m: int, b: int, rng, dtype=np.float64):
    """POET-FS's stochastic primitive: ``I + D^T (G - I) D`` with ``D`` the ``b x m`` selection
    of ``b`` random coordinates and ``G`` an exact Cayley rotation of a random ``b x b`` skew
    generator."""
    idx = rng.choice(m, size=b, replace=False)
    D = np.zeros((b, m))
    D[np.arange(b), idx] = 1.0
    A = rng.standard_normal((b, b)) * 0.3
    G = _cayley(0.5 * (A - A.T))
    R = np.eye(m) + D.T @ (G - np.eye(b)) @ D
    return R.astype(dtype)
