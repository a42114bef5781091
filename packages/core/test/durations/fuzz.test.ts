import assert from "node:assert/strict";
import { describe, it } from "node:test";

import fc from "fast-check";

import { InvalidTtlError } from "../../src/errors.js";
import { parseTtl, type DurationObject, type TtlInput } from "../../src/durations/parse-ttl.js";
import { scanDuration } from "../../src/durations/scan.js";

/** `FUZZ_SCALE=100 node --import tsx --test test/durations/fuzz.test.ts` for a long soak. */
const SCALE = Math.max(1, Number(process.env["FUZZ_SCALE"] ?? 1) || 1);
const runs = (n: number): number => n * SCALE;

/** parseTtl either returns null/finite seconds >= 0 or throws InvalidTtlError about this value. */
function checkTotal(input: unknown): void {
  let result: number | null;
  try {
    result = parseTtl(input as TtlInput);
  } catch (err) {
    if (!(err instanceof InvalidTtlError)) assert.fail(`threw ${fc.stringify(err)} for ${fc.stringify(input)}`);
    assert.equal(err.option, "ttl");
    assert.ok(Object.is(err.value, input));
    return;
  }
  if (result === null) {
    assert.ok(input === null || input === undefined);
    return;
  }
  assert.equal(typeof result, "number");
  assert.ok(Number.isFinite(result) && result >= 0, `bad result ${result}`);
}

/** Tokens that make random strings look like durations, so the fuzzer reaches deep states. */
const TOKENS = [
  ..."0123456789",
  "1", "5", "12", ".", ",", ":", " ", "  ", "-", "+", "e", "P", "T", "p", "t",
  "W", "D", "H", "M", "S", "Y", "w", "d", "h", "m", "s", "ms", "us", "ns", "\u00b5s", "\u03bcs",
  "min", "mins", "sec", "hr", "hrs", "day", "days", "week", "hour", "hours", "minute", "seconds",
  "milli", "micro", "nano", "nan", "inf", "\t", "\u00a0", "\u2212", "02:03:04", "1 days ",
];

const seconds = { w: 604800, d: 86400, h: 3600, m: 60, s: 1, ms: 1e-3, us: 1e-6, ns: 1e-9 } as const;
type Unit = keyof typeof seconds;
const ORDER: readonly Unit[] = ["w", "d", "h", "m", "s", "ms", "us", "ns"];
const SPELLINGS: Readonly<Record<Unit, readonly string[]>> = {
  w: ["w", "week", "weeks"],
  d: ["d", "day", "days"],
  h: ["h", "hr", "hrs", "hour", "hours"],
  m: ["m", "min", "mins", "minute", "minutes"],
  s: ["s", "sec", "secs", "second", "seconds"],
  ms: ["ms", "milli", "millis", "millisecond", "milliseconds"],
  us: ["us", "\u00b5s", "\u03bcs", "micro", "micros", "microsecond", "microseconds"],
  ns: ["ns", "nano", "nanos", "nanosecond", "nanoseconds"],
};

/** A decimal number as text plus its value: "12", "0.5", ".25", "3.000". */
const decimal = fc
  .tuple(fc.nat({ max: 100_000 }), fc.option(fc.stringMatching(/^[0-9]{1,4}$/), { nil: undefined }), fc.boolean())
  .map(([int, frac, dropZero]) => {
    const intText = dropZero && int === 0 && frac !== undefined ? "" : String(int);
    const text = frac === undefined ? intText : `${intText}.${frac}`;
    return { text, value: Number(`0${text}`) };
  });

function close(actual: number | null, expected: number): boolean {
  // The parser rounds to whole nanoseconds; the expectation is float arithmetic.
  return actual !== null && Math.abs(actual - expected) <= 1e-9 + Math.abs(expected) * 1e-12;
}

function mixCase(s: string, flips: readonly boolean[]): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    out += flips[i % flips.length] ? c.toUpperCase() : c;
  }
  return out;
}

