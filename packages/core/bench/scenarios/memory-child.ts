/**
 * Heap per idle entry, one implementation per process (started by memory.ts with
 * `--expose-gc`): keys and values are allocated before the baseline, so the delta is what the
 * cache itself keeps per entry. Also counts the OS timers left armed.
 */
import { liveTimers, refTimers } from "./timer-census.js"; // first: it must see every timer
import { LRUCache } from "lru-cache";
import memoizee from "memoizee";
import { cacheResource } from "cache-resource";

const ENTRIES = 100_000;

/** What one run prints, as one JSON line. */
interface MemoryMeasurement {
  readonly name: string;
  readonly bytesPerEntry: number;
  /** Timers armed once every entry is in (unref'd ones included), and those among them that are ref'd. */
  readonly timers: number;
  readonly refTimers: number;
}

const gc = (globalThis as { gc?: () => void }).gc;

function settledHeap(): number {
  for (let i = 0; i < 4; i++) gc!();
  return process.memoryUsage().heapUsed;
}

const HOUR_MS = 3_600_000;

/** Each factory returns the cached function to fill; `load` hands out the pre-built values. */
const implementations: Record<string, (load: (key: string) => object) => (key: string) => unknown> = {
  cacheResource: (load) => cacheResource(function benchIdle(key: string) { return load(key); }),
  "cacheResource (ttl 1h)": (load) => cacheResource(function benchIdleTtl(key: string) { return load(key); }, { ttl: "1h" }),
  "Map memo (floor)": (load) => {
    const map = new Map<string, object>();
    return (key) => {
      let value = map.get(key);
      if (value === undefined) map.set(key, (value = load(key)));
      return value;
    };
  },
  "lru-cache": (load) => {
    const lru = new LRUCache<string, object>({ max: 2 * ENTRIES });
    return (key) => {
      let value = lru.get(key);
      if (value === undefined) lru.set(key, (value = load(key)));
      return value;
    };
  },
  "lru-cache (ttl 1h, ttlAutopurge)": (load) => {
    const lru = new LRUCache<string, object>({ max: 2 * ENTRIES, ttl: HOUR_MS, ttlAutopurge: true });
    return (key) => {
      let value = lru.get(key);
      if (value === undefined) lru.set(key, (value = load(key)));
      return value;
    };
  },
  memoizee: (load) => memoizee(load, { primitive: true }),
  "memoizee (maxAge 1h)": (load) => memoizee(load, { primitive: true, maxAge: HOUR_MS }),
};

function measure(name: string): MemoryMeasurement {
  const factory = implementations[name];
  if (factory === undefined) throw new Error(`unknown implementation ${name}`);
  const keys = Array.from({ length: ENTRIES }, (_, i) => `resource-${i}`);
  const values = new Map(keys.map((key) => [key, { key }]));
  const load = (key: string) => values.get(key)!;
  const cached = factory(load);
  cached(keys[0]!); // the cache's fixed cost (registry, stores, first timer) is not per entry
  const before = settledHeap();
  for (let i = 1; i < ENTRIES; i++) cached(keys[i]!);
  const after = settledHeap();
  const measurement = { name, bytesPerEntry: (after - before) / (ENTRIES - 1), timers: liveTimers(), refTimers: refTimers() };
  // Keep everything alive until after the measurement.
  if (keys.length + values.size === 0) console.log(cached);
  return measurement;
}

if (gc === undefined) throw new Error("run with --expose-gc");
const name = process.argv[2];
if (name === undefined || name === "--list") process.stdout.write(JSON.stringify(Object.keys(implementations)) + "\n");
else process.stdout.write(JSON.stringify(measure(name)) + "\n");
process.exit(0); // do not wait for unref'd or armed timers
