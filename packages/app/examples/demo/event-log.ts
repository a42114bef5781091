import diagnostics from "node:diagnostics_channel";
import { CHANNELS, type ComputeContext, type ErrorMessage, type ReleaseMessage } from "cache-resource";

/**
 * The last few cache events, for the demo's sidebar, read from the cache's diagnostics channels:
 * the feed an APM (`@cache-resource/otel`) records, so the panel and a dashboard tell the same
 * story; the counters beside it come from `stats()`, which counts the same calls. The log lives
 * on `globalThis` so that a reload of the app (after an edit) keeps it and replaces the old
 * subscriptions instead of adding a second set.
 */
interface EventLog {
  lines: string[];
  unsubscribe: (() => void) | undefined;
}

const KEY = Symbol.for("cache-resource.demo.event-log");
const log: EventLog = ((globalThis as Record<symbol, unknown>)[KEY] as EventLog | undefined) ??
  ((globalThis as Record<symbol, unknown>)[KEY] = { lines: [], unsubscribe: undefined } as EventLog);

const KEEP = 6;

function add(line: string): void {
  log.lines = [line, ...log.lines].slice(0, KEEP);
}

const named = (functionName: string) => `\`${functionName}()\``;

/** What each channel adds to the log (hits and misses are in the counters). */
const subscriptions: [string, (message: unknown) => void][] = [
  [
    CHANNELS.release,
    (message) => {
      const { functionName, reason } = message as ReleaseMessage;
      add(`${named(functionName)} released (${reason})`);
    },
  ],
  [
    CHANNELS.error,
    (message) => {
      const { functionName, phase } = message as ErrorMessage;
      add(`${named(functionName)} failed (${phase})`);
    },
  ],
];
// A computation ends at `end` when it finished synchronously (then `durationMs` is set), else at
// `asyncEnd`; failures are logged from the error channel.
const computed = (message: unknown) => {
  const { functionName, durationMs, error } = message as ComputeContext;
  if (durationMs !== undefined && error === undefined) add(`${named(functionName)} computed in ${formatMs(durationMs)}`);
};
subscriptions.push([`tracing:${CHANNELS.compute}:end`, computed], [`tracing:${CHANNELS.compute}:asyncEnd`, computed]);

/** "118 ms", "3.2 s". */
export function formatMs(ms: number): string {
  return ms < 1_000 ? `${Math.round(ms)} ms` : `${(ms / 1_000).toFixed(1)} s`;
}

/** Subscribes (once per process, replacing an earlier subscription) to the cache's channels. */
export function startEventLog(): void {
  log.unsubscribe?.();
  for (const [name, onMessage] of subscriptions) diagnostics.subscribe(name, onMessage);
  log.unsubscribe = () => {
    for (const [name, onMessage] of subscriptions) diagnostics.unsubscribe(name, onMessage);
  };
}

/** Newest first. */
export function recentEvents(): readonly string[] {
  return log.lines;
}
