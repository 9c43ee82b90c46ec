"""Batch size, serial runtime and compute efficiency of SGD, heavy ball and ASGD.

Morwani, Meterez, Nair, Kakade, *Compute Efficiency and Serial Runtime Tradeoffs for Stochastic
Momentum Methods*, arXiv:2606.19179 (v1, 2026); ASGD of Jain, Kakade, Kidambi, Netrapalli,
Sidford (COLT 2018) in the parametrisation of Kidambi et al. (ICLR 2018).

Model: consistent (noiseless) Gaussian linear regression, :math:`x \\sim N(0, H)`,
:math:`H = \\mathrm{diag}(\\lambda_i)`, :math:`\\kappa = \\lambda_{\\max}/\\lambda_{\\min}`, minibatch
gradients of batch :math:`B` with fresh samples, constant hyperparameters tuned for each
:math:`B`. Serial runtime :math:`T(B)` is the number of steps to reach a target loss; compute
efficiency is :math:`1/(B\\,T(B))`.

.. math::

    T_{\\rm SGD} \\asymp \\kappa + \\frac{\\operatorname{tr} H}{B\\lambda_{\\min}},\\qquad
    T_{\\rm HB} \\asymp \\max\\Bigl(\\sqrt\\kappa, \\frac{\\operatorname{tr} H}{B\\lambda_{\\min}}\\Bigr),
    \\qquad
    B^*_{\\rm SGD} = \\frac{\\operatorname{tr} H}{\\lambda_{\\max}},\\quad
    B^*_{\\rm HB} = \\frac{\\operatorname{tr} H}{\\sqrt{\\lambda_{\\max}\\lambda_{\\min}}}
    = \\sqrt\\kappa\\, B^*_{\\rm SGD}.

Provenance: the paper's body could not be read (only its abstract; searched again for issue 14:
no HTML or PDF text in reach). The abstract states the qualitative results and that heavy ball's
window *can be* a factor :math:`\\sqrt\\kappa` larger; every closed form here is our own
derivation from the expected-loss recursion (status ``derived``) and is checked against that
recursion by the validators; they are not the paper's theorems.

Issue 21 adds: the paper's lower-bound theorems as we read them (``*.runtime_lower_bound``,
``*.compute_lower_bound``, kind ``lower``: the tuned runtime's shape bounds every constant
step from below), heavy ball's and Nesterov's compute-efficiency frontier parity with SGD
(``*.ce_frontier_parity``, ratio :math:`\\Theta(1)`), Nesterov momentum's runtime and its
critical batch (``nesterov.window_end`` :math:`= \\operatorname{tr}H/\\sqrt{\\lambda_{\\max}\\lambda_{\\min}}`,
``nesterov.window_ratio`` :math:`= \\sqrt\\kappa`; checked on the recursion of
:mod:`scalinglaws.validators.processes.linreg.nesterov`), and a spectrum-dependent ASGD law on
power laws, :math:`T_{\\rm ASGD}(B) \\asymp (d^a/B)^{a/(2a-1)}` below the accelerated floor
(``hypothesis``: a heuristic noise budget; at :math:`B = 1` and, as a separate key, its batch
dependence, which holds only asymptotically along :math:`B = d^{3/8}`), which supersedes
the Jain-bound reading at :math:`B = 1` (those keys are kept as the bounds they are). None of
these statements was read in the paper (only its Abstract is reachable): statuses ``derived``
or ``hypothesis``.

The heavy-ball and SGD laws are :math:`\\Theta` statements. The four ASGD laws are *bounds*: they
come from Jain et al.'s iteration bound, an upper bound that tuned ASGD beats on fast-decaying
spectra, so the runtimes are upper bounds (``upper``) and the gains lower bounds (``lower``).
"""

from sympy import Integer, Interval, Max, Ne, sqrt

from scalinglaws.law import Paper, Reference

paper = Paper(
    "momentum_batch",
    arxiv="2606.19179",
    version=1,
    title="Compute Efficiency and Serial Runtime Tradeoffs for Stochastic Momentum Methods",
    authors="Morwani, Meterez, Nair, Kakade",
    year=2026,
    summary=(
        "On noiseless Gaussian linear regression, heavy ball keeps SGD's compute efficiency over a "
        "batch window up to sqrt(kappa) times SGD's critical batch, then reaches its accelerated "
        "deterministic scale; ASGD gains small-batch compute efficiency on fast-decaying "
        "spectra and trades it for serial runtime as the batch grows."
    ),
    conventions=(
        "Consistent (noiseless) linear regression, x ~ N(0, H), H = diag(lambda_i), loss "
        "L(w) = 1/2 E (x.(w - w*))^2; kappa = lam_max/lam_min (not tr H / lam_min). One step uses "
        "B fresh samples and the batch-averaged gradient. Serial runtime T(B): steps per e-fold "
        "of the expected loss, -1/ln(rho) with rho the per-step contraction of E L (spectral "
        "radius of the exact second-moment map), at the hyperparameters (step, momentum; ASGD: "
        "lr, kappa_a, xi) that minimise it for that B; reaching L <= eps L_0 takes about "
        "ln(1/eps) T(B) steps. Compute efficiency CE(B) = 1/(B T(B)) (inverse gradient queries). "
        "Critical batch B*: where CE has fallen to half its small-batch maximum (the 'halving' "
        "definition; a hyperbolic fit T = T_inf + S/B, B* = S/T_inf, gives smaller values and "
        "a smaller heavy-ball window exponent, 0.41 vs 0.48 in our pilots). The SGD and heavy-ball "
        "laws are order-of-magnitude (Theta) statements; the ASGD laws are bounds (O on the "
        "runtime, Omega on the compute-efficiency gain). Constants are not claimed."
    ),
)

