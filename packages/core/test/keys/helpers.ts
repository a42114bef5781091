/** Shared helpers for the key tests. */
import assert from "node:assert/strict";
import { createKeyer, type Keyer, type KeyerOptions, type ValueKey } from "../../src/keys/keyer.js";

/** SameValueZero: how a Map compares keys. */
export function sameValueZero(a: unknown, b: unknown): boolean {
  return a === b || (a !== a && b !== b);
}

// A generic two-parameter function: `a` and `b` are both hashed.
const generic = createKeyer({ functionName: "f", fn: function f(a: unknown, b?: unknown) { return [a, b]; } });

/** Key of `args` for a plain function with hashed parameters. */
export function keyOf(...args: unknown[]): ValueKey {
  return generic.key(args);
}

/** Keys of one value at top level, and nested inside an array (which always uses the encoder). */
function bothKeys(value: unknown): [ValueKey, ValueKey] {
  return [keyOf(value), keyOf([value])];
}

/** Asserts that `a` and `b` key the same, both alone and nested. */
export function assertSame(a: unknown, b: unknown, message?: string): void {
  const [a1, a2] = bothKeys(a);
  const [b1, b2] = bothKeys(b);
  assert.ok(sameValueZero(a1, b1), message ?? `expected equal keys: ${String(a1)} vs ${String(b1)}`);
  assert.ok(sameValueZero(a2, b2), message ?? `expected equal nested keys: ${String(a2)} vs ${String(b2)}`);
}

/** Asserts that `a` and `b` key differently, both alone and nested. */
export function assertDifferent(a: unknown, b: unknown, message?: string): void {
  const [a1, a2] = bothKeys(a);
  const [b1, b2] = bothKeys(b);
  assert.ok(!sameValueZero(a1, b1), message ?? `expected different keys, both ${String(a1)}`);
  assert.ok(!sameValueZero(a2, b2), message ?? `expected different nested keys, both ${String(a2)}`);
}

/** Asserts that all the values key pairwise differently. */
export function assertAllDifferent(values: readonly unknown[]): void {
  for (let i = 0; i < values.length; i++) {
    for (let j = i + 1; j < values.length; j++) assertDifferent(values[i], values[j], `values #${i} and #${j} share a key`);
  }
}

/** A keyer for `fn` with extra options. */
export function keyerFor(fn: (...args: any[]) => unknown, options: Partial<KeyerOptions> = {}): Keyer {
  return createKeyer({ functionName: fn.name || "anonymous", fn, ...options });
}
