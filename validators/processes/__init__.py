"""Stochastic processes that closed-form laws talk about, keyed by model (not by paper).

``linreg``
    One-pass (minibatch) SGD on Gaussian linear regression in the Hessian eigenbasis: the exact
    expected-risk recursion (numpy or numba) and the sampled Monte Carlo process (any array
    namespace: numpy, cupy, array_api_strict). A package: ``problem``, ``schedules``,
    ``methods``, ``recursion`` (with the numba kernels in ``_kernels``) and ``sampled``; the
    public names are re-exported from ``linreg`` itself.
``fsl``
    The functional scaling law of power-law kernel regression (Li et al., arXiv:2509.19189),
    integrated along any learning-rate schedule, and the paper's schedules.

Nothing is imported here; import the submodule you need.
"""
