/**
 * The keyer: turns one call's arguments into a value key, usable directly as a `Map` key.
 *
 * Fast paths, in order (this runs on every call, hits included):
 * 1. nothing hashed (no arguments, all excluded, or all trailing `undefined`) → one constant symbol;
 * 2. exactly one hashed argument that is a number, boolean, bigint, symbol or null → the argument
 *    itself (SameValueZero already tells these apart, `NaN` included);
 * 3. exactly one hashed string of at most 1,024 characters not starting with `"\u0000"` → itself;
 * 4. anything else → the structural encoding, which always starts with `"\u0000"` (so it can never
 *    equal a key from 3), replaced by `"\u0000#"` + SHA-256 when longer than 1,024 characters;
 *    argument lists of primitives and flat plain objects get it from a memo of recent keys
 *    (recent-keys.ts) when they repeat one, without building the string again.
 */
import { InvalidOptionError } from "../errors.js";
import { digestKey } from "./digest.js";
import { encodeArguments, type EncodeContext } from "./encode.js";
import { HashFuncTable, type HashFuncs } from "./hash-funcs.js";
import { parameterNames } from "./param-names.js";
import { RecentKeys } from "./recent-keys.js";
import { IDENTITY_MARK } from "./identity.js";
import { sourceParameterNames, type CodeLocation } from "./source-names.js";

export { parameterNames, type ParameterNames } from "./param-names.js";
export type { HashFunc, HashFuncs } from "./hash-funcs.js";
export { MAX_DEPTH } from "./encode.js";
export { LARGE_BINARY_BYTES } from "./leaves.js";

/** A value key: equal keys (SameValueZero) mean structurally equal hashed arguments. */
export type ValueKey = string | number | boolean | bigint | symbol | null | undefined;

/** What {@link createKeyer} needs to know about the cached function. */
export interface KeyerOptions {
  /** Display name of the cached function, used in error messages. */
  readonly functionName: string;
  /** The user's function; parameter names are read from its source. */
  readonly fn: (...args: any[]) => unknown;
  /**
   * Minification-proof exclusion: argument positions (numbers) and/or parameter names (strings).
   * Parameters whose names start with `_` are excluded without being listed here.
   * @example [0, "conn"]
   */
  readonly exclude?: readonly (number | string)[];
  /** Per-type hash functions, keyed by constructor or type name. */
  readonly hashFuncs?: HashFuncs;
  /**
   * Where the function was wrapped, in the running code: when a transform renamed parameters,
   * their source names are read through its source map (see source-names.ts).
   */
  readonly wrappedAt?: CodeLocation;
}

/** Computes value keys for one cached function. */
export interface Keyer {
  /** Key of an argument list. Equal (SameValueZero, i.e. usable as a Map key) iff the hashed arguments are structurally equal. */
  key(args: readonly unknown[]): ValueKey;
  /** `key([arg])`, without building the array when the argument is its own key. */
  keyOne(arg: unknown): ValueKey;
  /**
   * True when a lone argument that {@link isOwnKey} accepts is its own key (`keyOne(arg) === arg`):
   * no `exclude` and no `hashFuncs` entry for primitives. The hit path then looks it up directly.
   */
  readonly ownKeys: boolean;
  /**
   * The steps of the arguments just keyed, when the recent-keys memo holds their key (see
   * recent-keys.ts `lastSteps`): arguments that match them have that key.
   */
  recentSteps(): readonly unknown[] | undefined;
  /** Parameter names by position (undefined for destructured/rest/unknown). */
  readonly paramNames: readonly (string | undefined)[];
  /**
   * Whether `key(args)` names the same arguments in another process running the same code: false
   * when a value is only known by its identity here (an unregistered symbol, a bound or native
   * function). Not on the hit path: encodes again, without the memo and the digest.
   */
  portable(args: readonly unknown[]): boolean;
}

/** The key of every call that hashes nothing (no argument can equal it: the encoder sees to it). */
export const NO_HASHED_ARGUMENTS: unique symbol = Symbol("cache-resource: no hashed arguments");

