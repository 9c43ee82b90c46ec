r"""Numba kernel of :func:`~.methods.contraction_rate` (``backend="numba"``).

The same computation as the numpy path, in one compiled call: the per-coordinate blocks
:math:`D_i` (1x1 for SGD, 3x3 for the memory-1 methods) of the second-moment map, the spectral
radius :math:`\rho_0 = \max_i \rho(D_i)` of the block-diagonal part, and the largest root
:math:`z > \rho_0` of the secular equation
:math:`1 = \tfrac1B\sum_i m_i\lambda_i^2\, e_s^\top (zI - D_i)^{-1} c`, located by Brent's method
(a port of scipy's ``brentq``, same tolerances) on :math:`1/f(z) - 1`.

:math:`\rho(D_i)` of a 3x3 block is the largest real root of its characteristic cubic, found by
Newton's method from an upper bound (the block's max-row-sum norm). That root *is* the spectral
radius: :math:`D_i` maps positive semi-definite 2x2 moments to positive semi-definite moments,
so by the Krein-Rutman theorem its spectral radius is one of its eigenvalues; and the cubic is
convex to the right of its largest real root (which is at least the mean of the eigenvalues'
real parts), so Newton descends to it monotonically (from Fujiwara's bound on the roots, on the
block shifted by its mean eigenvalue, so that clustered eigenvalues keep their separation). At a
critically damped mode the block's eigenvalue is a double or triple root, located to about
eps^(1/2) or eps^(1/3) relative -- as by LAPACK's eigenvalues on the numpy path. Elsewhere the
two paths agree to round-off (unit tests: 1e-11 relative), except that, like the numpy path's
secular branch, a coupling that lifts the rate by less than 1e-9 relative above
:math:`\rho_0` is not resolved (:math:`\rho_0` is returned; the numpy path's dense branch,
used up to 24 moments, resolves it).

numba is not imported with this module: :func:`_rate_kernel` compiles on first use.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from ..backend import require_backend

_EPS = float(np.finfo(float).eps)
#: relative offset of the bracket's lower end above rho_0 (as on the numpy path: closer, round-off
#: can flip the sign of 1/f - 1 at the pole and return the wrong root)
_LO_OFFSET = 1e-9
_NEWTON_MAX = 500
_BRENT_MAX = 500
_LADDER_MAX = 40  # steps of 4x in the offset above rho_0: 1e-9 ... 1e15 relative


def _k_secular(z, k, ml2, c0, c1, c2, d00, d01, d02, d10, d11, d12, d20, d21, d22):
    # pragma: no cover - compiled by numba
    """f(z) = sum_i ml2_i e_s^T (z I - D_i)^-1 c (Cramer's rule for the 3x3 blocks)."""
    n = ml2.size
    acc = 0.0
    if k == 1:
        for i in range(n):
            acc += ml2[i] * c0 / (z - d00[i])
        return acc
    for i in range(n):
        m11 = z - d11[i]
        m22 = z - d22[i]
        C00 = m11 * m22 - d12[i] * d21[i]
        C10 = d01[i] * m22 + d02[i] * d21[i]
        C20 = d01[i] * d12[i] + d02[i] * m11
        det = (z - d00[i]) * C00 - d10[i] * C10 - d20[i] * C20
        num = c0 * C00 + c1 * C10 + c2 * C20
        acc += ml2[i] * num / det
    return acc


def _k_g(z, k, ml2, c0, c1, c2, d00, d01, d02, d10, d11, d12, d20, d21, d22):
    # pragma: no cover - compiled by numba
    return 1.0 / _j_secular(z, k, ml2, c0, c1, c2, d00, d01, d02, d10, d11, d12, d20, d21,
                            d22) - 1.0


def _k_block_radius(d00, d01, d02, d10, d11, d12, d20, d21, d22, floor):
    # pragma: no cover - compiled by numba
    """Largest real root of det(zI - D) for one 3x3 block (its spectral radius, see above), or
    any value <= ``floor`` once the root is known to lie below ``floor`` (Newton descends from
    above, so the first iterate at or below ``floor`` proves it): the caller wants the largest
    radius over the blocks and has already seen ``floor``.

    Newton on the characteristic cubic of the shifted block E = D - s I, s = tr D / 3: the
    eigenvalues of a slow mode's block cluster near 1, and the cubic of D itself would lose
    their separation to cancellation (errors ~ eps / separation^2); the entries of E are exact
    to eps and its cubic's coefficients scale with the separation.
    """
    s = (d00 + d11 + d22) / 3.0
    e00 = d00 - s
    e11 = d11 - s
    e22 = d22 - s
    # y^3 - t y^2 + m y - det for E (t = tr E ~ 0 up to round-off)
    t = e00 + e11 + e22
    m = (e00 * e11 - d01 * d10) + (e00 * e22 - d02 * d20) + (e11 * e22 - d12 * d21)
    det = (e00 * (e11 * e22 - d12 * d21) - d01 * (d10 * e22 - d12 * d20)
           + d02 * (d10 * d21 - e11 * d20))
    # start above every root: the smaller of the max-row-sum norm of E and Fujiwara's bound on
    # the roots of a monic polynomial, 2 max(|t|, |m|^(1/2), |det/2|^(1/3))
    y = min(max(abs(e00) + abs(d01) + abs(d02), abs(d10) + abs(e11) + abs(d12),
                abs(d20) + abs(d21) + abs(e22)),
            2.0 * max(abs(t), math.sqrt(abs(m)), (0.5 * abs(det)) ** (1.0 / 3.0)))
    if not math.isfinite(y) or not math.isfinite(s):
        return math.inf
    if y == 0.0:
        return abs(s)
    for _ in range(_NEWTON_MAX):
        if s + y <= floor:
            break
        p = ((y - t) * y + m) * y - det
        if p <= 0.0:
            break
        dp = (3.0 * y - 2.0 * t) * y + m
        if dp <= 0.0:
            break
        yn = y - p / dp
        if not yn < y:
            break
        y = yn
    return s + y


def _k_rate(lam, mult, batch, k, m00, m01, m10, m11, u0, u1, eta):
    # pragma: no cover - compiled by numba
    """The contraction rate; returns (rate, status) with status 0 ok, 1 rho_0 (coupling too
    weak to lift it), 2 not finite, 3 Brent did not converge."""
    n = lam.size
    ml2 = np.empty(n)
    d00 = np.empty(n)
    d01 = np.empty(n)
    d02 = np.empty(n)
    d10 = np.empty(n)
    d11 = np.empty(n)
    d12 = np.empty(n)
    d20 = np.empty(n)
    d21 = np.empty(n)
    d22 = np.empty(n)
    rho0 = 0.0
    if k == 1:
        c0 = eta * eta
        c1 = 0.0
        c2 = 0.0
        for i in range(n):
            el = eta * lam[i]
            a = 1.0 - el
            d00[i] = a * a + el * el / batch
            ml2[i] = mult[i] * lam[i] * lam[i] / batch
            r = abs(d00[i])
            if not r <= rho0:  # NaN-propagating max
                rho0 = r
    else:
        ue0 = u0 * eta
        ue1 = u1 * eta
        c0 = ue0 * ue0
        c1 = ue0 * ue1
        c2 = ue1 * ue1
        i_lo = 0
        i_hi = 0
        for i in range(n):
            if lam[i] < lam[i_lo]:
                i_lo = i
            if lam[i] > lam[i_hi]:
                i_hi = i
        for i in range(n):
            li = lam[i]
            a11 = m00 - ue0 * li
            a12 = m01
            a21 = m10 - ue1 * li
            a22 = m11
            noise = li * li / batch
            d00[i] = a11 * a11 + noise * c0
            d01[i] = 2.0 * a11 * a12
            d02[i] = a12 * a12
            d10[i] = a11 * a21 + noise * c1
            d11[i] = a11 * a22 + a12 * a21
            d12[i] = a12 * a22
            d20[i] = a21 * a21 + noise * c2
            d21[i] = 2.0 * a21 * a22
            d22[i] = a22 * a22
            ml2[i] = mult[i] * li * li / batch
        # the slowest and the stiffest modes first (one of them usually holds the largest
        # radius), then the other blocks only as far as needed to show they lie below it
        for j in range(n + 2):
            i = i_lo if j == 0 else (i_hi if j == 1 else j - 2)
            if j >= 2 and (i == i_lo or i == i_hi):
                continue
            r = _j_block_radius(d00[i], d01[i], d02[i], d10[i], d11[i], d12[i], d20[i], d21[i],
                                d22[i], rho0 if j >= 1 else -math.inf)
            if not r <= rho0:
                rho0 = r
    if not math.isfinite(rho0):
        return math.inf, 2
    lo = rho0 + _LO_OFFSET * max(rho0, 1e-300)
    flo = _j_secular(lo, k, ml2, c0, c1, c2, d00, d01, d02, d10, d11, d12, d20, d21, d22)
    if flo < 0.0:
        # rho_0 lies below the true radius of a block by more than the offset (an
        # ill-conditioned eigenvalue of a non-normal block): f < 0 just left of that pole, where
        # 1/f - 1 < 0 as it is at the pole itself. Step up until f >= 0 (right of the pole).
        prev = lo
        offset = _LO_OFFSET
        fc = flo
        for _ in range(_LADDER_MAX):
            offset *= 4.0
            cand = rho0 + offset * max(rho0, 1e-300)
            fc = _j_secular(cand, k, ml2, c0, c1, c2, d00, d01, d02, d10, d11, d12, d20, d21,
                            d22)
            if not fc < 0.0:
                break
            prev = cand
        if not fc >= 0.0:
            return math.nan, 3
        if fc <= 1.0:  # the root lies between prev (1/f - 1 < 0) and cand (1/f - 1 >= 0)
            return _j_brent(prev, cand, k, ml2, c0, c1, c2, d00, d01, d02, d10, d11, d12, d20,
                            d21, d22)
        lo = cand
    elif flo <= 1.0:
        return rho0, 1
    hi = 1.0 if lo < 1.0 else 2.0 * lo
    while _j_secular(hi, k, ml2, c0, c1, c2, d00, d01, d02, d10, d11, d12, d20, d21,
                     d22) > 1.0:
        hi *= 2.0
        if hi > 1e300:
            return math.inf, 2
    return _j_brent(lo, hi, k, ml2, c0, c1, c2, d00, d01, d02, d10, d11, d12, d20, d21, d22)


def _k_brent(xa, xb, k, ml2, c0, c1, c2, d00, d01, d02, d10, d11, d12, d20, d21, d22):
    # pragma: no cover - compiled by numba
    """Brent's method on g(z) = 1/f(z) - 1 (smooth through the pole of f at rho_0) over
    [xa, xb]: a port of scipy.optimize.brentq (Brent 1973, as in scipy's brentq.c),
    xtol = 1e-16, rtol = 4 eps. Returns (root, 0), or (nan or the last iterate, 3)."""
    xtol = 1e-16
    rtol = 4.0 * _EPS
    xpre = xa
    xcur = xb
    xblk = 0.0
    fblk = 0.0
    spre = 0.0
    scur = 0.0
    fpre = _j_g(xpre, k, ml2, c0, c1, c2, d00, d01, d02, d10, d11, d12, d20, d21, d22)
    fcur = _j_g(xcur, k, ml2, c0, c1, c2, d00, d01, d02, d10, d11, d12, d20, d21, d22)
    if fpre * fcur > 0.0:
        return math.nan, 3
    if fpre == 0.0:
        return xpre, 0
    if fcur == 0.0:
        return xcur, 0
    for _ in range(_BRENT_MAX):
        if fpre != 0.0 and fcur != 0.0 and ((fpre < 0.0) != (fcur < 0.0)):
            xblk = xpre
            fblk = fpre
            spre = xcur - xpre
            scur = spre
        if abs(fblk) < abs(fcur):
            xpre = xcur
            xcur = xblk
            xblk = xpre
            fpre = fcur
            fcur = fblk
            fblk = fpre
        delta = (xtol + rtol * abs(xcur)) / 2.0
        sbis = (xblk - xcur) / 2.0
        if fcur == 0.0 or abs(sbis) < delta:
            return xcur, 0
        if abs(spre) > delta and abs(fcur) < abs(fpre):
            if xpre == xblk:  # interpolate
                stry = -fcur * (xcur - xpre) / (fcur - fpre)
            else:  # extrapolate
                dpre = (fpre - fcur) / (xpre - xcur)
                dblk = (fblk - fcur) / (xblk - xcur)
                stry = -fcur * (fblk * dblk - fpre * dpre) / (dblk * dpre * (fblk - fpre))
            if 2.0 * abs(stry) < min(abs(spre), 3.0 * abs(sbis) - delta):
                spre = scur  # good short step
                scur = stry
            else:  # bisect
                spre = sbis
                scur = sbis
        else:  # bisect
            spre = sbis
            scur = sbis
        xpre = xcur
        fpre = fcur
        if abs(scur) > delta:
            xcur += scur
        else:
            xcur += delta if sbis > 0.0 else -delta
        fcur = _j_g(xcur, k, ml2, c0, c1, c2, d00, d01, d02, d10, d11, d12, d20, d21, d22)
    return xcur, 3


# compiled callees, set by _rate_kernel() before the caller is compiled
_j_secular = _j_g = _j_block_radius = _j_brent = None


@functools.lru_cache(maxsize=None)
def _rate_kernel():
    """Compile (once, lazily) the contraction-rate kernel (numpy error model: a division by
    zero gives inf or nan, as on the numpy path, instead of raising)."""
    require_backend("numba")
    import numba

    g = globals()
    g["_j_secular"] = numba.njit(cache=True, error_model="numpy")(_k_secular)
    g["_j_g"] = numba.njit(cache=True, error_model="numpy")(_k_g)
    g["_j_block_radius"] = numba.njit(cache=True, error_model="numpy")(_k_block_radius)
    g["_j_brent"] = numba.njit(cache=True, error_model="numpy")(_k_brent)
    return numba.njit(cache=True, error_model="numpy")(_k_rate)


def rate_numba(lam, mult, batch, M, u, eta) -> tuple[float, int]:
    """(rate, status) of the map with mean matrix ``M`` (1x1 SGD or 2x2) and direction ``u``
    (unscaled by ``eta``); see :func:`_k_rate` for the status codes."""
    kernel = _rate_kernel()
    k = 1 if M.shape == (1, 1) else 3
    if k == 1:
        m00 = m01 = m10 = m11 = u0 = u1 = 0.0
    else:
        (m00, m01), (m10, m11) = M.tolist()
        u0, u1 = (float(v) for v in u)
    return kernel(np.ascontiguousarray(lam, dtype=np.float64),
                  np.ascontiguousarray(mult, dtype=np.float64), float(batch), k,
                  m00, m01, m10, m11, u0, u1, float(eta))
