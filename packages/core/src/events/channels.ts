/**
 * The cache on `node:diagnostics_channel`, the way Node libraries (undici, fastify, pg) let APMs
 * watch them with no dependency: `cache-resource:hit`, `:miss`, `:release` and `:error`, and the
 * tracing channel `cache-resource:compute` around every computation.
 *
 * Implementation notes.
 *
 * Nothing subscribed costs nothing: every publisher checks `hasSubscribers` before it builds a
 * message, and the hit path checks {@link hitChannel} directly (one property read).
 *
 * The tracing channel is published through its five channels by name
 * (`tracing:cache-resource:compute:start`, `:end`, `:asyncStart`, `:asyncEnd`, `:error`), which is
 * what `diagnostics_channel.tracingChannel("cache-resource:compute")` subscribes to. Node 20.20
 * has `tracingChannel()` and `TracingChannel#hasSubscribers`, but `hasSubscribers` only arrived in
 * 20.13 and `tracePromise` there insists on a native promise, while a cached function may return
 * a value or any thenable; publishing by name works on every Node 20 and keeps the order
 * `traceSync` and `tracePromise` use (start, end, then asyncStart and asyncEnd when a promise
 * settles, with `error` first when it fails).
 *
 * Messages never carry arguments or keys (they may hold secrets): only the key's kind.
 */
import diagnostics from "node:diagnostics_channel";
import type { Clock } from "../clock/clock.js";
import type { Entry } from "../entry/entry.js";
import { keyKind, type KeyKind } from "../keys/keyer.js";
import { isThenable } from "../cache/settle.js";
import type { ReleaseReason } from "./events.js";

export type { KeyKind };

/** The names the cache publishes on (constants, so subscribers need no string literals). */
export const CHANNELS = {
  /** {@link HitMessage}: a call was served a stored value, or joined a computation in progress. */
  hit: "cache-resource:hit",
  /** {@link MissMessage}: a call found nothing stored and starts a computation. */
  miss: "cache-resource:miss",
  /** {@link ReleaseMessage}: a value left the cache. */
  release: "cache-resource:release",
  /** {@link ErrorMessage}: a computation, `validate`, `onRelease` or a background refresh failed. */
  error: "cache-resource:error",
  /** Tracing channel (`diagnostics_channel.tracingChannel`) of {@link ComputeContext}s. */
  compute: "cache-resource:compute",
} as const;

/** Fields of every message and of the compute context. */
export interface ChannelMessageBase {
  /** Display name of the cached function (its `name` option, or its own name). */
  readonly functionName: string;
  /** What the key is made of; never the key or the arguments themselves. */
  readonly keyKind: KeyKind;
  /**
   * The session of a `scope: "session"` function's entry (the id given to `runInSession`);
   * `undefined` in the global store. `@cache-resource/otel` leaves it out of metrics and spans.
   */
  readonly sessionId: string | undefined;
}

/** Published on `cache-resource:hit`. Counted as a hit by `stats()` too. */
export interface HitMessage extends ChannelMessageBase {
  /** Served stale while a background refresh runs (`refreshMode: "background"`). */
  readonly stale: boolean;
  /** The call found the value still computing and waits for that computation (single flight). */
  readonly joined: boolean;
}

/** Published on `cache-resource:miss`, just before the computation starts. */
export type MissMessage = ChannelMessageBase;

/** Published on `cache-resource:release` when a value leaves the cache, before its `onRelease` runs. */
export interface ReleaseMessage extends ChannelMessageBase {
  readonly reason: ReleaseReason;
}

/** Published on `cache-resource:error`. */
export interface ErrorMessage extends ChannelMessageBase {
  /** What failed: the computation, `validate`, an `onRelease` hook or a background refresh. */
  readonly phase: "compute" | "validate" | "release" | "refresh";
  readonly error: unknown;
}

/**
 * The context object of the `cache-resource:compute` tracing channel: the same object is passed
 * to `start`, `end`, `asyncStart`, `asyncEnd` and `error` of one computation.
 */
export interface ComputeContext extends ChannelMessageBase {
  /** `"miss"`: a caller waits for it; `"refresh"`: a background refresh of a stale value. */
  readonly trigger: "miss" | "refresh";
  /** Start time in milliseconds on the function's clock (`performance.now()` unless a `clock` is given). */
  readonly startedAt: number;
  /** How long the computation took, in milliseconds: set at `end` (sync) or `asyncStart` (async), and on `error`. */
  durationMs?: number;
  /** The computed value (at `end` for sync functions, `asyncStart` for async ones). */
  result?: unknown;
  /** What the computation threw or rejected with (set before `error` is published). */
  error?: unknown;
}