/**
 * What a key is made of, safe to report (the key itself may hold secrets): `"none"` when no
 * argument is hashed, `"primitive"` when one primitive argument is its own key, `"encoded"` for
 * the type-tagged encoding of the arguments (or its SHA-256 digest when long).
 */
export type KeyKind = "none" | "primitive" | "encoded";

/** The {@link KeyKind} of a key made by a keyer (encoded keys, and only they, start with U+0000). */
export function keyKind(key: ValueKey): KeyKind {
  if (key === NO_HASHED_ARGUMENTS) return "none";
  return typeof key === "string" && key.charCodeAt(0) === 0 ? "encoded" : "primitive";
}

/** Encoded keys longer than this are replaced by their SHA-256 digest. */
export const MAX_INLINE_KEY = 1024;

/** Highest argument position `exclude` accepts (engines cap argument counts near this anyway). */
const MAX_POSITION = 0xffff;

/** Single string arguments up to this length are their own key. */
const MAX_STRING_KEY = 1024;

/**
 * Whether a lone argument is its own key when the keyer's `ownKeys` is set: a number, boolean or
 * bigint, or a string of at most 1,024 characters that does not start with NUL (encoded keys do).
 * `null`, `undefined` and symbols are keyed by `keyOne`.
 */
export function isOwnKey(arg: unknown): boolean {
  switch (typeof arg) {
    case "string":
      return arg.length <= MAX_STRING_KEY && (arg.length === 0 || arg.charCodeAt(0) !== 0);
    case "number":
    case "boolean":
    case "bigint":
      return true;
    default:
      return false;
  }
}

const EXCLUDE_ACCEPTED =
  "an array of argument positions (integers from 0 to 65535) and/or parameter names of the function, e.g. [0, \"conn\"]";

/**
 * Creates the keyer of one cached function. Validates `exclude` and `hashFuncs` now and throws
 * {@link InvalidOptionError} for bad ones, so mistakes surface at decoration, not at first call.
 */
