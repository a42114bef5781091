/**
 * What kind of value an object is, decided once per prototype and cached in a WeakMap: built-in
 * containers by their intrinsic prototypes (subclasses found by walking the chain), everything
 * else a class instance keyed by its class's name and source text.
 */
import { objectId } from "./identity.js";
import { hasPrivateNames } from "./scan.js";
import { functionName, isNativeSource, sourceToken, stringToken } from "./tokens.js";

// Kinds are plain numbers: a `switch` over small integers is the cheapest dispatch.
/** Plain object (`Object.prototype` or `null` prototype, any realm). */
export const KIND_PLAIN = 0;
/** Array (or subclass). */
export const KIND_ARRAY = 1;
/** Map (or subclass). */
export const KIND_MAP = 2;
/** Set (or subclass). */
export const KIND_SET = 3;
/** Date. */
export const KIND_DATE = 4;
/** RegExp. */
export const KIND_REGEXP = 5;
/** Error and its built-in subclasses. */
export const KIND_ERROR = 6;
/** Typed array, Buffer included. */
export const KIND_TYPED = 7;
/** ArrayBuffer. */
export const KIND_ARRAY_BUFFER = 8;
/** SharedArrayBuffer. */
export const KIND_SHARED_BUFFER = 9;
/** DataView. */
export const KIND_DATA_VIEW = 10;
/** URL. */
export const KIND_URL = 11;
/** URLSearchParams. */
export const KIND_SEARCH_PARAMS = 12;
/** Boxed primitive (`new Number(1)`). */
export const KIND_BOXED = 13;
/** Instance of a user class (or anything else with a prototype). */
export const KIND_CLASS = 14;
/** Never hashable (WeakMap, Promise, iterators…). */
export const KIND_UNHASHABLE = 15;

/** Everything the encoder needs to know about objects sharing one prototype. */
export interface ProtoInfo {
  readonly kind: number;
  /**
   * For class instances: the class tag. For built-ins: `""` when the prototype is the intrinsic
   * one, else `"K"` + the subclass's tag (so `class Registry extends Map` ≠ `Map`).
   */
  readonly prefix: string;
  /** The built-in a value is encoded as (`"Uint8Array"`, `"TypeError"`, `"Buffer"`…). */
  readonly base: string;
  /** Constructor name, for error messages and `hashFuncs` lookups by name. */
  readonly typeName: string;
  /** Why a class instance with no visible own state cannot be hashed (undefined: it can). */
  readonly opaqueReason: string | undefined;
  /** Why values of this kind can never be hashed (kind `KIND_UNHASHABLE`). */
  readonly unhashableReason: string | undefined;
}

interface Intrinsic {
  readonly kind: number;
  readonly base: string;
  readonly reason?: string;
}

const intrinsics = new Map<object, Intrinsic>();

function intrinsic(proto: object | null | undefined, kind: number, base: string, reason?: string): void {
  if (proto) intrinsics.set(proto, reason === undefined ? { kind, base } : { kind, base, reason });
}

intrinsic(Array.prototype, KIND_ARRAY, "Array");
intrinsic(Map.prototype, KIND_MAP, "Map");
intrinsic(Set.prototype, KIND_SET, "Set");
intrinsic(Date.prototype, KIND_DATE, "Date");
intrinsic(RegExp.prototype, KIND_REGEXP, "RegExp");
for (const E of [Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError, AggregateError]) {
  intrinsic(E.prototype, KIND_ERROR, E.name);
}
for (const T of [
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array,
]) {
  intrinsic(T.prototype, KIND_TYPED, T.name);
}
// Buffer is a Uint8Array subclass; it is its own type (distinct from Uint8Array), known up front
// so its long constructor source is never read.
intrinsic(Buffer.prototype, KIND_TYPED, "Buffer");
intrinsic(ArrayBuffer.prototype, KIND_ARRAY_BUFFER, "ArrayBuffer");
intrinsic(SharedArrayBuffer.prototype, KIND_SHARED_BUFFER, "SharedArrayBuffer");
intrinsic(DataView.prototype, KIND_DATA_VIEW, "DataView");
intrinsic(URL.prototype, KIND_URL, "URL");
intrinsic(URLSearchParams.prototype, KIND_SEARCH_PARAMS, "URLSearchParams");
for (const B of [Number, String, Boolean, BigInt, Symbol]) intrinsic(B.prototype, KIND_BOXED, B.name);

const NOT_ENUMERABLE = "its entries cannot be listed, so equal and different values look the same";
intrinsic(WeakMap.prototype, KIND_UNHASHABLE, "WeakMap", NOT_ENUMERABLE);
intrinsic(WeakSet.prototype, KIND_UNHASHABLE, "WeakSet", NOT_ENUMERABLE);
intrinsic(WeakRef.prototype, KIND_UNHASHABLE, "WeakRef", "its target may be collected at any time");
intrinsic(FinalizationRegistry.prototype, KIND_UNHASHABLE, "FinalizationRegistry", NOT_ENUMERABLE);
intrinsic(Promise.prototype, KIND_UNHASHABLE, "Promise", "a Promise has no content yet: await it before the call");
const ITERATOR = "reading an iterator would consume it: pass an array instead";
intrinsic(Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())), KIND_UNHASHABLE, "Iterator", ITERATOR);
intrinsic(
  Object.getPrototypeOf(Object.getPrototypeOf(Object.getPrototypeOf((async function* () {})()))),
  KIND_UNHASHABLE, "AsyncIterator", ITERATOR,
);