trH = paper.param("trH", "trace of the covariance H (sum of its eigenvalues)", latex=r"\operatorname{tr}H")
lam_max = paper.param("lam_max", "largest eigenvalue of H", latex=r"\lambda_{\max}")
lam_min = paper.param("lam_min", "smallest eigenvalue of H", latex=r"\lambda_{\min}")
d = paper.param("d", "dimension (number of eigenvalues)", integer=True)
B = paper.param("B", "batch size (fresh samples per step)", integer=True)
T = paper.param("T", "serial runtime: steps to reach the target loss")
a = paper.param(
    "a", "power-law decay exponent of the spectrum, lambda_i = i^-a (capped at 8: d^a overflows beyond)",
    domain=Interval.open(0, 8),
)

_SPECTRUM = (lam_min <= lam_max) & (lam_max <= trH)
_OURS = (
    "Our derivation (not read in the paper): from the exact expected-loss recursion, the step "
    "size is limited by the mean stability (eta lam_max <~ 1) and by the gradient noise "
    "(effective step <~ B / tr H); the slowest mode lam_min sets the rate."
)

# ---- definition ---------------------------------------------------------------------------------

compute_efficiency = paper.law(
    "compute_efficiency",
    quantity="compute efficiency: inverse number of gradient queries B T to reach the target",
    symbol=r"\mathrm{CE}",
    expr=1 / (B * T),
    kind="exact",
    where="Abstract (CE is 'the inverse total gradient-query or FLOP cost')",
    status="paper",
    tags={"definition", "compute_efficiency"},
    notes="A definition: each step queries B gradients, so the total is B T.",
    unchecked="definition: CE = 1/(B T) is how every check of this paper turns a tuned serial "
    "runtime into compute efficiency (the critical batches are where B T has doubled, the ASGD "
    "gains are ratios of B T); it states no value of its own a process could contradict",
)

# ---- SGD ------------------------------------------------------------------------------------------

sgd_serial_runtime = paper.law(
    "sgd.serial_runtime",
    quantity="serial runtime (steps per e-fold of the loss) of minibatch SGD, step tuned per B",
    symbol=r"T_{\mathrm{SGD}}",
    expr=lam_max / lam_min + trH / (B * lam_min),
    regime=_SPECTRUM,
    kind="theta",
    where="not in the readable text: our derivation (lower-bound shape of the paper's SGD baseline)",
    status="derived",
    tags={"sgd", "serial_runtime", "batch"},
    scale_vars=("B",),
    notes=_OURS + " T ~ 1/(eta lam_min) with eta ~ min(1/lam_max, B/tr H). Consistent with Jain "
    "et al. (JMLR 2018, 'Parallelizing SGD for least squares'). Validated through its large-B "
    "limit (T ~ kappa) and its critical batch.",
)

sgd_critical_batch = paper.law(
    "sgd.critical_batch",
    quantity="critical batch size of SGD: where compute efficiency halves (the effective rank)",
    symbol=r"B^*_{\mathrm{SGD}}",
    expr=trH / lam_max,
    regime=_SPECTRUM,
    kind="theta",
    where="not in the readable text: our derivation; the paper's critical-batch definition is unread",
    status="derived",
    tags={"sgd", "critical_batch", "batch"},
    notes="Where the two terms of momentum_batch.sgd.serial_runtime are equal. Cross-reference: "
    "the batch threshold 1 + R^2/||H|| of Jain et al. 2018 (R^2 ~ tr H + 2 lam_max for "
    "Gaussians), recalled, not read.",
)

# ---- heavy ball -----------------------------------------------------------------------------------

hb_serial_runtime = paper.law(
    "hb.serial_runtime",
    quantity="serial runtime of stochastic heavy ball, step and momentum tuned per B",
    symbol=r"T_{\mathrm{HB}}",
    expr=Max(sqrt(lam_max / lam_min), trH / (B * lam_min)),
    regime=_SPECTRUM,
    kind="theta",
    where="not in the readable text: our derivation of the shape the Abstract describes",
    status="derived",
    tags={"heavy_ball", "serial_runtime", "batch"},
    scale_vars=("B",),
    notes=_OURS + " Heavy ball's effective step eta/(1 - mu) obeys the noise limit; critical "
    "damping (1 - mu)^2 ~ eta lam_min gives the accelerated sqrt(kappa) once B is large. The "
    "Abstract: HB 'does not improve the CE frontier over SGD' and reaches 'its deterministic "
    "accelerated scale'. Verification finding: the large-B limit is approached slowly; with "
    "the critical damping of Polyak's tuning the second-moment map has a double root whose "
    "rate moves like the square root of the batch noise, so at B = 2^24 the tuned T_HB/sqrt(kappa) "
    "is 0.2536 at kappa = 1e4 (0.2500 at B = 2^40), a finite-batch correction that grows with kappa.",
)

hb_window_end = paper.law(
    "hb.window_end",
    quantity="end of heavy ball's linear-scaling window (its critical batch size)",
    symbol=r"B^*_{\mathrm{HB}}",
    expr=trH / sqrt(lam_max * lam_min),
    regime=_SPECTRUM,
    kind="theta",
    where="not in the readable text: our derivation",
    status="derived",
    tags={"heavy_ball", "critical_batch", "batch"},
    notes="Where the two branches of momentum_batch.hb.serial_runtime meet.",
)

hb_window_ratio = paper.law(
    "hb.window_ratio",
    quantity="heavy ball's window end over SGD's critical batch size",
    symbol=r"B^*_{\mathrm{HB}}/B^*_{\mathrm{SGD}}",
    expr=sqrt(lam_max / lam_min),
    regime=_SPECTRUM,
    kind="theta",
    where="our derivation; the Abstract says 'This window can be a factor sqrt(kappa) larger than "
    "the SGD critical batch size'",
    status="derived",
    tags={"heavy_ball", "critical_batch", "batch"},
    notes="Ours (status derived, not paper): the Abstract says the window *can be* a factor "
    "sqrt(kappa) larger, i.e. sqrt(kappa) is attained by some spectra (and presumably not "
    "exceeded), under the paper's definitions of the window, the critical batch and kappa, "
    "which we could not read. This law is the stronger statement our definitions give: with "
    "kappa = lam_max/lam_min and the halving critical batch, the two knees of "
    "momentum_batch.sgd.serial_runtime and momentum_batch.hb.serial_runtime give the ratio "
    "sqrt(kappa) for every spectrum (Theta). Verification: on two-level spectra the measured "
    "ratio / sqrt(kappa) settles at 0.554 (0.603 at kappa = 10, 0.554 at 1e4), and on power "
    "laws lambda_i = i^-a the ratio / d^(a/2) settles at 0.342 (a = 2, d = 16 ... 256: 0.386 "
    "... 0.342) and 0.52 (a = 1.1, d = 16 ... 1024: 0.536 ... 0.516 ... 0.521); the "
    "extrapolated log-slopes of ratio / law are 0.000 [-0.002, 0.006], 0.002 [-0.043, 0.033] "
    "and 0.006 [-0.010, 0.007]. A hyperbolic fit of T(B) instead of halving gives a smaller "
    "exponent in our pilots (0.41 vs 0.48 in kappa).",
)

