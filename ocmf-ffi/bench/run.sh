#!/usr/bin/env bash
# C API vs. Rust: verify the same P-256 record N times each (pre-decoded key),
# alternating the two ROUNDS times; prints ns/call and the C API overhead.
#   ocmf-ffi/bench/run.sh [N] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-5000}
ROUNDS=${2:-3}
cargo build -p ocmf-ffi --release --quiet
cargo build -p ocmf-ffi --release --example bench_rust --quiet
OUT=target/ocmf-ffi-bench
mkdir -p "$OUT"
gcc -std=c11 -O2 -Wall -Wextra -Werror -Iocmf-ffi/include ocmf-ffi/bench/bench.c \
    -o "$OUT/bench_c" target/release/libocmf.a -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc
c_best=0
r_best=0
for _ in $(seq "$ROUNDS"); do
    c=$("$OUT/bench_c" "$N")
    r=$(target/release/examples/bench_rust "$N")
    echo "$c"
    echo "$r"
    cn=$(awk '{print $2}' <<<"$c")
    rn=$(awk '{print $2}' <<<"$r")
    if [[ $c_best -eq 0 || $cn -lt $c_best ]]; then c_best=$cn; fi
    if [[ $r_best -eq 0 || $rn -lt $r_best ]]; then r_best=$rn; fi
done
awk -v c="$c_best" -v r="$r_best" \
    'BEGIN { printf "best of rounds: c-api %d ns/call, rust %d ns/call, overhead %+.2f%% (target <= 5%%)\n", c, r, (c - r) * 100 / r }'
