/**
 * Single-pass duration scanner behind {@link parseTtl}.
 *
 * Hand-written and index-based on purpose: no regular expression ever runs over user input, so
 * no input can trigger backtracking. Every character is looked at a bounded number of times, and
 * big numbers are capped before they reach `BigInt`, so the cost is linear in the input length
 * even without the length limit that `parseTtl` adds on top.
 *
 * Amounts are summed exactly, as integers in units of 10^-30 ns, and rounded once (half up) to a
 * whole nanosecond at the end. That is why `"1.1s"` gives exactly `1.1` and `"0.1h"` exactly `360`.
 *
 * @internal Not part of the public API; `parseTtl` is.
 * @module
 */

/** The units a duration can be written in, largest first. */
export type UnitKey = "w" | "d" | "h" | "m" | "s" | "ms" | "us" | "ns";

/** Length of each unit in nanoseconds. */
export const UNIT_NS: Readonly<Record<UnitKey, bigint>> = {
  w: 604_800_000_000_000n,
  d: 86_400_000_000_000n,
  h: 3_600_000_000_000n,
  m: 60_000_000_000n,
  s: 1_000_000_000n,
  ms: 1_000_000n,
  us: 1_000n,
  ns: 1n,
};

/** Bigger unit, bigger rank: components must come in strictly decreasing rank. */
const RANK: Readonly<Record<UnitKey, number>> = { w: 7, d: 6, h: 5, m: 4, s: 3, ms: 2, us: 1, ns: 0 };
const UNIT_BY_RANK: readonly UnitKey[] = ["ns", "us", "ms", "s", "m", "h", "d", "w"];
const NO_UNIT_YET = 8;

/** Spellings accepted after a number (compared lower-cased), as in pandas' Timedelta strings. */
const UNITS: ReadonlyMap<string, UnitKey> = new Map<string, UnitKey>([
  ...["w", "week", "weeks"].map((u) => [u, "w"] as const),
  ...["d", "day", "days"].map((u) => [u, "d"] as const),
  ...["h", "hr", "hrs", "hour", "hours"].map((u) => [u, "h"] as const),
  ...["m", "min", "mins", "minute", "minutes"].map((u) => [u, "m"] as const),
  ...["s", "sec", "secs", "second", "seconds"].map((u) => [u, "s"] as const),
  ...["ms", "milli", "millis", "millisecond", "milliseconds"].map((u) => [u, "ms"] as const),
  // U+00B5 MICRO SIGN and U+03BC GREEK SMALL LETTER MU both appear in the wild.
  ...["us", "\u00b5s", "\u03bcs", "micro", "micros", "microsecond", "microseconds"].map((u) => [u, "us"] as const),
  ...["ns", "nano", "nanos", "nanosecond", "nanoseconds"].map((u) => [u, "ns"] as const),
]);

/** pandas' one-letter aliases, deprecated there and confusing here: rejected with a pointer. */
const DEPRECATED_ALIASES: ReadonlyMap<string, string> = new Map([
  ["t", "minutes: write \"min\""],
  ["l", "milliseconds: write \"ms\""],
  ["u", "microseconds: write \"us\""],
  ["n", "nanoseconds: write \"ns\""],
]);

const NO_FIXED_LENGTH = new Set(["y", "yr", "yrs", "year", "years", "mo", "mon", "mons", "month", "months"]);

const KNOWN_UNITS_HINT =
  "use w, d, h, m (or min), s, ms, us, ns or their long names " +
  "(weeks, days, hours, minutes, seconds, milliseconds, microseconds, nanoseconds)";

/** Fraction digits kept per number: far below a nanosecond even for weeks (6.048e14 ns). */
const FRAC_DIGITS = 30;
const SCALE = 10n ** BigInt(FRAC_DIGITS);
const HALF_SCALE = SCALE / 2n;
/** More significant integer digits than this is > 1e330 ns, which no double can hold in seconds. */
const MAX_INT_DIGITS = 330;
const MAX_EXACT_NS = BigInt(Number.MAX_SAFE_INTEGER);

