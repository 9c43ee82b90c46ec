#!/usr/bin/env bash
# One command on a machine with an NVIDIA GPU (run from anywhere):
#
#     bash benchmarks/run_gpu.sh [TARGET ...]
#
# 1. makes sure scalinglaws (with its validate extra) and CuPy are importable, installing the
#    gpu extra if needed (pip; offline machines need them installed beforehand);
# 2. runs `scalinglaws verify --full --backend cupy [TARGET ...]` (all checks by default) into
#    $OUT/report (resumable: run the same command again after an interruption);
# 3. runs the GPU benchmark (benchmarks/bench_gpu.py: GPU vs the same code on 2 CPU threads vs
#    the bare matrix products of the same shapes) into $OUT/bench.json;
# 4. writes $OUT/results.md: the table check / size / backend / time / verdict and the speed
#    ratios, to paste into benchmarks/README.md.
#
# Environment: OUT (default benchmarks/gpu-results), VERIFY_TIMEOUT (seconds for the verify
# run, default 3600), BENCH_ARGS (extra arguments for bench_gpu.py, e.g. --quick), NO_INSTALL=1
# (never call pip).
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-benchmarks/gpu-results}
VERIFY_TIMEOUT=${VERIFY_TIMEOUT:-3600}
mkdir -p "$OUT"
PY=${PYTHON:-python}
log() { echo "[run_gpu] $*" | tee -a "$OUT/run.log" >&2; }

# -- 1. environment ------------------------------------------------------------------------------
if [ -z "${NO_INSTALL:-}" ] && ! $PY -c "import scalinglaws.validators.engine" 2>/dev/null; then
    log "installing scalinglaws[validate] from this checkout"
    $PY -m pip install -q -e ".[validate]" 2>>"$OUT/run.log" \
        || $PY -m pip install -q --no-deps --no-build-isolation -e . 2>>"$OUT/run.log" \
        || log "could not install scalinglaws; trying from the checkout as it is"
fi
if [ -z "${NO_INSTALL:-}" ] && ! $PY -c "import cupy; assert cupy.cuda.runtime.getDeviceCount() > 0" 2>/dev/null; then
    log "CuPy with a GPU is not importable: installing the gpu extra (cupy-cuda12x)"
    $PY -m pip install -q -e ".[gpu]" 2>>"$OUT/run.log" \
        || $PY -m pip install -q cupy-cuda12x 2>>"$OUT/run.log" \
        || log "could not install CuPy"
fi
{
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
    nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>/dev/null \
        || echo "nvidia-smi: not available"
    echo "cpus: $(nproc)"
} > "$OUT/machine.txt"
cat "$OUT/machine.txt" | tee -a "$OUT/run.log" >&2
if ! $PY -c "import cupy; assert cupy.cuda.runtime.getDeviceCount() > 0" 2>>"$OUT/run.log"; then
    log "no usable CuPy GPU here: nothing to run (see $OUT/run.log)"
    $PY benchmarks/bench_gpu.py --json "$OUT/bench.json" | tee -a "$OUT/run.log"
    $PY benchmarks/bench_gpu.py --summary "$OUT" > /dev/null
    exit 0
fi

# -- 2. the full suite on the GPU ----------------------------------------------------------------
log "verify --full --backend cupy ${*:-(all checks)}: up to ${VERIFY_TIMEOUT}s"
start=$(date +%s)
timeout -s INT -k 60 "$VERIFY_TIMEOUT" $PY -m scalinglaws.cli verify "$@" --full --backend cupy \
    --out "$OUT/report" --no-plots > "$OUT/verify.txt" 2> "$OUT/verify.progress"
rc=$?
log "verify exit status $rc after $(( $(date +%s) - start ))s (130/124: interrupted or timed out; rerun to resume)"
tail -n 3 "$OUT/verify.txt" | tee -a "$OUT/run.log" >&2
if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ] && [ -d "$OUT/report/checks" ]; then
    # interrupted: render the report from the finished records
    $PY - "$OUT/report" <<'EOF'
import sys
from pathlib import Path
from scalinglaws.validators.engine.checks import Settings
from scalinglaws.validators.engine.report import read_results, write_report
out = Path(sys.argv[1])
write_report(read_results(out), Settings(full=True, backend="cupy"), out, plots=False)
EOF
fi

# -- 3. the benchmark: GPU vs the same code on 2 CPU threads vs bare products ------------------
log "bench_gpu.py ${BENCH_ARGS:-}"
OPENBLAS_NUM_THREADS=2 MKL_NUM_THREADS=2 NUMBA_NUM_THREADS=2 \
    $PY benchmarks/bench_gpu.py ${BENCH_ARGS:-} --json "$OUT/bench.json" | tee -a "$OUT/run.log"

# -- 4. the results file -------------------------------------------------------------------------
$PY benchmarks/bench_gpu.py --summary "$OUT" > /dev/null
log "results: $OUT/results.md"
