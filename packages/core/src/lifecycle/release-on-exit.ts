import { constants } from "node:os";
import type { TtlInput } from "../durations/parse-ttl.js";
import { InvalidOptionError } from "../errors.js";
import { shutdownState } from "./shutdown-state.js";
import { shutdown, shutdownTimeoutMs } from "./shutdown.js";

/** Options of `cacheResource.releaseOnExit()`. */
export interface ReleaseOnExitOptions {
  /**
   * Signals that start the shutdown.
   * @default ["SIGINT", "SIGTERM"]
   * @example cacheResource.releaseOnExit({ signals: ["SIGTERM"] })
   */
  signals?: readonly NodeJS.Signals[];
  /**
   * Passed to `cacheResource.shutdown()`: longest wait for leases and release hooks.
   * @default 30 (seconds)
   * @example cacheResource.releaseOnExit({ timeout: "10s" })
   */
  timeout?: TtlInput;
}

const DEFAULT_SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM"];

/**
 * `cacheResource.releaseOnExit()`: on the first of `signals`, `shutdown()`, then end the process
 * with that signal's usual status: re-raised, so the parent sees the process killed by it, or exit
 * code 128 + its number when other listeners for it remain (re-raising would only call them). A
 * second signal ends the process at once. Returns a function that removes the handlers.
 */
export function releaseOnExit(options: ReleaseOnExitOptions = {}): () => void {
  if (typeof options !== "object" || options === null) {
    throw new InvalidOptionError("releaseOnExit", options, "takes an options object", 'cacheResource.releaseOnExit({ signals: ["SIGTERM"], timeout: "10s" })');
  }
  const signals = options.signals ?? DEFAULT_SIGNALS;
  if (!Array.isArray(signals) || signals.length === 0 || signals.some((s) => typeof s !== "string" || !(s in constants.signals))) {
    throw new InvalidOptionError("signals", signals, "must be a non-empty array of signal names", '["SIGINT", "SIGTERM"] (names from os.constants.signals)');
  }
  shutdownTimeoutMs(options.timeout); // a bad timeout fails here, not when the signal arrives
  let caught: NodeJS.Signals | undefined;

  const uninstall = (): void => {
    for (const signal of signals) process.off(signal, onSignal);
    process.off("beforeExit", onIdle);
  };
  const exitWith = (signal: NodeJS.Signals): void => {
    uninstall();
    const status = 128 + (constants.signals[signal] ?? 0);
    if (process.listenerCount(signal) > 0) process.exit(status);
    process.kill(process.pid, signal);
    // A signal the process inherited as ignored does not end it: exit with its status instead.
    setTimeout(() => process.exit(status), 1000);
  };
  // Nothing else can run (the event loop is empty): leases still open can never end.
  const onIdle = (): void => shutdownState.cut?.();
  function onSignal(signal: NodeJS.Signals): void {
    if (caught !== undefined) return exitWith(signal);
    caught = signal;
    process.on("beforeExit", onIdle);
    void shutdown({ timeout: options.timeout }).then(() => exitWith(signal));
  }

  for (const signal of signals) process.on(signal, onSignal);
  return uninstall;
}
