import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { cacheResource, ClearedWhileComputingError, type CachedFunction, type ReleaseReason } from "../../src/index.js";
import { deferred, flush, ManualClock, Resource } from "../support/manual-clock.js";

let seq = 0;
const unique = (label: string) => `${label}-${++seq}`;

/** A cached factory of Resources that records releases. */
function tracked(options: Record<string, unknown> = {}) {
  const released: { value: Resource; reason: ReleaseReason }[] = [];
  const clock = (options.clock as ManualClock | undefined) ?? new ManualClock();
  let runs = 0;
  const get = cacheResource((label: string) => {
    runs++;
    return new Resource(label);
  }, {
    name: unique("tracked"),
    clock,
    onRelease: (value, reason) => {
      value.closed = true;
      released.push({ value, reason });
    },
    ...options,
  });
  return { get, released, clock, runs: () => runs };
}

describe("ttl", () => {
  test("an entry is released by its timer at ttl, with no call needed", () => {
    const { get, released, clock } = tracked({ ttl: 10 });
    const a = get("a");
    clock.advance(9_999);
    assert.equal(released.length, 0);
    assert.equal(get("a"), a);
    clock.advance(1);
    assert.deepEqual(released, [{ value: a, reason: "expired" }]);
    assert.notEqual(get("a"), a);
  });

  test("an expired entry is never returned, even when its timer is late", () => {
    const { get, released, clock } = tracked({ ttl: "1s" });
    const a = get("a");
    clock.jump(1_000); // the loop was blocked: the timer has not fired
    const b = get("a");
    assert.notEqual(b, a);
    assert.deepEqual(released.map((r) => r.reason), ["expired"]);
    clock.advance(0);
    assert.equal(released.length, 1, "the late timer does not release twice");
  });

  test("age counts from when the value settled, not from the call", async () => {
    const clock = new ManualClock();
    const gate = deferred<void>();
    const get = cacheResource(async () => {
      await gate.promise;
      return {};
    }, { name: unique("settle-age"), ttl: 10, clock });
    const pending = get();
    clock.advance(8_000); // slow creation
    gate.resolve();
    const value = await pending;
    clock.advance(5_000);
    assert.equal(await get(), value, "13 s after the call but 5 s after settling: still fresh");
  });

  test("one timer serves a cache, and ttls past 24.8 days are chained", () => {
    const clock = new ManualClock();
    const { get, released } = tracked({ ttl: { days: 30 }, clock });
    for (let i = 0; i < 100; i++) get(`k${i}`);
    assert.equal(clock.pendingTimers, 1, "no OS timer per entry");
    clock.advance(25 * 86_400_000);
    assert.equal(released.length, 0, "a 30-day ttl does not fire at the 24.8-day setTimeout limit");
    assert.ok(clock.requestedDelays.every((d) => d <= 2 ** 31 - 1));
    clock.advance(5 * 86_400_000);
    assert.equal(released.length, 100);
    assert.equal(clock.pendingTimers, 0);
  });

  test("ttl 0 recomputes on every call", () => {
    const { get, runs } = tracked({ ttl: 0 });
    get("a");
    get("a");
    assert.equal(runs(), 2);
  });
});

describe("maxEntries", () => {
  test("evicts the least recently used entry; a hit refreshes recency", () => {
    const { get, released } = tracked({ maxEntries: 2 });
    const a = get("a");
    const b = get("b");
    get("a"); // a is now more recent than b
    get("c");
    assert.deepEqual(released, [{ value: b, reason: "evicted" }]);
    assert.equal(get("a"), a);
  });

  test("the value just computed is never the one evicted", async () => {
    const clock = new ManualClock();
    const gates = new Map<string, ReturnType<typeof deferred<void>>>();
    const released: string[] = [];
    const get = cacheResource(async (k: string) => {
      await gates.get(k)?.promise;
      return k;
    }, { name: unique("lru-pending"), maxEntries: 1, clock, onRelease: (v) => void released.push(v) });
    gates.set("slow", deferred());
    const slow = get("slow");
    await get("fast");
    gates.get("slow")!.resolve();
    assert.equal(await slow, "slow");
    assert.deepEqual(released, ["fast"]);
  });
});

describe("validate", () => {
  test("false releases the entry and recomputes; the value and args are passed", () => {
    const seen: unknown[][] = [];
    const { get, released } = tracked({
      validate: (value: Resource, ...args: unknown[]) => {
        seen.push([value.label, ...args]);
        return value.label !== "bad" || seen.length > 1;
      },
    });
    const a = get("bad");
    assert.deepEqual(seen, []);
    const b = get("bad");
    assert.notEqual(b, a);
    assert.deepEqual(released, [{ value: a, reason: "invalid" }]);
    assert.deepEqual(seen[0], ["bad", "bad"]);
  });

  test("a throwing validate gives that caller the error and drops the entry, not poisoning it", () => {
    let fail = true;
    const { get, released } = tracked({
      validate: () => {
        if (fail) throw new Error("health check crashed");
        return true;
      },
    });
    const a = get("x");
    assert.throws(() => get("x"), /health check crashed/);
    assert.equal(released[0]?.reason, "invalid");
    fail = false;
    assert.notEqual(get("x"), a);
  });

  test("async validation: concurrent hits share one check and recreate once", async () => {
    let checks = 0;
    let runs = 0;
    const gate = deferred<boolean>();
    const get = cacheResource(async () => ({ run: ++runs }), {
      name: unique("async-validate"),
      validate: async () => {
        checks++;
        return checks === 1 ? gate.promise : true;
      },
    });
    const first = await get();
    const hits = [get(), get(), get()];
    gate.resolve(false);
    const values = await Promise.all(hits);
    assert.equal(checks, 1);
    assert.equal(runs, 2);
    assert.ok(values.every((v) => v === values[0] && v !== first));
  });

  test("a sync function cannot have an async validate", () => {
    const get = cacheResource(() => ({}), { name: unique("sync-async-validate"), validate: (async () => true) as never });
    get();
    assert.throws(() => get(), /async validation needs an async function/);
  });
});

