r"""Fast per-replica streams of standard normals: SFC64 lanes and a 2048-layer ziggurat.

The sampled processes need one normal per multiply-add or two, and numpy's generators cost
10–25 ns a normal on our 2-core machine, against well under 1 ns a multiply-add: with them the
random numbers, not the arithmetic, set the time (issue 20). This module defines a stream that a
compiled loop draws at about 1.3 ns a normal on one core there, with the same reproducibility contract as
:func:`~.backend.replica_generators`: replica ``r`` draws only from child ``r`` of
``SeedSequence(seed).spawn(n_replicas)``, so its numbers depend neither on how many replicas run
beside it nor on the thread count.

The stream of one replica
-------------------------
* **Generators.** ``LANES + 1`` = 17 SFC64 generators (Doty-Humphrey's small fast chaotic
  generator, the algorithm of :class:`numpy.random.SFC64`), seeded from 51 words expanded from
  child ``r``'s entropy pool (:func:`stream_states`): generator ``k`` takes words ``3k, 3k+1,
  3k+2`` as ``(a, b, c)``, its counter starts at 1 and its first 12 outputs are discarded, as
  numpy seeds SFC64. Generators 0–15 are the *lanes*, generator 16 the *fix-up* generator.
* **Calls.** Normals are drawn in calls of ``n`` numbers (the sampled process makes one call of
  ``B(d+1)`` numbers per step). A call takes ``ceil(n / 16)`` words from every lane; slot ``s``
  gets the word of lane ``s mod 16`` from round ``s // 16``; the words of the last round beyond
  ``n`` are discarded. The numbers therefore depend on how the draws are split into calls.
* **Ziggurat** (Marsaglia and Tsang, *J. Stat. Softw.* 5(8), 2000), with 2048 layers and
  :math:`r = 4.216370409511897` (the root at which the layer recursion closes on the top
  layer; their 256-layer :math:`r = 3.6541528853610088` is the same root for 256). A slot's word
  :math:`u` gives the layer :math:`i` (bits 0–10), the sign (bit 11) and a 52-bit integer
  :math:`m` (bits 12–63); :math:`x = \pm m\,x_i 2^{-52}` is returned when :math:`m` is below the
  layer's inner edge (99.77 % of slots; 99.57 % with 1024 layers, whose extra misses made the
  sampled process 9 % slower than the twice larger table does; 98.5 % with 256). Otherwise
  the algorithm goes on, in slot order, with words from the fix-up generator: the tail beyond
  :math:`r` (Marsaglia's exponential method), or the wedge test against
  :math:`e^{-x^2/2}`, and on rejection a fresh attempt drawn wholly from the fix-up generator.
  Every word is an independent uniform, so every slot is an exact standard normal and the slots
  are independent.
* **Tables.** :math:`x_{N-1} = r` (:math:`N` = 2048), :math:`x_{i-1} = f^{-1}(v/x_i + f(x_i))` with
  :math:`f(x) = e^{-x^2/2}` and the layer area :math:`v = r f(r) + \int_r^\infty f`; the base
  strip has width :math:`v/f(r)`. They are computed with mpmath at 160 bits and rounded once, so
  every platform gets the same tables. The numbers are the same on one platform for any thread
  count; across platforms the rare slow-path slots (tails: ``log1p``, wedge tests: ``exp``) go
  through the platform's libm, which may differ in the last bit.

Two implementations give the same numbers bit for bit (tested): the numba kernels (used inside
compiled loops, and by :func:`replica_normals` with ``backend="numba"``) and a plain numpy one
(``backend="numpy"``; slow, the reference).

>>> from scalinglaws.validators.processes.normal_streams import replica_normals
>>> z = replica_normals(7, n_replicas=3, n=5, backend="numpy")
>>> z.shape
(3, 5)
>>> bool((replica_normals(7, 10, 5, backend="numpy")[:3] == z).all())
True
"""

from __future__ import annotations

import functools
import math

import numpy as np

from scalinglaws.errors import DomainError, ParameterError

from .backend import _check_count, _root, get_backend, replica_seeds, require_backend

__all__ = [
    "LANES",
    "LAYERS",
    "ZIGGURAT_R",
    "fill_calls",
    "replica_normals",
    "stream_states",
    "ziggurat_tables",
]

