/**
 * `cacheResource.shutdown()`: every entry released with reason "shutdown", leases and hooks waited
 * for up to the timeout, no computation after it starts. Manual clock. (Signals and a real process
 * exit: release-on-exit.test.ts.)
 */
import { afterEach, test } from "node:test";
import assert from "node:assert/strict";
import { cacheResource, CacheResourceError, CacheShutdownError, InvalidTtlError, runInSession, type ReleaseReason } from "../../src/index.js";
import { forgetShutdown } from "../../src/lifecycle/shutdown-state.js";
import { deferred, flush, ManualClock } from "../support/manual-clock.js";
import { installGuards, warnings } from "../reliability/guards.js";

installGuards();
// Each test shuts the process's caches down; the next one starts from a process that caches again.
afterEach(() => forgetShutdown());

let seq = 0;
const unique = (label: string): string => `${label}-${++seq}`;

function tracked<T extends object>(make: (key: string) => T, extra: { onRelease?: (value: T, reason: ReleaseReason) => unknown; scope?: "session" } = {}) {
  const clock = new ManualClock();
  const released: [T, ReleaseReason][] = [];
  const fn = cacheResource(make, {
    name: unique("fn"),
    clock,
    ...(extra.scope !== undefined && { scope: extra.scope }),
    onRelease: (value: T, reason: ReleaseReason) => {
      released.push([value, reason]);
      return extra.onRelease?.(value, reason) as void;
    },
  });
  return { fn, clock, released };
}

test("shutdown releases every entry of every function (reason shutdown), sessions included, and refuses new computations", async () => {
  const a = tracked((key) => ({ key }));
  const b = tracked((key) => ({ key }), { scope: "session" });
  const va = a.fn("x");
  const vb = runInSession(unique("s"), () => b.fn("y"));
  const done = cacheResource.shutdown();
  assert.equal(cacheResource.shutdown(), done, "a second call returns the same shutdown");
  await done;
  assert.deepEqual(a.released, [[va, "shutdown"]]);
  assert.deepEqual(b.released, [[vb, "shutdown"]]);
  assert.equal(cacheResource.stats().entries, 0);
  assert.throws(() => a.fn("x"), (error: unknown) => error instanceof CacheShutdownError && error instanceof CacheResourceError && error.functionName === a.fn.name);
  assert.throws(() => a.fn.acquire("x"), CacheShutdownError);
  const late = cacheResource(async () => 1, { name: unique("late") });
  assert.throws(() => late(), /was called after cacheResource\.shutdown\(\) started/);
});

test("a release hook that calls a cached function during shutdown gets CacheShutdownError", async () => {
  const errors: unknown[] = [];
  const other = tracked((key) => ({ key }));
  const a = tracked((key) => ({ key }), {
    onRelease: () => {
      try {
        other.fn("again");
      } catch (error) {
        errors.push(error);
      }
    },
  });
  a.fn("x");
  await cacheResource.shutdown();
  assert.equal(errors.length, 1);
  assert.ok(errors[0] instanceof CacheShutdownError);
});

test("shutdown waits for the last lease, including values an earlier clear left draining", async () => {
  const a = tracked((key) => ({ key }));
  const reasons = (): ReleaseReason[] => a.released.map(([, reason]) => reason);
  const earlier = a.fn.acquire("old");
  void a.fn.clear();
  const current = a.fn.acquire("x");
  let settled = false;
  const done = cacheResource.shutdown().then(() => (settled = true));
  await flush();
  assert.equal(settled, false);
  assert.deepEqual(a.released, []);
  current.release();
  await flush();
  assert.deepEqual(a.released, [[current.value, "shutdown"]]);
  assert.equal(settled, false, "the value cleared earlier is still leased");
  earlier.release();
  await done;
  assert.deepEqual(reasons(), ["shutdown", "clear"]);
});

test("at its timeout, shutdown releases still-leased values at once and names what was open; it never rejects", async () => {
  const clock = new ManualClock();
  const hang = tracked((key) => ({ key }), { onRelease: () => new Promise(() => {}) });
  const leased = tracked((key) => ({ key }));
  hang.fn("h");
  const lease = leased.fn.acquire("l");
  leased.fn.acquire("l"); // a second lease, never released
  const mark = warnings.length;
  let settled = false;
  const done = cacheResource.shutdown({ timeout: "10s", clock }).then(() => (settled = true));
  clock.advance(9_999);
  await flush();
  assert.equal(settled, false);
  assert.deepEqual(leased.released, []);
  clock.advance(1);
  assert.deepEqual(leased.released, [[lease.value, "shutdown"]], "released at once at the timeout");
  await done;
  await flush();
  const warning = warnings.slice(mark).join("\n");
  assert.match(warning, /shutdown did not finish in time/);
  assert.match(warning, new RegExp(`\`${leased.fn.name}\\(\\)\`: 2 open lease\\(s\\) \\(released now\\)`));
  assert.match(warning, new RegExp(`\`${hang.fn.name}\\(\\)\`: 1 onRelease hook\\(s\\) still running`));
  lease.release(); // too late: nothing happens
  assert.equal(leased.released.length, 1);
});

test("shutdown with nothing cached settles at once; a bad timeout is a typed error", async () => {
  assert.throws(() => cacheResource.shutdown({ timeout: "soon" }), (error: unknown) => error instanceof InvalidTtlError && error.option === "timeout");
  assert.throws(() => cacheResource.shutdown("10s" as never), /takes an options object/);
  await cacheResource.shutdown({ timeout: null });
});

test("a computation running when shutdown starts: its value is released with reason shutdown, its waiters get CacheShutdownError", async () => {
  const gate = deferred();
  const hookGate = deferred();
  const clock = new ManualClock();
  const released: [string, ReleaseReason][] = [];
  const fn = cacheResource(
    async (key: string) => {
      await gate.promise;
      return key;
    },
    {
      name: unique("flight"),
      clock,
      onRelease: async (value, reason) => {
        released.push([value, reason]);
        await hookGate.promise;
      },
    },
  );
  const waiters = [fn("x"), fn("x")];
  let settled = false;
  const done = cacheResource.shutdown().then(() => (settled = true));
  await flush();
  assert.equal(settled, false, "shutdown waits for the running computation");
  gate.resolve();
  for (const outcome of await Promise.allSettled(waiters)) {
    assert.ok(outcome.status === "rejected" && outcome.reason instanceof CacheShutdownError, String(outcome.status));
  }
  await flush();
  assert.equal(settled, false, "shutdown waits for the async release hook of the computed value");
  hookGate.resolve();
  await done;
  assert.deepEqual(released, [["x", "shutdown"]]);
});
