/**
 * `parseTtl`: read the `ttl` option the way Streamlit users write it.
 * @module
 */

import { InvalidTtlError } from "../errors.js";
import { nsToSeconds, roundToNs, scaledNumber, scanDuration, UNIT_NS, type UnitKey } from "./scan.js";

/**
 * A duration as an object of parts, like Python's `datetime.timedelta(hours=1, minutes=30)`.
 *
 * Give at least one part. Every part given must be a finite, non-negative number; fractions are
 * fine (`{ days: 1.5 }`). Parts are added up; any other key is rejected.
 *
 * @example
 * ```ts
 * const ttl: DurationObject = { hours: 1, minutes: 30 }; // 5400 seconds
 * ```
 */
export interface DurationObject {
  readonly weeks?: number;
  readonly days?: number;
  readonly hours?: number;
  readonly minutes?: number;
  readonly seconds?: number;
  readonly milliseconds?: number;
  readonly microseconds?: number;
}

/**
 * Everything the `ttl` option accepts.
 *
 * - `null` / `undefined`: never expires.
 * - a number: seconds (as in Streamlit), finite and `>= 0`; `0` means "always recompute".
 * - a string: pandas Timedelta style (`"1d"`, `"1.5 days"`, `"1h 30m"`, `"1h23s"`, `"500ms"`,
 *   `"1 days 02:03:04.5"`, `"02:03:04"`) or ISO 8601 (`"PT1H30M"`, `"P1DT2H"`, `"P2W"`).
 * - a {@link DurationObject}: `{ hours: 1, minutes: 30 }`.
 *
 * @example
 * ```ts
 * const ttls: TtlInput[] = [null, 3600, "1h", "PT1H", { hours: 1 }]; // all but null: 3600 s
 * ```
 */
export type TtlInput = number | string | DurationObject | null | undefined;

/** Strings longer than this are rejected before scanning; no real duration comes close. */
export const MAX_TTL_STRING_LENGTH = 1000;

/** The accepted forms, shown in every {@link InvalidTtlError} message. */
export const TTL_ACCEPTED_FORMS =
  "null or undefined (never expires); a number of seconds >= 0 (e.g. 3600; 0 = always recompute); " +
  'a string with units, e.g. "1d", "1.5 days", "1h 30m", "1h23s", "30min", "500ms", ' +
  '"1 days 02:03:04", "02:03:04.5" (units: w, d, h, m/min, s, ms, us, ns and long names such as ' +
  '"hours"); an ISO 8601 duration, e.g. "PT1H30M", "P1DT2H", "P2W", "PT0.5S"; or an object such as ' +
  "{ hours: 1, minutes: 30 } (keys: weeks, days, hours, minutes, seconds, milliseconds, microseconds).";

const OBJECT_UNITS: Readonly<Record<keyof DurationObject, UnitKey>> = {
  weeks: "w",
  days: "d",
  hours: "h",
  minutes: "m",
  seconds: "s",
  milliseconds: "ms",
  microseconds: "us",
};
const OBJECT_KEYS = Object.keys(OBJECT_UNITS).join(", ");

function reject(value: unknown, problem: string): never {
  throw new InvalidTtlError("ttl", value, problem, TTL_ACCEPTED_FORMS);
}

/**
 * Read a `ttl` value and return it in **seconds**, or `null` for "never expires".
 *
 * Numbers are seconds and come back unchanged (`-0` becomes `0`). Strings and objects are summed
 * exactly in nanoseconds and converted once, so decimal input gives the nearest double to the
 * decimal: `"1.1s"` is exactly `1.1`, `"0.1h"` exactly `360`. Resolution is 1 ns (finer
 * fractions round half up), matching pandas.
 *
 * Strings are trimmed. Unit names are case-insensitive (`"1H"`, `"1 Day"`; `"M"` is minutes, as
 * in pandas Timedelta strings). Components may be separated by nothing, spaces or a comma
 * (`"1h30m"`, `"1h 30m"`, `"1 day, 2 hours"`), and must go from the largest unit to the smallest,
 * each unit at most once (`"1s1h"` and `"1h 30h"` are rejected as likely typos). A clock time
 * `hh:mm:ss[.fff]` may end the string, after optional weeks and days. A leading `P` (either case)
 * starts an ISO 8601 duration; its designators are case-insensitive too, years and months are
 * rejected (no fixed length), and only its last component may have a fraction (`.` or `,`).
 *
 * Rejected, always with an {@link InvalidTtlError} naming the problem: empty strings, bare numbers
 * in a string (`"100"`: pandas would read nanoseconds, users mean seconds), unknown units,
 * negative values, NaN and Infinity, malformed numbers (`"1..5h"`), years and months, strings
 * over 1,000 characters, results too large for a double, and any other
 * type. A `bigint` is rejected too: it is most often a nanosecond count from
 * `process.hrtime.bigint()`, so reading it as seconds would be a silent 10^9 mistake.
 *
 * The string scanner is a hand-written single pass (no regular expressions), so parsing time is
 * linear in the input.
 *
 * @param value - The `ttl` option as given.
 * @returns Seconds (finite, `>= 0`), or `null` for no expiry.
 * @throws {@link InvalidTtlError} when the value is not an accepted duration.
 *
 * @example
 * ```ts
 * parseTtl(null);                    // null (never expires)
 * parseTtl(3600);                    // 3600
 * parseTtl("1h");                    // 3600
 * parseTtl("1.5 days");              // 129600
 * parseTtl("1h23s");                 // 3623
 * parseTtl("500ms");                 // 0.5
 * parseTtl("1 days 02:03:04.5");     // 93784.5
 * parseTtl("PT1H30M");               // 5400
 * parseTtl({ hours: 1, minutes: 30 }); // 5400
 * parseTtl("100");                   // throws InvalidTtlError: "100" has no unit ...
 * ```
 */
