/**
 * Many lone primitive arguments in turn: once the last-argument memo rests, a hit is one lookup of
 * the result by the argument (FunctionCache `#directResults`). Every hit taken that way must
 * behave exactly like the full hit path: counted, observable, replayed, and never served once
 * its entry has left the cache.
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import diagnostics from "node:diagnostics_channel";
import { cacheResource, runInSession, type CacheEvent } from "../../src/index.js";
import { setHost } from "../../src/host.js";
import { ManualClock } from "../support/manual-clock.js";

let seq = 0;
const unique = (label: string) => `direct-${label}-${++seq}`;

/** Enough keys in turn for the memo to rest (it rests after 8 calls with other arguments). */
const KEYS = Array.from({ length: 64 }, (_, i) => (i % 3 === 0 ? i : `key-${i}`));

/** Calls `get` with every key `rounds` times in turn; returns what each call returned. */
function walk<T>(get: (key: string | number) => T, rounds: number): T[] {
  const results: T[] = [];
  for (let round = 0; round < rounds; round++) for (const key of KEYS) results.push(get(key));
  return results;
}

describe("direct results (many keys in turn)", () => {
  test("every key hits its own value; clear(key) and clear() are seen at once and release once", async () => {
    let runs = 0;
    const released: unknown[] = [];
    const get = cacheResource((key: string | number) => ({ key, run: ++runs }), {
      name: unique("clear"),
      onRelease: (value) => void released.push(value),
    });
    const first = KEYS.map((key) => get(key));
    walk(get, 10).forEach((value, i) => assert.equal(value, first[i % KEYS.length]));
    assert.equal(runs, KEYS.length);
    await get.clear("key-5");
    assert.deepEqual(released, [first[5]]);
    const after = walk(get, 10);
    assert.equal(runs, KEYS.length + 1);
    const fresh = after[5];
    assert.notEqual(fresh, first[5]);
    after.forEach((value, i) => assert.equal(value, i % KEYS.length === 5 ? fresh : first[i % KEYS.length]));
    await get.clear();
    assert.equal(released.length, KEYS.length + 1);
    assert.equal(new Set(released).size, released.length, "each value released exactly once");
    walk(get, 3);
    assert.equal(runs, 2 * KEYS.length + 1);
  });

  test("undefined and other falsy results stay cached (they are not served by the direct lookup)", () => {
    let runs = 0;
    const get = cacheResource(
      (key: string | number) => {
        runs++;
        return typeof key === "number" ? (key % 2 === 0 ? undefined : 0) : key === "key-1" ? null : "";
      },
      { name: unique("falsy") },
    );
    walk(get, 20);
    assert.equal(runs, KEYS.length);
  });

  test("hits taken directly are counted in stats, and emit events once something listens", () => {
    const get = cacheResource((key: string | number) => ({ key }), { name: unique("stats") });
    walk(get, 1);
    walk(get, 9);
    assert.equal(get.stats().hits, 9 * KEYS.length);
    const events: CacheEvent[] = [];
    const unsubscribe = cacheResource.events.subscribe((event) => {
      if (event.functionName === get.name) events.push(event);
    });
    try {
      walk(get, 5);
    } finally {
      unsubscribe();
    }
    assert.equal(events.filter((e) => e.type === "hit").length, 5 * KEYS.length);
    assert.equal(get.stats().hits, 14 * KEYS.length);
  });

  test("hits taken directly are published on the hit channel once it has a subscriber", () => {
    const get = cacheResource((key: string | number) => ({ key }), { name: unique("channel") });
    walk(get, 10);
    let published = 0;
    const onHit = (message: unknown) => {
      if ((message as { functionName?: string }).functionName === get.name) published++;
    };
    diagnostics.subscribe("cache-resource:hit", onHit);
    try {
      walk(get, 4);
    } finally {
      diagnostics.unsubscribe("cache-resource:hit", onHit);
    }
    assert.equal(published, 4 * KEYS.length);
  });

  test("values with a recording are replayed on every hit, also among many keys", () => {
    const replays: unknown[] = [];
    const previous = setHost({
      beginMiss: () => ({ run: (compute) => compute(), end: () => "recorded" }),
      replay: (recording) => void replays.push(recording),
    });
    try {
      const get = cacheResource((key: string | number) => ({ key }), { name: unique("replay") });
      walk(get, 10);
      assert.equal(replays.length, 9 * KEYS.length);
    } finally {
      setHost(previous);
    }
  });

  test("with maxEntries, hits among many keys keep the LRU order (the least recently used is evicted)", () => {
    let runs = 0;
    const get = cacheResource((key: string | number) => ({ key, run: ++runs }), { name: unique("lru"), maxEntries: KEYS.length });
    walk(get, 10);
    assert.equal(runs, KEYS.length);
    for (let i = 1; i < KEYS.length; i++) get(KEYS[i]!); // KEYS[0] is now the least recently used
    get("a new key");
    assert.equal(runs, KEYS.length + 1);
    get(KEYS[1]!);
    assert.equal(runs, KEYS.length + 1, "a recently used key stayed");
    get(KEYS[0]!);
    assert.equal(runs, KEYS.length + 2, "the least recently used key was evicted");
  });
});