#: SFC64 lanes per replica (the fix-up generator is one more)
LANES = 16
_GENERATORS = LANES + 1
_FIX = LANES
#: ziggurat layers, and the right edge of the last one: the root (to 17 digits) at which the
#: layer recursion closes at the top, x_1 (1 - f(x_1)) = v (tested)
LAYERS = 2048
ZIGGURAT_R = 4.216370409511897
_LAYER_BITS = 11
_TWO_M53 = 1.0 / 9007199254740992.0
_U1 = np.uint64(1)
_U3 = np.uint64(3)
_USIGN = np.uint64(_LAYER_BITS)
_U11 = np.uint64(11)
_U12 = np.uint64(12)
_U24 = np.uint64(24)
_U40 = np.uint64(40)
_LAYER_MASK = np.uint64(LAYERS - 1)  # the layer's bits
_LAYER_SIGN_MASK = np.uint64(2 * LAYERS - 1)  # the layer's and the sign's


@functools.cache
def ziggurat_tables():
    """``(ki, wi, fi)``: inner edges (uint64, N), signed widths (float64, 2N), heights (N).

    ``N = LAYERS``; ``wi[j]`` for ``j = i + N s`` is :math:`(-1)^s x_i 2^{-52}` (``x_0`` the base strip's
    width); ``ki[i] = floor(2^{52} x_{i-1}/x_i)`` (``ki[0]`` uses ``r`` for ``x_{-1}``, ``ki[1]
    = 0``: the top layer always takes the wedge test); ``fi[i] = f(x_i)``, ``fi[0] = 1``.
    """
    import mpmath

    with mpmath.workprec(160):
        f = lambda x: mpmath.exp(-x * x / 2)
        finv = lambda y: mpmath.sqrt(-2 * mpmath.log(y))
        r = mpmath.mpf(ZIGGURAT_R)
        v = r * f(r) + mpmath.sqrt(mpmath.pi / 2) * mpmath.erfc(r / mpmath.sqrt(2))
        N = LAYERS
        x = [mpmath.mpf(0)] * N
        x[N - 1] = r
        for i in range(N - 1, 1, -1):
            x[i - 1] = finv(v / x[i] + f(x[i]))
        x[0] = v / f(r)
        two52 = mpmath.mpf(2) ** 52
        ki = [int(mpmath.floor(two52 * r / x[0])), 0]
        ki += [int(mpmath.floor(two52 * x[i - 1] / x[i])) for i in range(2, N)]
        wi = [float(x[i] / two52) for i in range(N)]
        fi = [1.0] + [float(f(x[i])) for i in range(1, N)]
    w = np.array(wi + [-w for w in wi])
    return np.array(ki, dtype=np.uint64), w, np.array(fi)


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def _mix64(z):
    """SplitMix64's output function (Steele, Lea and Flood 2014), vectorised on uint64."""
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


# numpy's SeedSequence hash (O'Neill's seed_seq design, numpy/random/bit_generator.pyx)
_M32 = 0xFFFFFFFF
_INIT_A, _MULT_A = 0x43B0D7E5, 0x931E8875
_MIX_L, _MIX_R = 0xCA01F9DD, 0x4973F715


def _words32(x) -> list:
    """An integer as numpy's SeedSequence reads it: 32-bit words, least significant first."""
    x = int(x)
    out = [x & _M32]
    while x > _M32:
        x >>= 32
        out.append(x & _M32)
    return out


def _hashmix(value, h):
    value = (value ^ h) & _M32
    h = (h * _MULT_A) & _M32
    value = (value * h) & _M32
    return value ^ (value >> 16), h


def _mix(x, y):
    r = (_MIX_L * x - _MIX_R * y) & _M32
    return r ^ (r >> 16)


