#!/usr/bin/env bash
# End to end, as a user runs it: `ocmf verify --json --threads 1` (and the
# same without --json) on N records under one key, against OpenSSL
# verify-only (Python `cryptography` on pre-split bytes:
# benches/openssl_verify.py) on the same records, per curve. Issue 18's
# targets: P-256 >= 1.5x, P-384 >= 2.5x.
# Usage: benches/cli-json.sh [N (default 20000)] [ROUNDS (default 5)] [CURVES (default P-256,P-384)]
# Rounds alternate (OpenSSL, ours --json, ours text), each pinned to one
# core when taskset is there; the table shows medians. Records are signed
# once into $CARGO_TARGET_DIR/cli-json (benches/src/bin/gen_records.rs).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-20000}
ROUNDS=${2:-5}
CURVES=${3:-P-256,P-384}
CACHE=${OCMF_CACHE:-$HOME/.cache/ocmf}
VENV=$CACHE/bench-venv
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import cryptography' 2>/dev/null; then
  echo "== creating $VENV (pip install cryptography)" >&2
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q cryptography >&2
fi
echo "== building ocmf and gen_records (release)" >&2
cargo build --release -q -p ocmf-cli -p ocmf-benches --bin ocmf --bin gen_records
TGT=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
OUT=$TGT/cli-json
mkdir -p "$OUT"
PIN=(); command -v taskset >/dev/null && PIN=(taskset -c 0)
"$VENV/bin/python" -c 'from cryptography.hazmat.backends.openssl.backend import backend; import cryptography; print("OpenSSL side: cryptography", cryptography.__version__, "linking", backend.openssl_version_text())'
echo "ocmf $("$TGT/release/ocmf" --version | awk '{print $2}') ($(git rev-parse --short HEAD 2>/dev/null || echo '?')); $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"
for curve in ${CURVES//,/ }; do
  f=$OUT/$curve-$N.txt
  if [ ! -s "$f" ] || [ ! -s "$f.jsonl" ]; then
    "$TGT/release/gen_records" "$curve" "$N" 1 "$f" --openssl "$f.jsonl"
  fi
done
"$VENV/bin/python" - "$TGT/release/ocmf" "$OUT" "$N" "$ROUNDS" "$CURVES" "${PIN[@]}" <<'EOF'
import json, statistics, subprocess, sys, time
ocmf, out, n, rounds, curves, pin = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5].split(","), sys.argv[6:]
names = {"P-256": "secp256r1", "P-384": "secp384r1"}
target = {"P-256": 1.5, "P-384": 2.5}
py = sys.executable

def ours(f, json_out):
    args = pin + [ocmf, "verify", "--threads", "1", "--quiet", "--key-file", f + ".key0", f]
    if json_out:
        args.insert(len(pin) + 2, "--json")
    t0 = time.perf_counter()
    p = subprocess.run(args, stdout=subprocess.PIPE, check=False)
    el = time.perf_counter() - t0
    assert p.returncode == 0, f"exit {p.returncode}"
    lines = p.stdout.count(b"\n") if json_out else p.stdout.count(b": valid")
    assert (p.stdout.count(b'"verdict":"valid"') if json_out else lines) == n, "every record valid"
    return n / el

def openssl(f, curve):
    # About as long as our run, so both see the same machine.
    p = subprocess.run(pin + [py, "benches/openssl_verify.py", f + ".jsonl", "1500"],
                       stdout=subprocess.PIPE, check=True, text=True)
    return json.loads(p.stdout)[names[curve]]

rows = []
for curve in curves:
    f = f"{out}/{curve}-{n}.txt"
    got = {"openssl": [], "json": [], "text": []}
    for _ in range(rounds):
        got["openssl"].append(openssl(f, curve))
        got["json"].append(ours(f, True))
        got["text"].append(ours(f, False))
    med = {k: statistics.median(v) for k, v in got.items()}
    rows.append((curve, med, got))

print(f"\nrecords/s, median of {rounds} rounds, {n} records under one key, one thread")
print("| curve | OpenSSL verify-only | ocmf verify --json | ocmf verify (text) | --json / OpenSSL | text / OpenSSL | target |")
print("|---|---|---|---|---|---|---|")
for curve, med, _ in rows:
    o = med["openssl"]
    print(f"| {curve} | {o:,.0f} | {med['json']:,.0f} | {med['text']:,.0f} | {med['json']/o:.2f}x | {med['text']/o:.2f}x | {target.get(curve, 0):.1f}x |")
print("\nrounds (records/s):")
for curve, _, got in rows:
    for k, v in got.items():
        print(f"  {curve} {k}: " + ", ".join(f"{x:,.0f}" for x in v))
EOF
