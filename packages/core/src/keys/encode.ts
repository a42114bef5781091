/**
 * The structural encoder: turns the hashed arguments of one call into a string that is equal for
 * equal arguments and different for different ones.
 *
 * Implementation notes
 * - Iterative, with an explicit stack of frames, so the nesting bound ({@link MAX_DEPTH}) does not
 *   depend on how much of the call stack the caller has used, and 100,000 levels of nesting give
 *   an `UnhashableParamError`, never a `RangeError`.
 * - One output string for the whole key; only Map and Set frames divert output into per-entry
 *   strings, which they sort (contents count, insertion order does not).
 * - A cycle is a back-reference `^<k>;` to the ancestor k levels up — relative, so an entry's
 *   encoding does not depend on where it sits and sorting Map/Set entries stays sound. Shared,
 *   non-cyclic references are encoded by value, as if copied.
 * - Errors are built where they happen, while the frames still say where we are; no try/catch
 *   cost on the success path beyond one block around the loop.
 * - Encoders are pooled: a getter or a hash function may itself call a cached function, so the
 *   encoder must be re-entrant, but the common case reuses one set of frames.
 */
import { CacheResourceError, HashFuncError, UnhashableParamError } from "../errors.js";
import type { HashFuncTable } from "./hash-funcs.js";
import * as K from "./kinds.js";
import * as L from "./leaves.js";
import { F_ARRAY, F_HASH, F_MAP, F_OBJECT, F_ROOT, F_SET, Frame, childSegment } from "./frame.js";
import { describeThrown, errorExtraKeys, sortKeys } from "./helpers.js";
import * as P from "./path.js";
import { functionToken, stringToken, symbolToken } from "./tokens.js";

/** Nesting deeper than this many levels is refused (`UnhashableParamError`). */
export const MAX_DEPTH = 10_000;

/** What the keyer tells the encoder about the cached function. */
export interface EncodeContext {
  readonly functionName: string;
  /** Parameter names by position, for error messages. */
  readonly paramNames: readonly (string | undefined)[];
  /** `excluded[i] === 1`: position `i` is left out of the key. */
  readonly excluded: Uint8Array;
  /** Positions from here on are all excluded (an excluded rest parameter). */
  readonly excludedFrom: number;
  readonly hashFuncs: HashFuncTable | undefined;
}

/** Frames up to this depth are searched linearly for cycles; deeper ones sit in a Map. */
const NEAR = 32;

const OBJECT_PROTO = Object.prototype;
const ARRAY_PROTO = Array.prototype;
const propertyIsEnumerable = Object.prototype.propertyIsEnumerable;

class Encoder {
  readonly frames: Frame[] = [];
  top = -1;
  out = "";
  ctx!: EncodeContext;
  /** Ancestors at depth ≥ NEAR, by value (created on first use). */
  far: Map<unknown, number> | undefined = undefined;
  /** The value being classified, or, while `reading`, the container being read. */
  current: unknown = undefined;
  reading = false;

  run(args: readonly unknown[], end: number, ctx: EncodeContext): string {
    this.ctx = ctx;
    this.out = "\u0000";
    this.top = -1;
    this.reading = false;
    this.push(F_ROOT, undefined, end).items = args;
    try {
      this.loop();
      return this.out;
    } catch (error) {
      throw this.wrap(error);
    } finally {
      // Popped frames are already cleared; after an error, drop what is left so a pooled
      // encoder keeps no user value alive.
      for (let i = 0; i <= this.top; i++) this.frames[i]!.clear();
      this.far?.clear();
      this.current = undefined;
      this.out = "";
    }
  }

  push(kind: number, value: unknown, end: number): Frame {
    const depth = ++this.top;
    if (depth > MAX_DEPTH) {
      this.top--;
      throw this.unhashable(`it is nested deeper than ${MAX_DEPTH} levels`, P.typeNameOf(value));
    }
    let frame = this.frames[depth];
    if (frame === undefined) this.frames.push((frame = new Frame()));
    if (depth >= NEAR && typeof value === "object" && value !== null) (this.far ??= new Map()).set(value, depth);
    return frame.reset(kind, value, end);
  }

