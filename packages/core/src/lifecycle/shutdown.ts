import { systemClock, type Clock, type TimerHandle } from "../clock/clock.js";
import { startLongTimer } from "../clock/long-timer.js";
import { drainOf, openDrains } from "../cache/leases.js";
import type { TtlInput } from "../durations/parse-ttl.js";
import { InvalidOptionError } from "../errors.js";
import { reportProblem } from "../events/events.js";
import { parseDuration } from "../options/options.js";
import { liveCaches } from "../registry/registry.js";
import { shutdownState } from "./shutdown-state.js";

/** Options of `cacheResource.shutdown()`. */
export interface ShutdownOptions {
  /**
   * Longest wait for leases to end and `onRelease` hooks to finish; then values still leased are
   * released at once and a warning names what was still open. Any form `ttl` accepts; `null` waits
   * as long as it takes.
   * @default 30 (seconds)
   * @example await cacheResource.shutdown({ timeout: "10s" })
   */
  timeout?: TtlInput;
  /**
   * Time source of the timeout; inject a manual clock in tests.
   * @default the process clock (its timer never keeps the process alive)
   */
  clock?: Clock;
}

/** Default shutdown timeout, in milliseconds. */
const DEFAULT_TIMEOUT_MS = 30_000;

/** Reads the options of `shutdown()` (and of `releaseOnExit()`): the timeout in ms, or `null` for none. */
export function shutdownTimeoutMs(timeout: TtlInput | undefined): number | null {
  if (timeout === undefined) return DEFAULT_TIMEOUT_MS;
  const seconds = parseDuration("timeout", timeout);
  return seconds === null ? null : seconds * 1000;
}

/** What the shutdown is waiting for: a hook, or a leased value, of one function. */
interface Waiting {
  readonly functionName: string;
  readonly promise: Promise<void>;
  settled: boolean;
}

/**
 * `cacheResource.shutdown()`: removes every entry of every function (reason `"shutdown"`) and
 * refuses new computations; settles when every release (leased values included) has finished, or
 * at the timeout. A second call returns the first one's promise.
 */
export function shutdown(options: ShutdownOptions = {}): Promise<void> {
  if (typeof options !== "object" || options === null) {
    throw new InvalidOptionError("shutdown", options, "takes an options object", "cacheResource.shutdown({ timeout: \"10s\" })");
  }
  const timeoutMs = shutdownTimeoutMs(options.timeout);
  const clock = options.clock ?? systemClock;
  if (shutdownState.running !== undefined) return shutdownState.running;
  let resolve!: () => void;
  // Set before anything is removed: a hook that calls a cached function already gets the error.
  const running = (shutdownState.running = new Promise<void>((r) => (resolve = r)));

  const waiting: Waiting[] = [];
  // Values already waiting for their leases (an earlier clear) are released by this shutdown too.
  for (const drain of openDrains()) waiting.push({ functionName: drain.functionName, promise: drain.done, settled: false });
  for (const cache of liveCaches()) {
    for (const promise of cache.shutdown()) waiting.push({ functionName: cache.displayName, promise, settled: false });
  }

  let finished = false;
  let timer: TimerHandle | undefined;
  const finish = (): void => {
    if (finished) return;
    finished = true;
    timer?.cancel();
    shutdownState.cut = undefined;
    resolve();
  };
  const cut = (): void => {
    if (finished) return;
    const forced = openDrains();
    const hooks = waiting.filter((w) => !w.settled && drainOf(w.promise)?.ended !== false);
    for (const drain of forced) drain.end("shutdown timeout");
    if (forced.length > 0 || hooks.length > 0) reportProblem("shutdown did not finish in time", describeOpen(forced, hooks));
    finish();
  };
  let left = waiting.length;
  if (left === 0) {
    finish();
    return running;
  }
  shutdownState.cut = cut;
  if (timeoutMs !== null) timer = startLongTimer(clock, cut, timeoutMs);
  for (const item of waiting) {
    void item.promise.then(() => {
      item.settled = true;
      if (--left === 0) finish();
    });
  }
  return running;
}

/** "`getDb()`: 2 open lease(s) (released now); `getModel()`: 1 onRelease hook(s) still running". */
function describeOpen(forced: readonly { functionName: string; count: { open: number } }[], hooks: readonly Waiting[]): string {
  const parts = new Map<string, string[]>();
  const add = (name: string, text: string): void => void (parts.get(name) ?? parts.set(name, []).get(name)!).push(text);
  for (const drain of forced) add(drain.functionName, `${drain.count.open} open lease(s) (released now)`);
  const hookCounts = new Map<string, number>();
  for (const hook of hooks) hookCounts.set(hook.functionName, (hookCounts.get(hook.functionName) ?? 0) + 1);
  for (const [name, count] of hookCounts) add(name, `${count} onRelease hook(s) still running`);
  return [...parts].map(([name, texts]) => `\`${name}()\`: ${texts.join(", ")}`).join("; ");
}
