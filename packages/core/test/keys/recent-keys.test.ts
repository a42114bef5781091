/**
 * The memo of recent keys must never change a key: every call gets exactly what the full
 * encoder gives (checked against a keyer whose memo is off, which an empty `hashFuncs` does).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { UnhashableParamError } from "../../src/errors.js";
import { createKeyer, type Keyer } from "../../src/keys/keyer.js";
import { sameValueZero } from "./helpers.js";

function pair(fn: (...args: any[]) => unknown, exclude?: (number | string)[]): { memo: Keyer; full: Keyer } {
  const base = { functionName: "f", fn, ...(exclude !== undefined && { exclude }) };
  return { memo: createKeyer(base), full: createKeyer({ ...base, hashFuncs: new Map() }) };
}

const generic = pair(function f(a: unknown, b?: unknown, c?: unknown) {
  return [a, b, c];
});

function assertSameKeys(keyers: { memo: Keyer; full: Keyer }, args: unknown[], message?: string): void {
  const expected = keyers.full.key(args);
  // Twice: the second call is served by the memo.
  for (let i = 0; i < 2; i++) {
    const actual = keyers.memo.key(args);
    assert.ok(sameValueZero(actual, expected), message ?? `key differs from the encoder's for ${String(expected)}`);
  }
}

describe("recent keys", () => {
  it("returns the very same key string for a rebuilt options object", () => {
    const make = () => ({ url: "postgres://db.internal:5432/app", poolSize: 10, ssl: true, timeoutMs: 5000, region: "eu-west-1" });
    const first = generic.memo.key([make()]);
    assert.equal(generic.memo.key([make()]), first);
    assert.equal(first, generic.full.key([make()]));
  });

  it("key order, NaN, -0, undefined and bigint keep the encoder's semantics", () => {
    const cases: unknown[][] = [
      [{ a: 1, b: 2 }],
      [{ b: 2, a: 1 }],
      [{ a: NaN }],
      [{ a: -0 }],
      [{ a: 0 }],
      [{ a: undefined }],
      [{}],
      [{ a: 1n }],
      [{ a: "1" }],
      [{ a: null }],
      [1, 2],
      ["1", 2],
      [undefined, 1],
      [NaN, NaN],
      [{ a: 1 }, "x"],
      ["x", { a: 1 }],
      [{ a: 1 }, { b: 2 }],
      [{ a: 1, b: 2 }, {}],
      [Object.assign(Object.create(null), { a: 1 })],
    ];
    for (const args of cases) assertSameKeys(generic, args);
    // Everything at once, interleaved, after the memo is full of other calls.
    for (let round = 0; round < 3; round++) for (const args of cases) assertSameKeys(generic, args);
    assert.equal(generic.memo.key([{ a: 1, b: 2 }]), generic.memo.key([{ b: 2, a: 1 }]));
    assert.notEqual(generic.memo.key([{ a: 1 }, "x"]), generic.memo.key(["x", { a: 1 }]));
  });

  it("excluded positions are skipped as the encoder skips them", () => {
    const keyers = pair(function g(a: unknown, _b: unknown, c?: unknown) {
      return [a, c];
    });
    assertSameKeys(keyers, [1, "x", 2]);
    assertSameKeys(keyers, [1, "y", 2]);
    assertSameKeys(keyers, [{ a: 1 }, { big: "y" }, 2]);
    assert.equal(keyers.memo.key([1, "x", 2]), keyers.memo.key([1, "y", 2]));
    assert.notEqual(keyers.memo.key([1, "x", 2]), keyers.memo.key([1, 2]));
  });

  it("a getter is read on every call, and never lets the memo keep a stale key", () => {
    let n = 0;
    const withGetter = () => ({
      get tick() {
        return ++n;
      },
    });
    const keys = new Set([generic.memo.key([withGetter()]), generic.memo.key([withGetter()]), generic.memo.key([withGetter()])]);
    assert.equal(keys.size, 3);
    // A data property with the value a getter returned shares its key.
    n = 0;
    assert.equal(generic.memo.key([withGetter()]), generic.memo.key([{ tick: 2 }]));
  });

  it("a throwing getter still raises UnhashableParamError with its path", () => {
    const bad = {
      get broken(): number {
        throw new Error("boom");
      },
    };
    for (let i = 0; i < 2; i++) {
      assert.throws(() => generic.memo.key([bad]), (error: unknown) => error instanceof UnhashableParamError && /broken/.test(error.message));
    }
  });

  it("a mutated object gets its new key", () => {
    const options: Record<string, unknown> = { size: 1 };
    const before = generic.memo.key([options]);
    options["size"] = 2;
    assert.notEqual(generic.memo.key([options]), before);
    options["extra"] = true;
    assertSameKeys(generic, [options]);
    options[Symbol.for("tag") as unknown as string] = 1;
    assertSameKeys(generic, [options]);
  });

  it("nested plain objects and arrays are remembered with the encoder's semantics", () => {
    const make = () => ({ url: "postgres://db", tags: ["a", "b"], ssl: { reject: false, ca: null }, ports: [5432, [1, 2]] });
    const first = generic.memo.key([make()]);
    assert.equal(generic.memo.key([make()]), first);
    assert.equal(first, generic.full.key([make()]));
    const cases: unknown[][] = [
      [[1, 2]],
      [[2, 1]],
      [[]],
      [[undefined]],
      [[, 1]], // a hole: not `undefined`
      [[1, undefined, 2]],
      [[1, , 2]],
      [{ a: [] }],
      [{ a: {} }],
      [{ a: [{ b: 1 }] }],
      [[{ b: 1 }], { a: 1 }],
      [{ a: { b: { c: { d: { e: 1 } } } } }], // deeper than the memo goes
      [Object.assign([1, 2], { extra: true })],
    ];
    for (let round = 0; round < 2; round++) for (const args of cases) assertSameKeys(generic, args);
    assert.notEqual(generic.memo.key([[undefined]]), generic.memo.key([[,]]));
    assert.notEqual(generic.memo.key([{ a: [1, 2] }]), generic.memo.key([{ a: [[1, 2]] }]));
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic["self"] = cyclic;
    assertSameKeys(generic, [cyclic]);
    const getterInArray = [1];
    Object.defineProperty(getterInArray, 0, { get: () => 1, enumerable: true });
    assertSameKeys(generic, [getterInArray]);
  });

  it("proxies, class instances, symbols and long strings go to the encoder", () => {
    class Config {
      constructor(readonly a: number) {}
    }
    const cases: unknown[][] = [
      [new Proxy({ a: 1 }, {})],
      [{ a: new Proxy([1], {}) }],
      [[new Config(1)]],
      [new Config(1)],
      [{ a: Symbol.for("s") }],
      [Symbol.for("s"), 1],
      [{ a: "x".repeat(300) }],
      [{ a: () => 1 }],
      [new Date(0), 1],
    ];
    for (const args of cases) assertSameKeys(generic, args);
  });

  it("a getter that calls back into the keyer does not corrupt the outer key", () => {
    const inner = { get nested() {
      return String(generic.memo.key([{ z: 1 }, 2]));
    } };
    assertSameKeys(generic, [inner, 1]);
  });

  it("matches the encoder on random argument lists of primitives, objects and arrays", () => {
    const primitive = fc.oneof(
      fc.integer({ min: -2, max: 2 }),
      fc.constantFrom(0, -0, NaN, Infinity, 1n, true, false, null, undefined, "", "1", "a", "\u0000", "s1:a", "n1;"),
      fc.string({ maxLength: 4 }),
    );
    const { argument } = fc.letrec<{ argument: unknown }>((tie) => ({
      argument: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        primitive,
        fc.dictionary(fc.constantFrom("a", "b", "c", "1", "0", "__proto__x", "s1:a"), tie("argument"), { maxKeys: 3 }),
        fc.array(tie("argument"), { maxLength: 3 }),
        fc.sparseArray(primitive, { maxLength: 3 }),
      ),
    }));
    const pool: unknown[][] = [];
    fc.assert(
      fc.property(fc.array(argument, { maxLength: 3 }), fc.nat(), (args, pick) => {
        pool.push(args);
        // Revisit an earlier list half of the time, so the memo is exercised.
        const chosen = pick % 2 === 0 ? pool[pick % pool.length]! : args;
        const expected = generic.full.key(chosen);
        assert.ok(sameValueZero(generic.memo.key(chosen), expected));
        assert.ok(sameValueZero(generic.memo.key(structuredClone(chosen)), expected));
      }),
      { numRuns: 2000 },
    );
  });
});
