#!/usr/bin/env bash
# Bounded memory of the streaming CLI (issue 18): `ocmf verify --json` on a
# file of generated P-256 records of SIZE bytes (default 3 GB), --threads 1
# and 2, from the file and from a pipe (stdin); peak RSS (the kernel's
# ru_maxrss of that child, by wait4) and records/s. The output goes to /dev/null
# after its lines are counted.
# Usage: benches/stream-rss.sh [SIZE_BYTES (3000000000)] [THREADS (1,2)]
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=${1:-3000000000}
THREADS=${2:-1,2}
echo "== building ocmf and gen_records (release)" >&2
cargo build --release -q -p ocmf-cli -p ocmf-benches --bin ocmf --bin gen_records
TGT=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
OUT=$TGT/stream-rss
mkdir -p "$OUT"
F=$OUT/p256-$SIZE.txt
# 20,000 distinct records under 20 keys (a registry), repeated to SIZE.
[ -s "$F" ] || "$TGT/release/gen_records" P-256 20000 20 "$F" "$SIZE"
echo "ocmf $("$TGT/release/ocmf" --version | awk '{print $2}') ($(git rev-parse --short HEAD 2>/dev/null || echo '?')); $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg); input $(stat -c %s "$F") bytes"
python3 - "$TGT/release/ocmf" "$F" "$THREADS" <<'PY'
import os, subprocess, sys, time
ocmf, f, threads = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
print("| input | threads | records | valid | seconds | records/s | MB/s | peak RSS (MiB) |")
print("|---|---|---|---|---|---|---|---|")
for how in ("file", "stdin"):
    for t in threads:
        args = [ocmf, "verify", "--json", "--quiet", "--threads", t, "--keys", f + ".keys.csv"]
        args.append(f if how == "file" else "-")
        t0 = time.perf_counter()
        src = open(f, "rb") if how == "stdin" else subprocess.DEVNULL
        p = subprocess.Popen(args, stdin=src, stdout=subprocess.PIPE)
        lines = valid = 0
        tail = b""
        for chunk in iter(lambda: p.stdout.read(1 << 20), b""):
            # Whole lines only: a verdict may straddle two chunks.
            head, _, tail_next = (tail + chunk).rpartition(b"\n")
            lines += head.count(b"\n") + (1 if head or _ else 0)
            valid += head.count(b'"verdict":"valid"')
            tail = tail_next
        lines += 1 if tail else 0
        valid += tail.count(b'"verdict":"valid"')
        _, status, usage = os.wait4(p.pid, 0)
        p.returncode = rc = os.waitstatus_to_exitcode(status)
        el = time.perf_counter() - t0
        if how == "stdin":
            src.close()
        rss = usage.ru_maxrss / 1024  # this child's peak, KiB -> MiB
        size = os.path.getsize(f)
        assert rc == 0 and valid == lines, f"exit {rc}, {valid}/{lines} valid"
        print(f"| {how} | {t} | {lines:,} | {valid:,} | {el:.1f} | {lines/el:,.0f} | {size/el/1e6:.1f} | {rss:.0f} |", flush=True)
PY
