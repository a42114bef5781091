import type { Clock } from "../clock/clock.js";

/** True for promises and promise-likes (what `await` would unwrap). */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === "object" || typeof value === "function") &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

/**
 * Resolves once every promise has settled, or after `limitMs` on `clock` (then `onTimeout` is
 * told how many are still running). Never rejects: the promises given here already handle their
 * own failures.
 */
export function settleAll(
  pending: readonly Promise<void>[],
  clock: Clock,
  limitMs: number,
  onTimeout: (stillRunning: number) => void,
): Promise<void> {
  if (pending.length === 0) return Promise.resolve();
  let running = pending.length;
  return new Promise<void>((resolve) => {
    const timer = clock.setTimer(() => {
      if (running > 0) onTimeout(running);
      resolve();
    }, limitMs);
    for (const promise of pending) {
      promise.then(done, done);
    }
    function done() {
      running--;
      if (running === 0) {
        timer.cancel();
        resolve();
      }
    }
  });
}
