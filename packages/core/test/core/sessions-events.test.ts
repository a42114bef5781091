import { test, describe } from "node:test";
import assert from "node:assert/strict";
import {
  cacheResource,
  endSession,
  NoSessionError,
  runInSession,
  SessionEndedError,
  type CacheEvent,
  type ReleaseReason,
} from "../../src/index.js";
import { deferred, flush, ManualClock } from "../support/manual-clock.js";

let seq = 0;
const unique = (label: string) => `${label}-${++seq}`;

/** Collects the events of one function. */
function recordEvents(functionName: string) {
  const events: CacheEvent[] = [];
  const stop = cacheResource.events.subscribe((e) => {
    if (e.functionName === functionName) events.push(e);
  });
  return { events, stop };
}

describe("scope: session", () => {
  function perUserClient() {
    const released: { user: string; reason: ReleaseReason }[] = [];
    const name = unique("client");
    const getClient = cacheResource((region: string) => ({ region, user: "" }), {
      name,
      scope: "session",
      maxEntries: 2,
      onRelease: (client, reason) => void released.push({ user: client.user, reason }),
    });
    const inSession = (user: string, region: string) =>
      runInSession(user, () => {
        const client = getClient(region);
        client.user = user;
        return client;
      });
    return { getClient, inSession, released };
  }

  test("sessions are isolated and share nothing", () => {
    const { inSession } = perUserClient();
    const alice = inSession("alice", "eu");
    const bob = inSession("bob", "eu");
    assert.notEqual(alice, bob);
    assert.equal(inSession("alice", "eu"), alice);
  });

  test("the session follows awaits", async () => {
    const name = unique("await-session");
    const get = cacheResource(async () => ({ id: Math.random() }), { name, scope: "session" });
    const a = await runInSession("s1", async () => {
      await flush();
      return get();
    });
    const again = await runInSession("s1", async () => {
      await new Promise((r) => setTimeout(r, 0));
      return get();
    });
    assert.equal(a, again);
  });

  test("outside a session a session-scoped function throws a clear error", () => {
    const { getClient } = perUserClient();
    assert.throws(() => getClient("eu"), (error: unknown) => {
      assert.ok(error instanceof NoSessionError);
      assert.match((error as Error).message, /runInSession/);
      return true;
    });
  });

  test("endSession releases that session's entries only", async () => {
    const { inSession, released } = perUserClient();
    inSession("alice", "eu");
    inSession("alice", "us");
    const bob = inSession("bob", "eu");
    await endSession("alice");
    assert.deepEqual(released, [
      { user: "alice", reason: "session-end" },
      { user: "alice", reason: "session-end" },
    ]);
    assert.equal(inSession("bob", "eu"), bob);
    await endSession("nobody"); // unknown sessions are fine
  });

  test("code still running for an ended session stores nothing more for it; the id can be used again", async () => {
    const released: number[] = [];
    let made = 0;
    const get = cacheResource(() => ({ n: ++made }), { name: unique("late"), scope: "session", onRelease: (v) => void released.push(v.n) });
    const go = deferred();
    const late = runInSession("tab", async () => {
      get();
      await go.promise; // the tab closes meanwhile
      return get();
    });
    await flush();
    await endSession("tab");
    assert.deepEqual(released, [1]);
    go.resolve();
    await assert.rejects(late, (error: unknown) => {
      assert.ok(error instanceof SessionEndedError);
      assert.match((error as Error).message, /has ended, so `.*\(\)` \(scope "session"\) cannot store a value/);
      return true;
    });
    assert.equal(made, 1, "nothing was made for the ended session");
    // A new run in a session with the same id is a new session.
    assert.deepEqual(runInSession("tab", () => get()), { n: 2 });
    await endSession("tab");
    assert.deepEqual(released, [1, 2]);
  });

  test("clear() inside a session clears that session; outside, every session", async () => {
    const { getClient, inSession, released } = perUserClient();
    inSession("alice", "eu");
    const bob = inSession("bob", "eu");
    await runInSession("alice", () => getClient.clear());
    assert.deepEqual(released.map((r) => r.user), ["alice"]);
    assert.equal(inSession("bob", "eu"), bob);
    await runInSession("carol", () => getClient.clear("eu")); // carol has nothing: nothing released
    assert.equal(released.length, 1);
    inSession("alice", "eu");
    await getClient.clear("eu");
    assert.deepEqual(released.map((r) => r.user).sort(), ["alice", "alice", "bob"]);
  });

  test("maxEntries counts per session", () => {
    const { inSession, released } = perUserClient();
    inSession("alice", "a");
    inSession("alice", "b");
    inSession("bob", "a");
    inSession("bob", "b");
    assert.equal(released.length, 0);
    inSession("alice", "c");
    assert.deepEqual(released, [{ user: "alice", reason: "evicted" }]);
  });
});

