/**
 * `hashFuncs`: user functions that turn a type's values into something hashable.
 *
 * Keys are constructors or type-name strings. For a value of class `C` the lookup tries the exact
 * constructor `C`, then the string `C.name` — a class re-created by a hot reload is a new
 * constructor with the same name, and only the name still matches. Strings `"string"`,
 * `"number"`, `"bigint"`, `"boolean"` and `"symbol"` match primitives. Exact class only: a
 * subclass of `C` does not use `C`'s entry (as in Streamlit). Generators and iterators have no
 * constructor of their own: their `Symbol.toStringTag` name (`"Generator"`, `"AsyncGenerator"`,
 * `"Map Iterator"`, `"Array Iterator"`…) selects them, the name their `UnhashableParamError` gives.
 */
import { InvalidOptionError } from "../errors.js";

/** A user's hash function. */
export type HashFunc = (value: any) => unknown;

/** The map users pass as the `hashFuncs` option. */
export type HashFuncs = ReadonlyMap<Function | string, HashFunc>;

/** Type names that select primitives rather than classes. */
export const PRIMITIVE_TYPE_NAMES = ["string", "number", "bigint", "boolean", "symbol"] as const;

const ACCEPTED =
  "a Map from a class (constructor) or a type name string (e.g. \"Person\", or \"string\" for primitives) " +
  "to a function returning a hashable value, e.g. new Map([[Person, (p) => p.id]])";

/** Validated `hashFuncs`, split for fast lookups. */
export class HashFuncTable {
  readonly #byConstructor = new Map<Function, HashFunc>();
  readonly #byName = new Map<string, HashFunc>();
  readonly #byPrimitive = new Map<string, HashFunc>();
  /** Whether any entry can match an object or function (else objects skip the lookup). */
  readonly hasClassEntries: boolean;
  /** Whether any entry matches primitives (then no primitive takes the no-encoding fast path). */
  readonly hasPrimitiveEntries: boolean;

  /** Validates `hashFuncs`; throws {@link InvalidOptionError} on a bad map, key or value. */
  constructor(hashFuncs: unknown) {
    if (!(hashFuncs instanceof Map)) {
      throw new InvalidOptionError("hashFuncs", hashFuncs, "it must be a Map", ACCEPTED);
    }
    for (const [key, fn] of hashFuncs) {
      if (typeof fn !== "function") {
        throw new InvalidOptionError("hashFuncs", hashFuncs, `the entry for ${describeKey(key)} is not a function`, ACCEPTED);
      }
      if (typeof key === "function") {
        this.#byConstructor.set(key, fn as HashFunc);
      } else if (typeof key === "string") {
        if (key === "") throw new InvalidOptionError("hashFuncs", hashFuncs, "a key is the empty string", ACCEPTED);
        if (key.includes(".")) {
          throw new InvalidOptionError(
            "hashFuncs", hashFuncs,
            `the key ${JSON.stringify(key)} looks module-qualified, but JavaScript classes are matched by their plain name`,
            ACCEPTED,
          );
        }
        if ((PRIMITIVE_TYPE_NAMES as readonly string[]).includes(key)) this.#byPrimitive.set(key, fn as HashFunc);
        else this.#byName.set(key, fn as HashFunc);
      } else {
        throw new InvalidOptionError("hashFuncs", hashFuncs, `the key ${describeKey(key)} is neither a class nor a string`, ACCEPTED);
      }
    }
    this.hasClassEntries = this.#byConstructor.size > 0 || this.#byName.size > 0;
    this.hasPrimitiveEntries = this.#byPrimitive.size > 0;
  }

  /** The entry for values whose constructor is `ctor`: exact constructor first, then its name. */
  forConstructor(ctor: unknown): HashFunc | undefined {
    if (typeof ctor !== "function") return undefined;
    const exact = this.#byConstructor.get(ctor);
    if (exact !== undefined) return exact;
    const name = (ctor as { name?: unknown }).name;
    return typeof name === "string" ? this.#byName.get(name) : undefined;
  }

  /**
   * The entry for a type name alone: for generators and iterators, which have no constructor of
   * their own, only a `Symbol.toStringTag` name (`"Generator"`, `"Map Iterator"`…).
   */
  forName(name: string): HashFunc | undefined {
    return this.#byName.get(name);
  }

  /** The entry for a primitive `typeof` name. */
  forPrimitive(type: string): HashFunc | undefined {
    return this.#byPrimitive.get(type);
  }
}

function describeKey(key: unknown): string {
  if (typeof key === "function") return `class ${(key as { name?: string }).name || "(anonymous)"}`;
  if (typeof key === "string") return JSON.stringify(key);
  return key === null ? "null" : typeof key === "object" ? "an object" : `${typeof key} ${String(key)}`;
}
