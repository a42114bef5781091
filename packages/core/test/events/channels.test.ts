import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { AsyncLocalStorage } from "node:async_hooks";
import diagnostics from "node:diagnostics_channel";
import {
  cacheResource,
  CHANNELS,
  runInSession,
  endSession,
  type ComputeContext,
  type ErrorMessage,
  type HitMessage,
  type MissMessage,
  type ReleaseMessage,
} from "../../src/index.js";
import { deferred, flush, ManualClock } from "../support/manual-clock.js";

let seq = 0;
const unique = (label: string) => `${label}-${++seq}`;

type Published = { channel: string; message: unknown };

/** Subscribes to the four plain channels and the tracing channel; keeps what `functionName` gets. */
function listen(functionName: string) {
  const seen: Published[] = [];
  const plain = [CHANNELS.hit, CHANNELS.miss, CHANNELS.release, CHANNELS.error];
  const onPlain = (message: unknown, name: string | symbol) => {
    if ((message as { functionName: string }).functionName === functionName) seen.push({ channel: String(name), message });
  };
  for (const name of plain) diagnostics.subscribe(name, onPlain);
  const tracing = diagnostics.tracingChannel<unknown, ComputeContext>(CHANNELS.compute);
  const record = (phase: string) => (context: ComputeContext) => {
    if (context.functionName === functionName) seen.push({ channel: `compute:${phase}`, message: { ...context } });
  };
  const handlers = {
    start: record("start"),
    end: record("end"),
    asyncStart: record("asyncStart"),
    asyncEnd: record("asyncEnd"),
    error: record("error"),
  };
  tracing.subscribe(handlers);
  return {
    seen,
    names: () => seen.map((s) => s.channel),
    of: <T>(channel: string) => seen.filter((s) => s.channel === channel).map((s) => s.message as T),
    stop() {
      for (const name of plain) diagnostics.unsubscribe(name, onPlain);
      tracing.unsubscribe(handlers);
    },
  };
}

