import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { describeValue, InvalidOptionError, InvalidTtlError } from "../../src/errors.js";
import {
  MAX_TTL_STRING_LENGTH,
  parseTtl,
  TTL_ACCEPTED_FORMS,
  type DurationObject,
  type TtlInput,
} from "../../src/durations/parse-ttl.js";

const MIN = 60;
const HOUR = 3600;
const DAY = 86400;
const WEEK = 7 * DAY;

/** input -> expected seconds; compared with strict equality (precision is part of the contract). */
const accepted: ReadonlyArray<readonly [TtlInput, number | null]> = [
  // never expires
  [null, null],
  [undefined, null],
  // numbers are seconds, unchanged
  [0, 0],
  [-0, 0],
  [1, 1],
  [3600, 3600],
  [0.25, 0.25],
  [1e-9, 1e-9],
  [Number.MAX_VALUE, Number.MAX_VALUE],
  // every unit spelling
  ...(["1w", "1week", "1 weeks", "1W", "1 Week"] as const).map((s) => [s, WEEK] as const),
  ...(["1d", "1D", "1day", "1 days", "1 DAY"] as const).map((s) => [s, DAY] as const),
  ...(["1h", "1H", "1hr", "1hrs", "1 hour", "1 hours", "1 HOURS"] as const).map((s) => [s, HOUR] as const),
  ...(["1m", "1M", "1min", "1mins", "1 minute", "1 minutes", "1MIN"] as const).map((s) => [s, MIN] as const),
  ...(["1s", "1S", "1sec", "1secs", "1 second", "1 seconds"] as const).map((s) => [s, 1] as const),
  ...(["500ms", "500MS", "500milli", "500 millis", "500 millisecond", "500 milliseconds"] as const).map(
    (s) => [s, 0.5] as const,
  ),
  ...(["1us", "1US", "1\u00b5s", "1\u03bcs", "1 micro", "1micros", "1 microsecond", "1 microseconds"] as const).map(
    (s) => [s, 1e-6] as const,
  ),
  ...(["1ns", "1NS", "1nano", "1 nanos", "1 nanosecond", "1 nanoseconds"] as const).map((s) => [s, 1e-9] as const),
  // compounds, with and without spaces or commas
  ["1h23s", HOUR + 23],
  ["1h 30m", HOUR + 30 * MIN],
  ["1h30m", HOUR + 30 * MIN],
  ["1d2h3m4s", DAY + 2 * HOUR + 3 * MIN + 4],
  ["1 day 2 hours", DAY + 2 * HOUR],
  ["1 day, 2 hours", DAY + 2 * HOUR],
  ["1w 1d 1h 1m 1s 1ms 1us 1ns", WEEK + DAY + HOUR + MIN + 1.001001001],
  ["1m 30s", 90],
  ["1min30s", 90],
  ["2 hours 15 minutes", 2 * HOUR + 15 * MIN],
  // decimals
  ["1.5 days", 1.5 * DAY],
  [".5h", 1800],
  ["0.5h", 1800],
  ["1.1s", 1.1],
  ["0.1h", 360],
  ["0.3s", 0.3],
  ["1.5ns", 2e-9], // rounds half up to a whole nanosecond
  ["0.4ns", 0],
  ["007s", 7],
  // trimmed
  ["  1h  ", HOUR],
  ["\t1h\n", HOUR],
  // clock forms
  ["02:03:04", 2 * HOUR + 3 * MIN + 4],
  ["2:03:04", 2 * HOUR + 3 * MIN + 4],
  ["00:00:00", 0],
  ["36:00:00", 36 * HOUR],
  ["02:03:04.5", 2 * HOUR + 3 * MIN + 4.5],
  ["00:00:01.250", 1.25],
  ["1 days 02:03:04.5", DAY + 2 * HOUR + 3 * MIN + 4.5],
  ["1 days 02:03:04", DAY + 2 * HOUR + 3 * MIN + 4],
  ["1 day, 02:03:04", DAY + 2 * HOUR + 3 * MIN + 4],
  ["0 days 00:00:01", 1],
  ["1w 2d 00:00:01", WEEK + 2 * DAY + 1],
  // ISO 8601
  ["PT1H30M", HOUR + 30 * MIN],
  ["P1DT2H", DAY + 2 * HOUR],
  ["P2W", 2 * WEEK],
  ["P1W2D", WEEK + 2 * DAY],
  ["PT0.5S", 0.5],
  ["PT1,5S", 1.5],
  ["PT1M", MIN],
  ["PT36H", 36 * HOUR],
  ["P1D", DAY],
  ["P0D", 0],
  ["PT0S", 0],
  ["P1DT2H3M4.5S", DAY + 2 * HOUR + 3 * MIN + 4.5],
  ["pt1h30m", HOUR + 30 * MIN],
  ["p1dt2h", DAY + 2 * HOUR],
  ["PT1.5H", 5400],
  [" PT1H ", HOUR],
  // objects
  [{ hours: 1, minutes: 30 }, 5400],
  [{ weeks: 1 }, WEEK],
  [{ days: 1.5 }, 1.5 * DAY],
  [{ seconds: 0 }, 0],
  [{ milliseconds: 500 }, 0.5],
  [{ microseconds: 1 }, 1e-6],
  [{ hours: 0.1 }, 360],
  [{ seconds: 1.1 }, 1.1],
  [{ seconds: 1, milliseconds: 100 }, 1.1],
  [{ weeks: 1, days: 1, hours: 1, minutes: 1, seconds: 1, milliseconds: 1, microseconds: 1 }, WEEK + DAY + HOUR + MIN + 1.001001],
  [{ hours: 1, minutes: undefined }, HOUR],
  [{ seconds: 1e-7 }, 1e-7],
  [{ seconds: 1e21 }, 1e21],
  [Object.assign(Object.create(null) as DurationObject, { minutes: 2 }), 120],
];

