/**
 * `stats().bytes`: an estimate of each function's retained size, from a user-supplied `sizeOf`
 * (measured once per stored value; see docs: there is no cheap automatic estimate). It follows
 * every way values enter and leave: misses, hits (no measuring), eviction, clears, background
 * refresh, session end. Without `sizeOf` there is no `bytes`.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { cacheResource, endSession, InvalidOptionError, runInSession } from "../../src/index.js";
import { flush, ManualClock } from "../support/manual-clock.js";

let seq = 0;
const unique = (label: string) => `${label}-${++seq}`;

test("sizeOf is called once per stored value; bytes follow misses, hits, eviction and clears", async () => {
  const measured: string[] = [];
  const get = cacheResource((key: string) => ({ key, data: new Uint8Array(key.length * 100) }), {
    name: unique("bytes"),
    maxEntries: 2,
    sizeOf: (value) => {
      measured.push(value.key);
      return value.data.byteLength;
    },
  });
  assert.equal(get.stats().bytes, 0);
  get("a");
  get("bb");
  get("a"); // a hit: not measured again
  assert.deepEqual(measured, ["a", "bb"]);
  assert.equal(get.stats().bytes, 300);
  get("ccc"); // evicts "bb", the least recently used
  assert.equal(get.stats().bytes, 100 + 300);
  await get.clear("a");
  assert.equal(get.stats().bytes, 300);
  await get.clear();
  assert.equal(get.stats().bytes, 0);
  assert.deepEqual(measured, ["a", "bb", "ccc"]);
});

test("a background refresh replaces the measured size; session ends subtract theirs", async () => {
  const clock = new ManualClock();
  let version = 0;
  const get = cacheResource((key: string) => ({ key, size: ++version * 10 }), {
    name: unique("bytes-refresh"),
    ttl: 1,
    refreshMode: "background",
    clock,
    sizeOf: (value) => value.size,
  });
  get("a");
  assert.equal(get.stats().bytes, 10);
  clock.advance(1_500); // stale: served, and refreshed in the background
  get("a");
  await flush();
  assert.equal(get.stats().bytes, 20, "the refreshed value's size replaced the old one's");

  const perSession = cacheResource((key: string) => ({ key }), { name: unique("bytes-session"), scope: "session", sizeOf: () => 7 });
  runInSession("s1", () => perSession("a"));
  runInSession("s2", () => perSession("a"));
  assert.equal(perSession.stats().bytes, 14);
  await endSession("s1");
  assert.equal(perSession.stats().bytes, 7);
  await endSession("s2");
  await get.clear();
});

test("without sizeOf there is no estimate; cacheResource.stats() sums the functions that have one", async () => {
  const plain = cacheResource((key: string) => ({ key }), { name: unique("no-bytes") });
  plain("a");
  assert.equal(plain.stats().bytes, undefined);
  assert.ok(!("bytes" in plain.stats()));
  const sized = cacheResource((key: string) => ({ key }), { name: unique("some-bytes"), sizeOf: () => 5 });
  sized("a");
  const total = cacheResource.stats();
  assert.equal(total.bytes, total.functions.reduce((sum, f) => sum + (f.bytes ?? 0), 0));
  assert.ok(total.bytes! >= 5);
  await Promise.all([plain.clear(), sized.clear()]);
});

test("a sizeOf that throws or returns nonsense counts 0 and is reported once; calls still work", async () => {
  const warnings: string[] = [];
  const onWarning = (w: Error) => void warnings.push(w.message);
  process.on("warning", onWarning);
  try {
    let n = 0;
    const name = unique("bad-size");
    const get = cacheResource((key: string) => ({ key }), {
      name,
      sizeOf: () => {
        if (++n % 2 === 0) throw new Error("cannot measure");
        return Number.NaN;
      },
    });
    assert.equal(get("a").key, "a");
    assert.equal(get("b").key, "b");
    assert.equal(get.stats().bytes, 0);
    await flush(); // warnings are emitted on the next tick
    const ours = warnings.filter((w) => w.includes(`sizeOf of \`${name}()\``));
    assert.equal(ours.length, 1, warnings.join("\n"));
    await get.clear();
  } finally {
    process.off("warning", onWarning);
  }
});

test("sizeOf must be a function", () => {
  assert.throws(() => cacheResource((k: string) => k, { sizeOf: 1024 as never }), InvalidOptionError);
});

test("a sizeOf that clears the cache during a miss: no hang, every value released once, bytes match what is stored", async () => {
  const released: unknown[] = [];
  let clearOnce = false;
  let runs = 0;
  const get = cacheResource((key: number) => ({ key, run: ++runs }), {
    name: unique("bytes-clearing"),
    maxEntries: 1,
    onRelease: (value) => void released.push(value),
    sizeOf: () => {
      if (clearOnce) {
        clearOnce = false;
        void get.clear();
      }
      return 5;
    },
  });
  const first = get(1);
  clearOnce = true;
  const second = get(2); // its sizeOf clears: this computation is cleared while computing, and runs again
  assert.equal(second.key, 2);
  assert.equal(runs, 3);
  assert.equal(get(2), second, "the value computed again is the one stored");
  assert.deepEqual(get.stats().entries, 1);
  assert.equal(get.stats().bytes, 5);
  assert.equal(released.length, 2, "the first value and the cleared computation's value");
  assert.ok(released.includes(first));
  await get.clear();
  assert.equal(get.stats().bytes, 0);
  assert.equal(new Set(released).size, released.length, "no value released twice");
});

test("a sizeOf that clears the cache during a background refresh: the new value is not stored and bytes go back to 0", async () => {
  const clock = new ManualClock();
  const released: { size: number; reason: string }[] = [];
  let version = 0;
  let clearing = false;
  const get = cacheResource((key: string) => ({ key, size: ++version * 10 }), {
    name: unique("bytes-refresh-clearing"),
    ttl: 1,
    refreshMode: "background",
    clock,
    onRelease: (value, reason) => void released.push({ size: value.size, reason }),
    sizeOf: (value) => {
      if (clearing) void get.clear();
      return value.size;
    },
  });
  get("a");
  assert.equal(get.stats().bytes, 10);
  clearing = true;
  clock.advance(1_500);
  get("a"); // stale: refreshed in the background; its sizeOf clears the cache
  await flush();
  assert.equal(get.stats().entries, 0);
  assert.equal(get.stats().bytes, 0);
  assert.deepEqual(
    released.map((r) => r.size).sort(),
    [10, 20],
    "the old value and the refreshed one are each released once",
  );
});
