/**
 * A small timing harness: each case gets its own compiled loop (so one case's call site never
 * turns polymorphic because of another's), a warm-up, a calibrated batch size, then many rounds
 * that run every case in turn (A, B, C, A, B, C…, rotating who goes first). The result per case
 * is the median ns/op over rounds: on a shared 2-core machine only the median of interleaved
 * samples and the ratios between cases mean anything.
 */

export interface SyncCase {
  readonly name: string;
  /** One operation; its result is kept in a sink so the optimizer cannot drop the work. */
  readonly run: () => unknown;
}

export interface AsyncCase {
  readonly name: string;
  /** One operation returning a Promise (or a value); the loop awaits it. */
  readonly run: () => unknown;
}

export interface Timing {
  readonly name: string;
  /** Median ns per operation over the rounds. */
  readonly medianNs: number;
  /** Fastest and slowest round, to show the spread. */
  readonly minNs: number;
  readonly maxNs: number;
  readonly rounds: number;
}

export interface TimingPlan {
  /** Rounds of interleaved samples. */
  readonly rounds: number;
  /** Wall time one sample of one case should take. */
  readonly sampleMs: number;
  /** Time each case runs before measuring, for the JIT to settle. */
  readonly warmupMs: number;
}

export const DEFAULT_PLAN: TimingPlan = { rounds: 25, sampleMs: 6, warmupMs: 120 };

const SHORT_WARMUP_CALLS = 2000;
const SHORT_WARMUP_BATCH = 64;

/** Keeps results reachable so no loop is optimized away. */
export let sink: unknown;

type SyncLoop = (op: () => unknown, n: number) => unknown;
type AsyncLoop = (op: () => unknown, n: number) => Promise<unknown>;

// A fresh Function per case gives each loop its own type feedback (what mitata does too).
function compileSyncLoop(): SyncLoop {
  return new Function("op", "n", "let r; for (let i = 0; i < n; i++) r = op(); return r;") as SyncLoop;
}

function compileAsyncLoop(): AsyncLoop {
  return new Function("op", "n", "return (async () => { let r; for (let i = 0; i < n; i++) r = await op(); return r; })();") as AsyncLoop;
}

interface Prepared<L> {
  readonly name: string;
  readonly run: () => unknown;
  readonly loop: L;
  batch: number;
  readonly samples: number[];
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function summarize(cases: readonly Prepared<unknown>[]): Timing[] {
  return cases.map((c) => ({
    name: c.name,
    medianNs: median(c.samples),
    minNs: Math.min(...c.samples),
    maxNs: Math.max(...c.samples),
    rounds: c.samples.length,
  }));
}

/**
 * A full collection before each sample (when the process runs with `--expose-gc`, as `npm run
 * bench` does): each case then pays for collecting its own garbage during its samples, never for
 * what the case before it left behind. Without it, allocation-heavy peers (a 1,000-slot array
 * rebuilt per call) decide when a collection lands, and results flip between two modes.
 */
function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Times synchronous cases, interleaved. */
export function timeSync(cases: readonly SyncCase[], plan: TimingPlan = DEFAULT_PLAN): Timing[] {
  const prepared: Prepared<SyncLoop>[] = cases.map((c) => ({ ...c, loop: compileSyncLoop(), batch: 1, samples: [] }));
  for (const c of prepared) {
    // Many short calls first, so the loop is optimized as a whole function rather than entered
    // through on-stack replacement in the middle of one long call; which of the two happens
    // first otherwise depends on timing and gives bimodal results from run to run.
    for (let k = 0; k < SHORT_WARMUP_CALLS; k++) sink = c.loop(c.run, SHORT_WARMUP_BATCH);
    const calibration = new Calibration(plan);
    while (!calibration.done(c, timed(() => (sink = c.loop(c.run, calibration.batch)))));
  }
  for (let round = 0; round < plan.rounds; round++) {
    for (const c of inTurn(prepared, round)) {
      collectGarbage();
      c.samples.push(timed(() => (sink = c.loop(c.run, c.batch))) / c.batch);
    }
  }
  return summarize(prepared);
}

/** Times asynchronous cases (each operation awaited), interleaved. */
export async function timeAsync(cases: readonly AsyncCase[], plan: TimingPlan = DEFAULT_PLAN): Promise<Timing[]> {
  const prepared: Prepared<AsyncLoop>[] = cases.map((c) => ({ ...c, loop: compileAsyncLoop(), batch: 1, samples: [] }));
  for (const c of prepared) {
    for (let k = 0; k < SHORT_WARMUP_CALLS; k++) sink = await c.loop(c.run, SHORT_WARMUP_BATCH); // see timeSync
    const calibration = new Calibration(plan);
    while (!calibration.done(c, await timedAsync(async () => (sink = await c.loop(c.run, calibration.batch)))));
  }
  for (let round = 0; round < plan.rounds; round++) {
    for (const c of inTurn(prepared, round)) {
      collectGarbage();
      c.samples.push((await timedAsync(async () => (sink = await c.loop(c.run, c.batch)))) / c.batch);
    }
  }
  return summarize(prepared);
}

/**
 * Warm-up that grows the batch until one batch takes about one sample's time, then sets the
 * case's batch so a sample lasts `plan.sampleMs`; it goes on until `plan.warmupMs` has passed.
 */
class Calibration {
  batch = 1;
  readonly #plan: TimingPlan;
  readonly #end: number;

  constructor(plan: TimingPlan) {
    this.#plan = plan;
    this.#end = performance.now() + plan.warmupMs;
  }

  /** Takes the time (ns) of one batch of `batch` operations; true when warm-up is over. */
  done(c: { batch: number }, ns: number): boolean {
    const ms = ns / 1e6;
    const half = this.#plan.sampleMs / 2;
    if (ms < half) this.batch *= 2;
    else c.batch = Math.max(1, Math.round((this.batch * this.#plan.sampleMs) / ms));
    return performance.now() >= this.#end && ms >= half;
  }
}

/** The cases of one round, each round starting with the next one. */
function inTurn<T>(cases: readonly T[], round: number): T[] {
  return cases.map((_, k) => cases[(round + k) % cases.length]!);
}

function timed(run: () => unknown): number {
  const t0 = performance.now();
  run();
  return (performance.now() - t0) * 1e6;
}

async function timedAsync(run: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await run();
  return (performance.now() - t0) * 1e6;
}

/**
 * Times one slow operation per sample (the 64 MB hash, 10,000 cold calls): `setup` runs before
 * each sample, untimed. Interleaved like the others.
 */
export async function timeEach(
  cases: readonly { name: string; setup?: () => unknown; run: () => unknown }[],
  rounds: number,
): Promise<Timing[]> {
  const prepared = cases.map((c) => ({ ...c, samples: [] as number[] }));
  for (const c of prepared) {
    await c.setup?.();
    sink = await c.run(); // warm-up
  }
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < prepared.length; k++) {
      const c = prepared[(round + k) % prepared.length]!;
      await c.setup?.();
      const t0 = performance.now();
      sink = await c.run();
      c.samples.push((performance.now() - t0) * 1e6);
    }
  }
  return prepared.map((c) => ({
    name: c.name,
    medianNs: median(c.samples),
    minNs: Math.min(...c.samples),
    maxNs: Math.max(...c.samples),
    rounds: c.samples.length,
  }));
}
