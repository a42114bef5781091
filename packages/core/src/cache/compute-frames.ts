import { AsyncLocalStorage } from "node:async_hooks";
import type { Entry } from "../entry/entry.js";
import { globalSingleton } from "../global-singleton.js";
import { isThenable } from "./settle.js";

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

const asyncFrames = globalSingleton("compute-frames.idle-off", () => new AsyncLocalStorage<ComputeFrame>());

/**
 * Computations running in `asyncFrames` now. Before Node 24, an enabled `AsyncLocalStorage`
 * turns on promise hooks for the whole process, and every `await` anywhere in it then costs
 * about three times as much (a settled `await`: ~70 ns → ~210 ns here), long after the last
 * computation has ended. So the storage is enabled only while a computation may still need it
 * (`run` enables it) and disabled once the last one has settled: a server whose pools were
 * created at start-up runs the rest of its life without the hooks (unless something else, such
 * as `runInSession`, uses an `AsyncLocalStorage` of its own). A frame is only ever read by code
 * of a computation in flight, so nothing that still needs one loses it.
 */
const inFlight = globalSingleton("compute-frames.idle-off.count", () => ({ count: 0 }));

function asyncComputationEnded(): void {
  if (--inFlight.count === 0) asyncFrames.disable();
}

/** Runs `fn` in an asynchronous frame, counted until the Promise it returns has settled. */
function runCounted(frame: ComputeFrame, fn: Function, thisArg: unknown, args: readonly unknown[]): unknown {
  inFlight.count++;
  let result: unknown;
  try {
    result = asyncFrames.run(frame, Reflect.apply, fn, thisArg, args);
  } catch (error) {
    asyncComputationEnded();
    throw error;
  }
  if (!isThenable(result)) {
    asyncComputationEnded();
    return result;
  }
  // One native promise for the caller too, so a custom thenable's `then` is called once.
  const settling = Promise.resolve(result);
  settling.then(asyncComputationEnded, asyncComputationEnded);
  return settling;
}

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
      return runCounted(frame, compute, undefined, []) as T;
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
      return runCounted(frame, fn, thisArg, args);
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

/**
 * For tests: asynchronous computations in flight, and whether their storage is enabled
 * (undefined on a runtime whose `AsyncLocalStorage` does not say).
 */
export function asyncFramesState(): { readonly inFlight: number; readonly enabled: boolean | undefined } {
  const enabled = (asyncFrames as unknown as { enabled?: unknown }).enabled;
  return { inFlight: inFlight.count, enabled: typeof enabled === "boolean" ? enabled : undefined };
}
