#!/usr/bin/env bash
# One run, same records: ocmf-core (cached key, pure-Rust, verify-only, cold
# key, batch, trusted batch) vs ring, aws-lc-rs and OpenSSL (Python `cryptography`), per
# curve, and the WASM package in Node when it is built.
# Usage: benches/compare.sh [--per-curve N] [--min-ms N] [--rounds N] [--curves P-256,P-384]
# Creates/uses a venv at ${OCMF_CACHE:-$HOME/.cache/ocmf}/bench-venv for the OpenSSL side.
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE=${OCMF_CACHE:-$HOME/.cache/ocmf}
VENV=$CACHE/bench-venv
mkdir -p "$CACHE"
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import cryptography' 2>/dev/null; then
  echo "== creating $VENV (pip install cryptography)" >&2
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --upgrade pip >&2
  "$VENV/bin/pip" install -q cryptography >&2
fi
"$VENV/bin/python" -c 'import cryptography, ssl; print("OpenSSL side: cryptography", cryptography.__version__, "/", ssl.OPENSSL_VERSION)' >&2
"$VENV/bin/python" -c 'from cryptography.hazmat.backends.openssl.backend import backend; print("cryptography links", backend.openssl_version_text())' >&2 || true
echo "== building the harness (release)" >&2
cargo build --release -q -p ocmf-benches --bin compare
TARGET_DIR=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
# One core: the harness and the Python side are single-threaded; pin both
# to one CPU when taskset is available so the rounds see the same core.
PIN=(); command -v taskset >/dev/null && PIN=(taskset -c 0)
# WASM in Node, when the package is built (scripts/ci/wasm builds it into
# ocmf-wasm/pkg) and node is there; OCMF_WASM_PKG=dir picks another build.
WASM=(); PKG=${OCMF_WASM_PKG:-ocmf-wasm/pkg}
if command -v node >/dev/null && [ -f "$PKG/ocmf.js" ]; then
  WASM=(--node "$(command -v node)" --wasm-pkg "$PKG" --wasm-script benches/wasm_verify.mjs)
else
  echo "== no WASM column: build the package first (scripts/ci/wasm) or set OCMF_WASM_PKG" >&2
fi
exec "${PIN[@]}" "$TARGET_DIR/release/compare" --python "$VENV/bin/python" \
  --script benches/openssl_verify.py "${WASM[@]}" "$@"