# ---- lower bounds (the paper's theorems are lower bounds; their statements are unread) --------

_LOWER = (
    "The Abstract says the paper proves 'finite-dimensional, discrete-time lower bounds on "
    "their batch-size tradeoffs'; the theorems' statements (constants, the class of "
    "hyperparameters, the definitions of kappa and of the critical batch) were not readable. "
    "This is our reading of such a lower bound (status derived, not paper): over every "
    "constant step (and momentum), the serial runtime cannot beat the law's shape by more "
    "than a constant factor. Derivation: the tuned runtimes of momentum_batch.sgd.serial_runtime "
    "/ momentum_batch.hb.serial_runtime are optima over the hyperparameters, so their shape is "
    "also a lower bound. Checked as a bound from below (kind lower): the tuned runtime of the "
    "exact recursion divided by the law must not fall with the sweep (log-slope >= 0). "
)

sgd_runtime_lower_bound = paper.law(
    "sgd.runtime_lower_bound",
    quantity="lower bound on SGD's serial runtime at batch B, over every constant step",
    symbol=r"T_{\mathrm{SGD}}(B)",
    expr=lam_max / lam_min + trH / (B * lam_min),
    regime=_SPECTRUM,
    kind="lower",
    where="Abstract (lower bounds on batch-size tradeoffs); the theorem's statement is unread: our reading",
    status="derived",
    tags={"sgd", "serial_runtime", "batch", "lower_bound"},
    scale_vars=("B",),
    notes=_LOWER + "Its two branches: no step beats the deterministic kappa (mean stability "
    "eta lam_max < 2), and at small B none beats the noise limit tr H/(B lam_min) (B T >= "
    "tr H/lam_min: momentum_batch.sgd.compute_lower_bound).",
)

sgd_compute_lower_bound = paper.law(
    "sgd.compute_lower_bound",
    quantity="lower bound on SGD's gradient queries per e-fold, B T_SGD(B), at every batch size (the CE frontier)",
    symbol=r"B\,T_{\mathrm{SGD}}(B)",
    expr=trH / lam_min,
    regime=_SPECTRUM,
    kind="lower",
    where="Abstract (lower bounds; CE frontier); the theorem's statement is unread: our reading",
    status="derived",
    tags={"sgd", "compute_efficiency", "batch", "lower_bound"},
    notes=_LOWER + "B T_SGD(B) >= B x (tr H/(B lam_min)) from momentum_batch.sgd.runtime_lower_bound: "
    "the compute-efficiency frontier 1/(B T) <= lam_min/tr H. Measured at B = 1, where the "
    "tuned B T is smallest (T(B) is non-increasing and B T non-decreasing on the tuned curve).",
)

hb_runtime_lower_bound = paper.law(
    "hb.runtime_lower_bound",
    quantity="lower bound on heavy ball's serial runtime at batch B, over every constant step and momentum",
    symbol=r"T_{\mathrm{HB}}(B)",
    expr=Max(sqrt(lam_max / lam_min), trH / (B * lam_min)),
    regime=_SPECTRUM,
    kind="lower",
    where="Abstract (HB 'reaches its deterministic accelerated scale'; lower bounds); statement unread: our reading",
    status="derived",
    tags={"heavy_ball", "serial_runtime", "batch", "lower_bound"},
    scale_vars=("B",),
    notes=_LOWER + "Branches: no momentum method beats the deterministic sqrt(kappa) (Polyak's "
    "rate is optimal for memory-1 methods on quadratics), and at small B heavy ball cannot "
    "beat SGD's noise limit (momentum_batch.hb.compute_lower_bound).",
)

hb_compute_lower_bound = paper.law(
    "hb.compute_lower_bound",
    quantity="lower bound on heavy ball's gradient queries per e-fold, B T_HB(B), at every batch size",
    symbol=r"B\,T_{\mathrm{HB}}(B)",
    expr=trH / lam_min,
    regime=_SPECTRUM,
    kind="lower",
    where="Abstract ('HB does not improve the CE frontier over SGD for arbitrary spectra'); statement unread: our reading",
    status="derived",
    tags={"heavy_ball", "compute_efficiency", "batch", "lower_bound"},
    notes=_LOWER + "The Abstract's first result read as a bound: heavy ball's compute "
    "efficiency 1/(B T) is at most SGD's frontier lam_min/tr H (up to a constant). Measured at "
    "B = 1 (the smallest B T on the tuned curve).",
)

hb_ce_frontier_parity = paper.law(
    "hb.ce_frontier_parity",
    quantity=(
        "heavy ball's compute-efficiency frontier over SGD's: min_B B T_HB(B) / min_B B T_SGD(B), "
        "both tuned per B"
    ),
    symbol=r"\frac{\min_B B T_{\mathrm{HB}}}{\min_B B T_{\mathrm{SGD}}}",
    expr=Integer(1),
    regime=_SPECTRUM,
    kind="theta",
    where="Abstract ('HB does not improve the CE frontier over SGD for arbitrary spectra'); our Theta reading",
    status="derived",
    tags={"heavy_ball", "compute_efficiency", "batch", "frontier"},
    notes="Ours (derived): both frontiers are Theta(tr H/lam_min) (momentum_batch.sgd.serial_runtime "
    "and momentum_batch.hb.serial_runtime at B -> 0), so their ratio is Theta(1): the frontier "
    "exponents are equal in every spectral parameter. The Abstract states the parity "
    "qualitatively ('does not improve'). Checked as a bounded ratio (log-slope -> 0) over kappa "
    "on two-level spectra and over d on lambda_i = i^-2. Measured (tuned, B = 1): 0.994 ... "
    "0.972 over kappa = 10 ... 1e4 (slope 8e-5 [-0.007, 0.001]); 0.78 ... 0.74 over d = 16 "
    "... 256 on i^-2 (slope 0.0007 [-0.020, 0.018]): pass.",
)

