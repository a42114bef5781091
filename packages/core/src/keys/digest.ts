/**
 * SHA-256 digests for keys that would be too long to keep whole, and for large binary values.
 *
 * SHA-256 keeps the chance that two different inputs share a digest below 2^-128 even across
 * 2^64 distinct keys (birthday bound), which is what "no short hashes" asks for.
 */
import * as crypto from "node:crypto";

type OneShotHash = (algorithm: string, data: string | NodeJS.ArrayBufferView, outputEncoding: "base64") => string;

// `crypto.hash` (Node ≥ 20.12) skips the Hash object and is faster for small inputs.
const oneShot: OneShotHash | undefined =
  typeof (crypto as { hash?: unknown }).hash === "function" ? (crypto as unknown as { hash: OneShotHash }).hash : undefined;

/** Length of a base64 SHA-256 digest: tokens that embed one rely on it being fixed. */
export const DIGEST_LENGTH = 44;

/**
 * Base64 SHA-256 of a string's UTF-8 bytes. Only injective for well-formed strings (a lone
 * surrogate becomes U+FFFD); {@link digestKey} takes care of the rest.
 */
export function sha256Utf8(text: string): string {
  return oneShot ? oneShot("sha256", text, "base64") : crypto.createHash("sha256").update(text, "utf8").digest("base64");
}

/** Base64 SHA-256 over the bytes of a view, in full, with no copy. */
export function sha256Bytes(bytes: NodeJS.ArrayBufferView): string {
  return oneShot ? oneShot("sha256", bytes, "base64") : crypto.createHash("sha256").update(bytes).digest("base64");
}

const isWellFormed: (text: string) => boolean =
  typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed === "function"
    ? (text) => (text as unknown as { isWellFormed(): boolean }).isWellFormed()
    : (text) => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:^|[^\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);

/**
 * The short key that replaces a long encoded key: `"\u0000#"` + SHA-256 of its UTF-8 bytes, or
 * `"\u0000%"` + SHA-256 of its UTF-16 code units when it holds lone surrogates (UTF-8 would map
 * them all to U+FFFD). The two prefixes keep the two byte encodings from ever meeting.
 */
export function digestKey(encoded: string): string {
  if (isWellFormed(encoded)) return "\u0000#" + sha256Utf8(encoded);
  return "\u0000%" + crypto.createHash("sha256").update(encoded, "utf16le").digest("base64");
}

/** Digest of any string, lossless for lone surrogates too (used for long source texts). */
export function sha256Text(text: string): string {
  return isWellFormed(text) ? "8" + sha256Utf8(text) : "6" + crypto.createHash("sha256").update(text, "utf16le").digest("base64");
}
