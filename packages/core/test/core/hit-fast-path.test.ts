/**
 * The remembered-hit fast path (a repeated call with the same primitive argument, or with none,
 * skips keying and the Map lookup) must behave exactly like the full hit path.
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { cacheResource, runInSession, type CacheEvent } from "../../src/index.js";
import { ManualClock } from "../support/manual-clock.js";

let seq = 0;
const unique = (label: string) => `${label}-${++seq}`;

describe("remembered hits", () => {
  test("repeated calls hit; clear(arg), clear() and another argument are seen at once", async () => {
    let runs = 0;
    const get = cacheResource((url: string) => ({ url, run: ++runs }), { name: unique("fast-clear") });
    const a = get("a");
    assert.equal(get("a"), a);
    assert.equal(get("a"), a);
    assert.notEqual(get("b"), a);
    assert.equal(get("a"), a);
    await get.clear("a");
    const a2 = get("a");
    assert.notEqual(a2, a);
    assert.equal(get("a"), a2);
    await get.clear();
    assert.notEqual(get("a"), a2);
    assert.equal(runs, 4);
  });

  test("an expired entry is never served, even before its timer fires", () => {
    const clock = new ManualClock();
    let runs = 0;
    const released: unknown[] = [];
    const get = cacheResource((n: number) => ({ n, run: ++runs }), {
      name: unique("fast-ttl"),
      ttl: 10,
      clock,
      onRelease: (value) => void released.push(value),
    });
    const first = get(1);
    assert.equal(get(1), first);
    clock.jump(10_000); // the timer has not run
    const second = get(1);
    assert.notEqual(second, first);
    assert.deepEqual(released, [first]);
    assert.equal(get(1), second);
    assert.equal(runs, 2);
  });

  test("validate runs on every hit of a repeated argument", () => {
    let checks = 0;
    let alive = true;
    let runs = 0;
    const get = cacheResource((n: number) => ({ n, run: ++runs }), {
      name: unique("fast-validate"),
      validate: () => {
        checks++;
        return alive;
      },
    });
    const first = get(1);
    get(1);
    get(1);
    assert.equal(checks, 2);
    alive = false;
    const second = get(1);
    assert.notEqual(second, first);
    assert.equal(runs, 2);
  });

  test("LRU order still moves on remembered hits", () => {
    const released: unknown[] = [];
    const get = cacheResource((n: number) => ({ n }), {
      name: unique("fast-lru"),
      maxEntries: 2,
      onRelease: (value) => void released.push(value),
    });
    const one = get(1);
    const two = get(2);
    get(1);
    get(1); // remembered: 1 must still become the most recently used
    get(3);
    assert.deepEqual(released, [two]);
    assert.equal(get(1), one);
  });

  test("no argument and one undefined argument share an entry; the function sees how it was called", () => {
    const counts: number[] = [];
    const get = cacheResource(function fastOptional(this: unknown, x?: number) {
      counts.push(arguments.length);
      return { x };
    }, { name: unique("fast-optional") });
    const a = get();
    assert.equal(get(), a);
    assert.equal(get(undefined), a);
    assert.equal(get(), a);
    assert.deepEqual(counts, [0]);
  });

  test("NaN, -0 and 0 keep their key semantics", () => {
    let runs = 0;
    const get = cacheResource((n: number) => ({ n, run: ++runs }), { name: unique("fast-nan") });
    const nan = get(NaN);
    assert.equal(get(NaN), nan);
    const zero = get(0);
    assert.equal(get(-0), zero);
    assert.equal(runs, 2);
  });

  test("an object argument is keyed again on every call (it may have been mutated)", () => {
    let runs = 0;
    const get = cacheResource((options: { size: number }) => ({ size: options.size, run: ++runs }), { name: unique("fast-object") });
    const options = { size: 1 };
    const a = get(options);
    assert.equal(get(options), a);
    options.size = 2;
    assert.notEqual(get(options), a);
    assert.equal(runs, 2);
  });

  test("session scope: the same argument in two sessions gives two values", () => {
    const get = cacheResource((n: number) => ({ n }), { name: unique("fast-session"), scope: "session" });
    const s1 = runInSession("fast-s1", () => [get(1), get(1)]);
    const s2 = runInSession("fast-s2", () => [get(1), get(1)]);
    assert.equal(s1[0], s1[1]);
    assert.equal(s2[0], s2[1]);
    assert.notEqual(s1[0], s2[0]);
  });

  test("remembered hits count in stats and emit hit events", () => {
    const get = cacheResource((n: number) => ({ n }), { name: unique("fast-stats") });
    const hits: CacheEvent[] = [];
    const stop = cacheResource.events.subscribe((event) => {
      if (event.type === "hit" && event.functionName === get.name) hits.push(event);
    });
    try {
      get(1);
      get(1);
      get(1);
    } finally {
      stop();
    }
    assert.equal(get.stats().hits, 2);
    assert.equal(hits.length, 2);
  });

  test("async: a repeated argument returns the same settled Promise", async () => {
    let runs = 0;
    const get = cacheResource(async (n: number) => ({ n, run: ++runs }), { name: unique("fast-async") });
    const first = await get(1);
    const p1 = get(1);
    const p2 = get(1);
    assert.equal(p1, p2);
    assert.equal(await p1, first);
    assert.equal(runs, 1);
  });
});
