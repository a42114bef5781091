/**
 * Leaf tokens of the key encoding. Every token is self-delimiting — a tag character, then either
 * a length-prefixed payload, a `;`-terminated number or a fixed-length digest — so a sequence
 * of tokens can be read back in exactly one way and no string content can fake a boundary.
 *
 * | tag | value |
 * |---|---|
 * | `u` `l` `t` `f` | undefined, null, true, false |
 * | `n…;` `i…;` | number (`-0` prints as `0`), bigint |
 * | `s<len>:<chars>` | string, length in UTF-16 code units |
 * | `yr<string>` `yi<id>;` | registered symbol by key, other symbols by identity |
 * | `F<name>(s…|d…|i<id>;)` | function by source text (or its digest), or by identity |
 * | `d<45 chars>` | SHA-256 of a long text |
 */
import { DIGEST_LENGTH, sha256Text } from "./digest.js";
import { objectId, symbolId } from "./identity.js";

/** Source texts longer than this enter tokens as a digest (`d` + 45 characters). */
const INLINE_SOURCE_MAX = 200;

const NATIVE_SOURCE = /\{\s*\[native code\]\s*\}\s*$/;

/** `s<len>:<chars>`. */
export function stringToken(value: string): string {
  return "s" + value.length + ":" + value;
}

/** Symbols: registered ones by registry key (stable), others by identity. */
export function symbolToken(value: symbol): string {
  const registered = Symbol.keyFor(value);
  return registered === undefined ? "yi" + symbolId(value) + ";" : "yr" + stringToken(registered);
}

/** A source text, inline when short, else as its digest (fixed length, so self-delimiting). */
export function sourceToken(source: string): string {
  if (source.length <= INLINE_SOURCE_MAX) return stringToken(source);
  const digest = sha256Text(source);
  if (digest.length !== DIGEST_LENGTH + 1) throw new Error("unexpected digest length");
  return "d" + digest;
}

/** Whether a function prints no real source: native code or the result of `bind`. */
export function isNativeSource(source: string): boolean {
  return NATIVE_SOURCE.test(source);
}

/** The `name` property of a function as a string (a static `name` member can override it). */
export function functionName(fn: Function): string {
  const name = (fn as { name?: unknown }).name;
  return typeof name === "string" ? name : "";
}

const functionTokens = new WeakMap<Function, string>();

/**
 * Functions by name and source text, so a function re-created by a rerun or a hot reload keys
 * the same. Bound and native functions all print `[native code]`: they are keyed by identity.
 * Cached per function object so the source is read once.
 */
export function functionToken(fn: Function): string {
  let token = functionTokens.get(fn);
  if (token === undefined) {
    const source = Function.prototype.toString.call(fn);
    const name = stringToken(functionName(fn));
    token = isNativeSource(source) ? "F" + name + "i" + objectId(fn) + ";" : "F" + name + sourceToken(source);
    functionTokens.set(fn, token);
  }
  return token;
}
