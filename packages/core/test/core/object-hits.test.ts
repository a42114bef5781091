/**
 * The options-object hit: a call with one plain-data object compares it with the last such hit's
 * steps (recent-keys.ts) and skips keying. It must behave exactly like keying the object afresh.
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { cacheResource, UnhashableParamError } from "../../src/index.js";

let seq = 0;
const unique = (label: string) => `object-hits-${label}-${++seq}`;

function counted() {
  let runs = 0;
  const fn = cacheResource((options: unknown) => ({ options: structuredClone(options), run: ++runs }), { name: unique("fn") });
  return { fn, runs: () => runs };
}

describe("options-object hits", () => {
  test("a rebuilt equal object hits; any difference in a value, a key, nesting or key count does not", () => {
    const { fn, runs } = counted();
    const make = () => ({ url: "postgres://db/app", size: 10, ssl: true, tags: ["a", "b"], retry: { times: 3, backoff: null } });
    const a = fn(make());
    for (let i = 0; i < 5; i++) assert.equal(fn(make()), a);
    const variants: unknown[] = [
      { ...make(), size: 11 },
      { ...make(), size: "10" },
      { ...make(), extra: undefined },
      { url: "postgres://db/app", size: 10, ssl: true, tags: ["a", "b"] },
      { ...make(), tags: ["a", "b", "c"] },
      { ...make(), tags: ["a"] },
      { ...make(), retry: { times: 3, backoff: undefined } },
      { ...make(), retry: { times: 3 } },
      [make()],
    ];
    const values = variants.map((v) => fn(v));
    for (const v of values) assert.notEqual(v, a);
    assert.equal(new Set(values).size, variants.length);
    assert.equal(fn(make()), a);
    assert.equal(runs(), 1 + variants.length);
  });

  test("key order does not change the key; NaN and -0 keep their key semantics", () => {
    const { fn, runs } = counted();
    const a = fn({ x: 1, y: NaN, z: -0 });
    assert.equal(fn({ x: 1, y: NaN, z: -0 }), a);
    assert.equal(fn({ x: 1, y: NaN, z: 0 }), a);
    assert.equal(fn({ z: 0, y: NaN, x: 1 }), a);
    assert.equal(fn({ x: 1, y: NaN, z: -0 }), a);
    assert.equal(runs(), 1);
  });

  test("an enumerable symbol key makes another key, even right after a hit on the same data without it", () => {
    const { fn } = counted();
    const tag = Symbol("tag");
    const plain = fn({ a: 1 });
    assert.equal(fn({ a: 1 }), plain);
    const tagged = fn({ a: 1, [tag]: 2 });
    assert.notEqual(tagged, plain);
    assert.equal(fn({ a: 1, [tag]: 2 }), tagged);
    assert.equal(fn({ a: 1 }), plain);
  });

  test("an inherited enumerable key on Object.prototype does not confuse the comparison", () => {
    const { fn } = counted();
    const a = fn({ a: 1 });
    assert.equal(fn({ a: 1 }), a);
    const proto = Object.prototype as Record<string, unknown>;
    proto.polluted = 1;
    try {
      assert.equal(fn({ a: 1 }), a);
      assert.notEqual(fn({ a: 1, polluted: 1 }), a);
    } finally {
      delete proto.polluted;
    }
    assert.equal(fn({ a: 1 }), a);
  });

  test("mutating the remembered object, and getters, are read at every call", () => {
    const { fn } = counted();
    const options = { size: 1 };
    const one = fn(options);
    assert.equal(fn(options), one);
    options.size = 2;
    const two = fn(options);
    assert.notEqual(two, one);
    let size = 1;
    const withGetter = { get size() { return size; } };
    assert.equal(fn(withGetter), one, "a getter is read: it gives 1");
    size = 2;
    assert.equal(fn(withGetter), two);
  });

  test("a throwing getter or proxy trap is reported by the keyer, and the last hit still works", () => {
    const { fn } = counted();
    const a = fn({ a: 1 });
    assert.equal(fn({ a: 1 }), a);
    const throwing = { get a(): number { throw new Error("boom"); } };
    assert.throws(() => fn(throwing), UnhashableParamError);
    const { proxy, revoke } = Proxy.revocable({ a: 1 }, {});
    revoke();
    assert.throws(() => fn(proxy), UnhashableParamError);
    assert.equal(fn({ a: 1 }), a);
  });

  test("a hit listener that keys other objects before the hit is remembered leaves every object its own value", () => {
    const { fn } = counted();
    const a = fn({ which: "a" });
    const b = fn({ which: "b" });
    let inside = false;
    const stop = cacheResource.events.subscribe((event) => {
      if (event.type !== "hit" || inside) return;
      inside = true;
      try {
        fn({ which: "b" });
      } finally {
        inside = false;
      }
    });
    try {
      assert.equal(fn({ which: "a" }), a); // the listener keys { which: "b" } during this hit
    } finally {
      stop();
    }
    for (let i = 0; i < 3; i++) {
      assert.equal(fn({ which: "b" }), b);
      assert.equal(fn({ which: "a" }), a);
    }
  });

  test("clear(options) and clear() are seen at once by the remembered hit", async () => {
    const { fn, runs } = counted();
    const a = fn({ a: 1 });
    assert.equal(fn({ a: 1 }), a);
    await fn.clear({ a: 1 });
    const a2 = fn({ a: 1 });
    assert.notEqual(a2, a);
    assert.equal(fn({ a: 1 }), a2);
    await fn.clear();
    assert.notEqual(fn({ a: 1 }), a2);
    assert.equal(runs(), 3);
  });
});
