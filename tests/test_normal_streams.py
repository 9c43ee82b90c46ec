"""The per-replica normal streams (SFC64 lanes and a 2048-layer ziggurat).

Three kinds of evidence: the bit generator is numpy's SFC64 word for word; the compiled kernels
and the numpy reference give the same normals bit for bit (misses, tails and restarts included);
and the normals pass a battery of distribution tests that rejects generators with a missing tail
or 1 % too wide layers.
"""

import math

import mpmath
import numpy as np
import pytest
from scalinglaws.validators.processes import normal_streams as S
from scipy import stats

from scalinglaws.errors import DomainError, ParameterError

numba = pytest.importorskip("numba")


def test_lanes_are_numpy_sfc64():
    st = S.stream_states(3, 2)
    for r, k in [(0, 0), (1, 7), (1, S.LANES)]:
        bg = np.random.SFC64()
        state = bg.state
        state["state"]["state"] = st[r, :, k].copy()
        bg.state = state
        mine = st[r, :, k : k + 1].copy()
        words = [int(S._np_round(mine)[0]) for _ in range(50)]
        assert words == [int(w) for w in bg.random_raw(50)]


def test_compiled_equals_reference_bit_for_bit():
    st = S.stream_states(11, 8)
    n, count = 257, 1000  # not a multiple of the 16 lanes; ~2e6 normals, ~51 beyond r
    a = S.fill_calls(st.copy(), n, count, backend="numba")
    b = S.fill_calls(st.copy(), n, count, backend="numpy")
    np.testing.assert_array_equal(a, b)
    assert np.sum(np.abs(a) > S.ZIGGURAT_R) > 20  # the tail path ran
    # consecutive fills continue the streams: one call of 500 = two calls of 250
    s1, s2 = st.copy(), st.copy()
    whole = S.fill_calls(s1, n, 500)
    halves = np.concatenate([S.fill_calls(s2, n, 250), S.fill_calls(s2, n, 250)], axis=1)
    np.testing.assert_array_equal(whole, halves)
    np.testing.assert_array_equal(s1, s2)


def test_seeding_as_documented():
    """``stream_states`` is the documented seeding: 51 words from child r's pool, counter 1, 12
    outputs discarded; the compiled and the numpy discard give the same states."""
    R = 37
    pool = np.array([c.pool[:4] for c in np.random.SeedSequence(8).spawn(R)], dtype=np.uint64)
    lo = pool[:, 0] | (pool[:, 1] << np.uint64(32))
    hi = pool[:, 2] | (pool[:, 3] << np.uint64(32))
    gold = 0x9E3779B97F4A7C15
    mask = 2**64 - 1

    def mix(z):  # SplitMix64's output function, in Python integers
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
        return z ^ (z >> 31)

    ref = np.empty((R, 4, S.LANES + 1), dtype=np.uint64)
    for r in range(R):
        words = [mix(mix((int(lo[r]) + k * gold) & mask) ^ int(hi[r])) for k in range(1, 52)]
        ref[r, :3] = np.array(words, dtype=np.uint64).reshape(S.LANES + 1, 3).T
    ref[:, 3] = 1
    pre = ref.copy()
    with np.errstate(over="ignore"):
        for _ in range(12):
            S._np_round(ref)
    np.testing.assert_array_equal(S.stream_states(8, R), ref)
    S._np_discard(pre, 12)
    np.testing.assert_array_equal(pre, ref)


@pytest.mark.parametrize("n", [1, 2, 15, 16, 17, 33])
def test_compiled_equals_reference_for_short_calls(n):
    """Calls shorter than, equal to and just past the 16 lanes: same numbers and states."""
    st = S.stream_states(12, 4)
    a, b = st.copy(), st.copy()
    np.testing.assert_array_equal(S.fill_calls(a, n, 3000), S.fill_calls(b, n, 3000, "numpy"))
    np.testing.assert_array_equal(a, b)


def test_streams_per_replica():
    many = S.replica_normals(5, 10, 40)
    few = S.replica_normals(5, 3, 40)
    np.testing.assert_array_equal(many[:3], few)
    assert not np.any(many[0] == many[1])
    assert not np.any(S.replica_normals(6, 3, 40) == few)
    seq = np.random.SeedSequence(5)
    np.testing.assert_array_equal(S.replica_normals(seq, 3, 40), few)


@pytest.mark.parametrize("seed", [0, 1, 2026, 2**32, 2**64 + 5, 2**200 + 1,
                                  np.random.SeedSequence(9, spawn_key=(4, 2**33))])
def test_child_pools_are_numpys(seed):
    """The children's entropy pools, hashed for all children at once, are numpy's."""
    from scalinglaws.validators.processes.backend import _root, replica_seeds

    fast = S._child_pools(_root(seed), 300)
    np.testing.assert_array_equal(fast, [c.pool for c in replica_seeds(seed, 300)])


def test_child_pools_fallback():
    """Entropy given as a list is left to numpy's spawn (same states either way)."""
    seq = np.random.SeedSequence([1, 2])
    assert S._child_pools(S._root(seq), 3) is None
    assert S.stream_states(seq, 3).shape == (3, 4, S.LANES + 1)


