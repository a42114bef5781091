/**
 * Soak: 10^6 create/evict/clear cycles on the real clock, then checks that memory came back.
 *
 *   npm run soak                     (node --expose-gc --import tsx scripts/soak.ts)
 *   SOAK_CYCLES=200000 npm run soak  (a shorter run)
 *
 * One cycle creates one value (a miss) in one of five cached functions, which between them use
 * every removal path that runs without a user action: LRU eviction, ttl expiry by timer
 * (5–20 ms ttls on the system clock), failed validation, session end; clear(args), clear() and
 * the global clear run on a schedule. Hits are mixed in. The event loop is yielded to every 256
 * cycles so expiry timers fire.
 *
 * Fails (exit code 1) when:
 * - the heap after the run (everything cleared, timers drained, gc) exceeds the heap before it
 *   (after a warm-up, cleared, gc) by more than HEAP_BOUND_MB;
 * - any value was released twice, or created and never released;
 * - an unhandled rejection or uncaught exception arrived.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { cacheResource, endSession, runInSession, type ReleaseReason } from "../src/index.js";

const CYCLES = Number(process.env.SOAK_CYCLES ?? 1_000_000);
const WARMUP_CYCLES = 20_000;
const HEAP_BOUND_MB = 5;
const YIELD_EVERY = 256;

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) {
  console.error("soak: run with --expose-gc (npm run soak)");
  process.exit(2);
}

const problems: string[] = [];
process.on("unhandledRejection", (reason) => void problems.push(`unhandled rejection: ${String(reason)}`));
process.on("uncaughtException", (error) => void problems.push(`uncaught exception: ${String(error)}`));

/** A resource: a buffer, so a leak of values shows in the heap. */
class Conn {
  released = false;
  readonly payload = new Array<number>(16).fill(0);
  constructor(readonly key: string) {}
}

let created = 0;
let releasedTotal = 0;
const releasedBy: Partial<Record<ReleaseReason, number>> = {};
const onRelease = (value: Conn, reason: ReleaseReason): void => {
  if (value.released) problems.push(`value ${value.key} released twice (${reason})`);
  value.released = true;
  releasedTotal++;
  releasedBy[reason] = (releasedBy[reason] ?? 0) + 1;
};
const make = (key: string): Conn => {
  created++;
  return new Conn(key);
};

/** LRU + short ttl, sync. */
const lruTtl = cacheResource((key: string) => make(key), { name: "soak-lru-ttl", maxEntries: 64, ttl: "5ms", onRelease });
/** LRU + ttl, async. */
const asyncTtl = cacheResource(async (key: string) => make(key), { name: "soak-async-ttl", maxEntries: 16, ttl: "20ms", onRelease });
/** Unbounded, ttl only: expiry by timer is the only automatic removal. */
const ttlOnly = cacheResource((key: string, _n: number) => make(key), { name: "soak-ttl-only", ttl: "10ms", onRelease });
/** Validation that fails now and then. */
let validateCalls = 0;
const validated = cacheResource((key: string) => make(key), {
  name: "soak-validated",
  maxEntries: 32,
  validate: () => ++validateCalls % 7 !== 0,
  onRelease,
});
/** Session scope, sessions ended on a schedule. */
const perSession = cacheResource((key: string) => make(key), { name: "soak-session", scope: "session", maxEntries: 8, onRelease });

const fns = [lruTtl, ttlOnly, validated, perSession] as const;

async function cycles(count: number, offset: number): Promise<void> {
  let pending: Promise<unknown>[] = [];
  for (let i = offset; i < offset + count; i++) {
    const key = `k${i}`;
    switch (i % 5) {
      case 0:
        lruTtl(key);
        lruTtl(`k${i - 5}`); // often a hit, sometimes a recreate
        break;
      case 1:
        pending.push(asyncTtl(key));
        break;
      case 2:
        ttlOnly(key, i);
        break;
      case 3:
        validated(key);
        validated(`k${i - 5}`);
        break;
      case 4:
        runInSession(`session-${(i / 1_000) | 0}`, () => perSession(key));
        break;
    }
    if (i % 1_000 === 999) {
      void lruTtl.clear(`k${i - 4}`);
      void validated.clear(`k${i - 1}`);
      void endSession(`session-${(i / 1_000) | 0}`);
    }
    if (i % 5_000 === 4_999) for (const fn of fns) void fn.clear();
    if (i % 50_000 === 49_999) void cacheResource.clear();
    if (i % YIELD_EVERY === YIELD_EVERY - 1) {
      await Promise.all(pending);
      pending = [];
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  await Promise.all(pending);
}

/** Clears everything, lets every ttl timer fire, collects garbage, returns heapUsed in bytes. */
async function settledHeap(): Promise<number> {
  await cacheResource.clear();
  for (let s = 0; s <= CYCLES / 1_000 + 1; s++) await endSession(`session-${s}`);
  await sleep(50); // longest ttl is 20 ms: every queued deadline has passed and fired
  for (let i = 0; i < 6; i++) {
    gc!();
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}

const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(2);

await cycles(WARMUP_CYCLES, -WARMUP_CYCLES);
const heapBefore = await settledHeap();
const createdBefore = created;
const releasedBefore = releasedTotal;
const releasedByBefore = { ...releasedBy };
const started = performance.now();
let peak = 0;
const CHUNK = 100_000;
for (let done = 0; done < CYCLES; done += CHUNK) {
  await cycles(Math.min(CHUNK, CYCLES - done), done);
  peak = Math.max(peak, process.memoryUsage().heapUsed);
}
const seconds = (performance.now() - started) / 1000;
const heapAfter = await settledHeap();
const delta = heapAfter - heapBefore;

const stats = cacheResource.stats();
const rows: [string, string][] = [
  ["cycles", CYCLES.toLocaleString("en-US")],
  ["values created", (created - createdBefore).toLocaleString("en-US")],
  ["values released", (releasedTotal - releasedBefore).toLocaleString("en-US")],
  ...Object.entries(releasedBy).map(
    ([reason, n]) => [`  by reason: ${reason}`, (n - (releasedByBefore[reason as ReleaseReason] ?? 0)).toLocaleString("en-US")] as [string, string],
  ),
  ["entries left", String(stats.entries)],
  ["time", `${seconds.toFixed(1)} s (${((seconds * 1e6) / CYCLES).toFixed(2)} µs/cycle)`],
  ["heap before (after gc)", `${mb(heapBefore)} MB`],
  ["heap peak (sampled)", `${mb(peak)} MB`],
  ["heap after (after gc)", `${mb(heapAfter)} MB`],
  ["heap delta", `${delta >= 0 ? "+" : ""}${mb(delta)} MB (bound ${HEAP_BOUND_MB} MB)`],
];
const width = Math.max(...rows.map(([k]) => k.length));
console.log(`\n| ${"metric".padEnd(width)} | value |\n|${"-".repeat(width + 2)}|-------|`);
for (const [k, v] of rows) console.log(`| ${k.padEnd(width)} | ${v} |`);

if (created !== releasedTotal) problems.push(`${created - releasedTotal} value(s) created but never released`);
if (stats.entries !== 0) problems.push(`${stats.entries} entries left after clearing everything`);
if (delta > HEAP_BOUND_MB * 1024 * 1024) problems.push(`heap grew by ${mb(delta)} MB, over the ${HEAP_BOUND_MB} MB bound`);
if (problems.length > 0) {
  console.error(`\nsoak FAILED:\n- ${problems.slice(0, 20).join("\n- ")}`);
  process.exit(1);
}
console.log("\nsoak passed");