describe("diagnostics channels", () => {
  test("a sync miss then a hit: miss, compute start/end with duration and result, hit", () => {
    const clock = new ManualClock();
    const name = unique("sync");
    const get = cacheResource(
      (url: string) => {
        clock.advance(25);
        return { url };
      },
      { name, clock },
    );
    const l = listen(name);
    try {
      const value = get("postgres://user:secret@db");
      assert.equal(get("postgres://user:secret@db"), value);
      assert.deepEqual(l.names(), [CHANNELS.miss, "compute:start", "compute:end", CHANNELS.hit]);
      assert.deepEqual(l.of<MissMessage>(CHANNELS.miss)[0], { functionName: name, keyKind: "primitive", sessionId: undefined });
      const [end] = l.of<ComputeContext>("compute:end");
      assert.equal(end!.durationMs, 25);
      assert.equal(end!.result, value);
      assert.equal(end!.trigger, "miss");
      assert.deepEqual(l.of<HitMessage>(CHANNELS.hit)[0], {
        functionName: name,
        keyKind: "primitive",
        sessionId: undefined,
        stale: false,
        joined: false,
      });
      // The key (and so the secret in it) is in no message.
      for (const { message } of l.seen) {
        const { result: _result, ...fields } = message as ComputeContext;
        assert.doesNotMatch(JSON.stringify(fields), /secret/);
      }
    } finally {
      l.stop();
    }
  });

  test("key kinds: none, primitive, encoded (never the key itself)", () => {
    const name = unique("kinds");
    const get = cacheResource((...args: unknown[]) => ({ args }), { name });
    const l = listen(name);
    try {
      get();
      get(42);
      get({ password: "hunter2" });
      get("a", "b");
      assert.deepEqual(
        l.of<MissMessage>(CHANNELS.miss).map((m) => m.keyKind),
        ["none", "primitive", "encoded", "encoded"],
      );
      assert.doesNotMatch(JSON.stringify(l.of(CHANNELS.miss)), /hunter2/);
    } finally {
      l.stop();
    }
  });

  test("a sync computation that throws: start, error (context.error), end; and cache-resource:error", () => {
    const name = unique("sync-throw");
    const boom = new Error("boom");
    const get = cacheResource(
      (): number => {
        throw boom;
      },
      { name },
    );
    const l = listen(name);
    try {
      assert.throws(() => get(), boom);
      assert.deepEqual(l.names(), [CHANNELS.miss, "compute:start", "compute:error", "compute:end", CHANNELS.error]);
      assert.equal(l.of<ComputeContext>("compute:error")[0]!.error, boom);
      assert.equal(l.of<ComputeContext>("compute:end")[0]!.error, boom);
      const [error] = l.of<ErrorMessage>(CHANNELS.error);
      assert.equal(error!.phase, "compute");
      assert.equal(error!.error, boom);
    } finally {
      l.stop();
    }
  });

  test("an async miss: the trace ends when the promise settles (asyncStart, asyncEnd), waiters are joined hits", async () => {
    const clock = new ManualClock();
    const name = unique("async");
    const gate = deferred<{ ok: true }>();
    const get = cacheResource(async () => gate.promise, { name, clock });
    const l = listen(name);
    try {
      const first = get();
      const second = get();
      assert.deepEqual(l.names(), [CHANNELS.miss, "compute:start", "compute:end", CHANNELS.hit]);
      assert.equal(l.of<HitMessage>(CHANNELS.hit)[0]!.joined, true);
      assert.equal(l.of<ComputeContext>("compute:end")[0]!.durationMs, undefined);
      clock.advance(1500);
      gate.resolve({ ok: true });
      const value = await first;
      assert.equal(await second, value);
      assert.deepEqual(l.names().slice(4), ["compute:asyncStart", "compute:asyncEnd"]);
      const [asyncEnd] = l.of<ComputeContext>("compute:asyncEnd");
      assert.equal(asyncEnd!.durationMs, 1500);
      assert.equal(asyncEnd!.result, value);
    } finally {
      l.stop();
    }
  });

  test("an async rejection: error with context.error, then asyncStart and asyncEnd", async () => {
    const name = unique("async-reject");
    const boom = new Error("no database");
    const get = cacheResource(
      async () => {
        await flush();
        throw boom;
      },
      { name },
    );
    const l = listen(name);
    try {
      await assert.rejects(get(), boom);
      assert.deepEqual(l.names(), [
        CHANNELS.miss,
        "compute:start",
        "compute:end",
        "compute:error",
        "compute:asyncStart",
        "compute:asyncEnd",
        CHANNELS.error,
      ]);
      assert.equal(l.of<ComputeContext>("compute:asyncEnd")[0]!.error, boom);
    } finally {
      l.stop();
    }
  });

  test("releases carry the reason; session entries their session", async () => {
    const clock = new ManualClock();
    const name = unique("release");
    const get = cacheResource((id: number) => ({ id }), { name, clock, maxEntries: 1, ttl: 10 });
    const perTab = unique("release-session");
    const getTab = cacheResource(() => ({}), { name: perTab, scope: "session" });
    const l = listen(name);
    const t = listen(perTab);
    try {
      get(1);
      get(2); // evicts 1
      clock.advance(10_000); // expires 2
      get(3);
      await get.clear();
      runInSession("tab-1", () => getTab());
      await endSession("tab-1");
      assert.deepEqual(
        l.of<ReleaseMessage>(CHANNELS.release).map((m) => m.reason),
        ["evicted", "expired", "clear"],
      );
      assert.deepEqual(t.of<ReleaseMessage>(CHANNELS.release), [
        { functionName: perTab, keyKind: "none", sessionId: "tab-1", reason: "session-end" },
      ]);
    } finally {
      l.stop();
      t.stop();
    }
  });

  test("onRelease and validate failures are published on cache-resource:error", async () => {
    const name = unique("hook-errors");
    const get = cacheResource((id: number) => ({ id }), {
      name,
      validate: (v) => {
        if (v.id === 2) throw new Error("validate broke");
        return true;
      },
      onRelease: () => {
        throw new Error("close failed");
      },
    });
    const l = listen(name);
    const warnings: unknown[] = [];
    const onWarning = (w: unknown) => warnings.push(w);
    process.on("warning", onWarning);
    try {
      get(2);
      assert.throws(() => get(2), /validate broke/);
      await flush();
      assert.deepEqual(
        l.of<ErrorMessage>(CHANNELS.error).map((m) => m.phase),
        ["validate", "release"],
      );
    } finally {
      process.off("warning", onWarning);
      l.stop();
    }
  });

  test("a background refresh is traced with trigger \"refresh\" and its stale hit is marked", async () => {
    const clock = new ManualClock();
    const name = unique("refresh");
    let n = 0;
    const get = cacheResource(() => ({ n: ++n }), { name, clock, ttl: 10, refreshMode: "background" });
    get();
    clock.advance(10_000);
    const l = listen(name);
    try {
      assert.equal(get().n, 1);
      await flush();
      await flush();
      assert.deepEqual(l.of<HitMessage>(CHANNELS.hit).map((m) => m.stale), [true]);
      assert.deepEqual(
        l.of<ComputeContext>("compute:start").map((c) => c.trigger),
        ["refresh"],
      );
      assert.deepEqual(l.of<ReleaseMessage>(CHANNELS.release).map((m) => m.reason), ["refreshed"]);
      assert.equal(get().n, 2);
    } finally {
      l.stop();
    }
  });

  test("a store bound to the start channel is active inside the computation, across awaits", async () => {
    const name = unique("stores");
    const store = new AsyncLocalStorage<string>();
    const start = diagnostics.channel(`tracing:${CHANNELS.compute}:start`);
    start.bindStore(store, (context) => `span of ${(context as ComputeContext).functionName}`);
    try {
      const get = cacheResource(
        async () => {
          await flush();
          return store.getStore();
        },
        { name },
      );
      assert.equal(await get(), `span of ${name}`);
    } finally {
      start.unbindStore(store);
    }
  });

  test("the channels count exactly what stats() counts", async () => {
    const clock = new ManualClock();
    const name = unique("same-numbers");
    const get = cacheResource(
      async (id: number) => {
        await flush();
        if (id < 0) throw new Error("negative");
        return { id };
      },
      { name, clock, maxEntries: 2 },
    );
    const l = listen(name);
    try {
      await Promise.all([get(1), get(1), get(2)]);
      await get(1);
      await get(3); // evicts 2
      await assert.rejects(get(-1));
      await get.clear(1);
      const stats = get.stats();
      const releases: Record<string, number> = {};
      for (const m of l.of<ReleaseMessage>(CHANNELS.release)) releases[m.reason] = (releases[m.reason] ?? 0) + 1;
      assert.equal(l.of(CHANNELS.hit).length, stats.hits);
      assert.equal(l.of(CHANNELS.miss).length, stats.misses);
      assert.equal(l.of(CHANNELS.error).length, stats.errors);
      assert.deepEqual(releases, stats.releases);
      assert.deepEqual({ hits: stats.hits, misses: stats.misses, errors: stats.errors }, { hits: 2, misses: 4, errors: 1 });
    } finally {
      l.stop();
    }
  });
});
