/**
 * A small memo of recent keys for argument lists made of primitives and plain data: options
 * objects and arrays of primitives, nested a few levels (what resource factories take, rebuilt
 * on every call).
 *
 * Why: encoding such an object builds a fresh ~100-character string, and the store's `Map.get`
 * then has to flatten, hash and compare it — together several times the cost of the rest of a
 * hit. Here a call is read into a flat list of steps (each primitive; for an object, a marker,
 * its key/value pairs in `Object.keys` order and an end marker; for an array, a marker, its
 * length, its elements and an end marker) and compared with the step lists of the last few
 * calls; on a match the very same key string is returned, whose hash the engine has cached.
 *
 * Why it is exact: the structural encoding of such arguments is a function of exactly these
 * steps (a key order changes the steps, never the encoding, so at worst it costs a slot), and a
 * slot only stores the key the full encoder produced for the same steps. A list is only stored
 * when reading it ran no user code — no proxies, no getters, no symbol keys, no holes, no class
 * instances, primitives other than symbols — so what was read is what the encoder saw.
 *
 * Bounded: {@link SLOTS} lists of at most {@link MAX_STEPS} steps, strings of at most
 * {@link MAX_STRING} characters; nothing else is retained (no objects, only primitives).
 */
import { types } from "node:util";

/** How many recent argument lists are remembered (most recent first). */
const SLOTS = 8;
/** Longer argument lists are not remembered. */
const MAX_STEPS = 64;
/** Longer string values are not remembered (they would be kept alive, and compared in full). */
const MAX_STRING = 256;

/** Step markers around objects and arrays; private, so no value equals them. */
const OPEN: unique symbol = Symbol("object");
const ARRAY: unique symbol = Symbol("array");
const CLOSE: unique symbol = Symbol("end");
/** Deeper nesting is not remembered (a cycle ends up here too, and goes to the encoder). */
const MAX_DEPTH = 4;

const OBJECT_PROTO = Object.prototype;
const ARRAY_PROTO = Array.prototype;
const getPrototypeOf = Object.getPrototypeOf;
const getOwnPropertySymbols = Object.getOwnPropertySymbols;
const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;

interface Slot {
  readonly steps: readonly unknown[];
  readonly key: string;
}

/** The recent-keys memo of one keyer. */
export class RecentKeys {
  readonly #excluded: Uint8Array;
  readonly #excludedFrom: number;
  readonly #slots: Slot[] = [];
  /** The steps of the call being looked up (reused; `#length` of them are valid). */
  readonly #steps: unknown[] = [];
  #length = 0;
  /** A getter may call a cached function again while its own arguments are being read. */
  #busy = false;
  /**
   * The steps of the call just keyed, when its key came from or went into this memo (the most
   * recent slot); undefined when it did not. Callers may compare later arguments with them
   * ({@link matchesSteps}): equal steps mean the same key.
   */
  lastSteps: readonly unknown[] | undefined = undefined;

  constructor(excluded: Uint8Array, excludedFrom: number) {
    this.#excluded = excluded;
    this.#excludedFrom = excludedFrom;
  }