def test_bad_input():
    with pytest.raises(DomainError):
        S.stream_states(1, 0)
    with pytest.raises(DomainError):
        S.replica_normals(1, 2, 0)
    with pytest.raises(ParameterError):
        S.replica_normals(1, 2, 5, backend="cupy")
    with pytest.raises(DomainError, match="shape"):
        S.fill_calls(S.stream_states(1, 2), 5, 1, out=np.empty((2, 1, 4)))
    four = S.stream_states(1, 4)
    for bad in (four[::2], four.astype(np.int64), four[:, :3], four.tolist()):
        with pytest.raises(DomainError, match="states must be"):
            S.fill_calls(bad, 5, 1)
    for n, count in ((0, 1), (5, 0)):
        with pytest.raises(DomainError, match="must be >= 1"):
            S.fill_calls(S.stream_states(1, 2), n, count)
    for n, count in ((True, 1), (5, 2.0)):  # not integers: the project's ParameterError
        with pytest.raises(ParameterError, match="must be an integer"):
            S.fill_calls(S.stream_states(1, 2), n, count)
    skewed = S.stream_states(1, 2)
    skewed[1, 3, 5] += 7  # one lane's counter off: the lanes no longer step together
    with pytest.raises(DomainError, match="counters"):
        S.fill_calls(skewed, 5, 1)
    frozen = np.empty((2, 1, 5))
    frozen.flags.writeable = False
    for bad_out in (frozen, [[[0.0] * 5]] * 2):
        with pytest.raises(DomainError, match="out must be"):
            S.fill_calls(S.stream_states(1, 2), 5, 1, out=bad_out)
    st = S.stream_states(1, 2)
    out = np.full((2, 3, 5), np.nan)
    assert S.fill_calls(st.copy(), 5, 3, out=out) is out
    np.testing.assert_array_equal(out, S.fill_calls(st.copy(), 5, 3))


