import type { CacheEvent, CacheEventListener } from "cache-resource";

/**
 * The last few cache events, for the demo's sidebar. The log lives on `globalThis` so that a
 * reload of the app (after an edit) keeps it and replaces the old subscription instead of adding
 * a second one.
 */
interface EventLog {
  lines: string[];
  unsubscribe: (() => void) | undefined;
}

const KEY = Symbol.for("cache-resource.demo.event-log");
const log: EventLog = ((globalThis as Record<symbol, unknown>)[KEY] as EventLog | undefined) ??
  ((globalThis as Record<symbol, unknown>)[KEY] = { lines: [], unsubscribe: undefined } as EventLog);

const KEEP = 6;

function describe(event: CacheEvent): string | undefined {
  const name = `\`${event.functionName}()\``;
  switch (event.type) {
    case "computed":
      return `${name} computed in ${formatMs(event.durationMs)}`;
    case "release":
      return `${name} released (${event.reason})`;
    case "error":
      return `${name} failed (${event.phase})`;
    default:
      return undefined; // hits and misses are in the counters
  }
}

/** "118 ms", "3.2 s". */
export function formatMs(ms: number): string {
  return ms < 1_000 ? `${Math.round(ms)} ms` : `${(ms / 1_000).toFixed(1)} s`;
}

/** Subscribes (once per process, replacing an earlier subscription) to the cache's events. */
export function startEventLog(events: { subscribe(listener: CacheEventListener): () => void }): void {
  log.unsubscribe?.();
  log.unsubscribe = events.subscribe((event) => {
    const line = describe(event);
    if (line === undefined) return;
    log.lines = [line, ...log.lines].slice(0, KEEP);
  });
}

/** Newest first. */
export function recentEvents(): readonly string[] {
  return log.lines;
}
