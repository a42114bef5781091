import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InvalidOptionError } from "../../src/errors.js";
import { createKeyer } from "../../src/keys/keyer.js";
import { keyerFor, keyOf, sameValueZero } from "./helpers.js";

describe("fast paths", () => {
  it("every call that hashes nothing shares one constant key", () => {
    const none = keyOf();
    assert.equal(typeof none, "symbol");
    assert.equal(keyOf(undefined), none);
    assert.equal(keyOf(undefined, undefined), none);
    const k = keyerFor(function f(_a: unknown) {});
    assert.equal(k.key([{ anything: 1 }]), none);
  });

  it("the constant key passed back as an argument is not mistaken for no arguments", () => {
    const none = keyOf();
    assert.notEqual(keyOf(none), none);
  });

  it("a single primitive argument is its own key", () => {
    for (const v of [42, -1.5, true, false, 10n, null, Symbol("s"), Symbol.for("t"), "", "abc"]) {
      assert.ok(sameValueZero(keyOf(v), v), `expected ${String(v)} to be its own key`);
    }
    assert.ok(Number.isNaN(keyOf(NaN)));
  });

  it("a string that starts with \\u0000 or is longer than 1024 goes through the encoder", () => {
    const encoded = keyOf({ a: 1 }) as string;
    assert.ok(encoded.startsWith("\u0000"));
    assert.notEqual(keyOf(encoded), encoded, "a string equal to an encoded key must not collide with it");
    const long = "y".repeat(1025);
    assert.notEqual(keyOf(long), long);
    assert.equal(keyOf("y".repeat(1024)), "y".repeat(1024));
  });

  it("two arguments and an array of two differ", () => {
    assert.notEqual(keyOf(1, 2), keyOf([1, 2]));
    assert.notEqual(keyOf(1, 2), keyOf(1));
    assert.notEqual(keyOf(undefined, 1), keyOf(1));
  });
});

describe("excluding arguments", () => {
  it("skips parameters whose names start with _", () => {
    const k = keyerFor(function f(_conn: unknown, url: string) { return url; });
    assert.equal(k.key([{ socket: 1 }, "u"]), k.key([new WeakMap(), "u"]));
    assert.notEqual(k.key([1, "u"]), k.key([1, "v"]));
    assert.equal(k.key([9]), k.key([]));
  });

  it("keeps positions meaningful around an excluded parameter", () => {
    const k = keyerFor(function f(a: unknown, _b: unknown, c?: unknown) { return [a, c]; });
    assert.equal(k.key([1, "x", 2]), k.key([1, "y", 2]));
    assert.notEqual(k.key([1, "x", 2]), k.key([1, 2]));
    assert.notEqual(k.key([1, "x", 2]), k.key([2, "x", 1]));
    assert.equal(k.key([1, "x"]), k.key([1]));
    assert.equal(k.key([1, "x", undefined]), k.key([1]));
    assert.equal(k.key([1]), 1, "one hashed argument still takes the fast path");
  });

  it("an underscore rest parameter excludes every position from it on", () => {
    const k = keyerFor(function f(a: unknown, ..._rest: unknown[]) { return a; });
    assert.equal(k.key([1, 2, 3]), k.key([1]));
    const plain = keyerFor(function f(a: unknown, ...rest: unknown[]) { return [a, rest]; });
    assert.notEqual(plain.key([1, 2]), plain.key([1, 3]));
    assert.notEqual(plain.key([1, 2]), plain.key([1]));
  });

  it("positions past the declared parameters are hashed", () => {
    const k = keyerFor(function f(a: unknown) { return a; });
    assert.notEqual(k.key([1, 2]), k.key([1, 3]));
  });

  it("exclude by position survives minification", () => {
    const minified = new Function("a", "b", "return a") as (...args: unknown[]) => unknown;
    const k = createKeyer({ functionName: "connect", fn: minified, exclude: [0] });
    assert.equal(k.key([{ pool: 1 }, "u"]), k.key([{ pool: 2 }, "u"]));
    assert.equal(k.key([{ pool: 1 }, "u"]), "u");
  });

  it("exclude by name, including the rest parameter", () => {
    const k = keyerFor(function f(url: string, client: unknown, ...extras: unknown[]) { return [url, client, extras]; }, {
      exclude: ["client", "extras"],
    });
    assert.equal(k.key(["u", 1, 2, 3]), k.key(["u", 9]));
    assert.equal(k.key(["u", 1]), "u");
    assert.deepEqual(k.paramNames, ["url", "client", undefined]);
  });

  it("exclude positions past the declared parameters", () => {
    const k = keyerFor(function f(a: unknown) { return a; }, { exclude: [2] });
    assert.equal(k.key([1, 2, 3]), k.key([1, 2, 4]));
    assert.notEqual(k.key([1, 2, 3, 4]), k.key([1, 2, 3, 5]));
  });

  it("rejects bad exclude options at creation", () => {
    const fn = function f(a: unknown, b: unknown) { return [a, b]; };
    for (const exclude of [["c"], [-1], [1.5], [NaN], [Infinity], [{}], [null], "a", [1e9]] as unknown[]) {
      assert.throws(() => createKeyer({ functionName: "f", fn, exclude: exclude as number[] }), InvalidOptionError, String(exclude));
    }
    assert.throws(
      () => createKeyer({ functionName: "f", fn, exclude: ["c"] }),
      /"c" is not a parameter of `f` \(its parameters are `a`, `b`\)/,
    );
  });
});

describe("hashFuncs validation", () => {
  const fn = function f(a: unknown) { return a; };
  it("rejects bad maps, keys and values at creation", () => {
    const bad: unknown[] = [
      { Person: String },
      new Map([[1, String]]),
      new Map([["Person", "not a function"]]),
      new Map([["", String]]),
      new Map([["__main__.Person", String]]),
      new Map([[null, String]]),
    ];
    for (const hashFuncs of bad) {
      assert.throws(() => createKeyer({ functionName: "f", fn, hashFuncs: hashFuncs as never }), InvalidOptionError);
    }
  });

  it("accepts classes and type names", () => {
    class Person {}
    createKeyer({ functionName: "f", fn, hashFuncs: new Map<Function | string, (v: any) => unknown>([[Person, String], ["string", String]]) });
  });
});

describe("paramNames", () => {
  it("are exposed by position", () => {
    const k = keyerFor(({ a }: { a: number }, b: number, ...c: number[]) => [a, b, c]);
    assert.deepEqual(k.paramNames, [undefined, "b", undefined]);
  });
});