describe("parseTtl fuzz: never hangs, only InvalidTtlError or finite seconds", () => {
  it("random strings over a duration-heavy alphabet", () => {
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom(...TOKENS), maxLength: 30 }), checkTotal), {
      numRuns: runs(3000),
    });
  });

  it("random ASCII and full-Unicode strings", () => {
    fc.assert(fc.property(fc.string({ unit: "grapheme-ascii", maxLength: 40 }), checkTotal), { numRuns: runs(500) });
    // Any code point, lone surrogates included: what fc's "binary" unit gives, without its
    // half-second set-up cost.
    const codePoint = fc.integer({ min: 0, max: 0x10ffff }).map((c) => String.fromCodePoint(c));
    fc.assert(fc.property(fc.string({ unit: codePoint, maxLength: 40 }), checkTotal), { numRuns: runs(1000) });
    fc.assert(fc.property(fc.string({ unit: "grapheme", maxLength: 20 }), checkTotal), { numRuns: runs(300) });
  });

  it("any value at all", () => {
    fc.assert(fc.property(fc.anything({ withBigInt: true, withMap: true, withSet: true, withDate: true, withNullPrototype: true }), checkTotal), {
      numRuns: runs(500),
    });
  });

  it("random numbers are returned unchanged or rejected", () => {
    fc.assert(
      fc.property(fc.double(), (x) => {
        if (Number.isFinite(x) && x >= 0) assert.equal(parseTtl(x), x + 0);
        else assert.throws(() => parseTtl(x), InvalidTtlError);
      }),
      { numRuns: runs(100) },
    );
  });

  it("random duration objects", () => {
    const part = fc.oneof(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.double(), fc.constant(undefined), fc.string());
    const obj = fc.record(
      { weeks: part, days: part, hours: part, minutes: part, seconds: part, milliseconds: part, microseconds: part },
      { requiredKeys: [] },
    );
    fc.assert(fc.property(obj, checkTotal), { numRuns: runs(500) });
  });
});

describe("parseTtl fuzz: round trips", () => {
  const parts = fc
    .subarray([...ORDER], { minLength: 1 })
    .chain((units) =>
      fc.tuple(
        ...units.map((u) =>
          fc.record({
            unit: fc.constant(u),
            amount: decimal,
            spelling: fc.constantFrom(...SPELLINGS[u]),
            space: fc.constantFrom("", " "),
            sep: fc.constantFrom("", " ", ", ", "  "),
          }),
        ),
      ),
    );

  it("compound strings sum their parts", () => {
    fc.assert(
      fc.property(parts, fc.array(fc.boolean(), { minLength: 1, maxLength: 7 }), (ps, flips) => {
        let text = "";
        let expected = 0;
        ps.forEach((p, i) => {
          text += (i === 0 ? "" : p.sep) + p.amount.text + p.space + mixCase(p.spelling, flips);
          expected += p.amount.value * seconds[p.unit];
        });
        const got = parseTtl(text);
        assert.ok(close(got, expected), `${JSON.stringify(text)}: got ${got}, expected ${expected}`);
      }),
      { numRuns: runs(1000) },
    );
  });

  it("ISO 8601 strings sum their parts", () => {
    const isoParts = fc.subarray(["W", "D", "H", "M", "S"] as const, { minLength: 1 });
    fc.assert(
      fc.property(isoParts, fc.array(decimal, { minLength: 5, maxLength: 5 }), fc.boolean(), (designators, amounts, comma) => {
        const unitOf = { W: "w", D: "d", H: "h", M: "m", S: "s" } as const;
        let text = "P";
        let expected = 0;
        designators.forEach((d, i) => {
          const last = i === designators.length - 1;
          const amount = amounts[i] ?? { text: "1", value: 1 };
          // only the last component may carry a fraction
          const body = last ? amount.text : String(Math.trunc(amount.value));
          const value = last ? amount.value : Math.trunc(amount.value);
          if ((d === "H" || d === "M" || d === "S") && !text.includes("T")) text += "T";
          text += (comma ? body.replace(".", ",") : body) + d;
          expected += value * seconds[unitOf[d]];
        });
        const got = parseTtl(text);
        assert.ok(close(got, expected), `${JSON.stringify(text)}: got ${got}, expected ${expected}`);
      }),
      { numRuns: runs(500) },
    );
  });

  it("clock strings sum their fields", () => {
    fc.assert(
      fc.property(
        fc.option(fc.nat({ max: 1000 }), { nil: undefined }),
        fc.nat({ max: 99 }),
        fc.nat({ max: 59 }),
        fc.nat({ max: 59 }),
        fc.option(fc.stringMatching(/^[0-9]{1,9}$/), { nil: undefined }),
        (days, h, m, s, frac) => {
          const pad = (n: number) => String(n).padStart(2, "0");
          const clock = `${pad(h)}:${pad(m)}:${pad(s)}${frac === undefined ? "" : `.${frac}`}`;
          const text = days === undefined ? clock : `${days} days ${clock}`;
          const expected = (days ?? 0) * 86400 + h * 3600 + m * 60 + s + (frac === undefined ? 0 : Number(`0.${frac}`));
          const got = parseTtl(text);
          assert.ok(close(got, expected), `${JSON.stringify(text)}: got ${got}, expected ${expected}`);
        },
      ),
      { numRuns: runs(500) },
    );
  });

  it("objects sum their parts", () => {
    const v = fc.double({ min: 0, max: 1e6, noNaN: true });
    const obj = fc.record({ weeks: v, days: v, hours: v, minutes: v, seconds: v, milliseconds: v, microseconds: v }, { requiredKeys: [] });
    fc.assert(
      fc.property(obj, (o: DurationObject) => {
        const keys = Object.keys(o);
        fc.pre(keys.length > 0);
        const expected =
          (o.weeks ?? 0) * 604800 +
          (o.days ?? 0) * 86400 +
          (o.hours ?? 0) * 3600 +
          (o.minutes ?? 0) * 60 +
          (o.seconds ?? 0) +
          (o.milliseconds ?? 0) * 1e-3 +
          (o.microseconds ?? 0) * 1e-6;
        const got = parseTtl(o);
        assert.ok(close(got, expected), `${JSON.stringify(o)}: got ${got}, expected ${expected}`);
      }),
      { numRuns: runs(500) },
    );
  });
});

