import { MAX_TIMER_DELAY_MS, type Clock, type TimerHandle } from "./clock.js";

/**
 * Calls `callback` once `delayMs` has passed on `clock`, chaining timers for delays longer than
 * `setTimeout` honours (~24.8 days), so a long wait neither fires at once nor overflows.
 */
export function startLongTimer(clock: Clock, callback: () => void, delayMs: number): TimerHandle {
  const dueAt = clock.now() + delayMs;
  let current: TimerHandle | undefined;
  const arm = (): void => {
    const left = dueAt - clock.now();
    if (left <= MAX_TIMER_DELAY_MS) {
      current = clock.setTimer(callback, Math.max(0, left));
    } else {
      current = clock.setTimer(arm, MAX_TIMER_DELAY_MS);
    }
  };
  arm();
  return { cancel: () => current?.cancel() };
}
