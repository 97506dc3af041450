// The panic boundary (ocmf-wasm/src/boundary.rs), on a build with the
// `panic-test` feature (its `panicForTest` export panics inside the
// boundary; the packed package has no such export). The wasm build aborts on
// panic, so without the boundary this call would throw a bare
// `WebAssembly.RuntimeError: unreachable` and the module would go on as if
// nothing happened. With it: an OcmfError 704 `internal` naming the panic,
// and every later call refuses with 704 (the instance's state is not
// trusted after a panic). Run by scripts/ci/wasm with OCMF_PANIC_PKG set to
// that build's nodejs module.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const PKG = process.env.OCMF_PANIC_PKG;
if (!PKG) throw new Error('OCMF_PANIC_PKG must name the panic-test build (see scripts/ci/wasm)');
const ocmf = createRequire(import.meta.url)(PKG);
const REPO = process.env.OCMF_REPO ?? new URL('../../..', import.meta.url).pathname;
const RECORD = readFileSync(join(REPO, 'examples/keba-p256.ocmf'), 'utf8').trim();
const KEY = readFileSync(join(REPO, 'examples/keba-p256.key'), 'utf8').trim();

function caught(fn) {
  try { fn(); } catch (e) { return e; }
  assert.fail('expected a throw');
}

test('a panic is an OcmfError 704 with its message, and the module refuses every later call', () => {
  // Before: the module works, and handles made now outlive the panic.
  assert.equal(ocmf.verify(RECORD, { key: KEY }).verdict, 'valid');
  const key = new ocmf.Key(KEY);
  const registry = ocmf.KeyRegistry.load('meter_serial,public_key\nM1,' + KEY + '\n');
  const ex = ocmf.extract(RECORD);

  const e = caught(() => ocmf.panicForTest('boom 42'));
  assert.ok(!(e instanceof WebAssembly.RuntimeError), `a RuntimeError: ${e}`);
  assert.ok(ocmf.isOcmfError(e), `an OcmfError, got ${e}`);
  assert.equal(e.name, 'OcmfError');
  assert.equal(e.code, 704);
  assert.equal(e.codeName, 'internal');
  assert.match(e.message, /^internal error: boom 42 \(at .*boundary\.rs:\d+\)$/);

  // After: every export throws 704 naming the first panic, none runs.
  const later = [
    () => ocmf.verify(RECORD, { key: KEY }),
    () => ocmf.verifyJson(RECORD),
    () => ocmf.verifyMany([RECORD]),
    () => ocmf.version(),
    () => ocmf.messageFor(600),
    () => ocmf.extract(RECORD),
    () => new ocmf.Key(KEY),
    () => key.fingerprint,
    () => registry.entries,
    () => ex.values,
    () => ex.sessions(),
    () => ocmf.panicForTest('second'),
  ];
  for (const call of later) {
    const err = caught(call);
    assert.ok(ocmf.isOcmfError(err), `${call}: ${err}`);
    assert.equal(err.code, 704, `${call}`);
    assert.match(err.message, /stopped after an earlier panic \(boom 42 \(at .*\)\); load it again/, `${call}`);
  }
  // free() releases nothing and does not trap.
  key.free();
  registry.free();
  ex.free();
});