# ---- Nesterov momentum (named in the Abstract; no result on it was readable) ------------------

_NAG = (
    "Nesterov momentum, w_(t+1) = y_t - eta g(y_t), y_(t+1) = w_(t+1) + mu (w_(t+1) - w_t), with "
    "constant (eta, mu) tuned per B; the Abstract names it among the methods studied, but no "
    "statement about it was readable. Ours (derived): on a quadratic Nesterov's method is a "
    "memory-1 method with the same mean matrix as heavy ball (state (y, w), gradient at y, "
    "direction (1 + mu, 1)); its deterministic optimum (eta = 4/(3 lam_max + lam_min), "
    "mu = (sqrt(3 kappa + 1) - 2)/(sqrt(3 kappa + 1) + 2)) contracts the error by "
    "1 - 2/sqrt(3 kappa + 1) per step, Theta(sqrt(kappa)) steps per e-fold, and its gradient "
    "noise obeys SGD's noise limit on the effective step eta/(1 - mu) as heavy ball's does. "
    "Checked on the exact second-moment recursion of "
    "scalinglaws.validators.processes.linreg.nesterov. "
)

nesterov_serial_runtime = paper.law(
    "nesterov.serial_runtime",
    quantity="serial runtime of stochastic Nesterov momentum, step and momentum tuned per B",
    symbol=r"T_{\mathrm{NAG}}",
    expr=Max(sqrt(lam_max / lam_min), trH / (B * lam_min)),
    regime=_SPECTRUM,
    kind="theta",
    where="not in the readable text: our derivation (Nesterov momentum is named in the Abstract)",
    status="derived",
    tags={"nesterov", "serial_runtime", "batch"},
    scale_vars=("B",),
    notes=_NAG + "The same shape as momentum_batch.hb.serial_runtime: Nesterov's window ends at "
    "tr H/sqrt(lam_max lam_min), sqrt(kappa) times SGD's critical batch, by the same algebra "
    "(checked as momentum_batch.nesterov.window_end and momentum_batch.nesterov.window_ratio). "
    "Verification (tuned exact recursion): at B = 2^40, T/sqrt(kappa) = 0.355 ... 0.433 over "
    "kappa = 10 ... 1e6 (the deterministic optimum's sqrt(3)/4 = 0.433; slope -0.005 "
    "[-0.015, 0.005], pass); at B = 1 on two-level spectra T/(32 kappa) 0.50 ... 0.25 (pass); "
    "at B = 1 on lambda_i = i^-2 the ratio to the law drifts (local slopes -0.25 ... -0.04 "
    "over d = 16 ... 256; extrapolated -0.13 [-0.47, 0.09], inconclusive): Nesterov beats "
    "SGD's noise-limited runtime there by a factor 0.49 ... 0.35 (momentum_batch."
    "nesterov.ce_frontier_parity).",
)

nesterov_ce_frontier_parity = paper.law(
    "nesterov.ce_frontier_parity",
    quantity="Nesterov momentum's compute-efficiency frontier over SGD's: min_B B T_NAG / min_B B T_SGD",
    symbol=r"\frac{\min_B B T_{\mathrm{NAG}}}{\min_B B T_{\mathrm{SGD}}}",
    expr=Integer(1),
    regime=_SPECTRUM,
    kind="theta",
    where="not in the readable text: our derivation",
    status="derived",
    tags={"nesterov", "compute_efficiency", "batch", "frontier"},
    notes=_NAG + "Both frontiers are Theta(tr H/lam_min): Nesterov, like heavy ball, does not "
    "move SGD's compute-efficiency frontier (ratio Theta(1)). Measured (tuned, B = 1): 0.985 "
    "... 0.916 over kappa = 10 ... 1e4 on two-level spectra (pass); on lambda_i = i^-2 the "
    "ratio falls 0.491, 0.451, 0.423, ..., 0.351 over d = 16 ... 256, its local slopes "
    "shrinking (-0.25 ... -0.04): a constant-factor gain (~3x, heavy ball's is 0.74) whose "
    "limit the engine cannot yet settle (inconclusive). Whether Nesterov keeps a bounded "
    "advantage on fast-decaying spectra, or an ASGD-like growing one, needs d >~ 1024 (--full).",
)

nesterov_window_end = paper.law(
    "nesterov.window_end",
    quantity="end of Nesterov momentum's linear-scaling window (its halving critical batch size)",
    symbol=r"B^*_{\mathrm{NAG}}",
    expr=trH / sqrt(lam_max * lam_min),
    regime=_SPECTRUM,
    kind="theta",
    where="not in the readable text: our derivation (Nesterov momentum is named in the Abstract)",
    status="derived",
    tags={"nesterov", "critical_batch", "batch"},
    notes=_NAG + "Where the two branches of momentum_batch.nesterov.serial_runtime meet: the "
    "noise-limited tr H/(B lam_min) falls to the accelerated sqrt(kappa) at B = tr H/sqrt(lam_max "
    "lam_min) (derivations/momentum_batch.py, the same algebra as heavy ball's window end; issue "
    "21). Verification (tuned exact recursion, halving critical batch, step and momentum tuned "
    "per B): on two-level spectra (32 eigenvalues 1, 32 at 1/kappa) B_c / law = 1.276, 1.199, "
    "1.161, 1.141, 1.131, 1.126 at kappa = 10^1.5 ... 1e4 (half-decade grid), settling; Nesterov's "
    "window is 1.5 ... 1.8 times heavy ball's (236.8 vs 162.7 at kappa = 10^1.5, 3602 vs 1974 at "
    "1e4), the same order. On lambda_i = i^-2 (effective rank ~ 1.6, next to the regime's edge "
    "tr H = lam_max) B_c / law = 1.066, 0.929, 0.857, 0.820, 0.800 at d = 16, 32, ..., 256, "
    "falling more slowly at each step (0.788 at d = 512). Judged: the log-slope of B_c / law "
    "over kappa extrapolates to -0.0002 [-0.008, 0.006] (pass); on lambda_i = i^-2 (--full, d "
    "to 512) it is inconclusive, a correction slower than d^-0.1 being admissible (beyond "
    "d = 512 the grid-tuned T(1) of Nesterov loses ~3 % at d = 724 and the knee with it).",
)

