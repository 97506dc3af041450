#!/usr/bin/env bash
# Two C API benchmarks, each alternating its contenders ROUNDS times:
#
# 1. C API vs. Rust: verify the same P-256 record N times each (pre-decoded
#    key); prints ns/call and the C API overhead.
# 2. Batch: BATCH_N distinct P-256 records under one key (fresh key each
#    time): `ocmf_verify` per record vs. `ocmf_verify_batch` with threads 1
#    and 2; prints the median ns/record of each and the speed-ups. With
#    OCMF_BENCH_BEFORE=<older checkout> the older library's per-record
#    `ocmf_verify` (and its batch, if it has one) runs in the same rotation;
#    it is built there with OCMF_BENCH_BEFORE_TARGET (default
#    <checkout>/target) as its target dir.
#
#   ocmf-ffi/bench/run.sh [N] [ROUNDS] [BATCH_N]
# Honours CARGO_TARGET_DIR.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-5000}
ROUNDS=${2:-3}
BATCH_N=${3:-2000}
TGT=${CARGO_TARGET_DIR:-$PWD/target}
LIBS=(-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc)
cargo build -p ocmf-ffi --release --quiet
cargo build -p ocmf-ffi --release --example bench_rust --quiet
OUT=$TGT/ocmf-ffi-bench
mkdir -p "$OUT"
gcc -std=c11 -O2 -Wall -Wextra -Werror -Iocmf-ffi/include ocmf-ffi/bench/bench.c \
    -o "$OUT/bench_c" "$TGT/release/libocmf.a" "${LIBS[@]}"
gcc -std=c11 -O2 -Wall -Wextra -Werror -Iocmf-ffi/include ocmf-ffi/bench/batch.c \
    -o "$OUT/batch_after" "$TGT/release/libocmf.a" "${LIBS[@]}"

# Contenders of the batch benchmark: "label binary mode".
CONTENDERS=("after:single $OUT/batch_after single" "after:batch1 $OUT/batch_after batch1"
    "after:batch2 $OUT/batch_after batch2")
if [[ -n ${OCMF_BENCH_BEFORE:-} ]]; then
    BEFORE_TGT=${OCMF_BENCH_BEFORE_TARGET:-$OCMF_BENCH_BEFORE/target}
    (cd "$OCMF_BENCH_BEFORE" && CARGO_TARGET_DIR=$BEFORE_TGT cargo build -p ocmf-ffi --release --quiet)
    extra=()
    grep -q ocmf_verify_batch "$OCMF_BENCH_BEFORE/ocmf-ffi/include/ocmf.h" || extra=(-DOCMF_NO_BATCH)
    gcc -std=c11 -O2 -Wall -Wextra -Werror "${extra[@]}" -I"$OCMF_BENCH_BEFORE/ocmf-ffi/include" \
        ocmf-ffi/bench/batch.c -o "$OUT/batch_before" "$BEFORE_TGT/release/libocmf.a" "${LIBS[@]}"
    CONTENDERS=("before:single $OUT/batch_before single" "${CONTENDERS[@]}")
    if [[ ${#extra[@]} -eq 0 ]]; then
        CONTENDERS+=("before:batch1 $OUT/batch_before batch1" "before:batch2 $OUT/batch_before batch2")
    fi
fi

echo "== 1. C API vs Rust, one record, $N calls"
c_best=0
r_best=0
for _ in $(seq "$ROUNDS"); do
    c=$("$OUT/bench_c" "$N")
    r=$("$TGT/release/examples/bench_rust" "$N")
    echo "$c"
    echo "$r"
    cn=$(awk '{print $2}' <<<"$c")
    rn=$(awk '{print $2}' <<<"$r")
    if [[ $c_best -eq 0 || $cn -lt $c_best ]]; then c_best=$cn; fi
    if [[ $r_best -eq 0 || $rn -lt $r_best ]]; then r_best=$rn; fi
done
awk -v c="$c_best" -v r="$r_best" \
    'BEGIN { printf "best of rounds: c-api %d ns/call, rust %d ns/call, overhead %+.2f%% (target <= 5%%)\n", c, r, (c - r) * 100 / r }'

echo "== 2. batch: $BATCH_N P-256 records, one key (load: $(uptime | sed 's/.*load average: //'))"
RESULTS=$OUT/batch.tsv
: >"$RESULTS"
# Rounds inside each process: about 2000 records' worth, at least 3, at most 1000.
INNER=$((2000 / BATCH_N))
((INNER < 3)) && INNER=3
((INNER > 1000)) && INNER=1000
for round in $(seq "$ROUNDS"); do
    for c in "${CONTENDERS[@]}"; do
        read -r label bin mode <<<"$c"
        line=$("$bin" "$mode" "$BATCH_N" "$INNER")
        echo "round $round $label: $line"
        printf '%s\t%s\t%s\n' "$label" "$(awk '{print $2}' <<<"$line")" "$(awk '{print $5}' <<<"$line")" >>"$RESULTS"
    done
done
# median COLUMN NAME: the per-contender median of a column of $RESULTS.
median() {
    echo "median $2 over $ROUNDS rounds (ns/record; speed-up vs after:single and, if run, before:single):"
    sort -t$'\t' -k1,1 -k"$1","$1"n "$RESULTS" | awk -F'\t' -v col="$1" '
        { v[$1, ++n[$1]] = $col; if (!($1 in seen)) { seen[$1] = 1; order[++k] = $1 } }
        END {
            for (i = 1; i <= k; i++) { l = order[i]; m[l] = v[l, int((n[l] + 1) / 2)] }
            for (i = 1; i <= k; i++) {
                l = order[i]
                printf "  %-14s %8d ns/record  x%.2f vs after:single", l, m[l], m["after:single"] / m[l]
                if ("before:single" in m) printf "  x%.2f vs before:single", m["before:single"] / m[l]
                printf "\n"
            }
        }'
}
median 2 "wall time"
median 3 "CPU time (sums the threads of batch2)"
