/**
 * How eagerly V8 compiles, for a process that mostly waits: the `cache-resource` command sets
 * this up before it loads anything else. (An app server started with `startAppServer` inside
 * another program leaves that program's V8 settings alone.)
 */
import { performance } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";

/**
 * For the life of the process. V8 optimizes a function once it has run enough interpreted code
 * (its interrupt budget, 66 KiB of bytecode in Node 20), and a small function as soon as it first
 * uses that budget up. A runtime's start-up and its first reruns are just enough to trip both
 * for a few of Node's own functions (resolving modules, unmasking WebSocket frames), and the
 * optimizing compiler's first use costs the process 3–5 MiB of memory that an idle dashboard
 * then carries for its lifetime. Four times the budget, and no early optimization of small
 * functions, keep that compiler asleep until code is really hot; code that is (a busy server, a
 * long computation) is optimized a few milliseconds later than it would have been and then runs
 * as fast.
 */
export const TIERING_FLAGS: readonly string[] = ["--interrupt-budget=270336", "--max-bytecode-size-for-early-opt=0"];

/**
 * Until the process is first busy: no baseline compiler (Sparkplug; its machine code is most of
 * what a few reruns add to the code space) and a young generation that keeps its first size
 * instead of doubling. Together about 1 MiB of an idle app's memory.
 */
export const IDLE_FLAGS: readonly string[] = ["--no-sparkplug", "--semi-space-growth-factor=1"];

/** V8's own settings for what {@link IDLE_FLAGS} changed, set back once the process is busy. */
export const BUSY_FLAGS: readonly string[] = ["--sparkplug", "--semi-space-growth-factor=2"];

/** The share of a second the event loop spends working from which the process counts as busy. */
export const BUSY_UTILIZATION = 0.25;

/** How often the event loop's utilization is read, in ms. */
const SAMPLE_MS = 1000;

/** Options given to `node` that say how it should compile: any of them, and this leaves V8 as is. */
const OWN_TIERING =
  /^--(?:no-)?(?:interrupt[-_]budget|max[-_]bytecode[-_]size[-_]for[-_]early[-_]opt|jitless|opt|turbofan|sparkplug|max[-_]lazy|semi[-_]space[-_]growth[-_]factor|(?:min|max)[-_]semi[-_]space[-_]size)(?:=|$)/;

/**
 * Whether `node` was started with compiling options of its own, in `options` (its arguments and
 * `NODE_OPTIONS`).
 */
export function hasOwnTiering(options: readonly string[]): boolean {
  return options.some((option) => OWN_TIERING.test(option));
}

/**
 * Sets {@link TIERING_FLAGS} and {@link IDLE_FLAGS}, and {@link BUSY_FLAGS} once the event loop
 * has been busy for {@link BUSY_UTILIZATION} of a second; nothing when `node` was started with
 * compiling options of its own. Returns whether it set anything.
 */
export function tuneTiering(): boolean {
  if (hasOwnTiering([...process.execArgv, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/)])) return false;
  try {
    for (const flag of [...TIERING_FLAGS, ...IDLE_FLAGS]) setFlagsFromString(flag);
  } catch {
    return false; // a runtime other than Node that does not take V8 flags: nothing to tune
  }
  const watch = new BusyWatch(() => {
    for (const flag of BUSY_FLAGS) setFlagsFromString(flag);
    clearInterval(timer);
  });
  let last = performance.eventLoopUtilization();
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization();
    watch.sample(performance.eventLoopUtilization(now, last).utilization);
    last = now;
  }, SAMPLE_MS);
  timer.unref();
  return true;
}

/** Calls `onBusy` the first time a sample reaches {@link BUSY_UTILIZATION}, and never again. */
export class BusyWatch {
  #busy = false;

  constructor(private readonly onBusy: () => void) {}

  /** Whether the process has been busy. */
  get busy(): boolean {
    return this.#busy;
  }

  /** One reading of the event loop's utilization over the last interval, from 0 to 1. */
  sample(utilization: number): void {
    if (this.#busy || !(utilization >= BUSY_UTILIZATION)) return;
    this.#busy = true;
    this.onBusy();
  }
}