nesterov_window_ratio = paper.law(
    "nesterov.window_ratio",
    quantity="Nesterov momentum's window end over SGD's critical batch size",
    symbol=r"B^*_{\mathrm{NAG}}/B^*_{\mathrm{SGD}}",
    expr=sqrt(lam_max / lam_min),
    regime=_SPECTRUM,
    kind="theta",
    where="not in the readable text: our derivation (the heavy-ball analogue is the Abstract's 'a "
    "factor sqrt(kappa) larger')",
    status="derived",
    tags={"nesterov", "critical_batch", "batch"},
    notes=_NAG + "The ratio of momentum_batch.nesterov.window_end to "
    "momentum_batch.sgd.critical_batch (issue 21): like heavy ball, Nesterov keeps SGD's compute "
    "efficiency over a window sqrt(kappa) times SGD's. Verification (halving critical batches): "
    "ratio / sqrt(kappa) = 0.841, 0.911, 0.957, 0.985, 1.001, 1.010 at kappa = 10^1.5 ... 1e4 "
    "(two-level spectra, half-decade grid), log-slope of ratio / law extrapolated -0.003 "
    "[-0.021, 0.012] (pass); 0.364, 0.331, 0.312, 0.301, 0.296 on lambda_i = i^-2 at d = 16, "
    "32, ..., 256 (--full, inconclusive, as momentum_batch.nesterov.window_end).",
)

# ---- ASGD -----------------------------------------------------------------------------------------

_JAIN = Reference(
    arxiv="1704.08227", version=None,
    where="iteration bound O~(sqrt(kappa_s kappa_tilde)) (recalled, unread), with minibatch moments substituted (ours)",
    status="derived",
    title="Accelerating Stochastic Gradient Descent for Least Squares Regression",
    authors="Jain, Kakade, Kidambi, Netrapalli, Sidford", year=2018, venue="COLT 2018",
)

asgd_serial_runtime = paper.law(
    "asgd.serial_runtime",
    quantity="serial runtime of ASGD (lr, kappa_a, xi tuned per B)",
    symbol=r"T_{\mathrm{ASGD}}",
    expr=sqrt((trH / B + lam_max) * (d / B + 1) / lam_min),
    regime=_SPECTRUM,
    kind="upper",
    reference=_JAIN,
    tags={"asgd", "serial_runtime", "batch"},
    scale_vars=("B",),
    notes="Ours, an upper bound (O): ASGD needs at most ~ sqrt(kappa_s kappa_tilde) steps "
    "(Jain et al.'s iteration bound) with the minibatch's stochastic condition number "
    "kappa_s = R_B^2/lam_min, R_B^2 = tr H/B + lam_max (1 + 1/B), and statistical condition "
    "number kappa_tilde = 1 + (d + 1)/B (Gaussian moments of the minibatch Hessian). Three "
    "regimes of the bound: T ~ 1/B (CE flat), T ~ B^-1/2 for tr H/lam_max < B < d (CE traded "
    "for runtime, as the Abstract says), T ~ sqrt(kappa) for B > d. Verification finding: the "
    "bound is not tight; tuned ASGD beats it at small batch. On lambda_i = i^-2, d = 64 the "
    "tuned runtime / this law falls from 0.45 at B = 1 to 0.26 at B >= 32 and then stays flat "
    "(the bound overestimates the small-batch runtime by ~1.7x relative to large B), and at "
    "B = 1 on lambda_i = i^-2 tuned ASGD needs ~ d^1.31 steps where the bound gives d^1.5 "
    "(momentum_batch.powerlaw.asgd.serial_runtime). Hence kind 'upper' (it was registered as "
    "Theta; issue 14): the checks test that measured / law does not grow, and report the bound "
    "as not tight where it is not; a tight (Theta) ASGD runtime is not derived here."
    " Superseded at B = 1 on power-law spectra with a > 1 (issue 21) by the spectrum-dependent momentum_batch.powerlaw.asgd.small_batch_runtime_spectral (hypothesis); this key is kept as the bound it is.",
)

asgd_small_batch_ce_gain = paper.law(
    "asgd.small_batch_ce_gain",
    quantity="small-batch compute-efficiency gain of ASGD over SGD/heavy ball",
    symbol=r"\mathrm{CE}_{\mathrm{ASGD}}/\mathrm{CE}_{\mathrm{SGD}}",
    expr=sqrt(trH / (d * lam_min)),
    regime=_SPECTRUM & (trH >= d * lam_min),
    kind="lower",
    reference=_JAIN,
    tags={"asgd", "compute_efficiency", "batch"},
    notes="Ours, a lower bound (Omega): the ratio of B T at small B of SGD (Theta) to the upper "
    "bound on ASGD's, (tr H/lam_min) / sqrt(d tr H/lam_min), i.e. sqrt(mean eigenvalue / "
    "lam_min); since ASGD's runtime is only bounded above, the gain is only bounded below. The "
    "Abstract says ASGD improves small-batch CE for rapidly decaying power-law spectra and "
    "nearly overlaps HB for slowly decaying ones. Verification finding: not tight on fast "
    "decay: on lambda_i = i^-2 the measured gain / this law grows like d^0.18 (the gain itself "
    "like d^0.68, see momentum_batch.powerlaw.asgd.small_batch_ce_gain); on lambda_i = i^-0.5 "
    "(tr H/(d lam_min) -> 2, near the regime's edge) it is flat."
    " Superseded at B = 1 on power-law spectra with a > 1 (issue 21) by the spectrum-dependent momentum_batch.powerlaw.asgd.small_batch_ce_gain_spectral (hypothesis); this key is kept as the bound it is.",
)

