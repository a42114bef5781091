/** `keyOne(arg)` (the one-argument hit path) must equal `key([arg])` in every configuration. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createKeyer } from "../../src/keys/keyer.js";
import { sameValueZero } from "./helpers.js";

const VALUES: unknown[] = [
  0, -0, 1, NaN, Infinity, 1n, true, false, null, undefined, "", "a", "\u0000x", "x".repeat(1025),
  Symbol.for("s"), Symbol("local"), { a: 1 }, [1], new Date(0), () => 1,
];

describe("keyOne", () => {
  const configurations = {
    plain: createKeyer({ functionName: "f", fn: function f(a: unknown) { return a; } }),
    "excluded first parameter": createKeyer({ functionName: "g", fn: function g(_a: unknown) { return _a; } }),
    "excluded by position": createKeyer({ functionName: "h", fn: function h(a: unknown) { return a; }, exclude: [0] }),
    "excluded later parameter": createKeyer({ functionName: "i", fn: function i(a: unknown, _b?: unknown) { return a; } }),
    "primitive hashFuncs": createKeyer({ functionName: "j", fn: function j(a: unknown) { return a; }, hashFuncs: new Map([["string", (s: string) => s.length]]) }),
  };
  for (const [name, keyer] of Object.entries(configurations)) {
    it(`equals key([arg]): ${name}`, () => {
      for (const value of VALUES) {
        assert.ok(sameValueZero(keyer.keyOne(value), keyer.key([value])), `${name}: ${String(value)}`);
      }
    });
  }
});