export function createKeyer(options: KeyerOptions): Keyer {
  const { functionName, fn } = options;
  const parsed = sourceParameterNames(parameterNames(fn), options.wrappedAt);
  const names = parsed.names;
  let excludedFrom = Number.POSITIVE_INFINITY;
  const excludedPositions = new Set<number>();
  names.forEach((name, i) => {
    if (name?.startsWith("_")) excludedPositions.add(i);
  });
  if (parsed.restIndex !== undefined && parsed.restName?.startsWith("_")) excludedFrom = parsed.restIndex;

  if (options.exclude !== undefined) {
    if (!Array.isArray(options.exclude)) {
      throw new InvalidOptionError("exclude", options.exclude, "it must be an array", EXCLUDE_ACCEPTED);
    }
    for (const entry of options.exclude as readonly unknown[]) {
      if (typeof entry === "number") {
        if (!Number.isInteger(entry) || entry < 0 || entry > MAX_POSITION) {
          throw new InvalidOptionError("exclude", options.exclude, `${entry} is not a valid argument position`, EXCLUDE_ACCEPTED);
        }
        excludedPositions.add(entry);
      } else if (typeof entry === "string") {
        if (entry !== "" && entry === parsed.restName) {
          excludedFrom = Math.min(excludedFrom, parsed.restIndex!);
          continue;
        }
        const position = names.indexOf(entry);
        if (position < 0) {
          const known = [...names, parsed.restName].filter((n): n is string => n !== undefined);
          throw new InvalidOptionError(
            "exclude", options.exclude,
            `${JSON.stringify(entry)} is not a parameter of \`${functionName}\` ` +
              (known.length > 0 ? `(its parameters are ${known.map((n) => `\`${n}\``).join(", ")})` : "(no parameter names could be read from its source)") +
              "; use an argument position instead if the code is minified",
            EXCLUDE_ACCEPTED,
          );
        }
        excludedPositions.add(position);
      } else {
        throw new InvalidOptionError("exclude", options.exclude, `${String(entry)} is neither a position nor a name`, EXCLUDE_ACCEPTED);
      }
    }
  }
  const hashFuncs = options.hashFuncs === undefined ? undefined : new HashFuncTable(options.hashFuncs);

  const size = Math.min(excludedFrom, Math.max(names.length, ...[...excludedPositions].map((p) => p + 1)));
  const excluded = new Uint8Array(Number.isFinite(size) ? size : 0);
  for (const p of excludedPositions) if (p < excluded.length) excluded[p] = 1;
  let firstHashed = 0;
  while (firstHashed < excluded.length && excluded[firstHashed] === 1) firstHashed++;
  if (firstHashed >= excludedFrom) firstHashed = -1;

  const paramNames = Object.freeze(names.slice());
  const context: EncodeContext = { functionName, paramNames, excluded, excludedFrom, hashFuncs };
  const primitivesAsKeys = hashFuncs === undefined || !hashFuncs.hasPrimitiveEntries;
  const anyExcluded = excludedPositions.size > 0 || Number.isFinite(excludedFrom);

  const single = (args: readonly unknown[], end: number): ValueKey => {
    const v = args[end - 1];
    if (primitivesAsKeys) {
      switch (typeof v) {
        case "number":
        case "boolean":
        case "bigint":
          return v;
        case "symbol":
          // Even our own constant, if it leaks out and comes back as an argument, is encoded.
          if (v !== NO_HASHED_ARGUMENTS) return v;
          break;
        case "string":
          if (v.length <= MAX_STRING_KEY && (v.length === 0 || v.charCodeAt(0) !== 0)) return v;
          break;
        case "object":
          if (v === null) return v;
      }
    }
    return encoded(args, end);
  };
  const encodeFully = (args: readonly unknown[], end: number): string => {
    const key = encodeArguments(args, end, context);
    return key.length > MAX_INLINE_KEY ? digestKey(key) : key;
  };
  // Options objects and several primitives repeat call after call: remember their keys (see
  // recent-keys.ts). Not with hashFuncs, whose results the memo cannot promise to be pure.
  const recent = hashFuncs === undefined ? new RecentKeys(excluded, excludedFrom) : undefined;
  const encoded =
    recent === undefined
      ? encodeFully
      : (args: readonly unknown[], end: number): string => recent.key(args, end, encodeFully);

  const key = anyExcluded
    ? (args: readonly unknown[]): ValueKey => {
        let end = args.length;
        while (end > 0 && (end - 1 >= excludedFrom || excluded[end - 1] === 1 || args[end - 1] === undefined)) end--;
        if (end === 0) return NO_HASHED_ARGUMENTS;
        return end - 1 === firstHashed ? single(args, end) : encoded(args, end);
      }
    : (args: readonly unknown[]): ValueKey => {
        let end = args.length;
        while (end > 0 && args[end - 1] === undefined) end--;
        if (end === 0) return NO_HASHED_ARGUMENTS;
        return end === 1 ? single(args, 1) : encoded(args, end);
      };

  // The hit path of a one-argument call: no array when a primitive argument is its own key.
  const ownKey = !anyExcluded && primitivesAsKeys;
  const keyOne = (arg: unknown): ValueKey => {
    if (ownKey) {
      switch (typeof arg) {
        case "number":
        case "boolean":
        case "bigint":
          return arg;
        case "string":
          if (arg.length <= MAX_STRING_KEY && (arg.length === 0 || arg.charCodeAt(0) !== 0)) return arg;
          break;
        case "undefined":
          return NO_HASHED_ARGUMENTS;
        case "object":
          if (arg === null) return arg;
      }
    }
    return key([arg]);
  };

  const portable = (args: readonly unknown[]): boolean => {
    const k = key(args);
    if (typeof k === "symbol") return k === NO_HASHED_ARGUMENTS || Symbol.keyFor(k) !== undefined;
    if (typeof k !== "string" || k.charCodeAt(0) !== 0) return true;
    let end = args.length;
    while (end > 0 && (end - 1 >= excludedFrom || excluded[end - 1] === 1 || args[end - 1] === undefined)) end--;
    return !encodeArguments(args, end, context).includes(IDENTITY_MARK);
  };

  const recentSteps = (): readonly unknown[] | undefined => recent?.lastSteps;

  return { key, keyOne, ownKeys: ownKey, recentSteps, paramNames, portable };
}
