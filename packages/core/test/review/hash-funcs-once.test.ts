/**
 * A `hashFuncs` entry runs once per argument per call: it may be expensive or have side effects
 * (Streamlit hashes each argument once per call). The one-argument fast path used to key a
 * primitive argument twice on a miss: once to look it up, again to store it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { cacheResource } from "../../src/index.js";
import { deferred, flush } from "../support/manual-clock.js";

let seq = 0;
const unique = (label: string) => `${label}-${++seq}`;

function counting() {
  const seen: unknown[] = [];
  const hashFuncs = new Map([["string", (s: string) => (seen.push(s), s)]]);
  return { seen, hashFuncs };
}

test("one string argument: a miss runs the hash function once, a hit once more", () => {
  const { seen, hashFuncs } = counting();
  const foo = cacheResource(function foo(s: string) { return { s }; }, { name: unique("once"), hashFuncs });
  const value = foo("ahoy");
  assert.deepEqual(seen, ["ahoy"], "the miss hashed its argument once");
  assert.equal(foo("ahoy"), value);
  assert.deepEqual(seen, ["ahoy", "ahoy"], "the hit hashed it once");
});

test("two arguments: each is hashed once per call", () => {
  const { seen, hashFuncs } = counting();
  const foo = cacheResource((a: string, b: string) => ({ a, b }), { name: unique("once-two"), hashFuncs });
  foo("a", "b");
  assert.deepEqual(seen, ["a", "b"]);
});

test("a hit that fails validate and recomputes hashes its argument once", () => {
  const { seen, hashFuncs } = counting();
  let ok = true;
  const foo = cacheResource((s: string) => ({ s }), { name: unique("once-validate"), hashFuncs, validate: () => ok });
  const first = foo("x");
  seen.length = 0;
  ok = false;
  assert.notEqual(foo("x"), first, "recomputed");
  assert.deepEqual(seen, ["x"], "one call, one hash");
});

test("an async computation cleared while running: the retry does not hash again", async () => {
  const { seen, hashFuncs } = counting();
  const gates = [deferred<void>(), deferred<void>()];
  let runs = 0;
  const foo = cacheResource(
    async (s: string) => {
      await gates[runs++]!.promise;
      return { s };
    },
    { name: unique("once-retry"), hashFuncs },
  );
  const call = foo("x");
  await flush();
  void foo.clear();
  gates[0]!.resolve();
  await flush();
  gates[1]!.resolve();
  await call;
  assert.equal(runs, 2, "the cleared computation was redone");
  assert.deepEqual(seen, ["x"], "the call hashed its argument once");
});

test("acquire hashes its argument once, like a call", async () => {
  const { seen, hashFuncs } = counting();
  const foo = cacheResource((s: string) => ({ s }), { name: unique("once-acquire"), hashFuncs });
  const lease = foo.acquire("x");
  assert.deepEqual(seen, ["x"], "a miss through acquire");
  lease.release();
  seen.length = 0;
  foo.acquire("x").release();
  assert.deepEqual(seen, ["x"], "a hit through acquire");
  const asyncFoo = cacheResource(async (s: string) => ({ s }), { name: unique("once-acquire-async"), hashFuncs });
  seen.length = 0;
  (await asyncFoo.acquire("y")).release();
  assert.deepEqual(seen, ["y"]);
});
