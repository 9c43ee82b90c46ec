"""Checks of the POET laws: exact linear algebra at machine precision.

Processes (:mod:`~scalinglaws.validators.processes.optimizer_steps`): Haar-random orthogonal
factors (QR of a Gaussian), skew-symmetric generators with a prescribed spectral radius
(:func:`~scalinglaws.validators.processes.optimizer_steps.skew_with_radius`), the
Cayley-Neumann truncation (:func:`~scalinglaws.validators.processes.optimizer_steps.cayley_neumann`)
and the two stochastic primitive orthogonal matrices. Each quantity (a singular value, an
orthogonality error) is computed in float64 with a systematic interval from the same matrices
in float32; the parameter count is the numerical rank of the Jacobian of the POET-BS map from
its generators, read at two rank tolerances.

The truncation error is checked at orders 1-4 and at spectral radii near 0 (0.2) and near the
end of the regime (0.9); near 0 the errors of high even orders fall below float32's
resolution, so those points use radius 0.5.
"""

from __future__ import annotations

import numpy as np

from .engine import Settings, Value, check
from .processes import optimizer_steps as ops

_TWO = "float64 value; interval +- its difference from the same matrices in float32 (systematic)"
M_W, N_W = 12, 8  # W0 is 12 x 8
N_Q = 8  # size of the skew generator


def _rng(settings: Settings, tag: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([settings.seed, tag]))


def _spectrum(settings: Settings, which: int) -> Value:
    rng = _rng(settings, 1)
    W0 = rng.standard_normal((M_W, N_W))
    R, P = ops.random_orthogonal(M_W, rng), ops.random_orthogonal(N_W, rng)
    vals = []
    for dtype in (np.float64, np.float32):
        W = R.astype(dtype) @ W0.astype(dtype) @ P.astype(dtype)
        vals.append(float(np.linalg.svd(W, compute_uv=False)[which]))
    s0 = float(np.linalg.svd(W0, compute_uv=False)[which])
    return Value(
        vals[0], ops.precision_interval(*vals), method=_TWO, point={"s": s0}, relative=True,
        deterministic=True,
        notes=(f"W0 Gaussian {M_W} x {N_W}, R and P Haar-orthogonal; singular value number "
               f"{which % N_W + 1} of {N_W} of R W0 P against the same of W0."),
    )


@check("poet.spectrum_invariance", name="poet.spectrum_invariance[largest]", quick_seconds=0.1)
def spectrum_largest(settings: Settings) -> Value:
    """The largest singular value of R W0 P equals that of W0."""
    return _spectrum(settings, 0)


@check("poet.spectrum_invariance", name="poet.spectrum_invariance[smallest]",
       quick_seconds=0.1)
def spectrum_smallest(settings: Settings) -> Value:
    """The smallest singular value of R W0 P equals that of W0."""
    return _spectrum(settings, -1)


def _cnp(settings: Settings, k: int, rho: float) -> Value:
    Q = ops.skew_with_radius(N_Q, rho, _rng(settings, 2))
    vals = []
    for dtype in (np.float64, np.float32):
        sv = np.linalg.svd(ops.cayley_neumann(Q.astype(dtype), k), compute_uv=False)
        vals.append(float(np.max(np.abs(sv.astype(np.float64) - 1.0))))
    return Value(
        vals[0], ops.precision_interval(*vals), method=_TWO, point={"rho": rho, "k": k},
        relative=True, deterministic=True,
        notes=(f"random {N_Q} x {N_Q} skew-symmetric Q with spectral radius {rho}; R_k = "
               f"(I + Q) sum_(i<={k}) Q^i; measured max_j |sigma_j(R_k) - 1|."),
    )


def _cnp_check(k: int, rho: float):
    parity = "even" if k % 2 == 0 else "odd"

    key = f"poet.cnp_error_{parity}"

    @check(key, name=f"{key}[k={k},rho={rho}]", quick_seconds=0.05)
    def run(settings: Settings) -> Value:
        return _cnp(settings, k, rho)

    run.__doc__ = f"Orthogonality error of the order-{k} ({parity}) truncation at rho = {rho}."
    return run


