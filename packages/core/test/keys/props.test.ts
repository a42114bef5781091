/**
 * Property test of the key contract, against an independent reference:
 * 1. a rebuilt deep copy of an argument list gets the same key;
 * 2. argument lists whose reference forms differ never share a key, and lists whose reference
 *    forms are equal always do.
 *
 * The reference form below is deliberately simple and slow (recursive, JSON-based), written
 * without looking at the encoder, and states the equality the docs promise. Runs:
 * `PROPS_RUNS` (default 20,000; `npm run test:props` uses 1,000,000).
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { it } from "node:test";
import fc from "fast-check";
import { createKeyer, type ValueKey } from "../../src/keys/keyer.js";

const RUNS = Number(process.env.PROPS_RUNS ?? 20000);

/** Unregistered symbols, two with the same description: identity is what counts. */
const SYMBOLS = [Symbol("s"), Symbol("s"), Symbol("t")];

class Point {
  constructor(
    public x: unknown,
    public y: unknown,
  ) {}
}

// ---------------------------------------------------------------------------------------------
// Reference form: a JSON tree with explicit type tags; containers compared by content.

function reference(value: unknown, ancestors: unknown[]): unknown {
  switch (typeof value) {
    case "undefined":
      return ["undefined"];
    case "boolean":
      return ["boolean", value];
    case "number":
      return ["number", Object.is(value, -0) ? "0" : String(value)];
    case "bigint":
      return ["bigint", value.toString()];
    case "string":
      return ["string", value];
    case "symbol": {
      const registered = Symbol.keyFor(value);
      return registered !== undefined ? ["symbol.for", registered] : ["symbol", SYMBOLS.indexOf(value)];
    }
    case "object":
      break;
    default:
      throw new Error(`unexpected ${typeof value}`);
  }
  if (value === null) return ["null"];
  const seen = ancestors.lastIndexOf(value);
  if (seen >= 0) return ["cycle", ancestors.length - seen];
  const inner = [...ancestors, value];
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    for (let i = 0; i < value.length; i++) items.push(i in value ? reference(value[i], inner) : ["hole"]);
    return ["array", items];
  }
  if (value instanceof Map) {
    const entries = [...value].map(([k, v]) => JSON.stringify([reference(k, inner), reference(v, inner)]));
    return ["map", entries.sort()];
  }
  if (value instanceof Set) {
    return ["set", [...value].map((v) => JSON.stringify(reference(v, inner))).sort()];
  }
  if (value instanceof Date) return ["date", String(value.getTime())];
  if (ArrayBuffer.isView(value)) {
    const kind = Buffer.isBuffer(value) ? "Buffer" : value.constructor.name;
    return ["bytes", kind, Array.from(new Uint8Array(value.buffer, value.byteOffset, value.byteLength))];
  }
  const tag = value instanceof Point ? "Point" : "object";
  const keys = Object.keys(value).sort();
  return [tag, keys.map((k) => [k, reference((value as Record<string, unknown>)[k], inner)])];
}

function referenceOfArgs(args: readonly unknown[]): string {
  let end = args.length;
  while (end > 0 && args[end - 1] === undefined) end--;
  const form = JSON.stringify(args.slice(0, end).map((a) => reference(a, [])));
  // Stored as a digest to keep a million entries in memory; SHA-256 adds no realistic collision.
  return createHash("sha256").update(form).digest("base64");
}

// ---------------------------------------------------------------------------------------------
// Deep copy that rebuilds every container (and keeps symbols, which compare by identity).

function rebuild(value: unknown, copies = new Map<object, unknown>()): unknown {
  if (typeof value !== "object" || value === null) return value;
  const done = copies.get(value);
  if (done !== undefined) return done;
  if (Array.isArray(value)) {
    const copy: unknown[] = new Array(value.length);
    copies.set(value, copy);
    for (let i = 0; i < value.length; i++) if (i in value) copy[i] = rebuild(value[i], copies);
    return copy;
  }
  if (value instanceof Map) {
    const copy = new Map();
    copies.set(value, copy);
    // Reverse insertion order too: order must not matter.
    for (const [k, v] of [...value].reverse()) copy.set(rebuild(k, copies), rebuild(v, copies));
    return copy;
  }
  if (value instanceof Set) {
    const copy = new Set();
    copies.set(value, copy);
    for (const v of [...value].reverse()) copy.add(rebuild(v, copies));
    return copy;
  }
  if (value instanceof Date) return new Date(value.getTime());
  if (Buffer.isBuffer(value)) return Buffer.from(value);
  if (ArrayBuffer.isView(value)) return (value as unknown as { slice(): unknown }).slice();
  const copy: Record<string, unknown> = value instanceof Point ? Object.create(Point.prototype) : {};
  copies.set(value, copy);
  for (const k of Object.keys(value).reverse()) copy[k] = rebuild((value as Record<string, unknown>)[k], copies);
  return copy;
}

// ---------------------------------------------------------------------------------------------
// Generators: nested data with the awkward cases (tag characters, NaN/-0, holes, cycles).

