/**
 * Every `hashFuncs` entry an `UnhashableParamError` suggests is one the hasher looks up. Streamlit
 * honours `hash_funcs` for generator types; here generators and iterators (which have no
 * constructor, only a `Symbol.toStringTag` name such as `Generator` or `Map Iterator`) used to be
 * suggested by that name and then never matched.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { UnhashableParamError } from "../../src/errors.js";
import { createKeyer } from "../../src/keys/keyer.js";

class Thenable {
  then() {}
}

const UNHASHABLE: readonly (readonly [string, () => unknown])[] = [
  ["generator", () => (function* gen() { yield 1; })()],
  ["async generator", () => (async function* agen() { yield 1; })()],
  ["Map iterator", () => new Map([[1, 2]]).entries()],
  ["Set iterator", () => new Set([1]).values()],
  ["Array iterator", () => [1, 2][Symbol.iterator]()],
  ["String iterator", () => "ab"[Symbol.iterator]()],
  ["RegExp string iterator", () => "ab".matchAll(/a/g)],
  ["WeakMap", () => new WeakMap()],
  ["WeakSet", () => new WeakSet()],
  ["WeakRef", () => new WeakRef({})],
  ["FinalizationRegistry", () => new FinalizationRegistry(() => {})],
  ["Promise", () => Promise.resolve(1)],
  ["thenable instance", () => new Thenable()],
];

const fn = function load(source: unknown) { return source; };

for (const [label, make] of UNHASHABLE) {
  test(`${label}: the suggested hashFuncs entry is honoured, at top level and nested`, () => {
    let error: unknown;
    try {
      createKeyer({ functionName: "load", fn }).key([make()]);
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof UnhashableParamError, `expected UnhashableParamError, got ${String(error)}`);
    const suggested = /add a `hashFuncs` entry for `([^`]+)`/.exec(error.message)?.[1];
    assert.equal(suggested, error.typeName, "the message suggests the type it names");

    const seen: unknown[] = [];
    const keyer = createKeyer({ functionName: "load", fn, hashFuncs: new Map([[suggested!, (v: unknown) => (seen.push(v), "same")]]) });
    const a = make();
    assert.equal(keyer.key([a]), keyer.key([make()]), "both values hash by the entry's result");
    assert.equal(seen[0], a, "the entry received the value itself");
    assert.equal(keyer.key([{ nested: [a] }]), keyer.key([{ nested: [make()] }]), "at every depth");
  });
}

test("a generator entry does not apply to anything else", () => {
  const keyer = createKeyer({ functionName: "load", fn, hashFuncs: new Map([["Generator", () => "gen"]]) });
  assert.notEqual(keyer.key([{ a: 1 }]), keyer.key([{ a: 2 }]));
  assert.throws(() => keyer.key([new Map().keys()]), UnhashableParamError, "a Map Iterator is not a Generator");
});