const infos = new WeakMap<object, ProtoInfo>();

/** The cached {@link ProtoInfo} of a prototype (not `Object.prototype` or `null`: plain objects). */
export function protoInfo(proto: object): ProtoInfo {
  let info = infos.get(proto);
  if (info === undefined) {
    info = computeInfo(proto);
    infos.set(proto, info);
  }
  return info;
}

function ownConstructor(proto: object): Function | undefined {
  const descriptor = Object.getOwnPropertyDescriptor(proto, "constructor");
  return typeof descriptor?.value === "function" ? descriptor.value : undefined;
}

/**
 * A class's identity: name plus source text (or its digest), so the same class re-created by a
 * hot reload keys the same. Native constructors print no source: by identity. A prototype with
 * no constructor: by the prototype's identity.
 */
function classTag(proto: object): string {
  const ctor = ownConstructor(proto);
  if (ctor === undefined) return "p" + objectId(proto) + ";";
  const source = Function.prototype.toString.call(ctor);
  const name = stringToken(functionName(ctor));
  return isNativeSource(source) ? name + "i" + objectId(ctor) + ";" : name + sourceToken(source);
}

function makeInfo(kind: number, prefix: string, base: string, typeName: string, opaque?: string, unhashable?: string): ProtoInfo {
  return { kind, prefix, base, typeName, opaqueReason: opaque, unhashableReason: unhashable };
}

function computeInfo(proto: object): ProtoInfo {
  const name = nameOf(proto);
  const chain: object[] = [];
  for (let p: object | null = proto; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    const known = intrinsics.get(p);
    if (known !== undefined) {
      // A subclass of a built-in is encoded as the built-in, prefixed by the subclass's tag.
      const prefix = chain.length === 0 || known.kind === KIND_UNHASHABLE ? "" : "K" + chainTag(chain);
      return makeInfo(known.kind, prefix, known.base, name || known.base, undefined, known.reason);
    }
    chain.push(p);
  }
  // An object from another realm (vm context, iframe) whose prototype is that realm's
  // Object.prototype is a plain object too.
  if (chain.length === 1 && Object.getPrototypeOf(proto) === null && isForeignObjectPrototype(proto)) {
    return makeInfo(KIND_PLAIN, "", "Object", "Object");
  }
  const typeName = name || "Object";
  if (isThenable(proto)) {
    const reason = "it is a thenable (Promise-like) with no content yet: await it before the call";
    return makeInfo(KIND_UNHASHABLE, "", typeName, typeName, undefined, reason);
  }
  return makeInfo(KIND_CLASS, chainTag(chain), typeName, typeName, opaqueReason(chain));
}

/**
 * The tags of a class and of each user class it extends, joined by `<`. A class made by a mixin
 * (`const mk = (B) => class Thing extends B {}`) has one name and source whatever it extends, so
 * only its parents tell `mk(P)` from `mk(Q)`. Tags are self-delimiting, and no token that can
 * follow a prefix starts with `<`, so the chain reads back one way.
 */
function chainTag(chain: readonly object[]): string {
  return chain.map(classTag).join("<");
}

/** Constructor name, else `Symbol.toStringTag` (iterators and generators have no constructor). */
function nameOf(proto: object): string {
  const ctor = ownConstructor(proto);
  const name = ctor === undefined ? "" : functionName(ctor);
  if (name !== "") return name;
  try {
    const tag = (proto as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag];
    return typeof tag === "string" ? tag : "";
  } catch {
    return "";
  }
}

function isForeignObjectPrototype(proto: object): boolean {
  const ctor = ownConstructor(proto);
  return ctor !== undefined && functionName(ctor) === "Object" && isNativeSource(Function.prototype.toString.call(ctor));
}

function isThenable(proto: object): boolean {
  try {
    return typeof (proto as { then?: unknown }).then === "function";
  } catch {
    return false;
  }
}

/**
 * An instance with no own enumerable properties is either stateless (all instances alike) or
 * keeps its state where the hasher cannot look. Decide from the class chain's source.
 */
function opaqueReason(chain: readonly object[]): string | undefined {
  for (const p of chain) {
    const ctor = ownConstructor(p);
    if (ctor === undefined) continue;
    const source = Function.prototype.toString.call(ctor);
    if (isNativeSource(source)) return "its state is not visible (native state, no own enumerable properties)";
    if (hasPrivateNames(source)) return "its state is not visible (only #private fields, no own enumerable properties)";
  }
  return undefined;
}
