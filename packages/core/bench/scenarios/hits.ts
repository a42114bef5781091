/**
 * Sync hits: no argument, one primitive argument (same key, four keys and a thousand keys in
 * turn), several primitive arguments, and a small options object rebuilt on every call. Each
 * against the peers with the same semantics (a cache by value returning the same reference) and a
 * hand-written memo.
 */
import { hash } from "ohash";
import memoizee from "memoizee";
import { memoize } from "micro-memoize";
import { cacheResource } from "cache-resource";
import { LRUCache } from "lru-cache";
import { DB_URL, DB_URLS, FakePool, mapMemo, poolOptions, rowsFrom, TENANT_URLS, type PoolOptions, type ScenarioResult } from "../fixtures.js";
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
  const memo = "globalThis singleton (floor)";
  return {
    id: "hit-none",
    title: "Hit, no argument (`getDb()`)",
    unit: "median ns/op",
    ratios: true,
    rows: rowsFrom(
      timings,
      OURS,
      { [memo]: "`globalThis.__db ??= create()`: the hand-written memo the cache replaces; no ttl, no clear, no release" },
      { "micro-memoize": "peer", [memo]: "memo" },
    ),
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
    rows: rowsFrom(
      timings,
      OURS,
      { "micro-memoize": "default `maxSize: 1`: its best case, one identity comparison against the last call" },
      { "micro-memoize": "peer", "memoizee (primitive)": "peer", "Map memo (hand-written)": "memo" },
    ),
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
    rows: rowsFrom(timings, OURS, {}, { "micro-memoize (maxSize 4)": "peer", "memoizee (primitive)": "peer", "Map memo (hand-written)": "memo" }),
  };
}

export function manyPrimitiveHit(): ScenarioResult {
  const create = (url: string) => new FakePool(url);
  const ours = cacheResource(function benchTenantPool(url: string) {
    return new FakePool(url);
  });
  const memo = memoizee(create, { primitive: true });
  const micro = memoize(create, { maxSize: TENANT_URLS.length });
  const lru = new LRUCache<string, FakePool>({ max: TENANT_URLS.length });
  const lruMemo = (url: string) => {
    let pool = lru.get(url);
    if (pool === undefined) lru.set(url, (pool = create(url)));
    return pool;
  };
  const map = mapMemo((url: string) => url, create);
  for (const url of TENANT_URLS) [ours, memo, micro, lruMemo, map].forEach((f) => f(url)); // every key is a hit from now on
  const walk = () => {
    let i = 0;
    return () => TENANT_URLS[i++ % TENANT_URLS.length]!;
  };
  const [a, b, c, d, e] = [walk(), walk(), walk(), walk(), walk()];
  const timings = timeSync([
    { name: OURS, run: () => ours(a()) },
    { name: "memoizee (primitive)", run: () => memo(b()) },
    { name: "lru-cache (get + set)", run: () => lruMemo(c()) },
    { name: "Map memo (hand-written)", run: () => map(d()) },
    { name: "micro-memoize (maxSize 1000)", run: () => micro(e()) },
  ]);
  return {
    id: "hit-primitive-many",
    title: "Hit, one primitive argument, a thousand keys in turn",
    unit: "median ns/op",
    ratios: true,
    rows: rowsFrom(
      timings,
      OURS,
      { "micro-memoize (maxSize 1000)": "compares the argument with each remembered call in turn" },
      { "memoizee (primitive)": "peer", "lru-cache (get + set)": "peer", "micro-memoize (maxSize 1000)": "peer", "Map memo (hand-written)": "memo" },
    ),
  };
}

export function severalPrimitivesHit(): ScenarioResult {
  const create = (host: string, port: number, database: string) => new FakePool({ host, port, database });
  const ours = cacheResource(function benchConnection(host: string, port: number, database: string) {
    return new FakePool({ host, port, database });
  });
  const micro = memoize(create, { maxSize: 1000 });
  const memo = memoizee(create);
  const map = new Map<string, FakePool>();
  // What people write by hand: a joined key (lossy: "a|b" + "c" equals "a" + "b|c").
  const mapMemo = (host: string, port: number, database: string) => {
    const key = `${host}|${port}|${database}`;
    let pool = map.get(key);
    if (pool === undefined) map.set(key, (pool = create(host, port, database)));
    return pool;
  };
  const timings = timeSync([
    { name: OURS, run: () => ours("db.internal", 5432, "app") },
    { name: "micro-memoize (maxSize 1000)", run: () => micro("db.internal", 5432, "app") },
    { name: "memoizee", run: () => memo("db.internal", 5432, "app") },
    { name: "Map memo (hand-written)", run: () => mapMemo("db.internal", 5432, "app") },
  ]);
  return {
    id: "hit-several",
    title: "Hit, several primitive arguments (`connect(host, port, database)`), same every call",
    unit: "median ns/op",
    ratios: true,
    rows: rowsFrom(
      timings,
      OURS,
      {
        "micro-memoize (maxSize 1000)": "the repeated call is the most recent one: one comparison per argument",
        "Map memo (hand-written)": "key `${host}|${port}|${database}`: a template string per call; lossy when values contain `|`",
      },
      { "micro-memoize (maxSize 1000)": "peer", memoizee: "peer", "Map memo (hand-written)": "memo" },
    ),
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
    }, { "micro-memoize (deep equal)": "peer", "`JSON.stringify` + Map": "memo" }),
  };
}