describe("hostile 100 KB strings finish (linear scanner)", () => {
  const N = 100_000;
  const hostile: ReadonlyArray<readonly [string, string]> = [
    ["1".repeat(N), "no unit"],
    ["1h".repeat(N / 2), "repeats the unit"],
    ["1:".repeat(N / 2), "two digits"],
    ["P" + "T".repeat(N), "appears twice"],
    ["1." + "1".repeat(N), "no unit"],
    ["1" + ".".repeat(N), "doubled decimal point"],
    [" ".repeat(N) + "1h", ""],
    ["1h" + " ".repeat(N), ""],
    ["P" + "1".repeat(N), "no designator"],
    ["PT" + "1".repeat(N) + "S", "too large"],
    ["1" + "0".repeat(N) + "ns", "too large"],
    ["h".repeat(N), "unexpected"],
    ["1" + "h".repeat(N), "unknown unit"],
    ["1 ".repeat(N / 2), "no unit"],
    ["00:00:0" + "0".repeat(N), "two digits"],
    ["1d" + ", ".repeat(N / 2), "unexpected character"],
  ];

  for (const [text, hint] of hostile) {
    const name = JSON.stringify(text.slice(0, 12)) + `... (${text.length} chars)`;
    it(`parseTtl rejects ${name} by length`, () => {
      assert.throws(() => parseTtl(text), /limit is 1000/);
    });
    it(`the scanner alone gets through ${name}`, () => {
      const r = scanDuration(text.trim());
      if (hint === "") assert.ok(r.ok);
      else {
        assert.ok(!r.ok, "rejected");
        assert.ok(r.problem.includes(hint), r.problem);
        assert.ok(r.problem.length < 300, "problem text stays short");
      }
    });
  }

  it("the scanner reads long but valid input in one pass", () => {
    assert.deepEqual(scanDuration("0".repeat(N) + "1s"), { ok: true, ns: 1_000_000_000n });
    assert.deepEqual(scanDuration("1." + "0".repeat(N) + "1s"), { ok: true, ns: 1_000_000_000n });
    assert.deepEqual(scanDuration("1h" + " ".repeat(N) + "30m"), { ok: true, ns: 5_400_000_000_000n });
    assert.deepEqual(scanDuration("PT0." + "9".repeat(N) + "S"), { ok: true, ns: 1_000_000_000n });
  });
});
