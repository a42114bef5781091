/**
 * Time as the cache sees it. Every deadline is computed from `now()` and every wake-up goes
 * through `setTimer`, so tests can swap in a manual clock and drive expiry without sleeping.
 */

/** A pending wake-up; `cancel` is idempotent. */
export interface TimerHandle {
  cancel(): void;
}

/** Monotonic time plus one-shot timers. */
export interface Clock {
  /** Milliseconds on a monotonic scale (only differences matter). */
  now(): number;
  /**
   * Calls `callback` once after `delayMs`. Implementations must not keep the process alive
   * (Node timers are `unref`'d). `delayMs` never exceeds 2³¹ − 1 ms (about 24.8 days), the most `setTimeout` takes.
   */
  setTimer(callback: () => void, delayMs: number): TimerHandle;
}

/** Largest delay `setTimeout` honours; longer delays fire at once, so longer waits are chained. */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/** The process clock: `performance.now()` and unref'd `setTimeout`. */
export const systemClock: Clock = {
  now: () => performance.now(),
  setTimer(callback, delayMs) {
    const timer = setTimeout(callback, delayMs);
    timer.unref?.();
    return { cancel: () => clearTimeout(timer) };
  },
};