def test_tables_close_the_ziggurat():
    """r is the root at which the layer recursion ends on a top layer of area v."""
    ki, wi, fi = S.ziggurat_tables()
    N = S.LAYERS
    x = wi[:N] * 2.0**52
    assert ki[1] == 0 and fi[0] == 1.0 and x[N - 1] == S.ZIGGURAT_R
    assert np.all(np.diff(x[1:]) > 0) and x[0] > S.ZIGGURAT_R  # base strip wider than r
    with mpmath.workprec(160):
        f = lambda t: mpmath.exp(-t * t / 2)
        r = mpmath.mpf(S.ZIGGURAT_R)
        v = r * f(r) + mpmath.sqrt(mpmath.pi / 2) * mpmath.erfc(r / mpmath.sqrt(2))
        x1 = mpmath.mpf(x[1])
        top = x1 * (1 - f(x1))
        # r is rounded to a double; 2047 steps of the recursion amplify that to ~8e-13 here,
        # i.e. the top layer's probability is off by ~4e-16 (a root off in the 12th digit would
        # give ~1e-7)
        assert abs(top / v - 1) < 1e-10
        # every layer has area v: x_i (f(x_{i-1}) - f(x_i)) for a few i
        for i in (2, 100, N // 2, N - 1):
            area = mpmath.mpf(x[i]) * (f(mpmath.mpf(x[i - 1])) - f(mpmath.mpf(x[i])))
            assert abs(area / v - 1) < 1e-12


def _failures(z, ks=True):
    """The distribution tests a standard normal sample must pass (5 sigma each, KS at 1e-4)."""
    n = z.size
    out = []
    if abs(z.mean()) > 5 / math.sqrt(n):
        out.append("mean")
    if abs(z.var() - 1) > 5 * math.sqrt(2 / n):
        out.append("variance")
    if abs(np.mean(z**4) - 3) > 5 * math.sqrt(96 / n):
        out.append("fourth moment")
    for c in (0.5, 1.0, 2.0, 3.0, S.ZIGGURAT_R):
        p = math.erfc(c / math.sqrt(2))
        if abs(np.mean(np.abs(z) > c) - p) > 5 * math.sqrt(p * (1 - p) / n) + 1 / n:
            out.append(f"P(|z|>{c:.3g})")
    if ks and stats.kstest(z, "norm").pvalue < 1e-4:
        out.append("KS")
    return out


def test_normals_are_standard_normal():
    z = S.fill_calls(S.stream_states(2026, 16), 260, 500).ravel()  # 2.1e6 normals
    assert _failures(z) == []
    # the sign is independent of the layer: both halves have the same |z| law
    assert stats.ks_2samp(np.abs(z[z > 0]), np.abs(z[z < 0])).pvalue > 1e-4


def test_distribution_tests_reject_broken_generators(monkeypatch):
    st = S.stream_states(2026, 16)
    # 1) the tail dropped: slots beyond r come back as r
    z = S.fill_calls(st.copy(), 260, 500).ravel()
    no_tail = np.where(np.abs(z) > S.ZIGGURAT_R, np.sign(z) * S.ZIGGURAT_R, z)
    assert f"P(|z|>{S.ZIGGURAT_R:.3g})" in _failures(no_tail)
    # 2) layers 1 % too wide (the numpy reference with scaled widths)
    ki, wi, fi = S.ziggurat_tables()
    monkeypatch.setattr(S, "ziggurat_tables", lambda: (ki, wi * 1.01, fi))
    wide = S.fill_calls(st.copy(), 260, 200, backend="numpy").ravel()
    assert "variance" in _failures(wide)


def _tail_failures(z):
    """The tail beyond r: its conditional law (KS against the truncated normal) and its signs."""
    r = S.ZIGGURAT_R
    t = z[np.abs(z) > r]
    out = []
    p_tail = math.erfc(r / math.sqrt(2))
    if abs(t.size - p_tail * z.size) > 5 * math.sqrt(p_tail * z.size):
        out.append("tail mass")
    sf_r = stats.norm.sf(r)
    if stats.kstest(np.abs(t), lambda x: 1 - stats.norm.sf(x) / sf_r).pvalue < 1e-4:
        out.append("tail law")
    if stats.binomtest(int(np.sum(t > 0)), t.size).pvalue < 1e-4:
        out.append("tail sign")
    return out


def test_tail_is_the_normal_tail():
    z = S.fill_calls(S.stream_states(7, 64), 1040, 300).ravel()  # 2e7 normals, ~500 tails
    assert _tail_failures(z) == []
    # negative controls: a shifted tail, a one-signed tail, an Exp(1) instead of an Exp(r) tail
    r = S.ZIGGURAT_R
    tail = np.abs(z) > r
    assert "tail law" in _tail_failures(np.where(tail, z + 0.5 * np.sign(z), z))
    assert "tail sign" in _tail_failures(np.where(tail, np.abs(z), z))
    slower = np.sign(z) * (r + (np.abs(z) - r) * r)  # the excess over r stretched by r
    assert "tail law" in _tail_failures(np.where(tail, slower, z))


def test_wedge_test_matters(monkeypatch):
    """A generator that accepts every wedge slot (no test against f) fails the battery.

    With 2048 layers the wedges hold 0.22 % of the slots: accepting them all raises the fourth
    moment by 0.017 (and the variance by 0.0012, computed from the tables), which the battery's
    5-sigma bound resolves from about 1e7 normals; 3.3e7 are drawn, where the bound is 0.0085.
    The same battery passes the true streams at that size.
    """
    original = S._np_slow
    ki = S.ziggurat_tables()[0]

    def no_wedge_test(u, st_r, ki_, wi, fi):
        i, m = u & (S.LAYERS - 1), u >> 12
        if i != 0 and m >= int(ki[i]):
            return m * float(wi[u & (2 * S.LAYERS - 1)])
        return original(u, st_r, ki_, wi, fi)

    n, count = 2600, 800  # 16 replicas: 3.3e7 normals
    assert _failures(S.fill_calls(S.stream_states(2026, 16), n, count).ravel(), ks=False) == []
    monkeypatch.setattr(S, "_np_slow", no_wedge_test)
    z = S.fill_calls(S.stream_states(2026, 16), n, count, backend="numpy").ravel()
    assert "fourth moment" in _failures(z, ks=False)


def test_restart_into_the_tail_agrees():
    """A top-layer slot whose wedge test rejects and whose fresh attempt lands in the tail: the
    compiled slow path and the reference use the fix-up words alike (a path the streams reach
    about once in 4e7 normals, so it is built here)."""
    S._kernels()
    ki, wi, fi = S.ziggurat_tables()
    rng = np.random.default_rng(0)
    st = rng.integers(0, 2**63, size=(2_000_000, 4, 1), dtype=np.uint64)
    probe = st.copy()
    S._np_round(probe)  # the fix-up generator's first word: the wedge test's uniform
    w2 = S._np_round(probe)  # its second: the fresh attempt
    tail_next = ((w2 & np.uint64(S.LAYERS - 1)) == 0) & ((w2 >> np.uint64(12)) >= ki[0])
    # layer 1 at the outer edge of the top layer: f(x) ~ f(x_1), so the wedge test rejects
    u_top = np.uint64(1) | (np.uint64(2**52 - 1) << np.uint64(12))
    hits = 0
    for k in np.nonzero(tail_next.ravel())[0][:60]:
        a, b, c, w = (int(v) for v in st[k, :, 0])
        fix = np.zeros((4, S.LANES + 1), dtype=np.uint64)
        fix[:, S.LANES] = st[k, :, 0]
        ref = S._np_slow(int(u_top), fix, ki, wi, fi)
        got, *state = S._j_miss(u_top, np.uint64(a), np.uint64(b), np.uint64(c), np.uint64(w))
        assert got == ref and [int(v) for v in state] == [int(v) for v in fix[:, S.LANES]]
        hits += abs(ref) > S.ZIGGURAT_R
    assert hits >= 5  # some of them did restart into the tail