# ---- power-law spectra lambda_i = i^-a, i <= d --------------------------------------------------

#: tr H for lambda_i = i^-a: 1 + int_1^d x^-a dx (within a bounded factor of the sum, a != 1)
_TRACE_PL = (d ** (1 - a) - a) / (1 - a)
_PL = Ne(a, 1)
_PL_NOTE = (
    "Power-law spectrum lambda_i = i^-a, i <= d: lam_max = 1, lam_min = d^-a, kappa = d^a, and "
    "tr H = 1 + int_1^d x^-a dx = (d^(1-a) - a)/(1 - a), within a bounded factor of the sum "
    "(~ d^(1-a) for a < 1, ~ a/(a-1) for a > 1; a = 1 gives log d and is excluded). "
)

paper.law(
    "powerlaw.kappa",
    quantity="condition number of the power-law spectrum lambda_i = i^-a, i <= d",
    symbol=r"\kappa",
    expr=d**a,
    kind="exact",
    where="not in the readable text: substitution (ours)",
    status="derived",
    tags={"powerlaw"},
    scale_vars=("d",),
)

paper.law(
    "powerlaw.sgd.critical_batch",
    quantity="SGD critical batch tr H/lam_max on the power-law spectrum",
    symbol=r"B^*_{\mathrm{SGD}}",
    expr=_TRACE_PL,
    regime=_PL,
    kind="theta",
    where="not in the readable text: momentum_batch.sgd.critical_batch on lambda_i = i^-a (ours)",
    status="derived",
    tags={"powerlaw", "sgd", "critical_batch"},
    scale_vars=("d",),
    notes=_PL_NOTE + "Grows like d^(1-a) for a < 1, bounded for a > 1.",
)

paper.law(
    "powerlaw.sgd.serial_runtime",
    quantity="SGD serial runtime on the power-law spectrum",
    symbol=r"T_{\mathrm{SGD}}",
    expr=d**a + _TRACE_PL * d**a / B,
    regime=_PL,
    kind="theta",
    where="not in the readable text: momentum_batch.sgd.serial_runtime on lambda_i = i^-a (ours)",
    status="derived",
    tags={"powerlaw", "sgd", "serial_runtime"},
    scale_vars=("d", "B"),
    notes=_PL_NOTE,
)

paper.law(
    "powerlaw.hb.serial_runtime",
    quantity="heavy-ball serial runtime on the power-law spectrum",
    symbol=r"T_{\mathrm{HB}}",
    expr=Max(d ** (a / 2), _TRACE_PL * d**a / B),
    regime=_PL,
    kind="theta",
    where="not in the readable text: momentum_batch.hb.serial_runtime on lambda_i = i^-a (ours)",
    status="derived",
    tags={"powerlaw", "heavy_ball", "serial_runtime"},
    scale_vars=("d", "B"),
    notes=_PL_NOTE,
)

paper.law(
    "powerlaw.hb.window_end",
    quantity="end of heavy ball's window on the power-law spectrum",
    symbol=r"B^*_{\mathrm{HB}}",
    expr=_TRACE_PL * d ** (a / 2),
    regime=_PL,
    kind="theta",
    where="not in the readable text: momentum_batch.hb.window_end on lambda_i = i^-a (ours)",
    status="derived",
    tags={"powerlaw", "heavy_ball", "critical_batch"},
    scale_vars=("d",),
    notes=_PL_NOTE,
)

paper.law(
    "powerlaw.hb.window_ratio",
    quantity="heavy ball's window over SGD's critical batch on the power-law spectrum",
    symbol=r"B^*_{\mathrm{HB}}/B^*_{\mathrm{SGD}}",
    expr=d ** (a / 2),
    kind="theta",
    where="not in the readable text: momentum_batch.hb.window_ratio on lambda_i = i^-a (ours)",
    status="derived",
    tags={"powerlaw", "heavy_ball", "critical_batch"},
    scale_vars=("d",),
)

paper.law(
    "powerlaw.asgd.serial_runtime",
    quantity="ASGD serial runtime on the power-law spectrum",
    symbol=r"T_{\mathrm{ASGD}}",
    expr=sqrt((_TRACE_PL / B + 1) * (d / B + 1) * d**a),
    regime=_PL,
    kind="upper",
    reference=Reference(
        arxiv="1704.08227", version=None, status="derived",
        where="momentum_batch.asgd.serial_runtime on lambda_i = i^-a (ours)",
        title=_JAIN.title, authors=_JAIN.authors, year=2018, venue="COLT 2018",
    ),
    tags={"powerlaw", "asgd", "serial_runtime"},
    scale_vars=("d", "B"),
    notes=_PL_NOTE + "An upper bound (see momentum_batch.asgd.serial_runtime). Verification "
    "finding: not tight for fast decay: at B = 1 on lambda_i = i^-2 the tuned runtime grows like "
    "d^1.31 (local slopes 1.284 ... 1.311 over d = 16 ... 256) against the bound's d^1.5; the "
    "log-slope of measured / law extrapolates to -0.14 [-0.19, -0.09] (a bound that holds, not "
    "tight). Near a = 1 (a = 1.1, d = 16 ... 1024; T ~ d^1.05) measured / law falls slowly: "
    "-0.044 [-0.053, -0.029], a bound that holds and is tight to 0.1 in the exponent."
    " Superseded at B = 1 on power-law spectra with a > 1 (issue 21) by the spectrum-dependent momentum_batch.powerlaw.asgd.small_batch_runtime_spectral (hypothesis); this key is kept as the bound it is.",
)

