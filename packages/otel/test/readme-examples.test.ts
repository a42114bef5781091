/**
 * The README's Observability examples, type-checked by `npm run typecheck` and run once here
 * against a real cached function.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import diagnostics from "node:diagnostics_channel";
import { cacheResource, CHANNELS, type ComputeContext, type ReleaseMessage } from "cache-resource";
import { instrument } from "@cache-resource/otel";

function otelExample() {
  const uninstall = instrument(); // the global meter and tracer providers your OpenTelemetry SDK registered
  return uninstall;
}

function channelsExample() {
  const onRelease = (message: unknown) => {
    const { functionName, reason } = message as ReleaseMessage;
    console.log(`${functionName} released (${reason})`);
  };
  diagnostics.subscribe(CHANNELS.release, onRelease);
  const slow = (c: ComputeContext) => c.durationMs !== undefined && c.durationMs > 1_000;
  const handlers = {
    start() {},
    end(c: ComputeContext) {
      if (slow(c)) console.warn(`${c.functionName} took ${c.durationMs} ms`);
    },
    asyncStart() {},
    asyncEnd(c: ComputeContext) {
      if (slow(c)) console.warn(`${c.functionName} took ${c.durationMs} ms`);
    },
    error(c: ComputeContext) {
      console.error(`${c.functionName} failed`, c.error);
    },
  };
  const tracing = diagnostics.tracingChannel<unknown, ComputeContext>(CHANNELS.compute);
  tracing.subscribe(handlers);
  return () => {
    diagnostics.unsubscribe(CHANNELS.release, onRelease);
    tracing.unsubscribe(handlers);
  };
}

test("the README's observability examples run", async (t) => {
  const logged = t.mock.method(console, "log", () => {});
  const stopOtel = otelExample(); // no SDK registered: the API's no-op providers
  const stopChannels = channelsExample();
  try {
    const get = cacheResource(() => ({}), { name: "readmeObservability" });
    get();
    await get.clear();
    assert.deepEqual(logged.mock.calls.map((c) => c.arguments[0]), ["readmeObservability released (clear)"]);
  } finally {
    stopChannels();
    stopOtel();
  }
});
