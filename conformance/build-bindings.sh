# Build steps shared by scripts/ci/conformance and benches/peers/run.
# Source it from the repository root; needs ROOT and CACHE set.
#
#   build_native          cargo build --release of the CLI and libocmf; sets
#                         OCMF_BIN and LIBDIR (honours CARGO_TARGET_DIR)
#   build_wheel VENV      builds the ocmf wheel with maturin and installs it
#                         into VENV (created if missing, with maturin and
#                         cryptography), as scripts/ci/python does
#   npm_tarball           sets TARBALL to the packed npm package: OCMF_NPM_TARBALL
#                         if set, else target/wasm/ocmf-<version>.tgz from
#                         scripts/ci/wasm, which is run when that tarball is
#                         missing or older than the sources it is built from
#   npm_project DIR       installs TARBALL into a fresh project DIR

build_native() {
    local tgt=${CARGO_TARGET_DIR:-$ROOT/target}
    cargo build --release --locked -p ocmf-cli -p ocmf-ffi || return 1
    OCMF_BIN=$tgt/release/ocmf
    LIBDIR=$tgt/release
}

build_wheel() {
    local venv=$1 wheels
    if [[ ! -x $venv/bin/python ]]; then
        python3 -m venv "$venv" && "$venv/bin/pip" install -q --upgrade pip || return 1
    fi
    "$venv/bin/pip" install -q maturin cryptography || return 1
    wheels=$(mktemp -d) || return 1
    PYO3_PYTHON=$venv/bin/python "$venv/bin/maturin" build --release -m ocmf-py/Cargo.toml -o "$wheels" \
        -i "$venv/bin/python" &&
        "$venv/bin/pip" install -q --force-reinstall --no-deps "$wheels"/ocmf-*.whl
    local rc=$?
    rm -rf "$wheels"
    return $rc
}

npm_tarball() {
    if [[ -n ${OCMF_NPM_TARBALL:-} ]]; then
        TARBALL=$OCMF_NPM_TARBALL
        [[ -f $TARBALL ]]
        return
    fi
    local version
    version=$(awk -F'"' '/^\[workspace.package\]/{w=1} w && /^version/{print $2; exit}' Cargo.toml)
    TARBALL=$ROOT/target/wasm/ocmf-$version.tgz
    if [[ ! -f $TARBALL ]] || [[ -n $(find ocmf-core ocmf-wasm/src ocmf-wasm/Cargo.toml Cargo.lock \
        -newer "$TARBALL" -type f -print -quit) ]]; then
        echo "no current $TARBALL: running scripts/ci/wasm (builds, packs and tests it)"
        mkdir -p "$ROOT/target/wasm"
        if ! scripts/ci/wasm >"$ROOT/target/wasm/wasm-job.log" 2>&1; then
            tail -n 30 "$ROOT/target/wasm/wasm-job.log"
            echo "scripts/ci/wasm failed (log: target/wasm/wasm-job.log); using its tarball if it packed one"
        fi
    else
        echo "reusing $TARBALL (newer than ocmf-core, ocmf-wasm and Cargo.lock)"
    fi
    [[ -f $TARBALL ]]
}

npm_project() {
    local dir=$1
    mkdir -p "$dir" &&
        echo '{"name":"ocmf-consumer","private":true}' >"$dir/package.json" &&
        (cd "$dir" && npm install --no-audit --no-fund --offline "$TARBALL" >/dev/null)
}
