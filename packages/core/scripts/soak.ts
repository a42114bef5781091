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
 * cycles so expiry timers fire. The warm-up runs the same schedule (on its own keys and
 * sessions), so the heap is measured after every path has run once.
 *
 * What each phase exercised is measured, not assumed: calls per function (hits + misses from
 * `stats()`), releases by reason, and event-loop yields. `SOAK_REPORT=json` prints them as one
 * JSON line at the end.
 *
 * Fails (exit code 1) when:
 * - a phase left one of the five functions uncalled, or one of the removal paths unused, or
 *   never yielded to the event loop;
 * - the heap after the run (everything cleared, timers drained, gc) exceeds the heap before it
 *   (after a warm-up, cleared, gc) by more than HEAP_BOUND_MB;
 * - any value was released twice, or created and never released;
 * - an unhandled rejection or uncaught exception arrived.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { cacheResource, endSession, runInSession, type ReleaseReason } from "../src/index.js";

const CYCLES = Number(process.env.SOAK_CYCLES ?? 1_000_000);
const WARMUP_CYCLES = Number(process.env.SOAK_WARMUP ?? 20_000);
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
const allFns = [lruTtl, asyncTtl, ttlOnly, validated, perSession] as const;

/** Every removal path the cycles are meant to exercise. */
const PATHS: readonly ReleaseReason[] = ["evicted", "expired", "invalid", "session-end", "clear", "clear-all"];
/** Global clears come this often, so a warm-up of 20,000 cycles has them too. */
const CLEAR_ALL_EVERY = 10_000;

/** What a phase did, read from the library's own counters. */
interface Exercised {
  readonly calls: Record<string, number>;
  readonly releases: Partial<Record<ReleaseReason, number>>;
  yields: number;
}

let yields = 0;

function snapshot(): Exercised {
  const calls: Record<string, number> = {};
  for (const f of cacheResource.stats().functions) if (f.functionName.startsWith("soak-")) calls[f.functionName] = f.hits + f.misses;
  return { calls, releases: { ...releasedBy }, yields };
}

function since(before: Exercised): Exercised {
  const now = snapshot();
  const calls: Record<string, number> = {};
  for (const [name, n] of Object.entries(now.calls)) calls[name] = n - (before.calls[name] ?? 0);
  const releases: Partial<Record<ReleaseReason, number>> = {};
  for (const reason of PATHS) releases[reason] = (now.releases[reason] ?? 0) - (before.releases[reason] ?? 0);
  return { calls, releases, yields: now.yields - before.yields };
}

/** Problems when a phase did not exercise everything it is meant to. */
function unexercised(phase: string, done: Exercised): string[] {
  const out: string[] = [];
  for (const fn of allFns) if (!(done.calls[fn.name]! > 0)) out.push(`${phase}: \`${fn.name}\` was never called`);
  for (const reason of PATHS) if (!(done.releases[reason]! > 0)) out.push(`${phase}: no value was released by "${reason}"`);
  if (done.yields === 0) out.push(`${phase}: never yielded to the event loop`);
  return out;
}

/**
 * Runs `count` cycles numbered from `first` (never negative: the schedule below is modular) on
 * keys and sessions named with `prefix`.
 */
async function cycles(count: number, first: number, prefix: string): Promise<void> {
  let pending: Promise<unknown>[] = [];
  for (let i = first; i < first + count; i++) {
    const key = `${prefix}${i}`;
    switch (i % 5) {
      case 0:
        lruTtl(key);
        lruTtl(`${prefix}${i - 5}`); // often a hit, sometimes a recreate
        break;
      case 1:
        pending.push(asyncTtl(key));
        break;
      case 2:
        ttlOnly(key, i);
        break;
      case 3:
        validated(key);
        validated(`${prefix}${i - 5}`);
        break;
      case 4:
        runInSession(`session-${prefix}${(i / 1_000) | 0}`, () => perSession(key));
        break;
    }
    if (i % 1_000 === 999) {
      void lruTtl.clear(`${prefix}${i - 4}`);
      void validated.clear(`${prefix}${i - 1}`);
      void endSession(`session-${prefix}${(i / 1_000) | 0}`);
    }
    if (i % 5_000 === 4_999) for (const fn of fns) void fn.clear();
    if (i % CLEAR_ALL_EVERY === CLEAR_ALL_EVERY - 1) void cacheResource.clear();
    if (i % YIELD_EVERY === YIELD_EVERY - 1) {
      await Promise.all(pending);
      pending = [];
      await new Promise<void>((resolve) => setImmediate(resolve));
      yields++;
    }
  }
  await Promise.all(pending);
}

/** Clears everything, lets every ttl timer fire, collects garbage, returns heapUsed in bytes. */
async function settledHeap(): Promise<number> {
  await cacheResource.clear();
  for (let s = 0; s <= CYCLES / 1_000 + 1; s++) await endSession(`session-k${s}`);
  for (let s = 0; s <= WARMUP_CYCLES / 1_000 + 1; s++) await endSession(`session-w${s}`);
  await sleep(50); // longest ttl is 20 ms: every queued deadline has passed and fired
  for (let i = 0; i < 6; i++) {
    gc!();
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}

const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(2);

const beforeWarmUp = snapshot();
await cycles(WARMUP_CYCLES, 0, "w");
const warmUp = since(beforeWarmUp);
const heapBefore = await settledHeap();
const beforeRun = snapshot();
const createdBefore = created;
const releasedBefore = releasedTotal;
const releasedByBefore = { ...releasedBy };
const started = performance.now();
let peak = 0;
const CHUNK = 100_000;
for (let done = 0; done < CYCLES; done += CHUNK) {
  await cycles(Math.min(CHUNK, CYCLES - done), done, "k");
  peak = Math.max(peak, process.memoryUsage().heapUsed);
}
const seconds = (performance.now() - started) / 1000;
const run = since(beforeRun);
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
for (const [phase, done] of [["warm-up", warmUp], ["run", run]] as const) {
  rows.push([`${phase}: calls per function`, Object.entries(done.calls).map(([name, n]) => `${name.slice(5)} ${n.toLocaleString("en-US")}`).join(", ")]);
  rows.push([`${phase}: releases by path`, PATHS.map((reason) => `${reason} ${(done.releases[reason] ?? 0).toLocaleString("en-US")}`).join(", ")]);
  rows.push([`${phase}: event-loop yields`, done.yields.toLocaleString("en-US")]);
}
const width = Math.max(...rows.map(([k]) => k.length));
console.log(`\n| ${"metric".padEnd(width)} | value |\n|${"-".repeat(width + 2)}|-------|`);
for (const [k, v] of rows) console.log(`| ${k.padEnd(width)} | ${v} |`);

problems.push(...unexercised("warm-up", warmUp), ...unexercised("run", run));
if (created !== releasedTotal) problems.push(`${created - releasedTotal} value(s) created but never released`);
if (stats.entries !== 0) problems.push(`${stats.entries} entries left after clearing everything`);
if (delta > HEAP_BOUND_MB * 1024 * 1024) problems.push(`heap grew by ${mb(delta)} MB, over the ${HEAP_BOUND_MB} MB bound`);
if (process.env.SOAK_REPORT === "json") console.log(JSON.stringify({ warmUp, run, heapDeltaBytes: delta, problems }));
if (problems.length > 0) {
  console.error(`\nsoak FAILED:\n- ${problems.slice(0, 20).join("\n- ")}`);
  process.exit(1);
}
console.log("\nsoak passed");