paper.law(
    "powerlaw.asgd.small_batch_ce_gain",
    quantity="small-batch CE gain of ASGD over SGD/heavy ball on the power-law spectrum",
    symbol=r"\mathrm{CE}_{\mathrm{ASGD}}/\mathrm{CE}_{\mathrm{SGD}}",
    expr=sqrt(_TRACE_PL * d ** (a - 1)),
    regime=_PL,
    kind="lower",
    reference=Reference(
        arxiv="1704.08227", version=None, status="derived",
        where="momentum_batch.asgd.small_batch_ce_gain on lambda_i = i^-a (ours)",
        title=_JAIN.title, authors=_JAIN.authors, year=2018, venue="COLT 2018",
    ),
    tags={"powerlaw", "asgd", "compute_efficiency"},
    scale_vars=("d",),
    notes=_PL_NOTE + "A lower bound (see momentum_batch.asgd.small_batch_ce_gain): grows at "
    "least like d^((a-1)/2) for a > 1 (rapid decay: ASGD gains), at least O(1) for a < 1 (slow "
    "decay: ASGD and HB nearly overlap, as the Abstract reports). Verification finding (exact "
    "recursion, all methods tuned at B = 1): the bound is not tight for a = 2: the gain grows "
    "faster, like d^0.68 (2.77, 4.28, 6.74, 10.7, 17.2 at d = 16, 32, ..., 256; local slopes "
    "rising 0.628 ... 0.678 over d = 23 ... 181, extrapolated 0.682 [0.669, 0.692]), because "
    "tuned ASGD needs ~ d^1.31 steps, fewer than the sqrt(kappa_s kappa_tilde) ~ d^1.5 of the "
    "bound behind this law. That is why the law is a lower bound (it was registered as Theta "
    "and failed its check; issue 14). For a = 0.5 it is tight: the gain is flat to 1% (1.009 "
    "... 1.018 at d = 16 ... 256), local slopes falling from 0.004 to 0.002, extrapolated "
    "0.000 [-0.004, 0.003], the law's 0."
    " Superseded at B = 1 on power-law spectra with a > 1 (issue 21) by the spectrum-dependent momentum_batch.powerlaw.asgd.small_batch_ce_gain_spectral (hypothesis); this key is kept as the bound it is.",
)


# ---- ASGD: a spectrum-dependent small-batch law (issue 21) -------------------------------------

_SPECTRAL_NOTE = (
    "Ours (hypothesis: a heuristic derivation whose d-exponents our recursion confirms, and "
    "whose batch dependence holds only asymptotically, deep inside 1 << B << d^(1/2): "
    "momentum_batch.powerlaw.asgd.batch_runtime_spectral). It replaces, at B = 1 on power-law "
    "spectra, the Jain-bound reading (momentum_batch.asgd.serial_runtime and "
    "momentum_batch.powerlaw.asgd.serial_runtime, upper bounds that are not tight for a > 1). "
    "Heuristic (derivations/momentum_batch.py): for a memory-1 method each mode's closed-loop "
    "response to gradient noise has DC gain 1/lam_i, so its noise energy is ~ s_i/lam_i^2 with "
    "s_i the rate of its slower pole; the noise feedback stays stable while "
    "(1/B) sum_i s_i <~ 1. ASGD's slow rate grows like lam_i (SGD-like) up to a crossover "
    "lam_x and is flat above it; with the slowest mode at the target rate r and the fast pole "
    "stable (its step <~ 1/lam_max), lam_x >= r lam_max, so the rate solves "
    "(r/lam_min) sum_i min(lam_i, r lam_max) ~ B -- a law for any spectrum. On lambda_i = i^-a "
    "(a > 1) the sum is ~ r^(1 - 1/a) a/(a - 1), so T = 1/r ~ (d^a/B)^(a/(2a - 1)); it lies "
    "between the deterministic sqrt(kappa) = d^(a/2) and Jain's d^((a+1)/2) for every a > 1 "
    "(equal to Jain's d at a <= 1, where the sum is dominated by the tail). "
)

paper.law(
    "powerlaw.asgd.small_batch_runtime_spectral",
    quantity="serial runtime of ASGD at B = 1 on lambda_i = i^-a (a > 1), lr, kappa_a, xi tuned",
    symbol=r"T_{\mathrm{ASGD}}(1)",
    expr=d ** (a**2 / (2 * a - 1)),
    regime=a > 1,
    kind="theta",
    reference=paper.reference(
        "not in the readable text: scalinglaws heuristic (the Abstract: ASGD's small-batch "
        "advantage is spectrum-dependent)", "hypothesis"),
    tags={"powerlaw", "asgd", "serial_runtime", "spectral"},
    scale_vars=("d",),
    notes=_SPECTRAL_NOTE + "Verification (tuned exact recursion, B = 1, d = 16 ... 256): local "
    "d-slopes of the tuned runtime settle at 1.143-1.147 (a = 1.5; law 1.125), 1.311 and "
    "rising by < 0.002 per half-octave (a = 2; law 1.333), 1.77 rising (a = 3; law 1.8), 2.263 "
    "rising (a = 4; law 2.286), against Jain's 1.25, 1.5, 2, 2.5; the ratio measured/law has "
    "local slopes tending to 0 from both sides (+0.018, -0.022, -0.030, -0.023 at the top of "
    "the grid). Finding: the batch dependence of the heuristic, T ~ B^(-a/(2a-1)) (B^-2/3 at "
    "a = 2), does not hold at small B at fixed d: on lambda_i = i^-2 the tuned T falls like "
    "B^-0.95 from B = 1 to 2 (d = 256 and 1024), i.e. ASGD first keeps its compute efficiency, "
    "and at d = 2^16 the local B-slopes bend steadily, -0.95, -0.92, -0.87, -0.82, -0.78, "
    "-0.73, -0.68, -0.60 over B = 1 ... 256, with no B^-2/3 plateau before the accelerated "
    "floor; hence this law is stated at B = 1, and the batch dependence separately, as an "
    "asymptotic statement along B = d^(3/8) (momentum_batch.powerlaw.asgd.batch_runtime_spectral, "
    "issue 21).",
)

