"""Stochastic processes that closed-form laws talk about, keyed by model (not by paper).

``linreg``
    One-pass (minibatch) SGD on Gaussian linear regression in the Hessian eigenbasis: the exact
    expected-risk recursion (numpy or numba) and the sampled Monte Carlo process (any array
    namespace: numpy, cupy, array_api_strict).

Nothing is imported here; import the submodule you need.
"""
