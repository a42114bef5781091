/**
 * Sync hits: no argument, one primitive argument (same key, and four rotating keys), and a small
 * options object rebuilt on every call.
 */
import { hash } from "ohash";
import memoizee from "memoizee";
import { memoize } from "micro-memoize";
import { cacheResource } from "../../src/index.js";
import { DB_URL, DB_URLS, FakePool, mapMemo, poolOptions, rowsFrom, type PoolOptions, type ScenarioResult } from "../fixtures.js";
import { timeSync } from "../harness.js";

const OURS = "cacheResource";

declare global {
  // eslint-disable-next-line no-var
  var __benchDb: FakePool | undefined;
}

export function noArgumentHit(): ScenarioResult {
  const ours = cacheResource(function benchGetDb() {
    return new FakePool(DB_URL);
  });
  const micro = memoize(() => new FakePool(DB_URL));
  const singleton = () => (globalThis.__benchDb ??= new FakePool(DB_URL));
  const timings = timeSync([
    { name: OURS, run: () => ours() },
    { name: "globalThis singleton (floor)", run: () => singleton() },
    { name: "micro-memoize", run: () => micro() },
  ]);
  return {
    id: "hit-none",
    title: "Hit, no argument (`getDb()`)",
    unit: "median ns/op",
    ratios: true,
    rows: rowsFrom(timings, OURS, { "globalThis singleton (floor)": "`globalThis.__db ??= create()`: what the cache replaces; no ttl, no clear, no release" }),
  };
}

export function primitiveHit(): ScenarioResult {
  const ours = cacheResource(function benchPoolFor(url: string) {
    return new FakePool(url);
  });
  const micro = memoize((url: string) => new FakePool(url));
  const memo = memoizee((url: string) => new FakePool(url), { primitive: true });
  const map = new Map<string, FakePool>();
  const mapMemo = (url: string) => {
    let pool = map.get(url);
    if (pool === undefined) map.set(url, (pool = new FakePool(url)));
    return pool;
  };
  const timings = timeSync([
    { name: OURS, run: () => ours(DB_URL) },
    { name: "micro-memoize", run: () => micro(DB_URL) },
    { name: "memoizee (primitive)", run: () => memo(DB_URL) },
    { name: "Map memo (hand-written)", run: () => mapMemo(DB_URL) },
    { name: "Map.get (floor)", run: () => map.get(DB_URL) },
  ]);
  return {
    id: "hit-primitive",
    title: "Hit, one primitive argument, same key every call (`getPool(url)`)",
    unit: "median ns/op",
    ratios: true,
    rows: rowsFrom(timings, OURS, {
      "micro-memoize": "default `maxSize: 1`: its best case, one identity comparison against the last call",
    }),
  };
}

export function rotatingPrimitiveHit(): ScenarioResult {
  const ours = cacheResource(function benchPoolRotating(url: string) {
    return new FakePool(url);
  });
  const micro = memoize((url: string) => new FakePool(url), { maxSize: DB_URLS.length });
  const memo = memoizee((url: string) => new FakePool(url), { primitive: true });
  const map = new Map<string, FakePool>();
  const mapMemo = (url: string) => {
    let pool = map.get(url);
    if (pool === undefined) map.set(url, (pool = new FakePool(url)));
    return pool;
  };
  // A counter per case so every case walks the same key sequence.
  const rotate = () => {
    let i = 0;
    return () => DB_URLS[i++ & 3]!;
  };
  const [a, b, c, d] = [rotate(), rotate(), rotate(), rotate()];
  const timings = timeSync([
    { name: OURS, run: () => ours(a()) },
    { name: "micro-memoize (maxSize 4)", run: () => micro(b()) },
    { name: "memoizee (primitive)", run: () => memo(c()) },
    { name: "Map memo (hand-written)", run: () => mapMemo(d()) },
  ]);
  return {
    id: "hit-primitive-rotating",
    title: "Hit, one primitive argument, four keys in turn",
    unit: "median ns/op",
    ratios: true,
    rows: rowsFrom(timings, OURS),
  };
}

export function objectHit(): ScenarioResult {
  const create = (options: PoolOptions) => new FakePool(options);
  const ours = cacheResource(function benchPoolForOptions(options: PoolOptions) {
    return new FakePool(options);
  });
  const ohashMemo = mapMemo(hash, create);
  const jsonMemo = mapMemo((options: PoolOptions) => JSON.stringify(options), create);
  const microDeep = memoize(create, { isKeyItemEqual: "deep" });
  const microRef = memoize(create);
  const memo = memoizee(create, { normalizer: (args) => JSON.stringify(args[0]) });
  const timings = timeSync([
    { name: OURS, run: () => ours(poolOptions()) },
    { name: "ohash `hash()` + Map", run: () => ohashMemo(poolOptions()) },
    { name: "`JSON.stringify` + Map", run: () => jsonMemo(poolOptions()) },
    { name: "micro-memoize (deep equal)", run: () => microDeep(poolOptions()) },
    { name: "memoizee (`JSON.stringify` normalizer)", run: () => memo(poolOptions()) },
    { name: "micro-memoize (default)", run: () => microRef(poolOptions()) },
  ]);
  return {
    id: "hit-object",
    title: "Hit, small options object rebuilt every call (URL + 4 fields)",
    unit: "median ns/op",
    ratios: true,
    rows: rowsFrom(timings, OURS, {
      "ohash `hash()` + Map": "structural serialization + SHA-256 digest, key order independent",
      "`JSON.stringify` + Map": "lossy and key-order dependent (`{a,b}` ≠ `{b,a}`, `undefined`/Map/Set dropped)",
      "micro-memoize (deep equal)": "`isKeyItemEqual: \"deep\"`, `maxSize: 1`: deep-compares against the last call only",
      "memoizee (`JSON.stringify` normalizer)": "same limits as `JSON.stringify`",
      "micro-memoize (default)": "**misses on every call**: compares arguments by reference, so a rebuilt object never matches; the time is a recomputation",
    }),
  };
}
