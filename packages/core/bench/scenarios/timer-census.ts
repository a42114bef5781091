/**
 * Counts live timers: `setTimeout` calls neither cleared nor fired yet. Unlike
 * `process.getActiveResourcesInfo()`, which only lists timers that keep the process alive, this
 * also sees unref'd ones (every timer a cache library arms should be unref'd). Import it before
 * anything that may arm a timer.
 */
const live = new Set<unknown>();
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;

globalThis.setTimeout = function (callback: (...args: unknown[]) => void, delay?: number, ...args: unknown[]) {
  const timer = realSetTimeout(
    (...fired: unknown[]) => {
      live.delete(timer);
      callback(...fired);
    },
    delay,
    ...args,
  );
  live.add(timer);
  return timer;
} as typeof globalThis.setTimeout;

globalThis.clearTimeout = function (timer?: Parameters<typeof realClearTimeout>[0]) {
  live.delete(timer);
  realClearTimeout(timer);
} as typeof globalThis.clearTimeout;

/** Timers armed and not yet fired or cleared, ref'd or not. */
export function liveTimers(): number {
  return live.size;
}

/** Timers that keep the process alive (what `process.getActiveResourcesInfo()` reports). */
export function refTimers(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length;
}