  loop(): void {
    const frames = this.frames;
    for (;;) {
      const f = frames[this.top]!;
      if (f.index >= f.end) {
        if (this.pop(f)) return;
        continue;
      }
      const i = f.index++;
      let child: unknown;
      let suppress: Function | undefined;
      switch (f.kind) {
        case F_ROOT:
          if (i >= this.ctx.excludedFrom || this.ctx.excluded[i] === 1) continue;
          child = f.items![i];
          break;
        case F_ARRAY: {
          const array = f.value as unknown[];
          this.reading = true;
          this.current = array;
          child = array[i];
          if (child === undefined && !(i in array)) {
            // Jump to the next element instead of probing every index: a sparse array's cost
            // follows its elements, not its length (`new Array(2 ** 32 - 1)` is a few bytes).
            const present = (f.present ??= presentIndices(array));
            const j = Math.min(nextAbove(present, i), f.end);
            this.out += "h" + (j - i) + ";"; // a run of holes: `[ , ]` ≠ `[undefined]`
            f.index = j;
            this.reading = false;
            continue;
          }
          this.reading = false;
          break;
        }
        case F_OBJECT: {
          const key = f.keys![i]!;
          this.out += i < f.stringKeys ? stringToken(key as string) : symbolToken(key as symbol);
          this.reading = true;
          this.current = f.value;
          child = (f.value as Record<string | symbol, unknown>)[key];
          this.reading = false;
          break;
        }
        case F_MAP:
          if (i > 0 && (i & 1) === 0) this.nextPart(f);
          child = f.items![i];
          break;
        case F_SET:
          if (i > 0) this.nextPart(f);
          child = f.items![i];
          break;
        default: // F_HASH: the hash function's result, encoded without re-applying it
          child = f.items![0];
          suppress = f.hashFn;
      }
      this.value(child, suppress);
    }
  }

  /** Finishes the top frame; returns true when the root is done. */
  pop(f: Frame): boolean {
    if (f.kind === F_MAP || f.kind === F_SET) {
      const parts = f.parts!;
      parts.push(this.out);
      parts.sort();
      this.out = f.saved + parts.join("");
    }
    if (this.top >= NEAR) this.far?.delete(f.value);
    f.clear();
    return --this.top < 0;
  }

  nextPart(f: Frame): void {
    f.parts!.push(this.out);
    this.out = "";
  }

  value(v: unknown, suppress: Function | undefined): void {
    this.current = v;
    const hashFuncs = this.ctx.hashFuncs;
    if (hashFuncs !== undefined && v !== null && v !== undefined && this.applyHashFunc(hashFuncs, v, suppress)) return;
    switch (typeof v) {
      case "string":
        this.out += "s" + v.length + ":" + v;
        return;
      case "number":
        this.out += "n" + v + ";"; // String(-0) is "0": SameValueZero, like Map keys
        return;
      case "boolean":
        this.out += v ? "t" : "f";
        return;
      case "undefined":
        this.out += "u";
        return;
      case "bigint":
        this.out += "i" + v + ";";
        return;
      case "symbol":
        this.out += symbolToken(v);
        return;
      case "function":
        this.out += functionToken(v);
        return;
      default:
        if (v === null) this.out += "l";
        else this.object(v as object);
    }
  }

  /** Depth of `v` among the ancestors, or -1. */
  ancestor(v: object): number {
    const frames = this.frames;
    for (let j = Math.min(this.top, NEAR - 1); j >= 1; j--) if (frames[j]!.value === v) return j;
    if (this.top >= NEAR) return this.far?.get(v) ?? -1;
    return -1;
  }

  object(v: object): void {
    const back = this.ancestor(v);
    if (back >= 0) {
      this.out += "^" + (this.top + 1 - back) + ";";
      return;
    }
    const proto = Object.getPrototypeOf(v) as object | null;
    if (proto === OBJECT_PROTO || proto === null) {
      this.plainObject(v, "o", undefined);
      return;
    }
    if (proto === ARRAY_PROTO) return this.array(v as unknown[], "");
    const info = K.protoInfo(proto);
    switch (info.kind) {
      case K.KIND_PLAIN:
        this.plainObject(v, "o", undefined);
        return;
      case K.KIND_ARRAY:
        return this.array(v as unknown[], info.prefix);
      case K.KIND_MAP:
        return this.collection(v, info.prefix, true);
      case K.KIND_SET:
        return this.collection(v, info.prefix, false);
      case K.KIND_DATE:
        this.out += info.prefix + L.dateToken(v);
        return;
      case K.KIND_REGEXP:
        this.out += info.prefix + L.regexpToken(v);
        return;
      case K.KIND_URL:
        this.out += info.prefix + L.urlToken(v);
        return;
      case K.KIND_SEARCH_PARAMS:
        this.out += info.prefix + L.searchParamsToken(v);
        return;
      case K.KIND_BOXED:
        this.out += info.prefix + L.boxedToken(v, info.base);
        return;
      case K.KIND_TYPED:
        this.out += info.prefix + "T" + stringToken(info.base) + L.typedArrayBytes(v);
        return;
      case K.KIND_ARRAY_BUFFER:
        this.out += info.prefix + "A" + L.arrayBufferBytes(v);
        return;
      case K.KIND_SHARED_BUFFER:
        this.out += info.prefix + "G" + L.sharedBufferBytes(v);
        return;
      case K.KIND_DATA_VIEW:
        this.out += info.prefix + "V" + L.dataViewBytes(v);
        return;
      case K.KIND_ERROR:
        this.plainObject(v, info.prefix + "E" + stringToken(info.base), errorExtraKeys(v));
        return;
      case K.KIND_CLASS:
        // An array from another realm has a foreign Array.prototype.
        if (Array.isArray(v)) return this.array(v, "K" + info.prefix);
        return this.instance(v, info);
      default:
        throw this.unhashable(info.unhashableReason, info.typeName);
    }
  }