describe("refreshMode: background", () => {
  function model(clock: ManualClock) {
    let version = 0;
    let failNext = false;
    const gates: ReturnType<typeof deferred<void>>[] = [];
    const released: { version: number; reason: ReleaseReason }[] = [];
    const name = unique("model");
    const load = cacheResource(
      async (_name: string) => {
        const v = ++version;
        if (v > 1) {
          const gate = deferred<void>();
          gates.push(gate);
          await gate.promise;
          if (failNext) {
            failNext = false;
            throw new Error("registry down");
          }
        }
        return { version: v };
      },
      { name, ttl: 60, refreshMode: "background", clock, onRelease: (m, reason) => void released.push({ version: m.version, reason }) },
    );
    return { load, gates, released, name, failNext: () => (failNext = true), runs: () => version };
  }

  test("between ttl and 2×ttl the stale value is served at once and one refresh runs", async () => {
    const clock = new ManualClock();
    const { load, gates, released, runs } = model(clock);
    const v1 = await load("m");
    clock.advance(61_000);
    const stale = await Promise.all([load("m"), load("m"), load("m")]);
    assert.ok(stale.every((v) => v === v1), "stale value served at once");
    await flush();
    assert.equal(runs(), 2, "one refresh for the key");
    gates[0]!.resolve();
    await flush();
    const v2 = await load("m");
    assert.equal(v2.version, 2);
    assert.deepEqual(released, [{ version: 1, reason: "refreshed" }], "the replaced value is released after the new one is stored");
  });

  test("past 2×ttl the caller waits for a new value", async () => {
    const clock = new ManualClock();
    const { load, gates, released } = model(clock);
    const v1 = await load("m");
    clock.jump(121_000); // timer late
    const waiting = load("m");
    await flush();
    gates[0]!.resolve();
    const v2 = await waiting;
    assert.notEqual(v2, v1);
    assert.deepEqual(released, [{ version: 1, reason: "expired" }]);
  });

  test("a failed refresh keeps the stale value, reports the error and backs off", async () => {
    const clock = new ManualClock();
    const m = model(clock);
    const { events, stop } = recordEvents(m.name);
    const v1 = await m.load("m");
    clock.advance(61_000);
    m.failNext();
    await m.load("m");
    await flush();
    m.gates[0]!.resolve();
    await flush();
    assert.equal(await m.load("m"), v1, "stale value kept");
    assert.equal(m.runs(), 2, "no new refresh during the back-off");
    assert.ok(events.some((e) => e.type === "error" && e.phase === "refresh"));
    assert.ok(events.some((e) => e.type === "refresh" && e.phase === "failed"));
    clock.advance(30_000); // 91 s: still stale (hard expiry at 120 s) and inside the 60 s back-off
    assert.equal(await m.load("m"), v1);
    assert.equal(m.runs(), 2);
    stop();
  });

  test("a refresh that lands after a clear is released, not stored", async () => {
    const clock = new ManualClock();
    const { load, gates, released } = model(clock);
    await load("m");
    clock.advance(61_000);
    await load("m");
    await flush();
    await load.clear();
    gates[0]!.resolve();
    await flush();
    assert.deepEqual(released, [
      { version: 1, reason: "clear" },
      { version: 2, reason: "clear" },
    ]);
    const next = load("m");
    await flush();
    gates[1]!.resolve();
    assert.equal((await next).version, 3, "a fresh value after the clear");
  });

  test("works for sync functions too", async () => {
    const clock = new ManualClock();
    let version = 0;
    const get = cacheResource(() => ({ version: ++version }), { name: unique("sync-bg"), ttl: 1, refreshMode: "background", clock });
    const v1 = get();
    clock.advance(1_500);
    assert.equal(get(), v1, "stale returned synchronously");
    await flush();
    assert.equal(get().version, 2);
  });
});

describe("events and stats", () => {
  test("every event is emitted once with the right payload", async () => {
    const clock = new ManualClock();
    const name = unique("evented");
    const { events, stop } = recordEvents(name);
    const get = cacheResource(async (k: string) => {
      clock.advance(250);
      if (k === "bad") throw new Error("nope");
      return { k };
    }, { name, clock, maxEntries: 1 });
    await get("a");
    await get("a");
    await assert.rejects(get("bad"));
    await get("b"); // evicts a
    stop();
    await get("c"); // after unsubscribe: not recorded
    assert.deepEqual(
      events.map((e) => e.type + (e.type === "release" ? `:${e.reason}` : "")),
      ["miss", "computed", "hit", "miss", "error", "miss", "computed", "release:evicted"],
    );
    const computed = events.find((e) => e.type === "computed");
    assert.equal(computed?.type === "computed" && computed.durationMs, 250);
    assert.ok(events.every((e) => e.functionName === name && e.sessionId === undefined));
    const error = events.find((e) => e.type === "error");
    assert.equal(error?.type === "error" && error.phase, "compute");
  });

  test("per-function and global stats", async () => {
    const clock = new ManualClock();
    const name = unique("stats");
    const get = cacheResource((k: string) => {
      clock.advance(k === "slow" ? 300 : 100);
      return k;
    }, { name, clock, maxEntries: 2 });
    get("a");
    get("a");
    get("slow");
    get("c");
    const s = get.stats();
    assert.deepEqual(
      { ...s },
      { functionName: name, entries: 2, hits: 1, misses: 3, errors: 0, releases: { evicted: 1 }, meanComputeMs: 500 / 3, maxComputeMs: 300, leases: 0, draining: 0 },
    );
    const global = cacheResource.stats();
    assert.ok(global.functions.some((f) => f.functionName === name));
    assert.ok(global.misses >= 3);
  });

  test("a listener that throws never breaks a call", async () => {
    const stop = cacheResource.events.subscribe(() => {
      throw new Error("listener bug");
    });
    const warnings: string[] = [];
    const onWarning = (w: Error) => void warnings.push(w.message);
    process.on("warning", onWarning);
    const get = cacheResource(() => 42, { name: unique("listener") });
    assert.equal(get(), 42);
    stop();
    await flush();
    process.off("warning", onWarning);
    assert.ok(warnings.some((w) => w.includes("listener threw")));
  });

  test("session-scoped events carry the session id", async () => {
    const name = unique("session-events");
    const { events, stop } = recordEvents(name);
    const get = cacheResource(() => ({}), { name, scope: "session" });
    runInSession("tab-1", () => get());
    await endSession("tab-1");
    stop();
    assert.deepEqual(events.map((e) => [e.type, e.sessionId]), [["miss", "tab-1"], ["computed", "tab-1"], ["release", "tab-1"]]);
  });
});