  /**
   * The key of `args[0..end)`: a remembered one, or `encode(args, end)` (remembered when the call
   * qualifies). Errors come from `encode` only: a call the memo cannot read (a throwing getter,
   * a revoked proxy) is left to the encoder, which reports it with its path.
   */
  key(args: readonly unknown[], end: number, encode: (args: readonly unknown[], end: number) => string): string {
    this.lastSteps = undefined;
    if (this.#busy) return encode(args, end);
    this.#busy = true;
    let readable = false;
    try {
      // Most calls repeat the last one: compare with its steps as the arguments are read, which
      // writes nothing and stops at the first difference.
      const last = this.#slots[0];
      if (last !== undefined && this.#matchArguments(args, end, last.steps)) {
        this.lastSteps = last.steps;
        return last.key;
      }
      readable = this.#read(args, end);
      if (readable) {
        const known = this.#find();
        if (known !== undefined) {
          this.lastSteps = this.#slots[0]!.steps; // found slots move to the front
          return known;
        }
      }
    } catch {
      readable = false;
    } finally {
      this.#busy = false;
    }
    if (!readable || !this.#qualifies(args, end)) return encode(args, end);
    // Qualified: encoding runs no user code, so it sees exactly the steps just read.
    const steps = this.#steps.slice(0, this.#length);
    const key = encode(args, end);
    if (this.#slots.length >= SLOTS) this.#slots.pop();
    this.#slots.unshift({ steps, key });
    this.lastSteps = steps;
    return key;
  }

  /** Whether the steps of `args[0..end)` are exactly `steps` (plain reads, as a lookup's). */
  #matchArguments(args: readonly unknown[], end: number, steps: readonly unknown[]): boolean {
    let n = 0;
    for (let i = 0; i < end; i++) {
      if (i >= this.#excludedFrom || this.#excluded[i] === 1) continue;
      n = matchValue(args[i], steps, n, 0);
      if (n < 0) return false;
    }
    return n === steps.length;
  }

  /** Reads the steps of a call into `#steps` with ordinary property reads; false when it never qualifies. */
  #read(args: readonly unknown[], end: number): boolean {
    return this.#readArguments(args, end, false);
  }

  /** The slot whose steps equal the current ones (SameValueZero), moved to the front. */
  #find(): string | undefined {
    const slots = this.#slots;
    const steps = this.#steps;
    const n = this.#length;
    for (let s = 0; s < slots.length; s++) {
      const slot = slots[s]!;
      const stored = slot.steps;
      if (stored.length !== n) continue;
      let j = 0;
      for (; j < n; j++) {
        const a = steps[j];
        const b = stored[j];
        if (a !== b && (a === a || b === b)) break; // equal, or both NaN
      }
      if (j < n) continue;
      if (s > 0) {
        slots.splice(s, 1);
        slots.unshift(slot);
      }
      return slot.key;
    }
    return undefined;
  }

  /**
   * Whether the call can be remembered: reads its steps again through property descriptors, so
   * no getter or proxy trap runs, and checks every value.
   */
  #qualifies(args: readonly unknown[], end: number): boolean {
    try {
      return this.#readArguments(args, end, true);
    } catch {
      return false; // e.g. a module namespace with a binding still in its temporal dead zone
    }
  }

  #readArguments(args: readonly unknown[], end: number, strict: boolean): boolean {
    let n = 0;
    for (let i = 0; i < end; i++) {
      if (i >= this.#excludedFrom || this.#excluded[i] === 1) continue;
      n = this.#readValue(args[i], n, 0, strict);
      if (n < 0) return false;
    }
    this.#length = n;
    return true;
  }

