import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { context, metrics, SpanStatusCode, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { cacheResource, type Clock } from "cache-resource";
import { instrument } from "@cache-resource/otel";
import { inMemoryOtel } from "./support/otel.js";

let seq = 0;
const unique = (label: string) => `${label}-${++seq}`;
const fn = (name: string) => ({ "cache_resource.function": name });

/** Time that moves only when told to (computation durations become exact). */
class StepClock implements Clock {
  t = 0;
  now = () => this.t;
  setTimer = (callback: () => void, delayMs: number) => {
    const timer = setTimeout(callback, delayMs);
    timer.unref();
    return { cancel: () => clearTimeout(timer) };
  };
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const otel = inMemoryOtel();
let uninstall: () => void;

before(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  uninstall = instrument({ meterProvider: otel.meterProvider, tracerProvider: otel.tracerProvider });
});
after(async () => {
  uninstall();
  await otel.shutdown();
});

describe("instrument()", () => {
  test("hits, misses, entries and one span per sync computation, each with the function's name", async () => {
    const clock = new StepClock();
    const name = unique("getDb");
    const getDb = cacheResource(
      (url: string) => {
        clock.t += 250;
        return { url };
      },
      { name, clock },
    );
    getDb("postgres://a");
    getDb("postgres://a");
    getDb("postgres://a");
    getDb("postgres://b");

    assert.equal(await otel.value("cache_resource.hits", fn(name)), 2);
    assert.equal(await otel.value("cache_resource.misses", fn(name)), 2);
    assert.equal(await otel.value("cache_resource.entries", fn(name)), 2);
    const [durations] = await otel.histogram("cache_resource.compute.duration", fn(name));
    assert.equal(durations!.value.count, 2);
    assert.equal(durations!.value.sum, 0.5); // 2 × 250 ms, in seconds
    const descriptor = (await otel.collect()).get("cache_resource.compute.duration")!.descriptor;
    assert.equal(descriptor.unit, "s");

    const spans = otel.spans().filter((s) => s.attributes["cache_resource.function"] === name);
    assert.equal(spans.length, 2);
    assert.equal(spans[0]!.name, `compute ${name}`);
    assert.equal(spans[0]!.attributes["cache_resource.key_kind"], "primitive");
    assert.equal(spans[0]!.status.code, SpanStatusCode.UNSET);
    // The key is not on the span.
    assert.doesNotMatch(JSON.stringify(spans[0]!.attributes), /postgres/);
  });

  test("an async miss: the span starts at the call, ends when the value is ready, and is a child of the caller's span", async () => {
    const name = unique("loadModel");
    const gate = deferred<{ weights: number[] }>();
    const loadModel = cacheResource(async (_id: string) => gate.promise, { name });
    const tracer = otel.tracerProvider.getTracer("test");
    const mine = () => otel.spans().filter((s) => s.attributes["cache_resource.function"] === name);

    const request = tracer.startSpan("GET /predict");
    const pending = context.with(trace.setSpan(context.active(), request), () => loadModel("m"));
    await new Promise((r) => setImmediate(r));
    assert.equal(mine().length, 0, "the span must stay open while the computation runs");
    gate.resolve({ weights: [1] });
    await pending;
    request.end();

    const [span] = mine();
    assert.ok(span, "one span once the promise settled");
    assert.equal(span.parentSpanContext?.spanId, request.spanContext().spanId);
    assert.equal(span.spanContext().traceId, request.spanContext().traceId);
    assert.equal(await otel.value("cache_resource.misses", fn(name)), 1);
    const [durations] = await otel.histogram("cache_resource.compute.duration", fn(name));
    assert.equal(durations!.value.count, 1);
  });

  test("a failed computation: error status, an exception event, error.type on the histogram, an error counted", async () => {
    const name = unique("connect");
    const connect = cacheResource(
      async (host: string) => {
        await new Promise((r) => setImmediate(r));
        throw new TypeError(`cannot reach ${host}`);
      },
      { name },
    );
    const syncName = unique("parseConfig");
    const parseConfig = cacheResource(
      (): never => {
        throw new RangeError("bad config");
      },
      { name: syncName },
    );
    await assert.rejects(connect("db.internal"), TypeError);
    assert.throws(() => parseConfig(), RangeError);

    for (const [n, type, message] of [
      [name, "TypeError", "cannot reach db.internal"],
      [syncName, "RangeError", "bad config"],
    ] as const) {
      const [span] = otel.spans().filter((s) => s.attributes["cache_resource.function"] === n);
      assert.ok(span, `a span for ${n}`);
      assert.equal(span.status.code, SpanStatusCode.ERROR);
      assert.equal(span.status.message, message);
      assert.equal(span.attributes["error.type"], type);
      const exception = span.events.find((e) => e.name === "exception");
      assert.equal(exception?.attributes?.["exception.type"], type);
      assert.equal(exception?.attributes?.["exception.message"], message);
      assert.equal(await otel.value("cache_resource.errors", { ...fn(n), phase: "compute", "error.type": type }), 1);
      const [failed] = await otel.histogram("cache_resource.compute.duration", { ...fn(n), "error.type": type });
      assert.equal(failed!.value.count, 1);
    }
  });

  test("releases by reason; the entries gauge follows", async () => {
    const name = unique("getClient");
    const getClient = cacheResource((region: string) => ({ region }), { name, maxEntries: 2 });
    getClient("eu");
    getClient("us");
    getClient("ap"); // evicts "eu"
    assert.equal(await otel.value("cache_resource.entries", fn(name)), 2);
    await getClient.clear("us");
    await cacheResource.clear();
    assert.equal(await otel.value("cache_resource.releases", { ...fn(name), reason: "evicted" }), 1);
    assert.equal(await otel.value("cache_resource.releases", { ...fn(name), reason: "clear" }), 1);
    assert.equal(await otel.value("cache_resource.releases", { ...fn(name), reason: "clear-all" }), 1);
    assert.equal(await otel.value("cache_resource.entries", fn(name)), 0);
  });

  test("the metrics are the numbers stats() reports", async () => {
    const name = unique("sameNumbers");
    const get = cacheResource(
      async (id: number) => {
        await new Promise((r) => setImmediate(r));
        if (id < 0) throw new Error("negative");
        return { id };
      },
      { name, maxEntries: 2 },
    );
    await Promise.all([get(1), get(1), get(2)]);
    await get(3);
    await assert.rejects(get(-1));
    await get.clear();
    const stats = get.stats();
    assert.equal(await otel.value("cache_resource.hits", fn(name)), stats.hits);
    assert.equal(await otel.value("cache_resource.misses", fn(name)), stats.misses);
    assert.equal(await otel.value("cache_resource.errors", fn(name)), stats.errors);
    for (const [reason, count] of Object.entries(stats.releases)) {
      assert.equal(await otel.value("cache_resource.releases", { ...fn(name), reason }), count, reason);
    }
    assert.equal(await otel.value("cache_resource.entries", fn(name)), stats.entries);
  });

  test("uninstall stops recording (and is idempotent)", async () => {
    const local = inMemoryOtel();
    const stop = instrument({ meterProvider: local.meterProvider, tracerProvider: local.tracerProvider });
    const name = unique("afterUninstall");
    const get = cacheResource((n: number) => ({ n }), { name });
    get(1);
    get(1);
    assert.equal(await local.value("cache_resource.hits", fn(name)), 1);
    assert.equal(local.spans().length, 1);
    assert.equal(await local.value("cache_resource.entries", fn(name)), 1);
    stop();
    stop();
    get(1);
    get(2);
    get(3);
    await get.clear(3);
    assert.equal(get.stats().entries, 2);
    assert.equal(await local.value("cache_resource.hits", fn(name)), 1);
    assert.equal(await local.value("cache_resource.misses", fn(name)), 1);
    assert.equal(await local.value("cache_resource.releases", fn(name)), 0);
    // A cumulative gauge keeps its last observation: 1, from before uninstall, not today's 2.
    assert.equal(await local.value("cache_resource.entries", fn(name)), 1);
    assert.equal(local.spans().length, 1);
    await local.shutdown();
  });

  test("with no options it records to the global providers", async () => {
    const global = inMemoryOtel();
    assert.ok(metrics.setGlobalMeterProvider(global.meterProvider));
    assert.ok(trace.setGlobalTracerProvider(global.tracerProvider));
    const stop = instrument();
    try {
      const name = unique("globalProviders");
      const get = cacheResource(() => ({}), { name });
      get();
      get();
      assert.equal(await global.value("cache_resource.hits", fn(name)), 1);
      assert.equal(global.spans().filter((s) => s.attributes["cache_resource.function"] === name).length, 1);
    } finally {
      stop();
      metrics.disable();
      trace.disable();
      await global.shutdown();
    }
  });
});

test("one instrument() sees every copy of cache-resource in the process (the ESM build and the CommonJS one)", async () => {
  const { createRequire } = await import("node:module");
  const cjs = createRequire(import.meta.url)("cache-resource") as typeof import("cache-resource");
  assert.notEqual(cjs.cacheResource, cacheResource, "two copies of the library");
  const name = unique("fromCommonJs");
  const get = cjs.cacheResource((n: number) => ({ n }), { name });
  get(1);
  get(1);
  assert.equal(await otel.value("cache_resource.hits", fn(name)), 1);
  assert.equal(await otel.value("cache_resource.misses", fn(name)), 1);
  assert.equal(await otel.value("cache_resource.entries", fn(name)), 1);
  assert.equal(otel.spans().filter((s) => s.attributes["cache_resource.function"] === name).length, 1);
});