cnp_k1_small = _cnp_check(1, 0.2)
cnp_k2_small = _cnp_check(2, 0.2)
cnp_k3_mid = _cnp_check(3, 0.5)
cnp_k4_mid = _cnp_check(4, 0.5)
cnp_k2_large = _cnp_check(2, 0.9)
cnp_k3_large = _cnp_check(3, 0.9)


def _spo(settings: Settings, kind: str) -> Value:
    m, b = 16, 4
    vals = []
    for dtype in (np.float64, np.float32):
        rng = _rng(settings, 3)  # the same matrices in both precisions
        if kind == "BS":
            R, _ = ops.spo_block_diagonal(m, b, rng, dtype=dtype)
        else:
            R = ops.spo_fully_stochastic(m, b, rng, dtype=dtype)
        E = R.T @ R - np.eye(m, dtype=dtype)
        vals.append(float(np.max(np.abs(E))))
    return Value(
        vals[0], ops.precision_interval(*vals), method=_TWO, deterministic=True,
        notes=(f"POET-{kind} primitive, m = {m}, b = {b}, exact Cayley blocks of random skew "
               "generators; measured max |R^T R - I|."),
    )


@check("poet.spo_orthogonality", name="poet.spo_orthogonality[BS]", quick_seconds=0.05)
def spo_bs(settings: Settings) -> Value:
    """POET-BS primitive Psi^T blockdiag(G) Psi is orthogonal."""
    return _spo(settings, "BS")


@check("poet.spo_orthogonality", name="poet.spo_orthogonality[FS]", quick_seconds=0.05)
def spo_fs(settings: Settings) -> Value:
    """POET-FS primitive I + D^T (G - I) D is orthogonal."""
    return _spo(settings, "FS")


def _bs_map(m: int, b: int, params: np.ndarray) -> np.ndarray:
    """blockdiag of exact Cayley rotations of the skew parts of b x b blocks (complex-safe)."""
    R = np.zeros((m, m), dtype=params.dtype)
    eye = np.eye(b)
    for j in range(m // b):
        A = params[j * b * b:(j + 1) * b * b].reshape(b, b)
        S = 0.5 * (A - A.T)
        R[j * b:(j + 1) * b, j * b:(j + 1) * b] = (eye + S) @ np.linalg.inv(eye - S)
    return R


def _parameter_count(settings: Settings, m: int, b: int) -> Value:
    rng = _rng(settings, 4)
    x = 0.3 * rng.standard_normal(m * b)  # every block's b x b generator entries
    h = 1e-30
    cols = []
    for i in range(x.size):  # complex-step Jacobian of vec(R)
        xc = x.astype(complex)
        xc[i] += 1j * h
        cols.append(np.imag(_bs_map(m, b, xc)).ravel() / h)
    sv = np.linalg.svd(np.array(cols).T, compute_uv=False)
    ranks = [int(np.sum(sv > tol * sv[0])) for tol in (1e-10, 1e-4)]
    return Value(
        float(ranks[0]), (float(min(ranks)), float(max(ranks))),
        method="numerical rank of the complex-step Jacobian at tolerances 1e-10 and 1e-4",
        point={"m": m, "b": b}, relative=True, deterministic=True,
        notes=(f"POET-BS factor, m = {m}, b = {b}, each block the exact Cayley transform of the "
               f"skew part of a free b x b matrix ({m * b} raw entries); singular values of the "
               f"Jacobian: largest {sv[0]:.3g}, at the gap {sv[ranks[0] - 1]:.3g} and "
               f"{sv[ranks[0]] if ranks[0] < sv.size else 0:.3g}."),
    )


@check("poet.spo_parameter_count", name="poet.spo_parameter_count[m=16,b=4]",
       quick_seconds=0.1)
def parameter_count_blocks(settings: Settings) -> Value:
    """Independent parameters of a POET-BS factor with 4 blocks of size 4: m(b-1)/2 = 24."""
    return _parameter_count(settings, 16, 4)


@check("poet.spo_parameter_count", name="poet.spo_parameter_count[m=6,b=6]", quick_seconds=0.1)
def parameter_count_full(settings: Settings) -> Value:
    """At b = m (the regime's end) the count is dim O(6) = 15."""
    return _parameter_count(settings, 6, 6)
