/**
 * A small memo of recent keys for argument lists made of primitives and flat plain objects (the
 * options objects resource factories take, rebuilt on every call).
 *
 * Why: encoding such an object builds a fresh ~100-character string, and the store's `Map.get`
 * then has to flatten, hash and compare it — together several times the cost of the rest of a
 * hit. Here a call is read into a flat list of steps (each primitive argument; for an object, a
 * marker, its key/value pairs in `Object.keys` order, and an end marker) and compared with the
 * step lists of the last few calls; on a match the very same key string is returned, whose hash
 * the engine has already cached.
 *
 * Why it is exact: the structural encoding of such arguments is a function of exactly these
 * steps (a key order changes the steps, never the encoding, so at worst it costs a slot), and a
 * slot only stores the key the full encoder produced for the same steps. A list is only stored
 * when reading it ran no user code — no proxies, no getters, no symbol keys, values that are
 * primitives other than symbols — so what was read is what the encoder saw.
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

/** Step markers around an object argument's key/value pairs; private, so no value equals them. */
const OPEN: unique symbol = Symbol("object");
const CLOSE: unique symbol = Symbol("end of object");

const OBJECT_PROTO = Object.prototype;
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
    if (this.#busy) return encode(args, end);
    this.#busy = true;
    let readable = false;
    try {
      readable = this.#read(args, end);
      if (readable) {
        const known = this.#find();
        if (known !== undefined) return known;
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
    return key;
  }

  /** Reads the steps of a call into `#steps`; false when it has anything that never qualifies. */
  #read(args: readonly unknown[], end: number): boolean {
    const steps = this.#steps;
    let n = 0;
    for (let i = 0; i < end; i++) {
      if (i >= this.#excludedFrom || this.#excluded[i] === 1) continue;
      const v = args[i];
      if (typeof v === "object" && v !== null) {
        const proto: unknown = getPrototypeOf(v);
        if (proto !== OBJECT_PROTO && proto !== null) return false;
        const keys = Object.keys(v);
        if (n + 2 * keys.length + 2 > MAX_STEPS) return false;
        steps[n++] = OPEN;
        for (let j = 0; j < keys.length; j++) {
          const key = keys[j]!;
          steps[n++] = key;
          steps[n++] = (v as Record<string, unknown>)[key];
        }
        steps[n++] = CLOSE;
        if (getOwnPropertySymbols(v).length > 0) return false;
      } else {
        if (n >= MAX_STEPS) return false;
        steps[n++] = v;
      }
    }
    this.#length = n;
    return true;
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
   * Whether the call can be remembered: reads its steps (like `#read`) through property
   * descriptors, so no getter or proxy trap runs, and checks every value.
   */
  #qualifies(args: readonly unknown[], end: number): boolean {
    try {
      return this.#readDescriptors(args, end);
    } catch {
      return false; // e.g. a module namespace with a binding still in its temporal dead zone
    }
  }

  #readDescriptors(args: readonly unknown[], end: number): boolean {
    const steps = this.#steps;
    let n = 0;
    for (let i = 0; i < end; i++) {
      if (i >= this.#excludedFrom || this.#excluded[i] === 1) continue;
      const v = args[i];
      if (typeof v === "object" && v !== null) {
        if (types.isProxy(v)) return false;
        const proto: unknown = getPrototypeOf(v);
        if (proto !== OBJECT_PROTO && proto !== null) return false;
        if (getOwnPropertySymbols(v).length > 0) return false;
        const keys = Object.keys(v);
        if (n + 2 * keys.length + 2 > MAX_STEPS) return false;
        steps[n++] = OPEN;
        for (let j = 0; j < keys.length; j++) {
          const key = keys[j]!;
          const descriptor = getOwnPropertyDescriptor(v, key);
          if (descriptor === undefined || !("value" in descriptor) || !qualifyingValue(descriptor.value)) return false;
          steps[n++] = key;
          steps[n++] = descriptor.value;
        }
        steps[n++] = CLOSE;
      } else {
        if (n >= MAX_STEPS || !qualifyingValue(v)) return false;
        steps[n++] = v;
      }
    }
    this.#length = n;
    return true;
  }
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