describe("direct results and a function wrapped again", () => {
  test("with a ttl (a new cache): the values served directly are released once, and the new ones expire", () => {
    const clock = new ManualClock();
    const name = unique("rewrap-ttl");
    let runs = 0;
    const released: unknown[] = [];
    const body = (key: string | number) => ({ key, run: ++runs });
    const plain = cacheResource(body, { name, clock, onRelease: (value) => void released.push(value) });
    const first = KEYS.map((key) => plain(key));
    walk(plain, 10); // the memo rests: hits are taken directly
    const timed = cacheResource(body, { name, clock, ttl: 10 });
    assert.equal(released.length, KEYS.length, "the previous cache released every value");
    assert.deepEqual(new Set(released), new Set(first));
    const second = walk(timed, 10).slice(0, KEYS.length);
    assert.equal(runs, 2 * KEYS.length);
    second.forEach((value) => assert.ok(!first.includes(value)));
    clock.jump(10_000);
    walk(timed, 2);
    assert.equal(runs, 3 * KEYS.length, "every key computed again once its ttl has passed");
  });

  test("with a new onRelease (the same cache): its values are still hit, and a clear releases through the new hook", async () => {
    const name = unique("rewrap-hook");
    let runs = 0;
    const body = (key: string | number) => ({ key, run: ++runs });
    const before: unknown[] = [];
    const after: unknown[] = [];
    const get = cacheResource(body, { name, onRelease: (value) => void before.push(value) });
    const first = KEYS.map((key) => get(key));
    walk(get, 10);
    const again = cacheResource(body, { name, onRelease: (value) => void after.push(value) });
    walk(again, 10).forEach((value, i) => assert.equal(value, first[i % KEYS.length]));
    assert.equal(runs, KEYS.length);
    await again.clear("key-7");
    assert.deepEqual(before, []);
    assert.deepEqual(after, [first[7]]);
    const next = walk(again, 10);
    assert.equal(runs, KEYS.length + 1);
    assert.notEqual(next[7], first[7]);
    next.forEach((value, i) => assert.equal(value, i % KEYS.length === 7 ? next[7] : first[i % KEYS.length]));
  });
});

describe("one primitive argument, looked up once", () => {
  test("session scope, async: concurrent calls with a pending entry share its computation", async () => {
    let runs = 0;
    const get = cacheResource(async (key: string) => ({ key, run: ++runs }), { name: unique("session-join"), scope: "session" });
    await runInSession("s1", async () => {
      const calls = KEYS.map((_, i) => get(`k-${i % 4}`));
      const values = await Promise.all(calls);
      assert.equal(runs, 4);
      values.forEach((value, i) => assert.equal(value, values[i % 4]));
    });
  });

  test("session scope with ttl: an expired entry is released once and computed again", async () => {
    const clock = new ManualClock();
    let runs = 0;
    const released: unknown[] = [];
    const get = cacheResource((key: string) => ({ key, run: ++runs }), {
      name: unique("session-ttl"),
      scope: "session",
      ttl: 10,
      clock,
      onRelease: (value) => void released.push(value),
    });
    runInSession("s2", () => {
      const first = get("a");
      assert.equal(get("a"), first);
      clock.jump(10_000); // before its timer runs
      const second = get("a");
      assert.notEqual(second, first);
      assert.deepEqual(released, [first]);
      assert.equal(get("a"), second);
      assert.equal(runs, 2);
    });
  });
});