  array(v: unknown[], prefix: string): void {
    const length = v.length;
    this.out += prefix + "a" + length + ":";
    if (length > 0) this.push(F_ARRAY, v, length);
  }

  /**
   * `<header><n string keys>,<n symbol keys>:` then key/value pairs in sorted key order. Own
   * enumerable keys only; symbol keys are sorted by their tokens (symbols compare by identity).
   */
  plainObject(v: object, header: string, extraKeys: readonly string[] | undefined): number {
    let keys: (string | symbol)[] = Object.keys(v);
    if (extraKeys !== undefined) keys = [...new Set([...(keys as string[]), ...extraKeys])];
    if (keys.length > 1) sortKeys(keys as string[]);
    const stringKeys = keys.length;
    const symbols = Object.getOwnPropertySymbols(v);
    let symbolCount = 0;
    if (symbols.length > 0) {
      const enumerable = symbols.filter((s) => propertyIsEnumerable.call(v, s));
      symbolCount = enumerable.length;
      if (symbolCount > 0) {
        const tokens = new Map(enumerable.map((s) => [s, symbolToken(s)]));
        enumerable.sort((a, b) => (tokens.get(a)! < tokens.get(b)! ? -1 : 1));
        keys = keys.concat(enumerable);
      }
    }
    this.out += header + stringKeys + "," + symbolCount + ":";
    const total = stringKeys + symbolCount;
    if (total > 0) {
      const frame = this.push(F_OBJECT, v, total);
      frame.keys = keys;
      frame.stringKeys = stringKeys;
    }
    return total;
  }

  instance(v: object, info: K.ProtoInfo): void {
    if (this.plainObject(v, "c" + info.prefix, undefined) > 0) return;
    if (info.opaqueReason !== undefined) throw this.unhashable(info.opaqueReason, info.typeName);
    if (Reflect.ownKeys(v).length > 0) {
      throw this.unhashable("its state is not visible (its own properties are not enumerable)", info.typeName);
    }
    // No state anywhere: every instance of this class is alike.
  }

  /** Map (entries) or Set (elements): header now, sorted entries when the frame is popped. */
  collection(v: object, prefix: string, isMap: boolean): void {
    const items: unknown[] = [];
    if (isMap) Map.prototype.forEach.call(v, (value: unknown, key: unknown) => items.push(key, value));
    else Set.prototype.forEach.call(v, (value: unknown) => items.push(value));
    const size = isMap ? items.length >> 1 : items.length;
    const header = prefix + (isMap ? "M" : "S") + size + ":";
    if (size === 0) {
      this.out += header;
      return;
    }
    const frame = this.push(isMap ? F_MAP : F_SET, v, items.length);
    frame.items = items;
    frame.saved = this.out + header;
    frame.parts = [];
    this.out = "";
  }

  /** Applies a matching `hashFuncs` entry; returns false when none applies. */
  applyHashFunc(table: HashFuncTable, v: unknown, suppress: Function | undefined): boolean {
    let fn: Function | undefined;
    let typeName: string;
    const type = typeof v;
    if (type === "object" || type === "function") {
      if (!table.hasClassEntries) return false;
      const proto = Object.getPrototypeOf(v) as { constructor?: unknown } | null;
      if (proto === null) return false;
      const ctor = proto.constructor;
      fn = table.forConstructor(ctor);
      typeName = fn === undefined ? "" : (ctor as Function).name || "(anonymous class)";
      if (fn === undefined && proto !== OBJECT_PROTO) {
        // Generators and iterators have no class: their tag name (the one their error gives).
        const info = K.protoInfo(proto);
        if (info.kind === K.KIND_UNHASHABLE) {
          fn = table.forName(info.typeName);
          typeName = info.typeName;
        }
      }
      if (fn === undefined || fn === suppress) return false;
      if (type === "object" && this.ancestor(v as object) >= 0) return false; // back-reference instead
    } else {
      if (!table.hasPrimitiveEntries) return false;
      fn = table.forPrimitive(type);
      if (fn === undefined || fn === suppress) return false;
      typeName = type;
    }
    let result: unknown;
    try {
      result = fn(v);
    } catch (error) {
      throw this.hashFuncError(typeName, fn, `threw ${describeThrown(error)}`, error);
    }
    if (result === v && (type === "object" || type === "function")) {
      throw this.hashFuncError(typeName, fn, "returned its input unchanged (that would make every value of the type equal)");
    }
    this.out += "H" + stringToken(typeName);
    const frame = this.push(F_HASH, v, 1);
    frame.items = [result];
    frame.hashFn = fn;
    frame.typeName = typeName;
    return true;
  }

