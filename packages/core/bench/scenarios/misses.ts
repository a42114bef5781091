/** Miss + evict with a size bound, and the cost of keying a 64 MB binary argument. */
import * as crypto from "node:crypto";
import { LRUCache } from "lru-cache";
import memoizee from "memoizee";
import { memoize } from "micro-memoize";
import { cacheResource } from "cache-resource";
import { FakePool, rowsFrom, type ScenarioResult } from "../fixtures.js";
import { timeEach, timeSync } from "../harness.js";

const OURS = "cacheResource";

/** Bound of every cache; the keys cycle over twice as many, so LRU order makes every call miss. */
const MAX_ENTRIES = 1000;
const KEYS = Array.from({ length: 2 * MAX_ENTRIES }, (_, i) => `tenant-${i}`);

export function missEvict(): ScenarioResult {
  const ours = cacheResource(
    function benchTenantPool(tenant: string) {
      return new FakePool(tenant);
    },
    { maxEntries: MAX_ENTRIES, showSpinner: false },
  );
  const lru = new LRUCache<string, FakePool>({ max: MAX_ENTRIES });
  const lruMemo = (tenant: string) => {
    let pool = lru.get(tenant);
    if (pool === undefined) lru.set(tenant, (pool = new FakePool(tenant)));
    return pool;
  };
  const memo = memoizee((tenant: string) => new FakePool(tenant), { max: MAX_ENTRIES, primitive: true });
  const micro = memoize((tenant: string) => new FakePool(tenant), { maxSize: MAX_ENTRIES });
  const cycle = () => {
    let i = 0;
    return () => KEYS[i++ % KEYS.length]!;
  };
  const [a, b, c, d] = [cycle(), cycle(), cycle(), cycle()];
  const timings = timeSync([
    { name: OURS, run: () => ours(a()) },
    { name: "lru-cache (get + set)", run: () => lruMemo(b()) },
    { name: "memoizee (max)", run: () => memo(c()) },
    { name: "micro-memoize (maxSize)", run: () => micro(d()) },
  ]);
  return {
    id: "miss-evict",
    title: `Miss + LRU eviction, \`maxEntries: ${MAX_ENTRIES}\`, ${KEYS.length} keys in a cycle`,
    unit: "median ns/op",
    ratios: true,
    rows: rowsFrom(timings, OURS, {
      [OURS]: "each miss also runs the single-flight entry, the compute frame (AsyncLocalStorage), stats and the release path",
      "micro-memoize (maxSize)": "linear scan of its entries on every call",
    }, { "lru-cache (get + set)": "peer" }),
  };
}

/** 64 MiB: large enough that the digest, not the bookkeeping, is what gets measured. */
const LARGE_BYTES = 64 * 1024 * 1024;

export async function largeBinary(): Promise<ScenarioResult> {
  const buffer = new Uint8Array(LARGE_BYTES);
  for (let offset = 0; offset < LARGE_BYTES; offset += 65536) crypto.randomFillSync(buffer, offset, 65536);
  const ours = cacheResource(function benchEmbed(_model: string, input: Uint8Array) {
    return input.byteLength;
  });
  ours("model", buffer); // the miss; every timed call below is a hit that hashes all 64 MiB
  const timings = await timeEach(
    [
      { name: OURS, run: () => ours("model", buffer) },
      { name: "`crypto.hash(\"sha256\")`", run: () => crypto.hash("sha256", buffer) },
      { name: "`createHash(\"sha256\")`", run: () => crypto.createHash("sha256").update(buffer).digest() },
    ],
    11,
  );
  const rows = rowsFrom(timings, OURS, { [OURS]: "a hit: the key is a SHA-256 of every byte (never sampled)" });
  return {
    id: "large-binary",
    title: "64 MiB `Uint8Array` argument (hit: the whole buffer is hashed into the key)",
    unit: "median ms/op",
    ratios: true,
    rows: rows.map((row) => ({ ...row, value: row.value / 1e6, extra: { "GB/s": (LARGE_BYTES / row.value).toFixed(2) } })),
  };
}