def _child_pools(root, R) -> np.ndarray:
    """The entropy pools of ``root.spawn(R)``'s children, ``(R, 4)`` uint64, without building them.

    numpy hashes a child's words (the root's entropy, padded to the pool size, then its spawn key
    and the child's number ``r``) into the pool; all but the last word are the same for every
    child, so the shared part is hashed once and ``r`` for all children at once (~25x faster than
    ``spawn``, which builds R objects; equal to it, tested). ``None`` where the root is not the
    plain case (an integer entropy, a pool of 4 words).
    """
    if root.pool_size != 4 or not isinstance(root.entropy, (int, np.integer)):
        return None
    if not all(isinstance(k, (int, np.integer)) for k in root.spawn_key):
        return None
    words = _words32(root.entropy)
    words += [0] * (4 - len(words))
    words += [w for k in root.spawn_key for w in _words32(k)]
    h = _INIT_A
    pool = [0] * 4
    for i in range(4):
        pool[i], h = _hashmix(words[i], h)
    for src in range(4):
        for dst in range(4):
            if src != dst:
                v, h = _hashmix(pool[src], h)
                pool[dst] = _mix(pool[dst], v)
    for w in words[4:]:
        for dst in range(4):
            v, h = _hashmix(w, h)
            pool[dst] = _mix(pool[dst], v)
    r = np.arange(R, dtype=np.uint64)  # the child's own word (R < 2**32)
    m32 = np.uint64(_M32)
    out = np.empty((R, 4), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for dst in range(4):
            v = (r ^ np.uint64(h)) & m32
            h = (h * _MULT_A) & _M32
            v = (v * np.uint64(h)) & m32
            v ^= v >> np.uint64(16)
            x = (np.uint64(_MIX_L) * np.uint64(pool[dst]) - np.uint64(_MIX_R) * v) & m32
            out[:, dst] = x ^ (x >> np.uint64(16))
    return out


def stream_states(seed, n_replicas) -> np.ndarray:
    """Seeded states of every replica's generators, shape ``(n_replicas, 4, 17)`` (uint64).

    ``[r, :, k]`` is ``(a, b, c, counter)`` of generator ``k`` of replica ``r`` after the 12
    discarded outputs (lanes ``k < 16``, fix-up ``k = 16``). The 51 seed words of replica ``r``
    come from child ``r``'s 128-bit entropy pool ``(lo, hi)`` only:
    ``word_k = mix64(mix64(lo + (k+1) G) ^ hi)`` with SplitMix64's output function ``mix64``
    and increment ``G`` (``generate_state``'s per-call cost dominated the set-up of a short run).
    The pools are numpy's (:func:`_child_pools` computes them for all children at once). Only the
    pool's first four 32-bit words are used (a ``SeedSequence`` with a larger ``pool_size``
    hashes all its entropy into them anyway).
    """
    R = _check_count(n_replicas)
    root = _root(seed)
    pool = _child_pools(root, R)
    if pool is None:
        pool = np.array([c.pool[:4] for c in replica_seeds(seed, R)], dtype=np.uint64)
    lo = pool[:, 0] | (pool[:, 1] << np.uint64(32))
    hi = pool[:, 2] | (pool[:, 3] << np.uint64(32))
    k = np.arange(1, 3 * _GENERATORS + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        words = _mix64(_mix64(lo[:, None] + k[None, :] * _GOLDEN) ^ hi[:, None])
        st = np.empty((R, 4, _GENERATORS), dtype=np.uint64)
        st[:, 0], st[:, 1], st[:, 2] = words[:, 0::3], words[:, 1::3], words[:, 2::3]
        st[:, 3] = 1
    if get_backend("numba").available:  # seeding 1000 replicas: 0.8 ms, 3 ms in numpy
        _kernels()
        _j_discard(st, 12)
    else:
        _np_discard(st, 12)
    return st


def _np_discard(st, count):
    """``count`` outputs of every generator in ``st`` (R, 4, G), discarded: :func:`_np_round` on
    a contiguous (4, R G) copy (on ``st`` itself its rows are strided, twice as slow)."""
    R, _, G = st.shape
    rows = np.ascontiguousarray(st.transpose(1, 0, 2)).reshape(4, R * G)
    with np.errstate(over="ignore"):
        for _ in range(count):
            _np_round(rows)
    st[:] = rows.reshape(4, R, G).transpose(1, 0, 2)


def _k_discard(st, count):  # pragma: no cover - compiled by numba
    for r in range(st.shape[0]):
        for k in range(st.shape[2]):
            a, b, c, w = st[r, 0, k], st[r, 1, k], st[r, 2, k], st[r, 3, k]
            for _ in range(count):
                _, a, b, c, w = _j_fix_word(a, b, c, w)
            st[r, 0, k], st[r, 1, k], st[r, 2, k], st[r, 3, k] = a, b, c, w


# --------------------------------------------------------------------------- numpy reference


def _np_round(st):
    """One output of every generator in ``st[..., 4, k]`` (vectorised), state advanced in place."""
    a, b, c, w = st[..., 0, :], st[..., 1, :], st[..., 2, :], st[..., 3, :]
    out = a + b + w
    na = b ^ (b >> _U11)
    nb = c + (c << _U3)
    nc = ((c << _U24) | (c >> _U40)) + out
    st[..., 0, :], st[..., 1, :], st[..., 2, :] = na, nb, nc
    st[..., 3, :] = w + _U1
    return out


def _np_fix_word(st_r):
    return int(_np_round(st_r[:, _FIX : _FIX + 1])[0])


def _np_uniform(st_r):
    return (_np_fix_word(st_r) >> 11) * _TWO_M53


def _np_slow(u, st_r, ki, wi, fi):
    """Finish the ziggurat for a slot whose word ``u`` missed the fast path (fix-up words)."""
    while True:
        i = u & (LAYERS - 1)
        m = u >> 12
        x = m * float(wi[u & (2 * LAYERS - 1)])
        if m < int(ki[i]):
            return x
        if i == 0:
            while True:
                xx = -math.log1p(-_np_uniform(st_r)) / ZIGGURAT_R
                yy = -math.log1p(-_np_uniform(st_r))
                if yy + yy > xx * xx:
                    return -(ZIGGURAT_R + xx) if (u >> _LAYER_BITS) & 1 else ZIGGURAT_R + xx
        elif (fi[i - 1] - fi[i]) * _np_uniform(st_r) + fi[i] < math.exp(-0.5 * x * x):
            return x
        u = _np_fix_word(st_r)


def _np_call(st, n, out):
    """One call of ``n`` normals for every replica: ``out[r, :n]``, states advanced."""
    ki, wi, fi = ziggurat_tables()
    rounds = -(-n // LANES)
    words = np.empty((st.shape[0], rounds, LANES), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(rounds):
            words[:, k] = _np_round(st[:, :, :LANES])
    u = words.reshape(st.shape[0], -1)[:, :n]
    m = u >> _U12
    out[:, :n] = m.astype(np.float64) * wi[(u & _LAYER_SIGN_MASK).astype(np.intp)]
    slow = m >= ki[(u & _LAYER_MASK).astype(np.intp)]
    with np.errstate(over="ignore"):
        for r, s in zip(*np.nonzero(slow)):  # row-major: slot order within each replica
            out[r, s] = _np_slow(int(u[r, s]), st[r], ki, wi, fi)


# --------------------------------------------------------------------------- numba kernels
# Plain functions, jit-compiled by _kernels() on first use (numba is not imported with this
# module); _j_* globals point at the compiled callees, as in linreg._kernels. The tables are
# module globals when the kernels compile, so numba freezes them into the code as constants: no
# array is passed to a callee in the hot loop, hence no reference count is touched there (an
# atomic add on a count that every thread shares made two threads no faster than one).
# The fix-up generator's state travels as four scalars for the same reason.

_j_fix_word = _j_uniform = _j_wedge = _j_slow = _j_miss = _j_call = _j_as_float64 = None
_j_rounds = _j_discard = None
_EXP52 = np.uint64(0x4330000000000000)  # the bits of 2**52: (bits | m) - 2**52 == m for m < 2**52
_TWO52 = 4503599627370496.0
_prange = range
_KI = _WI = _FI = _FAST = None


def _fast_table(ki, wi) -> np.ndarray:
    """``(2N, 2)`` float64: row ``j`` (layer ``j mod N``, sign ``j // N``) holds ``wi[j]`` and
    ``ki[j mod N]`` as a double (exact: ``ki < 2^52``), so the fast path reads one row."""
    table = np.empty((2 * LAYERS, 2))
    table[:, 0] = wi
    table[:, 1] = ki[np.arange(2 * LAYERS) % LAYERS]
    return table


def _k_fix_word(a, b, c, w):  # pragma: no cover - compiled by numba
    out = a + b + w
    return out, b ^ (b >> _U11), c + (c << _U3), ((c << _U24) | (c >> _U40)) + out, w + _U1


def _k_uniform(v):  # pragma: no cover - compiled by numba (inlined)
    """A fix-up word as a uniform on [0, 1): its top 53 bits."""
    return np.float64(np.int64(v >> _U11)) * _TWO_M53


def _k_wedge(i, x, v):  # pragma: no cover - compiled by numba (inlined)
    """The wedge test of layer ``i >= 1`` at ``x``, with the uniform of fix-up word ``v``."""
    return (_FI[i - 1] - _FI[i]) * _j_uniform(v) + _FI[i] < np.exp(-0.5 * x * x)


def _k_slow(u, a, b, c, w):  # pragma: no cover - compiled by numba
    """The ziggurat from word ``u`` on, further words from the fix-up state ``(a, b, c, w)``."""
    while True:
        i = np.intp(u & _LAYER_MASK)
        m = u >> _U12
        x = np.float64(np.int64(m)) * _WI[np.intp(u & _LAYER_SIGN_MASK)]
        if m < _KI[i]:
            return x, a, b, c, w
        if i == 0:
            while True:
                v1, a, b, c, w = _j_fix_word(a, b, c, w)
                v2, a, b, c, w = _j_fix_word(a, b, c, w)
                xx = -np.log1p(-_j_uniform(v1)) / ZIGGURAT_R
                yy = -np.log1p(-_j_uniform(v2))
                if yy + yy > xx * xx:
                    if (u >> _USIGN) & _U1:
                        return -(ZIGGURAT_R + xx), a, b, c, w
                    return ZIGGURAT_R + xx, a, b, c, w
        else:
            v1, a, b, c, w = _j_fix_word(a, b, c, w)
            if _j_wedge(i, x, v1):
                return x, a, b, c, w
        u, a, b, c, w = _j_fix_word(a, b, c, w)


def _k_miss(u, a, b, c, w):  # pragma: no cover - compiled by numba
    """A slot that missed the fast path: the wedge test inline, the rest in :func:`_k_slow`."""
    i = np.intp(u & _LAYER_MASK)
    if i == 0:
        return _j_slow(u, a, b, c, w)  # the tail
    x = np.float64(np.int64(u >> _U12)) * _WI[np.intp(u & _LAYER_SIGN_MASK)]
    v1, a, b, c, w = _j_fix_word(a, b, c, w)
    if _j_wedge(i, x, v1):
        return x, a, b, c, w
    v2, a, b, c, w = _j_fix_word(a, b, c, w)
    return _j_slow(v2, a, b, c, w)  # rejected: a fresh attempt


def _k_call(st, n, raw, out, missed):  # pragma: no cover - compiled by numba (inlined)
    """One call of ``n`` normals into ``out[:n]`` for one replica (generators ``st``, (4, 17)).

    Scratch: ``raw`` (uint64, >= 16 ceil(n/16)) and ``missed`` (intp, >= n).
    """
    _j_rounds(st, raw, (n + 15) // 16)  # the 16 lanes' words, round after round
    n_missed = 0
    last = 0  # one past the last slot that missed (most calls miss none or one slot)
    for s in range(n):  # fast path, branch-free and vectorised: m as a double via its bits,
        u = raw[s]  # one table row (width, inner edge as a double) for layer and sign
        row = np.intp(u & _LAYER_SIGN_MASK)
        m = _j_as_float64((u >> _U12) | _EXP52) - _TWO52
        out[s] = m * _FAST[row, 0]
        f = m >= _FAST[row, 1]
        missed[s] = f
        n_missed += f
        last = max(last, f * (s + 1))
    if n_missed:
        a, b, c, w = st[0, 16], st[1, 16], st[2, 16], st[3, 16]
        if n_missed == 1:
            out[last - 1], a, b, c, w = _j_miss(raw[last - 1], a, b, c, w)
        else:
            for s in range(last):  # in slot order: the fix-up words are used in that order
                if missed[s]:
                    out[s], a, b, c, w = _j_miss(raw[s], a, b, c, w)
        st[0, 16], st[1, 16], st[2, 16], st[3, 16] = a, b, c, w


def _k_calls(states, n, count, out):  # pragma: no cover - compiled by numba
    """``count`` calls of ``n`` normals per replica: ``out[r, j, :n]``, one replica per iteration."""
    for r in _prange(states.shape[0]):
        raw = np.empty(16 * ((n + 15) // 16), dtype=np.uint64)
        missed = np.empty(n, dtype=np.intp)
        st = states[r]
        o = out[r]
        for j in range(count):
            _j_call(st, n, raw, o[j], missed)


def _bitcast_intrinsic():
    """``_as_float64(u)``: the uint64 ``u``'s bits read as a double (an LLVM bitcast)."""
    from numba import types
    from numba.extending import intrinsic

    @intrinsic
    def _as_float64(typingctx, x):
        def codegen(context, builder, signature, args):
            return builder.bitcast(args[0], context.get_value_type(types.float64))

        return types.float64(types.uint64), codegen

    return _as_float64


def _rounds_intrinsic():
    """``_rounds(st, raw, rounds)``: ``rounds`` outputs of the 16 lanes into ``raw[:16 rounds]``.

    Written in LLVM IR with explicit 4-wide vectors: the lanes' state stays in registers for the
    whole call (LLVM's loop vectoriser reloaded and stored it every round, since ``raw`` might
    alias it: 0.52 against 0.21 ns a word here). ``st`` is a C-contiguous ``(4, 17)`` uint64 array;
    the lanes step together, so their counters are equal (as :func:`stream_states` sets them):
    lane 0's is read, and all 16 are written back. Same words as :func:`_np_round` (tested).
    """
    from llvmlite import ir
    from numba import types
    from numba.core import cgutils
    from numba.extending import intrinsic

    def _is_c_uint64(a, ndim):
        return (isinstance(a, types.Array) and a.ndim == ndim and a.layout == "C"
                and a.dtype == types.uint64)

    @intrinsic
    def _rounds(typingctx, st, raw, rounds):
        if not (_is_c_uint64(st, 2) and _is_c_uint64(raw, 1)
                and isinstance(rounds, types.Integer)):
            return None

        def codegen(context, builder, signature, args):
            st_a = context.make_array(signature.args[0])(context, builder, args[0])
            raw_a = context.make_array(signature.args[1])(context, builder, args[1])
            n_rounds = context.cast(builder, args[2], signature.args[2], types.intp)
            i64 = ir.IntType(64)
            v4 = ir.VectorType(i64, 4)
            row = cgutils.unpack_tuple(builder, st_a.shape, 2)[1]  # 17

            def at(ptr, offset):  # a <4 x i64>* at element offset
                return builder.bitcast(builder.gep(ptr, [offset]), v4.as_pointer())

            def const(k):
                return ir.Constant(v4, [k] * 4)

            def lanes(r, q):  # st[r, 4q : 4q + 4]
                return at(st_a.data, builder.add(builder.mul(ir.Constant(i64, r), row),
                                                 ir.Constant(i64, 4 * q)))

            state = {}  # allocas, promoted to registers by LLVM
            for r in range(3):
                for q in range(4):
                    state[r, q] = cgutils.alloca_once(builder, v4)
                    builder.store(builder.load(lanes(r, q), align=8), state[r, q])
            w0 = builder.load(builder.gep(st_a.data, [builder.mul(ir.Constant(i64, 3), row)]))
            w = cgutils.alloca_once(builder, v4)
            splat = builder.insert_element(ir.Constant(v4, ir.Undefined), w0,
                                           ir.Constant(ir.IntType(32), 0))
            builder.store(builder.shuffle_vector(splat, ir.Constant(v4, ir.Undefined),
                                                 ir.Constant(ir.VectorType(ir.IntType(32), 4),
                                                             [0, 0, 0, 0])), w)
            with cgutils.for_range(builder, n_rounds) as loop:
                wk = builder.load(w)
                for q in range(4):
                    a = builder.load(state[0, q])
                    b = builder.load(state[1, q])
                    c = builder.load(state[2, q])
                    v = builder.add(builder.add(a, b), wk)
                    builder.store(builder.xor(b, builder.lshr(b, const(11))), state[0, q])
                    builder.store(builder.add(c, builder.shl(c, const(3))), state[1, q])
                    rotated = builder.or_(builder.shl(c, const(24)), builder.lshr(c, const(40)))
                    builder.store(builder.add(rotated, v), state[2, q])
                    slot = builder.add(builder.mul(loop.index, ir.Constant(i64, 16)),
                                       ir.Constant(i64, 4 * q))
                    builder.store(v, at(raw_a.data, slot), align=8)
                builder.store(builder.add(wk, const(1)), w)
            for r in range(3):
                for q in range(4):
                    builder.store(builder.load(state[r, q]), lanes(r, q), align=8)
            for q in range(4):
                builder.store(builder.load(w), lanes(3, q), align=8)
            return context.get_dummy_value()

        return types.void(st, raw, rounds), codegen

    return _rounds


@functools.cache
def _kernels():
    require_backend("numba")
    import numba

    g = globals()
    g["_j_as_float64"] = _bitcast_intrinsic()
    g["_j_rounds"] = _rounds_intrinsic()
    g["_KI"], g["_WI"], g["_FI"] = ziggurat_tables()
    g["_FAST"] = _fast_table(g["_KI"], g["_WI"])
    g["_j_fix_word"] = numba.njit(cache=True, inline="always")(_k_fix_word)
    g["_j_discard"] = numba.njit(cache=True)(_k_discard)
    g["_j_uniform"] = numba.njit(cache=True, inline="always")(_k_uniform)
    g["_j_wedge"] = numba.njit(cache=True, inline="always")(_k_wedge)
    g["_j_slow"] = numba.njit(cache=True)(_k_slow)
    g["_j_miss"] = numba.njit(cache=True)(_k_miss)
    g["_j_call"] = numba.njit(cache=True, boundscheck=False, inline="always")(_k_call)
    g["_prange"] = numba.prange
    return numba.njit(cache=True, parallel=True)(_k_calls)


def fill_calls(states, n, count, backend="numba", out=None) -> np.ndarray:
    """``count`` calls of ``n`` normals from every replica's stream, shape ``(R, count, n)``.

    ``states`` (from :func:`stream_states`) is advanced in place, so consecutive fills continue
    the streams. ``out``: a C-contiguous float64 array of that shape to fill (reused memory
    avoids the page faults of a fresh one).
    """
    if not (isinstance(states, np.ndarray) and states.dtype == np.uint64 and states.ndim == 3
            and states.shape[1:] == (4, _GENERATORS) and states.flags.c_contiguous
            and states.flags.writeable):
        raise DomainError("states must be a writeable C-contiguous uint64 array of shape "
                          f"(R, 4, {_GENERATORS}), as stream_states returns")
    if not np.all(states[:, 3, :LANES] == states[:, 3, :1]):
        raise DomainError("states: the lanes' counters differ (the 16 lanes step together; "
                          "use stream_states)")
    n, count = _check_count(n, "n"), _check_count(count, "count")
    shape = (states.shape[0], count, n)
    if out is None:
        out = np.empty(shape)
    elif not (isinstance(out, np.ndarray) and out.shape == shape and out.dtype == np.float64
              and out.flags.c_contiguous and out.flags.writeable):
        raise DomainError(f"out must be a writeable C-contiguous float64 array of shape {shape}")
    if backend == "numba":
        _kernels()(states, n, count, out)
    elif backend == "numpy":
        for j in range(count):
            _np_call(states, n, out[:, j])
    else:
        raise ParameterError(f"backend must be 'numba' or 'numpy', got {backend!r}")
    return out


def replica_normals(seed, n_replicas, n, backend="numba") -> np.ndarray:
    """The first call of ``n`` normals of every replica's stream, shape ``(n_replicas, n)``.

    Parameters
    ----------
    seed : int or numpy.random.SeedSequence
        Root of the run; replica ``r`` uses child ``r`` only.
    n_replicas, n : int
    backend : {"numba", "numpy"}
        The compiled kernels or the numpy reference; the numbers are the same.
    """
    if backend not in ("numba", "numpy"):
        raise ParameterError(f"backend must be 'numba' or 'numpy', got {backend!r}")
    return fill_calls(stream_states(seed, n_replicas), n, 1, backend)[:, 0]
