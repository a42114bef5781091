import { AsyncLocalStorage } from "node:async_hooks";
import type { Entry } from "../entry/entry.js";
import { globalSingleton } from "../global-singleton.js";

/**
 * The chain of cached computations the current code runs inside. It tells a miss whether it is
 * the outermost one (only those show a spinner) and a call whether the pending entry it found is
 * its own (waiting on it would never finish). Shared through `globalThis` so copies of the
 * library see each other's computations.
 *
 * Two carriers, because an `AsyncLocalStorage` frame costs a miss more than the rest of its
 * bookkeeping together, and only computations that go on after an `await` need one:
 * - a computation that may continue asynchronously (its function has returned a Promise before,
 *   or is declared `async`) runs in an `AsyncLocalStorage` frame, which follows every `await`;
 * - any other runs in a plain synchronous frame, set while its function runs and restored when it
 *   returns. Nothing of it can outlive the call, so nothing needs carrying. (A function that has
 *   only ever returned plain values and then returns a Promise runs that one call without the
 *   asynchronous frame; from then on it always gets one.)
 * The innermost frame is the synchronous one when set, else the asynchronous one; entering an
 * asynchronous frame clears the synchronous slot for the duration, so the two never disagree.
 */
interface ComputeFrame {
  readonly entry: Entry;
  readonly parent: ComputeFrame | undefined;
}

const asyncFrames = globalSingleton("compute-frames", () => new AsyncLocalStorage<ComputeFrame>());
const syncSlot = globalSingleton<{ frame: ComputeFrame | undefined }>("compute-frames-sync", () => ({ frame: undefined }));

function innermost(): ComputeFrame | undefined {
  return syncSlot.frame ?? asyncFrames.getStore();
}

/** True when no cached computation encloses the caller. */
export function isOutermost(): boolean {
  return innermost() === undefined;
}

/**
 * Runs `compute` as the computation of `entry`, inside the caller's chain. `mayContinue`: the
 * computation may go on after it returns (it returns a Promise), so its frame must follow `await`.
 */
export function runAsComputationOf<T>(entry: Entry, mayContinue: boolean, compute: () => T): T {
  const outer = syncSlot.frame;
  const frame: ComputeFrame = { entry, parent: outer ?? asyncFrames.getStore() };
  if (mayContinue) {
    syncSlot.frame = undefined;
    try {
      return asyncFrames.run(frame, compute);
    } finally {
      syncSlot.frame = outer;
    }
  }
  syncSlot.frame = frame;
  try {
    return compute();
  } finally {
    syncSlot.frame = outer;
  }
}

/** `runAsComputationOf(entry, mayContinue, () => fn.apply(thisArg, args))` without the closure. */
export function applyAsComputationOf(entry: Entry, mayContinue: boolean, fn: Function, thisArg: unknown, args: readonly unknown[]): unknown {
  const outer = syncSlot.frame;
  const frame: ComputeFrame = { entry, parent: outer ?? asyncFrames.getStore() };
  if (mayContinue) {
    syncSlot.frame = undefined;
    try {
      return asyncFrames.run(frame, Reflect.apply, fn, thisArg, args);
    } finally {
      syncSlot.frame = outer;
    }
  }
  syncSlot.frame = frame;
  try {
    return fn.apply(thisArg, args);
  } finally {
    syncSlot.frame = outer;
  }
}

/** Runs `compute` outside every chain (a background refresh belongs to no caller). */
export function runOutsideComputations<T>(compute: () => T): T {
  const outer = syncSlot.frame;
  syncSlot.frame = undefined;
  try {
    return asyncFrames.exit(compute);
  } finally {
    syncSlot.frame = outer;
  }
}

/** True when the caller runs inside the computation of `entry`. */
export function isInsideComputation(entry: Entry): boolean {
  for (let frame = innermost(); frame !== undefined; frame = frame.parent) {
    if (frame.entry === entry) return true;
  }
  return false;
}

/** True for functions declared `async` (their computations always continue after returning). */
export function isAsyncFunction(fn: Function): boolean {
  const tag = (fn as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag];
  return tag === "AsyncFunction" || tag === "AsyncGeneratorFunction";
}