/** input -> a substring the problem must contain. */
const rejected: ReadonlyArray<readonly [unknown, string]> = [
  // empty, unitless
  ["", "empty"],
  ["   ", "empty"],
  ["100", "no unit"],
  ["100", 'write "100s" or the number 100'],
  ["1.5", "no unit"],
  ["0", "no unit"],
  ["1h 30", "no unit"],
  ["1h 30", '"30m"'],
  // units
  ["1fortnight", 'unknown unit "fortnight"'],
  ["1 parsecs", "unknown unit"],
  ["fortnight", 'unexpected "fortnight"'],
  ["h", "has no number"],
  ["hours", "has no number"],
  ["1h s", "has no number"],
  ["1 month", "no fixed length"],
  ["1y", "no fixed length"],
  ["1 years", "no fixed length"],
  ["1t", "deprecated pandas alias"],
  ["1T", "deprecated pandas alias"],
  ["1L", "deprecated pandas alias"],
  ["1e3s", "exponent"],
  // signs and non-finite
  ["-1h", "negative"],
  ["-0s", "negative"],
  ["1h -30m", "negative"],
  ["\u22121h", "negative"],
  ["-PT1H", "negative"],
  ["P-1D", "negative"],
  ["+1h", "without a sign"],
  ["NaN", "NaN is not a duration"],
  ["Infinity", "Infinity is not a duration"],
  ["inf", "inf is not a duration"],
  // malformed numbers
  ["1..5h", "doubled decimal point"],
  ["1.2.3s", "more than one decimal point"],
  [".h", "must be followed by digits"],
  ["1.h", "must be followed by digits"],
  [".", "must be followed by digits"],
  // order and repeats
  ["1s1h", "largest to smallest"],
  ["1m 1h", "largest to smallest"],
  ["1h 1h", "repeats the unit"],
  ["1m 1min", "repeats the unit"],
  ["1h, 30h", "repeats the unit"],
  // separators and stray characters
  ["1h,", "ends with a comma"],
  [",1h", "unexpected character"],
  ["1h;30m", "unexpected character"],
  ["1h and 30m", 'unexpected "and"'],
  ["1_000s", 'unexpected character "_"'],
  ["1 2h", '"1s"'],
  // clocks
  ["02:03", "ambiguous"],
  ["1:2:3", "exactly two digits"],
  ["02:3:04", "exactly two digits"],
  ["02:03:4", "exactly two digits"],
  ["02:03:045", "exactly two digits"],
  ["02:60:00", "minutes"],
  ["02:00:60", "seconds"],
  ["1.5:00:00", "whole number"],
  ["02:03:04.", "must be followed by digits"],
  ["02:03:04 1s", "must come last"],
  ["02:03:04:05", "must come last"],
  ["1h 02:03:04", "cannot follow"],
  ["02:03-04", 'expected ":"'],
  // ISO 8601
  ["P", '"P" alone'],
  ["PT", "no time components"],
  ["P1DT", '"T" must be followed'],
  ["P1D T", "cannot contain spaces"],
  ["PT1H2", "no designator"],
  ["P1", "no designator"],
  ["P1Y", "years and months have no fixed length"],
  ["P1M", "years and months have no fixed length"],
  ["P1Y2M", "years and months"],
  ["P1H", 'must come after "T"'],
  ["PT1D", 'must come before "T"'],
  ["PT1W", 'must come before "T"'],
  ["P1DT1HT1M", '"T" appears twice'],
  ["PT1S1H", "largest to smallest"],
  ["PT1H1H", "repeats the unit"],
  ["P1D2W", "largest to smallest"],
  ["PT1.5H30M", "only the last component"],
  ["PT1X", "unknown ISO 8601 designator"],
  ["PTH", "has no number"],
  ["Pizza", "unexpected character"],
  ["PT1..5S", "doubled decimal point"],
  ["PT1,5,5S", "more than one decimal point"],
  // size
  ["1" + "0".repeat(400) + "s", "too large"],
  ["1" + "0".repeat(320) + "w", "too large"],
  ["1h".repeat(600), "limit is 1000"],
  [" ".repeat(MAX_TTL_STRING_LENGTH + 1), "limit is 1000"],
  // numbers
  [Number.NaN, "NaN"],
  [Number.POSITIVE_INFINITY, "Infinity"],
  [Number.NEGATIVE_INFINITY, "negative"],
  [-1, "negative"],
  [-1e-9, "negative"],
  // objects
  [{}, "no duration parts"],
  [{ hours: undefined }, "no duration parts"],
  [{ fortnights: 1 }, 'unknown key "fortnights"'],
  [{ hour: 1 }, 'did you mean "hours"'],
  [{ Hours: 1 }, 'did you mean "hours"'],
  [{ months: 1 }, "no fixed length"],
  [{ hours: 1, extra: 2 }, 'unknown key "extra"'],
  [{ nanoseconds: 1 }, 'unknown key "nanoseconds"'],
  [{ hours: "1" }, '"hours" must be a number, not string'],
  [{ hours: null }, "not null"],
  [{ hours: Number.NaN }, "finite"],
  [{ hours: Number.POSITIVE_INFINITY }, "finite"],
  [{ hours: -1 }, "negative"],
  [{ weeks: Number.MAX_VALUE }, "too large"],
  [{ weeks: 2e302, days: 2e303 }, "too large"], // each part finite, the sum is not
  [[], "an array is not a duration"],
  [[1, "h"], "an array is not a duration"],
  [new Date(0), "a Date is not a duration object"],
  [new Map([["hours", 1]]), "a Map is not a duration object"],
  // other types
  [true, "boolean"],
  [false, "boolean"],
  [10n, "bigint is ambiguous"],
  [() => 1, "function is not a duration"],
  [Symbol("ttl"), "symbol is not a duration"],
];