  /**
   * Appends the steps of `v` from position `n` and returns the new length, or -1 when `v` cannot
   * be remembered. `strict` (before storing): data properties only, no proxies, qualifying
   * primitives only. Otherwise (lookup): plain reads; anything unusual simply matches no slot.
   */
  #readValue(v: unknown, n: number, depth: number, strict: boolean): number {
    const steps = this.#steps;
    if (typeof v !== "object" || v === null) {
      if (n >= MAX_STEPS || (strict && !qualifyingValue(v))) return -1;
      steps[n] = v;
      return n + 1;
    }
    if (depth >= MAX_DEPTH || (strict && types.isProxy(v))) return -1;
    const proto: unknown = getPrototypeOf(v);
    if (proto === ARRAY_PROTO) {
      // `[`, length, elements, `]`; holes encode differently from `undefined`, so none allowed.
      const array = v as readonly unknown[];
      const length = array.length;
      if (n + length + 3 > MAX_STEPS) return -1;
      steps[n++] = ARRAY;
      steps[n++] = length;
      for (let i = 0; i < length; i++) {
        let item: unknown;
        if (strict) {
          const descriptor = getOwnPropertyDescriptor(array, i);
          if (descriptor === undefined || !("value" in descriptor)) return -1;
          item = descriptor.value;
        } else {
          item = array[i];
          if (item === undefined && !(i in array)) return -1;
        }
        n = this.#readChild(item, n, depth, strict);
        if (n < 0) return -1;
      }
    } else {
      if (proto !== OBJECT_PROTO && proto !== null) return -1;
      if (getOwnPropertySymbols(v).length > 0) return -1;
      const keys = Object.keys(v);
      if (n + 2 * keys.length + 2 > MAX_STEPS) return -1;
      steps[n++] = OPEN;
      for (let j = 0; j < keys.length; j++) {
        const key = keys[j]!;
        let value: unknown;
        if (strict) {
          const descriptor = getOwnPropertyDescriptor(v, key);
          if (descriptor === undefined || !("value" in descriptor)) return -1;
          value = descriptor.value;
        } else {
          value = (v as Record<string, unknown>)[key];
        }
        steps[n++] = key;
        n = this.#readChild(value, n, depth, strict);
        if (n < 0) return -1;
      }
    }
    if (n >= MAX_STEPS) return -1;
    steps[n] = CLOSE;
    return n + 1;
  }

  /** `#readValue` one level down, with primitives handled here: no recursive call for most values. */
  #readChild(v: unknown, n: number, depth: number, strict: boolean): number {
    if (typeof v === "object" && v !== null) return this.#readValue(v, n, depth + 1, strict);
    if (n >= MAX_STEPS || (strict && !qualifyingValue(v))) return -1;
    this.#steps[n] = v;
    return n + 1;
  }
}

/**
 * Whether one argument `v` reads as exactly `steps` (the {@link RecentKeys.lastSteps} of a call
 * with that one argument): then its key is that call's key. Never throws: a throwing getter or
 * proxy trap makes it false, and the caller keys the argument the long way, which reports it.
 */
export function matchesSteps(v: unknown, steps: readonly unknown[]): boolean {
  try {
    return matchValue(v, steps, 0, 0) === steps.length;
  } catch {
    return false;
  }
}

/**
 * Compares the steps `v` would be read as (`RecentKeys#readValue`, lookup mode) with `steps` from
 * position `n`; returns the position after them, or -1 at the first difference. Objects are
 * walked with `for…in`, which allocates nothing: for a plain object it visits the same keys in
 * the same order as `Object.keys`, plus any enumerable key inherited from `Object.prototype`,
 * which can only make a list longer than a stored one, never equal to it.
 */
function matchValue(v: unknown, steps: readonly unknown[], n: number, depth: number): number {
  if (typeof v !== "object" || v === null) {
    const stored = steps[n];
    return v === stored || (v !== v && stored !== stored) ? n + 1 : -1; // equal, or both NaN
  }
  if (depth >= MAX_DEPTH) return -1;
  const proto: unknown = getPrototypeOf(v);
  if (proto === ARRAY_PROTO) {
    const array = v as readonly unknown[];
    const length = array.length;
    if (steps[n] !== ARRAY || steps[n + 1] !== length) return -1;
    n += 2;
    for (let i = 0; i < length; i++) {
      const item = array[i];
      if (item === undefined && !(i in array)) return -1;
      n = matchValue(item, steps, n, depth + 1);
      if (n < 0) return -1;
    }
  } else {
    if ((proto !== OBJECT_PROTO && proto !== null) || steps[n] !== OPEN) return -1;
    n++;
    for (const key in v) {
      if (steps[n] !== key) return -1;
      n = matchValue((v as Record<string, unknown>)[key], steps, n + 1, depth + 1);
      if (n < 0) return -1;
    }
    if (getOwnPropertySymbols(v).length > 0) return -1;
  }
  return steps[n] === CLOSE ? n + 1 : -1;
}

/** Primitives other than symbols (whose keys involve identity tables), short strings only. */
function qualifyingValue(v: unknown): boolean {
  switch (typeof v) {
    case "string":
      return v.length <= MAX_STRING;
    case "number":
    case "boolean":
    case "bigint":
    case "undefined":
      return true;
    case "object":
      return v === null;
    default:
      return false;
  }
}
