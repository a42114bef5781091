import { AsyncLocalStorage } from "node:async_hooks";
import type { Entry } from "../entry/entry.js";
import { globalSingleton } from "../global-singleton.js";

/**
 * The chain of cached computations the current code runs inside, carried through every `await`
 * by `AsyncLocalStorage`. It tells a miss whether it is the outermost one (only those show a
 * spinner) and a call whether the pending entry it found is its own (waiting on it would never
 * finish). Shared through `globalThis` so copies of the library see each other's computations.
 */
interface ComputeFrame {
  readonly entry: Entry;
  readonly parent: ComputeFrame | undefined;
}

const computeFrames = globalSingleton("compute-frames", () => new AsyncLocalStorage<ComputeFrame>());

/** True when no cached computation encloses the caller. */
export function isOutermost(): boolean {
  return computeFrames.getStore() === undefined;
}

/** Runs `compute` as the computation of `entry`, inside the caller's chain. */
export function runAsComputationOf<T>(entry: Entry, compute: () => T): T {
  return computeFrames.run({ entry, parent: computeFrames.getStore() }, compute);
}

/** Runs `compute` outside every chain (a background refresh belongs to no caller). */
export function runOutsideComputations<T>(compute: () => T): T {
  return computeFrames.exit(compute);
}

/** True when the caller runs inside the computation of `entry`. */
export function isInsideComputation(entry: Entry): boolean {
  for (let frame = computeFrames.getStore(); frame !== undefined; frame = frame.parent) {
    if (frame.entry === entry) return true;
  }
  return false;
}