function label(value: unknown): string {
  if (typeof value === "symbol") return value.toString();
  return describeValue(value);
}

describe("parseTtl: accepted forms", () => {
  for (const [input, expected] of accepted) {
    it(`${label(input)} -> ${expected}`, () => {
      assert.equal(parseTtl(input), expected);
    });
  }
});

describe("parseTtl: rejections", () => {
  for (const [input, hint] of rejected) {
    it(`${label(input).slice(0, 40)} is rejected (${hint})`, () => {
      assert.throws(
        () => parseTtl(input as TtlInput),
        (err: unknown) => {
          assert.ok(err instanceof InvalidTtlError, `expected InvalidTtlError, got ${String(err)}`);
          assert.ok(err instanceof InvalidOptionError);
          assert.equal(err.name, "InvalidTtlError");
          assert.equal(err.option, "ttl");
          assert.ok(Object.is(err.value, input), "err.value is the input itself");
          if (typeof input !== "symbol") assert.ok(err.message.includes(describeValue(input)), err.message);
          assert.ok(err.message.includes(hint), `message lacks ${JSON.stringify(hint)}: ${err.message}`);
          assert.ok(err.message.includes(TTL_ACCEPTED_FORMS), "message lists the accepted forms");
          return true;
        },
      );
    });
  }
});

describe("parseTtl: contract details", () => {
  it("the accepted-forms text shows every family of input", () => {
    for (const piece of ["null", "3600", '"1.5 days"', '"1 days 02:03:04"', '"PT1H30M"', "{ hours: 1, minutes: 30 }"]) {
      assert.ok(TTL_ACCEPTED_FORMS.includes(piece), piece);
    }
  });

  it("accepts a string of exactly the maximum length", () => {
    const s = "1h" + " ".repeat(MAX_TTL_STRING_LENGTH - 2);
    assert.equal(s.length, MAX_TTL_STRING_LENGTH);
    assert.equal(parseTtl(s), HOUR);
  });

  it("quotes long hostile input shortly in the message", () => {
    const s = "1." + "1".repeat(900);
    const err = captured(() => parseTtl(s));
    assert.ok(err.message.length < 1000, `message is ${err.message.length} chars`);
  });

  it("does not read inherited or symbol keys of a duration object", () => {
    const withSymbol = { hours: 1, [Symbol("x")]: 5 } as DurationObject;
    assert.equal(parseTtl(withSymbol), HOUR);
  });

  it("gives the same answer for equal durations in every notation", () => {
    const forms: TtlInput[] = [5400, "1.5h", "1h 30m", "90min", "01:30:00", "0 days 01:30:00", "PT1H30M", "PT1.5H", { hours: 1.5 }, { minutes: 90 }];
    for (const f of forms) assert.equal(parseTtl(f), 5400, String(f));
  });
});

function captured(fn: () => unknown): InvalidTtlError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof InvalidTtlError);
    return err;
  }
  assert.fail("expected a throw");
}
