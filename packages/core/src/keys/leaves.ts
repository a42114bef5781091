/**
 * Tokens for built-in values that encode to a single token (no children): dates, regexps, URLs,
 * boxed primitives and binary data.
 *
 * Intrinsic methods are called directly (`Date.prototype.getTime.call(v)`) so that an override in
 * a subclass cannot change the key, and a fake (an object that only borrowed the prototype) fails
 * loudly instead of hashing as something it is not.
 */
import { sha256Bytes } from "./digest.js";
import { stringToken, symbolToken } from "./tokens.js";

/** Binary values of at least this many bytes enter the key as a SHA-256 of all their bytes. */
export const LARGE_BINARY_BYTES = 64 * 1024;

const getTime = Date.prototype.getTime;
const regexpSource = Object.getOwnPropertyDescriptor(RegExp.prototype, "source")!.get!;
const regexpFlags = Object.getOwnPropertyDescriptor(RegExp.prototype, "flags")!.get!;
const urlHref = Object.getOwnPropertyDescriptor(URL.prototype, "href")!.get!;
const searchParamsToString = URLSearchParams.prototype.toString;
const typedArrayProto = Object.getPrototypeOf(Uint8Array.prototype) as object;
const typedBuffer = Object.getOwnPropertyDescriptor(typedArrayProto, "buffer")!.get!;
const typedOffset = Object.getOwnPropertyDescriptor(typedArrayProto, "byteOffset")!.get!;
const typedLength = Object.getOwnPropertyDescriptor(typedArrayProto, "byteLength")!.get!;
const viewBuffer = Object.getOwnPropertyDescriptor(DataView.prototype, "buffer")!.get!;
const viewOffset = Object.getOwnPropertyDescriptor(DataView.prototype, "byteOffset")!.get!;
const viewLength = Object.getOwnPropertyDescriptor(DataView.prototype, "byteLength")!.get!;
const arrayBufferLength = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, "byteLength")!.get!;
const sharedBufferLength = Object.getOwnPropertyDescriptor(SharedArrayBuffer.prototype, "byteLength")!.get!;

/** `D<time value>;` — every invalid date prints `NaN`, so invalid dates are equal. */
export function dateToken(value: object): string {
  return "D" + getTime.call(value) + ";";
}

/** `R` + source + flags; `lastIndex` is state of a running match, not part of the pattern. */
export function regexpToken(value: object): string {
  return "R" + stringToken(regexpSource.call(value) as string) + stringToken(regexpFlags.call(value) as string);
}

/** `U` + the normalized href (`new URL("HTTP://a/")` equals `new URL("http://a/")`). */
export function urlToken(value: object): string {
  return "U" + stringToken(urlHref.call(value) as string);
}

/** `Q` + the serialized query; parameter order counts, as it does on the wire. */
export function searchParamsToken(value: object): string {
  return "Q" + stringToken(searchParamsToString.call(value as URLSearchParams));
}

const unboxers: Record<string, (value: object) => string> = {
  Number: (v) => "n" + Number.prototype.valueOf.call(v) + ";",
  String: (v) => stringToken(String.prototype.valueOf.call(v)),
  Boolean: (v) => (Boolean.prototype.valueOf.call(v) ? "t" : "f"),
  BigInt: (v) => "i" + BigInt.prototype.valueOf.call(v) + ";",
  Symbol: (v) => symbolToken(Symbol.prototype.valueOf.call(v)),
};

/** `B` + the boxed primitive's token: `new Number(1)` ≠ `1`. */
export function boxedToken(value: object, base: string): string {
  return "B" + unboxers[base]!(value);
}

/**
 * The bytes of a range of a buffer: `b<len>:<latin1 bytes>` when small, else `x` + the base64
 * SHA-256 of every byte (never sampled, never copied into a string).
 */
function bytesToken(buffer: ArrayBufferLike, offset: number, length: number): string {
  if (length === 0) return "b0:";
  if (length >= LARGE_BINARY_BYTES) return "x" + sha256Bytes(new Uint8Array(buffer, offset, length));
  return "b" + length + ":" + Buffer.from(buffer, offset, length).toString("latin1");
}

/** Typed arrays (and Buffer): the bytes they view, not the whole underlying buffer. */
export function typedArrayBytes(value: object): string {
  return bytesToken(typedBuffer.call(value) as ArrayBufferLike, typedOffset.call(value) as number, typedLength.call(value) as number);
}

/** DataView: the bytes it views. */
export function dataViewBytes(value: object): string {
  return bytesToken(viewBuffer.call(value) as ArrayBufferLike, viewOffset.call(value) as number, viewLength.call(value) as number);
}

/** ArrayBuffer: all its bytes (a detached buffer has none). */
export function arrayBufferBytes(value: object): string {
  return bytesToken(value as ArrayBuffer, 0, arrayBufferLength.call(value) as number);
}

/** SharedArrayBuffer: all its bytes, as they are at the moment of the call. */
export function sharedBufferBytes(value: object): string {
  return bytesToken(value as SharedArrayBuffer, 0, sharedBufferLength.call(value) as number);
}