/** Outcome of {@link scanDuration}: the total in whole nanoseconds, or what was wrong. */
export type ScanResult = { readonly ok: true; readonly ns: bigint } | { readonly ok: false; readonly problem: string };

/** Thrown inside the scanner only, to unwind to {@link scanDuration}. */
class ScanProblem extends Error {}

function fail(problem: string): never {
  throw new ScanProblem(problem);
}

/** A piece of the input for a message, shortened so hostile input cannot bloat errors. */
function short(s: string): string {
  return s.length > 24 ? `${s.slice(0, 21)}...` : s;
}

function quote(s: string): string {
  return JSON.stringify(short(s));
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isUnitChar(c: string): boolean {
  const code = c.charCodeAt(0);
  return (
    (code >= 65 && code <= 90) ||
    (code >= 97 && code <= 122) ||
    c === "\u00b5" ||
    c === "\u03bc" ||
    c === "\u039c" // capital mu, what "μs".toUpperCase() gives
  );
}

function isSpace(c: string): boolean {
  // A one-character trim covers every Unicode space the outer trim() removes.
  return c.trim() === "";
}

/**
 * Exact amount `int.frac` of a unit, in units of 10^-30 ns; `null` when it is hopelessly large.
 * Digit strings come straight from the scanner (ASCII digits only).
 */
export function scaledAmount(intDigits: string, fracDigits: string, unitNs: bigint): bigint | null {
  let lead = 0;
  while (lead < intDigits.length && intDigits.charCodeAt(lead) === 48) lead++;
  if (intDigits.length - lead > MAX_INT_DIGITS) return null;
  const frac = fracDigits.length > FRAC_DIGITS ? fracDigits.slice(0, FRAC_DIGITS) : fracDigits;
  const digits = intDigits.slice(lead) + frac;
  if (digits === "") return 0n;
  return BigInt(digits) * unitNs * 10n ** BigInt(FRAC_DIGITS - frac.length);
}

/**
 * Exact amount of a finite, non-negative double in a unit, in units of 10^-30 ns.
 * Goes through the shortest decimal that round-trips (`String(x)`), so `{ hours: 0.1 }` means the
 * decimal 0.1 the user typed, not the binary 0.1000000000000000055….
 */
export function scaledNumber(x: number, unitNs: bigint): bigint {
  const str = String(x); // "12", "1.5", "1e-7", "1.5e+21"; never negative here
  const e = str.indexOf("e");
  const mantissa = e < 0 ? str : str.slice(0, e);
  const exponent = e < 0 ? 0 : Number(str.slice(e + 1));
  const dot = mantissa.indexOf(".");
  const intDigits = dot < 0 ? mantissa : mantissa.slice(0, dot);
  const fracDigits = dot < 0 ? "" : mantissa.slice(dot + 1);
  const n = BigInt(intDigits + fracDigits) * unitNs;
  const shift = FRAC_DIGITS + exponent - fracDigits.length;
  // A negative shift only drops digits far below a nanosecond.
  return shift >= 0 ? n * 10n ** BigInt(shift) : n / 10n ** BigInt(-shift);
}

/** Round a sum of scaled amounts (10^-30 ns) to whole nanoseconds, half up. */
export function roundToNs(scaled: bigint): bigint {
  return (scaled + HALF_SCALE) / SCALE;
}

/**
 * Nanoseconds to seconds. Exact-then-rounded-once up to 2^53 ns (about 104 days), so decimal
 * inputs give the double nearest to the decimal; above that, within one unit in the last place.
 * Returns `Infinity` when the value is beyond any double.
 */
export function nsToSeconds(ns: bigint): number {
  if (ns <= MAX_EXACT_NS) return Number(ns) / 1e9;
  const whole = ns / 1_000_000_000n;
  const rest = ns % 1_000_000_000n;
  return Number(whole) + Number(rest) / 1e9;
}

interface NumberToken {
  readonly int: string;
  readonly frac: string;
  /** The number as written, for messages. */
  readonly text: string;
}

/**
 * Scan a trimmed, non-empty duration string (pandas Timedelta style or ISO 8601) into whole
 * nanoseconds. Never throws for bad input: it returns `{ ok: false, problem }`.
 */
export function scanDuration(text: string): ScanResult {
  try {
    return { ok: true, ns: scan(text) };
  } catch (err) {
    if (err instanceof ScanProblem) return { ok: false, problem: err.message };
    throw err;
  }
}

/**
 * The scanner proper. One closure over the position and the running total (rather than a class)
 * so that a minifier can shorten every helper's name: this is the core's largest module.
 */
function scan(t: string): bigint {
  let i = 0;
  let total = 0n;
  let lastRank = NO_UNIT_YET;
  let lastUnit = "";

  // ---- shared pieces -------------------------------------------------------------------------

  /** Where we are, for messages: the text just before index `at`. */
  const where = (at: number): string => (at === 0 ? "at the start" : `after ${quote(t.slice(Math.max(0, at - 20), at))}`);

  const add = (num: NumberToken, unit: UnitKey): void => {
    const amount = scaledAmount(num.int, num.frac, UNIT_NS[unit]);
    if (amount === null) fail(`the number ${quote(num.text)} is too large`);
    total += amount;
  };

  /** Enforce largest-to-smallest order, each unit once; catches typos such as "1h 30h". */
  const order = (unit: UnitKey, written: string): void => {
    const rank = RANK[unit];
    if (rank === lastRank) {
      fail(`${quote(written)} repeats the unit of ${quote(lastUnit)}; give each unit once, e.g. "1h 30m"`);
    }
    if (rank > lastRank) {
      fail(`${quote(written)} comes after the smaller unit ${quote(lastUnit)}; write units from largest to smallest, e.g. "1h 30m 15s"`);
    }
    lastRank = rank;
    lastUnit = written;
  };

  const skipDigits = (): void => {
    while (i < t.length && isDigit(t.charCodeAt(i))) i++;
  };

  /** Digits, then optionally a decimal separator and at least one digit. Caller checked the first char. */
  const readNumber = (allowComma: boolean): NumberToken => {
    const isSep = (c: string | undefined): boolean => c === "." || (allowComma && c === ",");
    const start = i;
    skipDigits();
    const intEnd = i;
    let frac = "";
    if (isSep(t[i])) {
      const fracStart = ++i;
      skipDigits();
      if (i === fracStart) {
        if (isSep(t[i])) fail(`doubled decimal point in ${quote(t.slice(start, i + 1))}`);
        fail(`the decimal point in ${quote(t.slice(start, i))} must be followed by digits`);
      }
      frac = t.slice(fracStart, i);
      if (isSep(t[i])) fail(`${quote(t.slice(start, i + 1))} has more than one decimal point`);
    }
    return { int: t.slice(start, intEnd), frac, text: t.slice(start, i) };
  };

  const skipSpaces = (): void => {
    while (i < t.length && isSpace(t[i] as string)) i++;
  };

  const readWord = (): string => {
    const start = i;
    while (i < t.length && isUnitChar(t[i] as string)) i++;
    return t.slice(start, i);
  };

  const negative = (): never => fail("negative durations are not allowed");

  // ---- pandas style: "1d 2h", "1.5 days", "1h23s", "1 days 02:03:04.5" ------------------------

  const pandas = (): void => {
    for (let first = true; ; first = false) {
      component(first);
      skipSpaces();
      if (i >= t.length) return;
      if (t[i] === ",") {
        i++;
        skipSpaces();
        if (i >= t.length) fail("the string ends with a comma");
      }
    }
  };

  const component = (first: boolean): void => {
    const start = i;
    const c = t[start] as string; // callers only come here before the end
    if (c === "-" || c === "\u2212") negative();
    if (c === "+") fail(`unexpected "+" ${where(start)}; write durations without a sign`);
    if (isDigit(c.charCodeAt(0)) || c === ".") {
      const num = readNumber(false);
      if (t[i] === ":") return clock(num, start);
      skipSpaces();
      const unitAt = i;
      const word = readWord();
      if (word === "") {
        if (first && i >= t.length) {
          fail(
            `${quote(t)} has no unit: pandas would read nanoseconds, but a bare number in a string is ` +
              `ambiguous; write ${quote(`${num.text}s`)} or the number ${short(num.text)} for seconds`,
          );
        }
        const next = t[i];
        if (next !== undefined && !isDigit(next.charCodeAt(0)) && next !== ".") {
          fail(`unexpected character ${quote(next)} ${where(i)}; expected a unit, e.g. "1h"`);
        }
        // Suggest the unit just below the previous one: "1h 30" most likely means "1h 30m".
        const below = (lastRank === NO_UNIT_YET ? undefined : UNIT_BY_RANK[lastRank - 1]) ?? "s";
        fail(`the number ${quote(num.text)} ${where(start)} has no unit; add one, e.g. ${quote(num.text + below)}`);
      }
      const unit = lookupUnit(word, unitAt);
      order(unit, `${num.text}${word}`);
      return add(num, unit);
    }
    if (isUnitChar(c)) {
      const word = readWord();
      const lower = word.toLowerCase();
      if (lower === "nan" || lower === "inf" || lower === "infinity") {
        fail(`${word} is not a duration; use null for a ttl that never expires`);
      }
      if (UNITS.has(lower)) fail(`the unit ${quote(word)} has no number before it; write e.g. "1${word}"`);
      fail(`unexpected ${quote(word)} ${where(start)}; expected a number followed by a unit, e.g. "1h"`);
    }
    fail(`unexpected character ${quote(c)} ${where(start)}; expected a number followed by a unit, e.g. "1h"`);
  };

  const lookupUnit = (word: string, at: number): UnitKey => {
    const lower = word.toLowerCase();
    const unit = UNITS.get(lower);
    if (unit !== undefined) return unit;
    const next = t[i];
    if (lower === "e" && next !== undefined && (isDigit(next.charCodeAt(0)) || next === "+" || next === "-")) {
      fail(`exponent notation ${where(at)} is not supported; write the number out, e.g. "1000s"`);
    }
    if (NO_FIXED_LENGTH.has(lower)) {
      fail(`months and years have no fixed length (unit ${quote(word)}); write days or weeks, e.g. "30d"`);
    }
    const alias = DEPRECATED_ALIASES.get(lower);
    if (alias !== undefined) fail(`unit ${quote(word)} is a deprecated pandas alias for ${alias}`);
    fail(`unknown unit ${quote(word)}; ${KNOWN_UNITS_HINT}`);
  };

  /** "hh:mm:ss[.fff]" after an optional weeks/days part; it must end the string. */
  const clock = (hours: NumberToken, start: number): void => {
    if (hours.frac !== "" || hours.int === "") {
      fail(`the hours in the clock time ${quote(t.slice(start))} must be a whole number`);
    }
    if (lastRank <= RANK.h) {
      fail(`a clock time hh:mm:ss cannot follow ${quote(lastUnit)}; only weeks and days can come before it`);
    }
    i++; // ':'
    const minutes = twoDigits("minutes", start);
    if (t[i] !== ":") {
      if (i >= t.length) {
        const hm = t.slice(start, i);
        fail(`${quote(hm)} is ambiguous (hh:mm or mm:ss?); write hh:mm:ss, e.g. ${quote(`${hm}:00`)}`);
      }
      fail(`expected ":" after ${quote(t.slice(start, i))}; write hh:mm:ss`);
    }
    i++;
    const seconds = twoDigits("seconds", start);
    let frac = "";
    if (t[i] === ".") {
      const fracStart = ++i;
      skipDigits();
      if (i === fracStart) fail(`the decimal point in ${quote(t.slice(start, i))} must be followed by digits`);
      frac = t.slice(fracStart, i);
    }
    if (i < t.length) {
      fail(`unexpected ${quote(t.slice(i))} after the clock time ${quote(t.slice(start, i))}; it must come last`);
    }
    for (const [value, what] of [[minutes, "minutes"], [seconds, "seconds"]] as const) {
      if (value >= 60) fail(`the ${what} in ${quote(t.slice(start))} must be below 60`);
    }
    add(hours, "h");
    add({ int: String(minutes), frac: "", text: String(minutes) }, "m");
    add({ int: String(seconds), frac, text: String(seconds) }, "s");
    lastRank = -1;
  };

  const twoDigits = (what: string, start: number): number => {
    const a = t.charCodeAt(i);
    const b = t.charCodeAt(i + 1);
    // NaN past the end: not a digit
    if (!isDigit(a) || !isDigit(b) || isDigit(t.charCodeAt(i + 2))) {
      fail(`the ${what} in the clock time ${quote(t.slice(start))} need exactly two digits, as in "02:03:04"`);
    }
    i += 2;
    return (a - 48) * 10 + (b - 48);
  };

  // ---- ISO 8601: "PT1H30M", "P1DT2H", "P2W", "PT0.5S", "PT1,5S" ------------------------------

  const iso = (): void => {
    i = 1;
    if (t.length === 1) fail(`"P" alone has no components; write e.g. "PT1H" or "P1D"`);
    let inTime = false;
    let count = 0;
    let fractionSeen = false;
    while (i < t.length) {
      const at = i;
      const c = t[at] as string;
      if (c === "T" || c === "t") {
        if (inTime) fail(`"T" appears twice in an ISO 8601 duration`);
        inTime = true;
        if (++i >= t.length) {
          fail(
            count === 0
              ? `"PT" has no time components; write e.g. "PT1H30M"`
              : `"T" must be followed by hours, minutes or seconds, e.g. "P1DT2H"`,
          );
        }
        continue;
      }
      if (isSpace(c)) fail(`ISO 8601 durations cannot contain spaces (found one ${where(at)})`);
      if (c === "-" || c === "\u2212") negative();
      if (!(isDigit(c.charCodeAt(0)) || c === "." || c === ",")) {
        if ("WDHMSY".includes(c.toUpperCase())) fail(`the designator ${quote(c)} ${where(at)} has no number before it`);
        fail(`unexpected character ${quote(c)} ${where(at)} in an ISO 8601 duration`);
      }
      // ISO allows a fraction only on the smallest component given.
      if (fractionSeen) fail(`only the last component of an ISO 8601 duration may have a fraction`);
      const num = readNumber(true);
      const d = t[i];
      if (d === undefined) {
        fail(
          `the number ${quote(num.text)} at the end has no designator; ` +
            (inTime ? `add H, M or S, e.g. ${quote(`${t}S`)}` : `add W or D, or put time after T, e.g. ${quote(`PT${num.text}H`)}`),
        );
      }
      const unit = isoUnit(d.toUpperCase(), inTime, num.text, d);
      i++;
      order(unit, `${num.text}${d}`);
      add(num, unit);
      fractionSeen = num.frac !== "";
      count++;
    }
  };

  const first = t[0];
  if (first === undefined) fail("the string is empty; use null for a ttl that never expires");
  if (first === "P" || first === "p") iso();
  else pandas();
  return roundToNs(total);
}

function isoUnit(upper: string, inTime: boolean, num: string, written: string): UnitKey {
  if (upper === "Y" || (upper === "M" && !inTime)) {
    fail(
      `ISO 8601 years and months have no fixed length; write weeks or days, e.g. "P30D"` +
        (upper === "M" ? ` (minutes go after T: ${quote(`PT${num}M`)})` : ""),
    );
  }
  if (inTime) {
    if (upper === "H") return "h";
    if (upper === "M") return "m";
    if (upper === "S") return "s";
    if (upper === "D" || upper === "W") fail(`${quote(num + written)} must come before "T", e.g. ${quote(`P${num}${written}T1H`)}`);
  } else {
    if (upper === "W") return "w";
    if (upper === "D") return "d";
    if (upper === "H" || upper === "S") fail(`${quote(num + written)} must come after "T", e.g. ${quote(`PT${num}${written}`)}`);
  }
  fail(`unknown ISO 8601 designator ${quote(written)}; use W or D before T and H, M or S after it`);
}
