/** The metric instruments and their names (SPEC §5.5). */
import type { Counter, Histogram, Meter } from "@opentelemetry/api";
import type { FunctionStats } from "cache-resource";

/** The attribute every metric and span carries: the cached function's display name. */
export const FUNCTION = "cache_resource.function";

/**
 * Bucket boundaries (seconds) for computation times: resources take from milliseconds (a client
 * object) to minutes (a model download); the SDK's default boundaries are meant for milliseconds.
 */
export const DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

export interface Instruments {
  readonly hits: Counter;
  readonly misses: Counter;
  readonly releases: Counter;
  readonly errors: Counter;
  readonly computeDuration: Histogram;
  /** Stops observing the entries gauge. */
  stop(): void;
}

/** Creates the instruments on `meter`; the entries gauge reads `functions()` at each collection. */
export function createInstruments(meter: Meter, functions: () => readonly FunctionStats[]): Instruments {
  const entries = meter.createObservableGauge("cache_resource.entries", {
    description: "Values stored by a cached function (all sessions).",
    unit: "{entry}",
  });
  const observe = (result: { observe(value: number, attributes: Record<string, string>): void }) => {
    for (const f of functions()) result.observe(f.entries, { [FUNCTION]: f.functionName });
  };
  entries.addCallback(observe);
  return {
    hits: meter.createCounter("cache_resource.hits", {
      description: "Calls served a stored value or a computation in progress.",
      unit: "{hit}",
    }),
    misses: meter.createCounter("cache_resource.misses", {
      description: "Calls that found nothing stored and started a computation.",
      unit: "{miss}",
    }),
    releases: meter.createCounter("cache_resource.releases", {
      description: "Values that left the cache, by reason.",
      unit: "{release}",
    }),
    errors: meter.createCounter("cache_resource.errors", {
      description: "Failed computations, validate checks, onRelease hooks and background refreshes.",
      unit: "{error}",
    }),
    computeDuration: meter.createHistogram("cache_resource.compute.duration", {
      description: "How long computations took, failed ones included (with error.type).",
      unit: "s",
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    }),
    stop: () => entries.removeCallback(observe),
  };
}

/** `error.type` per OpenTelemetry's conventions: the error's class name, or `_OTHER`. */
export function errorType(error: unknown): string {
  if (error instanceof Error) return error.name || error.constructor.name || "Error";
  return "_OTHER";
}
