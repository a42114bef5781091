/**
 * `instrument()`: OpenTelemetry metrics and spans for every cached function, read from the core's
 * diagnostics channels (see `CHANNELS` in `cache-resource`). Nothing here reaches into the cache:
 * the counters and spans come from the messages, the entries gauge from `cacheResource.stats()`
 * (the same numbers `stats()` and the app runtime's panel show).
 */
import diagnostics from "node:diagnostics_channel";
import { metrics, trace, type MeterProvider, type TracerProvider } from "@opentelemetry/api";
import { cacheResource, CHANNELS, type ErrorMessage, type HitMessage, type MissMessage, type ReleaseMessage } from "cache-resource";
import { createComputeTracer } from "./spans.js";
import { createInstruments, FUNCTION, errorType } from "./metrics.js";

/** Where `instrument()` records. */
export interface InstrumentOptions {
  /**
   * The meter provider that receives the metrics.
   * @default the global one (`metrics.getMeterProvider()`), as registered by the OpenTelemetry SDK
   * @example instrument({ meterProvider: new MeterProvider({ readers: [reader] }) })
   */
  meterProvider?: MeterProvider;
  /**
   * The tracer provider that receives one span per computation.
   * @default the global one (`trace.getTracerProvider()`)
   * @example instrument({ tracerProvider: new BasicTracerProvider({ spanProcessors: [processor] }) })
   */
  tracerProvider?: TracerProvider;
}

/** The instrumentation scope name of the meter and the tracer. */
export const INSTRUMENTATION_SCOPE = "@cache-resource/otel";

/**
 * Starts recording cache metrics and computation spans; returns a function that stops it
 * (idempotent). Each call subscribes anew, so instrument once per provider.
 *
 * Metrics, each with attribute `cache_resource.function`:
 * - `cache_resource.hits`, `cache_resource.misses` (counters; a call that waits on a computation
 *   in progress counts as a hit, as in `stats()`);
 * - `cache_resource.releases` (counter, with `reason`: `"clear"`, `"evicted"`, `"expired"`…);
 * - `cache_resource.errors` (counter, with `phase`: what failed, and `error.type`);
 * - `cache_resource.entries` (observable gauge of stored values);
 * - `cache_resource.compute.duration` (histogram, seconds; `error.type` on failures).
 *
 * Spans: `compute <functionName>` for every computation, a child of the span active at the call,
 * ending when the value (or the promise's value) is ready; error status and an exception event
 * when it fails.
 * @example
 * import { instrument } from "@cache-resource/otel";
 * const uninstall = instrument(); // the global providers, registered by your OpenTelemetry SDK setup
 * // ...
 * uninstall();
 */
export function instrument(options: InstrumentOptions = {}): () => void {
  const meterProvider = options.meterProvider ?? metrics.getMeterProvider();
  const tracerProvider = options.tracerProvider ?? trace.getTracerProvider();
  const instruments = createInstruments(meterProvider.getMeter(INSTRUMENTATION_SCOPE), () => cacheResource.stats().functions);
  const tracer = createComputeTracer(tracerProvider.getTracer(INSTRUMENTATION_SCOPE), instruments.computeDuration);

  const plain: [string, (message: unknown) => void][] = [
    [CHANNELS.hit, (m) => instruments.hits.add(1, { [FUNCTION]: (m as HitMessage).functionName })],
    [CHANNELS.miss, (m) => instruments.misses.add(1, { [FUNCTION]: (m as MissMessage).functionName })],
    [
      CHANNELS.release,
      (m) => {
        const { functionName, reason } = m as ReleaseMessage;
        instruments.releases.add(1, { [FUNCTION]: functionName, reason });
      },
    ],
    [
      CHANNELS.error,
      (m) => {
        const { functionName, phase, error } = m as ErrorMessage;
        instruments.errors.add(1, { [FUNCTION]: functionName, phase, "error.type": errorType(error) });
      },
    ],
  ];
  for (const [name, onMessage] of plain) diagnostics.subscribe(name, onMessage);
  const tracing = Object.entries(tracer.handlers).map(([event, handler]) => [`tracing:${CHANNELS.compute}:${event}`, handler] as const);
  for (const [name, handler] of tracing) diagnostics.subscribe(name, handler as (message: unknown) => void);

  let installed = true;
  return () => {
    if (!installed) return;
    installed = false;
    for (const [name, onMessage] of plain) diagnostics.unsubscribe(name, onMessage);
    for (const [name, handler] of tracing) diagnostics.unsubscribe(name, handler as (message: unknown) => void);
    instruments.stop();
  };
}