export function parseTtl(value: TtlInput): number | null {
  const v: unknown = value;
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case "number":
      return fromNumber(v);
    case "string":
      return fromString(v);
    case "object":
      return fromObject(v);
    case "bigint":
      return reject(
        v,
        "a bigint is ambiguous (process.hrtime.bigint() counts nanoseconds); " +
          `pass a number of seconds such as ${v}, or a string with a unit such as "${v}ns"`,
      );
    case "boolean":
      return reject(v, "a boolean is not a duration; use null for a ttl that never expires");
    default:
      return reject(v, `a ${typeof v} is not a duration`);
  }
}

function fromNumber(v: number): number {
  if (Number.isNaN(v)) reject(v, "NaN is not a duration");
  if (v === Infinity) reject(v, "Infinity is not a duration; use null for a ttl that never expires");
  if (v < 0) reject(v, "negative durations are not allowed");
  return v + 0; // -0 -> 0
}

function fromString(v: string): number {
  if (v.length > MAX_TTL_STRING_LENGTH) {
    reject(v, `the string is ${v.length} characters long; the limit is ${MAX_TTL_STRING_LENGTH}`);
  }
  const text = v.trim();
  if (text === "") reject(v, "the string is empty; use null for a ttl that never expires");
  const scan = scanDuration(text);
  if (!scan.ok) reject(v, scan.problem);
  return finite(v, nsToSeconds(scan.ns));
}

function fromObject(v: object): number {
  if (Array.isArray(v)) reject(v, "an array is not a duration; pass an object such as { hours: 1 }");
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) {
    const name = (v.constructor as { name?: unknown } | undefined)?.name;
    const what = typeof name === "string" && name !== "" ? `a ${name}` : "this object";
    reject(v, `${what} is not a duration object; pass a plain object such as { hours: 1, minutes: 30 }`);
  }
  let scaled = 0n;
  let parts = 0;
  const record = v as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const unit = Object.hasOwn(OBJECT_UNITS, key) ? OBJECT_UNITS[key as keyof DurationObject] : undefined;
    if (unit === undefined) reject(v, unknownKey(key));
    const part = record[key];
    if (part === undefined) continue; // an optional property left unset
    if (typeof part !== "number") reject(v, `"${key}" must be a number, not ${part === null ? "null" : typeof part}`);
    if (!Number.isFinite(part)) reject(v, `"${key}" must be a finite number, not ${part}`);
    if (part < 0) reject(v, `"${key}" is ${part}: negative durations are not allowed`);
    scaled += scaledNumber(part, UNIT_NS[unit]);
    parts++;
  }
  if (parts === 0) reject(v, `the object has no duration parts; give at least one of ${OBJECT_KEYS}`);
  return finite(v, nsToSeconds(roundToNs(scaled)));
}

function unknownKey(key: string): string {
  const shown = JSON.stringify(key.length > 24 ? `${key.slice(0, 21)}...` : key);
  const lower = key.toLowerCase();
  if (Object.hasOwn(OBJECT_UNITS, lower + "s")) return `unknown key ${shown}; did you mean "${lower}s"?`;
  if (Object.hasOwn(OBJECT_UNITS, lower)) return `unknown key ${shown}; did you mean "${lower}"?`;
  if (lower === "years" || lower === "year" || lower === "months" || lower === "month") {
    return `unknown key ${shown}: months and years have no fixed length; use days or weeks`;
  }
  return `unknown key ${shown}; use ${OBJECT_KEYS}`;
}

function finite(value: unknown, seconds: number): number {
  if (!Number.isFinite(seconds)) reject(value, "the duration is too large to represent in seconds");
  return seconds;
}