/** The hit channel, read directly on the hit path: `hitChannel.hasSubscribers`. */
export const hitChannel = diagnostics.channel(CHANNELS.hit);
const missChannel = diagnostics.channel(CHANNELS.miss);
const releaseChannel = diagnostics.channel(CHANNELS.release);
const errorChannel = diagnostics.channel(CHANNELS.error);
const compute = {
  start: diagnostics.channel(`tracing:${CHANNELS.compute}:start`),
  end: diagnostics.channel(`tracing:${CHANNELS.compute}:end`),
  asyncStart: diagnostics.channel(`tracing:${CHANNELS.compute}:asyncStart`),
  asyncEnd: diagnostics.channel(`tracing:${CHANNELS.compute}:asyncEnd`),
  error: diagnostics.channel(`tracing:${CHANNELS.compute}:error`),
};

// Messages are written out as literals: spreading a shared base object (`{ ...base, stale }`)
// measured ~1 µs per message on Node 20, a literal ~20 ns.

export function publishHit(functionName: string, entry: Entry, stale: boolean, joined: boolean): void {
  if (!hitChannel.hasSubscribers) return;
  const message: HitMessage = { functionName, keyKind: keyKind(entry.baseKey), sessionId: entry.store.sessionId, stale, joined };
  hitChannel.publish(message);
}

export function publishMiss(functionName: string, entry: Entry): void {
  if (!missChannel.hasSubscribers) return;
  const message: MissMessage = { functionName, keyKind: keyKind(entry.baseKey), sessionId: entry.store.sessionId };
  missChannel.publish(message);
}

export function publishRelease(functionName: string, entry: Entry, reason: ReleaseReason): void {
  if (!releaseChannel.hasSubscribers) return;
  const message: ReleaseMessage = { functionName, keyKind: keyKind(entry.baseKey), sessionId: entry.store.sessionId, reason };
  releaseChannel.publish(message);
}

export function publishError(functionName: string, entry: Entry, phase: ErrorMessage["phase"], error: unknown): void {
  if (!errorChannel.hasSubscribers) return;
  const message: ErrorMessage = { functionName, keyKind: keyKind(entry.baseKey), sessionId: entry.store.sessionId, phase, error };
  errorChannel.publish(message);
}

/** Whether anything subscribes to the `cache-resource:compute` tracing channel. */
export function tracingCompute(): boolean {
  return (
    compute.start.hasSubscribers ||
    compute.end.hasSubscribers ||
    compute.asyncStart.hasSubscribers ||
    compute.asyncEnd.hasSubscribers ||
    compute.error.hasSubscribers
  );
}

/**
 * Runs `run` (the user's function) inside the `cache-resource:compute` tracing channel, as
 * `traceSync` does for a value and `tracePromise` for a thenable (whose settlement then ends the
 * trace, so a span covers the whole computation). With no subscriber it just calls `run`.
 */
export function traceComputation(
  functionName: string,
  entry: Entry,
  trigger: ComputeContext["trigger"],
  clock: Clock,
  run: () => unknown,
): unknown {
  if (!tracingCompute()) return run();
  const context: ComputeContext = {
    functionName,
    keyKind: keyKind(entry.baseKey),
    sessionId: entry.store.sessionId,
    trigger,
    startedAt: clock.now(),
    durationMs: undefined,
    result: undefined,
    error: undefined,
  };
  const traced = () => traceRun(context, clock, run);
  // `runStores` (Node 18.19+) enters the stores APMs bind to `start`, then publishes it.
  if (typeof compute.start.runStores === "function") return compute.start.runStores(context, traced);
  compute.start.publish(context);
  return traced();
}

function traceRun(context: ComputeContext, clock: Clock, run: () => unknown): unknown {
  let result: unknown;
  try {
    result = run();
  } catch (error) {
    failed(context, clock, error);
    compute.end.publish(context);
    throw error;
  }
  if (!isThenable(result)) {
    succeeded(context, clock, result);
    compute.end.publish(context);
    return result;
  }
  compute.end.publish(context);
  return Promise.resolve(result).then(
    (value) => {
      succeeded(context, clock, value);
      compute.asyncStart.publish(context);
      compute.asyncEnd.publish(context);
      return value;
    },
    (error: unknown) => {
      failed(context, clock, error);
      compute.asyncStart.publish(context);
      compute.asyncEnd.publish(context);
      throw error;
    },
  );
}

function succeeded(context: ComputeContext, clock: Clock, value: unknown): void {
  context.durationMs = clock.now() - context.startedAt;
  context.result = value;
}

function failed(context: ComputeContext, clock: Clock, error: unknown): void {
  context.durationMs = clock.now() - context.startedAt;
  context.error = error;
  compute.error.publish(context);
}