paper.law(
    "powerlaw.asgd.small_batch_ce_gain_spectral",
    quantity="small-batch (B = 1) compute-efficiency gain of ASGD over SGD on lambda_i = i^-a (a > 1)",
    symbol=r"\mathrm{CE}_{\mathrm{ASGD}}/\mathrm{CE}_{\mathrm{SGD}}",
    expr=d ** (a * (a - 1) / (2 * a - 1)),
    regime=a > 1,
    kind="theta",
    reference=paper.reference(
        "not in the readable text: scalinglaws heuristic (the Abstract: ASGD improves small-batch "
        "CE for rapidly decaying power-law spectra)", "hypothesis"),
    tags={"powerlaw", "asgd", "compute_efficiency", "spectral"},
    scale_vars=("d",),
    notes=_SPECTRAL_NOTE + "The gain is T_SGD(1)/T_ASGD(1) = d^a / d^(a^2/(2a - 1)) = "
    "d^(a(a-1)/(2a-1)) (SGD's T ~ tr H/lam_min ~ d^a for a > 1): 2/3 at a = 2, where the "
    "Jain reading (momentum_batch.powerlaw.asgd.small_batch_ce_gain, a lower bound) gives 1/2 "
    "and the recursion's gain grows like d^0.68 (extrapolated 0.682 [0.669, 0.692]). The gain "
    "is taken against min(T_SGD, T_HB), as in the Jain-reading checks.",
)

paper.law(
    "powerlaw.asgd.batch_runtime_spectral",
    quantity=(
        "batch dependence of ASGD's serial runtime on lambda_i = i^-a (a > 1), lr, kappa_a, xi "
        "tuned per B, below the accelerated floor"
    ),
    symbol=r"T_{\mathrm{ASGD}}(B)",
    expr=(d**a / B) ** (a / (2 * a - 1)),
    regime=(a > 1) & (B**2 <= d),
    kind="theta",
    reference=paper.reference(
        "not in the readable text: scalinglaws heuristic (the Abstract: ASGD trades its "
        "small-batch CE advantage for serial runtime as the batch grows)", "hypothesis"),
    tags={"powerlaw", "asgd", "serial_runtime", "spectral", "batch"},
    scale_vars=("d", "B"),
    notes=_SPECTRAL_NOTE + "This key states the heuristic's batch dependence (issue 21): the "
    "budget (r/lam_min) sum_i min(lam_i, r lam_max) ~ B gives T ~ (d^a/B)^(a/(2a-1)), i.e. "
    "T ~ B^(-a/(2a-1)) (B^-2/3 at a = 2), until T meets the accelerated floor d^(a/2) at "
    "B ~ d^(1/2) (the regime B^2 <= d). It is the law the batch-exponent checks judge; the "
    "Jain-bound reading (momentum_batch.powerlaw.asgd.serial_runtime) gives B^-1/2 for "
    "tr H/lam_max < B < d instead. A reason to doubt it (ours): the heuristic fixes the short "
    "step at its mean-stability limit 1/lam_max, but at small B that step is held by an "
    "SGD-like noise limit too (tuned lr = 0.27, 0.47, 0.73, 1.01, 1.26, 1.44, 1.54 at B = 1, "
    "2, 4, ..., 64 on lambda_i = i^-2, d = 2^16), which makes T fall faster, like 1/B, until "
    "the short step saturates; with lr = min(1/lam_max, B/tr H) the same budget gives "
    "T ~ (d^a/B)^(a/(2a-1)) max(1, tr H/B)^((a-1)/(2a-1)), but the tuned step saturates near "
    "B ~ 16 (d = 256) ... 64 (d = 2^16), far above tr H/lam_max ~ 1.6, so that refinement does "
    "not fit either. What the checks can test: at fixed d the B window below the floor is "
    "short and T(B) bends through it (d = 2^16: local B-slopes -0.95 ... -0.60 over B = 1 ... "
    "256, no plateau), so there is no B -> oo limit at fixed d; along the ray B = d^(3/8), "
    "inside the regime with B/d^(1/2) -> 0, the law gives T ~ d^((a - 3/8) a/(2a - 1)), which "
    "with the B = 1 law pins the B-exponent (the engine's +-0.1 in the d-exponent is +-0.27 in "
    "the B-exponent: B^-1 and Jain's B^-1/2 are both distinguishable from B^-2/3). "
    "Verification (tuned exact recursion, lambda_i = i^-a binned, lr, kappa_a, xi tuned at each "
    "B): a = 1.5, B = 8 ... 512 (d = 256 ... 1.7e7): ratio T/law 1.231 ... 0.832, local slopes "
    "-0.060, -0.050, -0.039, -0.028, -0.020, -0.014, extrapolated 0.000 [-0.020, 0.054] (pass; "
    "half-octaves to B = 1024, d = 1.1e8: slopes to -0.009, 0.000 [-0.021, 0.068], pass). "
    "a = 2 (full only), B = 6 ... 64: slopes -0.109 ... -0.044, inconclusive (d is capped at "
    "~1.6e5 by the tuning's precision at kappa = d^2 ~ 3e10). Finding (a = 1.1, next to the "
    "regime's edge a = 1): the ratio keeps growing, local slopes +0.011, +0.007, +0.007, "
    "+0.010, +0.012, +0.013 over d = 256 ... 1.7e7 (B = 8 ... 512), levelling at +0.013 ... "
    "+0.014 under --full (d to 1.1e8), extrapolated +0.019 [0.008, 0.037] (--full: +0.0185 "
    "[0.009, 0.034]): a fail, small against the 0.1 control. It is the d-dependence, not the batch's: at B = 1 on the same d "
    "(binned, a = 1.1) the ratio T(1)/d^(a^2/(2a-1)) has local slopes +0.044, +0.034, +0.026, "
    "+0.021, +0.017, +0.015, and the B-part along the ray (ray minus B = 1) tends to 0 "
    "(-0.034 ... -0.002). Near a = 1 the power-law reading drops the budget sum's d^(1-a) "
    "tail (the sum is (i_x^(1-a) - d^(1-a))/(a - 1), i_x the crossover index), a correction "
    "that decays like d^-0.04 along the ray at a = 1.1: the pure powers are not reached at "
    "any affordable d (recorded as the known failure of "
    "momentum_batch.powerlaw.asgd.batch_runtime_spectral[a=1.1]).",
)
