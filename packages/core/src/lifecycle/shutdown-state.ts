import { globalSingleton } from "../global-singleton.js";

/**
 * Whether `cacheResource.shutdown()` has started, shared by every copy of the library (a cache
 * created by one copy refuses to compute once another copy's shutdown began).
 */
interface ShutdownState {
  /** The shutdown under way (or done); `undefined` until one starts. */
  running: Promise<void> | undefined;
  /** Ends the running shutdown's wait now, as its timeout would. */
  cut: (() => void) | undefined;
}

export const shutdownState = globalSingleton<ShutdownState>("shutdown.v1", () => ({ running: undefined, cut: undefined }));

/** True from the moment `cacheResource.shutdown()` starts: no value may be computed any more. */
export function isShuttingDown(): boolean {
  return shutdownState.running !== undefined;
}

/**
 * Forgets a finished shutdown so the process can cache again. Not part of the public API: the
 * library's own tests run several shutdowns in one process.
 */
export function forgetShutdown(): void {
  shutdownState.running = undefined;
  shutdownState.cut = undefined;
}