// Strings over the encoder's own tag alphabet are the ones most likely to fake a boundary.
const tagAlphabet = fc.constantFrom("s", "a", "b", "1", "2", ":", ";", "n", "^", "o", ",", "h", "u", "\u0000");

const oddString = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.string({ unit: tagAlphabet, maxLength: 5 }),
  fc.string({ unit: "binary", maxLength: 4 }),
  fc.constantFrom("", "\u0000", "s1:a", "^1;", "n1;", ",", ":", "\uD800", "\uDC00", "o1,0:", "a", "ab", "b"),
);

const leaf = fc.oneof(
  fc.integer({ min: -3, max: 3 }),
  fc.double(),
  fc.constantFrom(0, -0, NaN, Infinity, -Infinity, 1, "1", 1n, true, false, null, undefined),
  fc.bigInt({ min: -5n, max: 5n }),
  oddString,
  fc.boolean(),
  fc.constantFrom(...SYMBOLS, Symbol.for("s"), Symbol.for("t")),
  fc.date({ noInvalidDate: false }),
  fc.uint8Array({ maxLength: 3 }).map((a) => (a.length % 2 === 0 ? a : Buffer.from(a))),
  fc.int8Array({ maxLength: 3 }),
  fc.float32Array({ maxLength: 2 }),
);

const { value } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    fc.array(tie("value"), { maxLength: 4 }),
    fc.sparseArray(tie("value"), { maxLength: 4 }),
    fc.dictionary(oddString, tie("value"), { maxKeys: 4 }),
    fc.array(fc.tuple(tie("value"), tie("value")), { maxLength: 3 }).map((entries) => new Map(entries)),
    fc.array(tie("value"), { maxLength: 4 }).map((items) => new Set(items)),
    fc.tuple(tie("value"), tie("value")).map(([x, y]) => new Point(x, y)),
    tie("value").map((inner) => {
      const holder: Record<string, unknown> = { inner };
      holder.self = holder;
      return holder;
    }),
    // A chain of objects whose last link points back to one of the links: cycle shapes differ
    // only by where the back-reference lands.
    fc.tuple(fc.nat(3), fc.nat(3), tie("value")).map(([length, target, inner]) => {
      const links: Record<string, unknown>[] = [{ inner }];
      for (let i = 0; i < length; i++) links.push((links[i]!.next = {}) as Record<string, unknown>);
      links[length]!.next = links[Math.min(target, length)];
      return links[0];
    }),
    tie("value").map((inner) => {
      const holder: unknown[] = [inner];
      holder.push([holder]);
      return holder;
    }),
  ),
}));

// A tiny world: few distinct leaves and short containers, so that if two different lists could
// share an encoding, both are likely to be generated within one run.
const { small } = fc.letrec<{ small: unknown }>((tie) => ({
  small: fc.oneof(
    { depthSize: "small" },
    fc.constantFrom(0, 1, -0, NaN, 1n, true, null, undefined, "", "s", "a", "1", ":", "s1:a", "as", "sa", "a1"),
    fc.string({ unit: fc.constantFrom("s", "a", "1", ":", ";"), maxLength: 3 }),
    fc.array(tie("small"), { maxLength: 2 }),
    fc.sparseArray(tie("small"), { maxLength: 2 }),
    fc.dictionary(fc.constantFrom("a", "b", "s", "1", ""), tie("small"), { maxKeys: 2 }),
    fc.array(fc.tuple(tie("small"), tie("small")), { maxLength: 2 }).map((entries) => new Map(entries)),
    fc.array(tie("small"), { maxLength: 2 }).map((items) => new Set(items)),
  ),
}));

const argumentLists = fc.oneof(fc.array(value, { maxLength: 3 }), fc.array(small, { maxLength: 3 }));

it(`keys match an independent reference form (${RUNS} argument lists)`, () => {
  const keyer = createKeyer({ functionName: "f", fn: function f(a: unknown, b: unknown, c: unknown) { return [a, b, c]; } });
  const referenceByKey = new Map<ValueKey, string>();
  const keyByReference = new Map<string, ValueKey>();
  let collisions = 0;
  const started = process.hrtime.bigint();
  fc.assert(
    fc.property(argumentLists, (args) => {
      const key = keyer.key(args);
      const copyKey = keyer.key(rebuild(args) as unknown[]);
      assert.ok(key === copyKey || (key !== key && copyKey !== copyKey), "a rebuilt copy must key the same");
      const form = referenceOfArgs(args);
      const known = referenceByKey.get(key);
      if (known !== undefined && known !== form) {
        collisions++;
        assert.fail(`two different argument lists share the key ${JSON.stringify(String(key))}`);
      }
      referenceByKey.set(key, form);
      const knownKey = keyByReference.get(form);
      if (knownKey !== undefined) {
        assert.ok(knownKey === key || (knownKey !== knownKey && key !== key), "equal argument lists must share a key");
      }
      keyByReference.set(form, key);
    }),
    { numRuns: RUNS },
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (RUNS >= 100_000) {
    console.log(`props: ${RUNS} argument lists, ${referenceByKey.size} distinct keys, ${collisions} collisions, ${seconds.toFixed(1)} s`);
  }
  assert.equal(collisions, 0);
});