  /** Path segments from the argument down to the current child of frame `upTo`. */
  path(upTo: number): { position: number; path: string } {
    const root = this.frames[0]!;
    const position = root.index - 1;
    const segments = [P.rootSegment(this.ctx.paramNames[position], position)];
    for (let d = 1; d <= upTo; d++) segments.push(childSegment(this.frames[d]!));
    return { position, path: P.joinPath(segments) };
  }

  unhashable(reason: string | undefined, typeName: string, upTo = this.top): UnhashableParamError {
    const { position, path } = this.path(upTo);
    const argumentClass = classOf(this.frames[0]!.items![position]);
    const init = {
      functionName: this.ctx.functionName,
      parameter: { name: this.ctx.paramNames[position], position },
      path,
      typeName,
      ...(argumentClass !== undefined && { argumentClass }),
    };
    return new UnhashableParamError(reason === undefined ? init : { ...init, reason });
  }

  hashFuncError(typeName: string, fn: Function, problem: string, cause?: unknown): HashFuncError {
    const { path } = this.path(this.top);
    const init = { functionName: this.ctx.functionName, typeName, path, hashFuncName: fn.name || "anonymous function", problem };
    return new HashFuncError(cause === undefined ? init : { ...init, cause });
  }

  /** Turns a foreign exception (a throwing getter, a revoked proxy…) into an UnhashableParamError. */
  wrap(error: unknown): unknown {
    if (error instanceof CacheResourceError) return error;
    const message = `reading it threw ${describeThrown(error)}`;
    if (this.reading) {
      // A property read failed: point at the container and name the property.
      const segment = childSegment(this.frames[this.top]!);
      const wrapped = this.unhashable(`reading \`${segment}\` threw ${describeThrown(error)}`, P.typeNameOf(this.current), this.top - 1);
      return Object.assign(wrapped, { cause: error });
    }
    return Object.assign(this.unhashable(message, P.typeNameOf(this.current)), { cause: error });
  }
}

/**
 * The name of the class `value` is an instance of, when it is one with a name: the `hashFuncs`
 * entry a user wants for an argument such as a database client. Plain data (objects, arrays and
 * the built-in containers) has none: an entry for `Object` would apply to every plain object.
 */
function classOf(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  try {
    const proto = Object.getPrototypeOf(value) as object | null;
    if (proto === null || proto === OBJECT_PROTO || proto === ARRAY_PROTO) return undefined;
    const info = K.protoInfo(proto);
    const isClass = info.kind === K.KIND_CLASS || (info.prefix !== "" && info.kind !== K.KIND_UNHASHABLE);
    const name = P.typeNameOf(value);
    return isClass && name !== "Object" ? name : undefined;
  } catch {
    return undefined; // a revoked Proxy
  }
}

const pool: Encoder[] = [];

/**
 * Encodes `args[0..end)` minus the excluded positions. The result starts with `"\u0000"` and is
 * never a digest; the keyer decides when to shorten it.
 */
export function encodeArguments(args: readonly unknown[], end: number, ctx: EncodeContext): string {
  const encoder = pool.pop() ?? new Encoder();
  try {
    return encoder.run(args, end, ctx);
  } finally {
    pool.push(encoder);
  }
}

/** The indices of `array` that hold elements, ascending (array index keys come first, in order). */
function presentIndices(array: unknown[]): number[] {
  const indices: number[] = [];
  for (const key of Object.keys(array)) {
    const index = Number(key);
    if (!Number.isInteger(index) || index < 0 || String(index) !== key) break;
    indices.push(index);
  }
  // Ascending for real arrays already; a Proxy's ownKeys trap may answer in any order.
  return indices.sort((a, b) => a - b);
}

/** The first value in ascending `sorted` greater than `i`, or Infinity. */
function nextAbove(sorted: readonly number[], i: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= i) lo = mid + 1;
    else hi = mid;
  }
  return sorted[lo] ?? Infinity;
}
