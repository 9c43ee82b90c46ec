"""The shared fixed-point solver: convergence, diagnostics, failures that say so, warm starts."""

import numpy as np
import pytest

from scalinglaws.errors import ScalingLawsError
from scalinglaws.validators.processes.fixed_point import (
    FixedPointError, continuation, solve_fixed_point)


def test_contraction_converges_to_the_fixed_point():
    a = np.array([[0.5, 0.2], [0.1, 0.3]])
    b = np.array([1.0, -2.0])
    r = solve_fixed_point(lambda x: a @ x + b, np.zeros(2))
    exact = np.linalg.solve(np.eye(2) - a, b)
    assert r.converged
    assert np.max(np.abs(r.x - exact)) < 1e-11
    assert r.residual <= 1e-12 and r.history[-1] == r.residual
    assert r.iterations == len(r.history)


def test_undamped_oscillation_is_rescued_by_damping():
    # x -> -1.5 x + 5 diverges undamped (|slope| > 1); the halving rule finds a stable damping
    r = solve_fixed_point(lambda x: -1.5 * x + 5.0, np.array([0.0]), max_iter=5000)
    assert r.converged
    assert abs(r.x[0] - 2.0) < 1e-10
    assert r.damping < 1.0


def test_no_fixed_point_raises_with_the_last_iterate():
    with pytest.raises(FixedPointError, match="no convergence") as info:
        solve_fixed_point(lambda x: x + 1.0, np.array([0.0]), max_iter=50)
    assert isinstance(info.value, ScalingLawsError)
    assert not info.value.result.converged
    assert info.value.result.iterations == 50


def test_unconverged_result_returned_flagged_when_asked():
    r = solve_fixed_point(lambda x: x + 1.0, np.array([0.0]), max_iter=5, raise_on_failure=False)
    assert not r.converged and r.iterations == 5


def test_non_finite_map_raises():
    with pytest.raises(FixedPointError, match="non-finite"):
        solve_fixed_point(lambda x: x + np.inf, np.array([0.0]))


def test_tuple_unknowns_keep_their_shapes():
    r = solve_fixed_point(lambda s: (np.full(3, 0.5 * s[1].mean() + 1.0), np.full((2, 2), 0.5 * s[0].mean())),
                          (np.zeros(3), np.zeros((2, 2))))
    assert r.x[0].shape == (3,) and r.x[1].shape == (2, 2)
    assert abs(r.x[0][0] - 4 / 3) < 1e-11 and abs(r.x[1][1, 1] - 2 / 3) < 1e-11


@pytest.mark.parametrize("kwargs", [dict(damping=0.0), dict(damping=1.5), dict(tol=0.0),
                                    dict(max_iter=0), dict(min_damping=2.0)])
def test_bad_options_are_refused(kwargs):
    with pytest.raises(ValueError):
        solve_fixed_point(np.cos, np.array([1.0]), **kwargs)


def test_shape_change_is_refused():
    with pytest.raises(ValueError, match="values for"):
        solve_fixed_point(lambda x: np.zeros(3), np.zeros(2))


def test_continuation_warm_starts_cut_the_work():
    path = np.linspace(0.5, 1.0, 6)
    warm = continuation(lambda a: (lambda x: a * np.cos(x)), path, np.array([0.0]))
    cold = [solve_fixed_point(lambda x, a=a: a * np.cos(x), np.array([0.0])) for a in path]
    for w, c in zip(warm, cold):
        assert abs(w.x[0] - c.x[0]) < 1e-10
    assert sum(w.iterations for w in warm[1:]) < sum(c.iterations for c in cold[1:])


def test_a_stalled_oscillation_is_damped():
    # x -> 2 - x: contraction factor -1, the plain iteration oscillates forever at a constant
    # residual (it never grows); halving on a stall converges to 1
    r = solve_fixed_point(lambda x: 2.0 - x, np.array([0.0]), max_iter=200)
    assert r.converged and abs(r.x[0] - 1.0) < 1e-11 and r.damping < 1.0


def test_a_slow_monotone_approach_keeps_its_damping():
    # contraction factor 0.995: the residual shrinks by 0.5 % a step, steps all point one way;
    # this is slow convergence, not a stall, and must not be damped further
    r = solve_fixed_point(lambda x: 0.995 * x + 0.005, np.array([0.0]), tol=1e-10, max_iter=20000)
    assert r.converged and r.damping == 1.0 and r.iterations < 6000