describe("onRelease on every path, exactly once", () => {
  test("clear(args), clear(), global clear", async () => {
    const { get, released } = tracked();
    const [a, b, c] = [get("a"), get("b"), get("c")];
    await get.clear("a");
    await get.clear();
    await get.clear(); // nothing left: no second release
    const d = get("d");
    await cacheResource.clear();
    assert.deepEqual(
      released.map((r) => [r.value, r.reason]),
      [[a, "clear"], [b, "clear"], [c, "clear"], [d, "clear-all"]],
    );
    assert.ok([a, b, c, d].every((r) => r.closed));
  });

  test("async hooks are awaited by clear(); a throwing or rejecting hook never stops the others", async () => {
    const order: string[] = [];
    const gate = deferred<void>();
    const warnings: string[] = [];
    const onWarning = (w: Error) => void warnings.push(w.message);
    process.on("warning", onWarning);
    const get = cacheResource((k: string) => k, {
      name: unique("hooks"),
      onRelease: async (k) => {
        if (k === "throws") throw new Error("sync-ish failure");
        if (k === "slow") await gate.promise;
        if (k === "rejects") return Promise.reject(new Error("async failure"));
        order.push(k);
      },
    });
    for (const k of ["throws", "slow", "rejects", "ok"]) get(k);
    let settled = false;
    const cleared = get.clear().then(() => (settled = true));
    await flush();
    assert.deepEqual(order, ["ok"], "the others ran while one hook hangs");
    assert.equal(settled, false, "clear waits for the slow hook");
    gate.resolve();
    await cleared;
    assert.deepEqual(order.sort(), ["ok", "slow"]);
    await flush();
    process.off("warning", onWarning);
    assert.equal(warnings.filter((w) => w.includes("onRelease")).length, 2);
  });

  test("a hook that never settles does not make clear() hang forever", async () => {
    const clock = new ManualClock();
    const get = cacheResource((k: string) => k, { name: unique("hang"), clock, onRelease: () => new Promise<void>(() => {}) });
    get("a");
    const cleared = get.clear();
    clock.advance(30_000);
    await cleared;
  });

  test("a hook may call back into the cache", async () => {
    const inner: unknown[] = [];
    const get: CachedFunction<(k: string) => { k: string }> = cacheResource((k: string) => ({ k }), {
      name: unique("reentrant"),
      onRelease: (v) => {
        inner.push(get(`${v.k}-next`));
      },
    });
    get("a");
    await get.clear("a");
    assert.deepEqual(inner, [{ k: "a-next" }]);
    assert.equal(get("a-next"), inner[0]);
  });
});

describe("clear during an in-flight computation", () => {
  test("the result is not stored; it is released and the waiters get a fresh computation", async () => {
    const gates: ReturnType<typeof deferred<void>>[] = [deferred(), deferred()];
    let runs = 0;
    const released: { run: number }[] = [];
    const get = cacheResource(async () => {
      const run = runs++;
      await gates[run]!.promise;
      return { run };
    }, { name: unique("flight"), onRelease: (v) => void released.push(v) });
    const waiters = [get(), get()];
    const cleared = get.clear();
    await cleared;
    gates[0]!.resolve();
    await flush();
    gates[1]!.resolve();
    const values = await Promise.all(waiters);
    assert.deepEqual(released, [{ run: 0 }], "the orphaned value was released");
    assert.ok(values.every((v) => v.run === 1), "no caller holds the released value");
    assert.equal(await get(), values[0], "the fresh value is stored");
  });

  test("a sync function that clears its own cache every time gives up with a clear error", () => {
    const released: number[] = [];
    let run = 0;
    const get: CachedFunction<() => number> = cacheResource(() => {
      void get.clear();
      return ++run;
    }, { name: unique("self-clear"), onRelease: (v: number) => void released.push(v) });
    assert.throws(() => get(), ClearedWhileComputingError);
    assert.deepEqual(released, [1, 2, 3]);
  });

  test("clear() never rejects", async () => {
    const get = cacheResource(() => 1, { name: unique("never-rejects"), onRelease: () => { throw new Error("x"); } });
    get();
    await assert.doesNotReject(get.clear());
    await assert.doesNotReject(cacheResource.clear());
  });
});
