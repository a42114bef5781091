/**
 * Leases (`fn.acquire`): the lookup is a call's, a removed value waits for its last lease (or its
 * drain timeout), and the clear / endSession promises settle after those releases. Manual clock.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  cacheResource,
  CacheResourceError,
  ClearedWhileComputingError,
  endSession,
  InvalidTtlError,
  runInSession,
  type CacheOptions,
  type ReleaseReason,
} from "../../src/index.js";
import { deferred, flush, ManualClock } from "../support/manual-clock.js";
import { installGuards, warnings } from "../reliability/guards.js";

installGuards();

let seq = 0;
const unique = (label: string): string => `${label}-${++seq}`;

class Pool {
  static made = 0;
  readonly id = ++Pool.made;
  ended = 0;
  constructor(readonly url: string) {}
}

/** A cached sync and async factory of pools that log their releases. */
function pools(options: CacheOptions = {}) {
  const clock = new ManualClock();
  const released: [Pool, ReleaseReason][] = [];
  const common = {
    clock,
    onRelease: (pool: Pool, reason: ReleaseReason) => {
      pool.ended++;
      released.push([pool, reason]);
    },
    ...options,
  };
  const getPool = cacheResource((url: string) => new Pool(url), { ...common, name: unique("pool") } as CacheOptions<(url: string) => Pool>);
  const getPoolAsync = cacheResource(
    async (url: string) => {
      await null;
      return new Pool(url);
    },
    { ...common, name: unique("pool-async") } as CacheOptions<(url: string) => Promise<Pool>>,
  );
  return { clock, released, getPool, getPoolAsync };
}

test("a sync function's acquire returns a Lease at once, on the same object a call returns", () => {
  const { getPool, released } = pools();
  const lease = getPool.acquire("a");
  assert.ok(!(lease instanceof Promise));
  assert.equal(lease.value, getPool("a"));
  assert.equal(getPool.stats().misses, 1, "one computation for the lease and the call");
  lease.release();
  lease.release(); // idempotent
  assert.deepEqual(released, []);
});

test("an async function's acquire returns a Promise of a Lease; hits and misses share the computation", async () => {
  const { getPoolAsync } = pools();
  const [a, b, c] = await Promise.all([getPoolAsync.acquire("a"), getPoolAsync.acquire("a"), getPoolAsync("a")]);
  assert.equal(a.value, c);
  assert.equal(b.value, c);
  assert.equal(getPoolAsync.stats().misses, 1, "single flight");
  const hit = getPoolAsync.acquire("a");
  assert.ok(hit instanceof Promise);
  assert.equal((await hit).value, c);
  assert.equal(getPoolAsync.stats().hits, 3, "two joined the computation, one hit");
  for (const lease of [a, b, await hit]) lease.release();
});

test("a value cleared while leased leaves the cache at once and is released when its last lease ends", async () => {
  const { getPool, released } = pools();
  const first = getPool.acquire("a");
  const second = getPool.acquire("a");
  const old = first.value;
  assert.deepEqual([getPool.stats().leases, getPool.stats().draining], [2, 0]);
  let settled = false;
  const cleared = getPool.clear().then(() => (settled = true));
  assert.notEqual(getPool("a"), old, "the next call gets a new value");
  assert.equal(getPool.stats().entries, 1, "the old value is no longer counted as an entry");
  assert.deepEqual([getPool.stats().leases, getPool.stats().draining], [2, 1], "stats show the value waiting for its leases");
  assert.ok(cacheResource.stats().draining >= 1);
  first.release();
  await flush();
  assert.deepEqual(released, [], "one lease is still open");
  assert.equal(settled, false, "clear() waits for the release");
  second.release();
  assert.deepEqual(released, [[old, "clear"]], "released by the last lease's release()");
  assert.deepEqual([getPool.stats().leases, getPool.stats().draining], [0, 0]);
  second.release();
  first.release();
  await cleared;
  assert.equal(old.ended, 1, "exactly once");
});

test("using / await using end the lease at the end of the block", async () => {
  const { getPool, getPoolAsync, released } = pools();
  let syncValue: Pool;
  {
    using lease = getPool.acquire("a");
    syncValue = lease.value;
    void getPool.clear();
    assert.deepEqual(released, []);
  }
  assert.deepEqual(released, [[syncValue, "clear"]]);
  let asyncValue: Pool;
  {
    await using lease = await getPoolAsync.acquire("a");
    asyncValue = lease.value;
    void getPoolAsync.clear();
    assert.equal(asyncValue.ended, 0);
  }
  assert.equal(asyncValue.ended, 1);
});

test("a lease released before the removal does not delay the release", () => {
  const { getPool, released } = pools();
  const lease = getPool.acquire("a");
  lease.release();
  void getPool.clear();
  assert.deepEqual(released, [[lease.value, "clear"]]);
});

test("plain calls take no lease", () => {
  const { getPool, released } = pools();
  const value = getPool("a");
  getPool("a");
  void getPool.clear();
  assert.deepEqual(released, [[value, "clear"]]);
});

test("drainTimeout: a lease never released lets the value go after the timeout, with a warning naming the function and the count", async () => {
  const { getPool, clock, released } = pools({ drainTimeout: "2s" });
  const leases = [getPool.acquire("a"), getPool.acquire("a")];
  const mark = warnings.length;
  let settled = false;
  const cleared = getPool.clear().then(() => (settled = true));
  clock.advance(1_999);
  await flush();
  assert.deepEqual(released, []);
  assert.equal(settled, false);
  clock.advance(1);
  assert.deepEqual(released, [[leases[0]!.value, "clear"]]);
  await cleared;
  await flush(); // warnings are emitted on the next tick
  const warning = warnings.slice(mark).join("\n");
  assert.match(warning, new RegExp(`\`${getPool.name}\\(\\)\` value released \\(reason "clear"\\) with 2 lease\\(s\\) still open`));
  assert.match(warning, /its drainTimeout \(2000 ms\) passed first/);
  for (const lease of leases) lease.release(); // late releases change nothing
  assert.equal(leases[0]!.value.ended, 1);
});

test("drainTimeout: default 30 s; null waits for the last lease however long", async () => {
  const byDefault = pools();
  const lease = byDefault.getPool.acquire("a");
  void byDefault.getPool.clear();
  byDefault.clock.advance(29_999);
  assert.equal(lease.value.ended, 0);
  byDefault.clock.advance(1);
  assert.equal(lease.value.ended, 1);

  const forever = pools({ drainTimeout: null });
  const held = forever.getPool.acquire("a");
  void forever.getPool.clear();
  forever.clock.advance(365 * 24 * 3600 * 1000);
  assert.equal(held.value.ended, 0);
  held.release();
  assert.equal(held.value.ended, 1);
});

test("drainTimeout accepts every ttl form and names itself in errors", () => {
  for (const value of [0, 5, "500ms", "1m", { seconds: 3 }, "PT2S", null]) {
    assert.doesNotThrow(() => cacheResource(() => 1, { drainTimeout: value, name: unique("d") }));
  }
  for (const value of ["100", -1, "soon", true]) {
    assert.throws(
      () => cacheResource(() => 1, { drainTimeout: value as never, name: unique("d") }),
      (error: unknown) => error instanceof InvalidTtlError && error.option === "drainTimeout" && /Invalid `drainTimeout` option/.test(error.message),
    );
  }
  assert.throws(() => cacheResource(() => 1, { drain_timeout: 1 } as never), /did you mean `drainTimeout`/);
});

test("a removal's hook that is async: clear() settles after the drained value's hook finished", async () => {
  const gate = deferred();
  const clock = new ManualClock();
  let finished = false;
  const getPool = cacheResource((url: string) => new Pool(url), {
    name: unique("pool"),
    clock,
    onRelease: async () => {
      await gate.promise;
      finished = true;
    },
  });
  const lease = getPool.acquire("a");
  let settled = false;
  const cleared = getPool.clear().then(() => (settled = true));
  lease.release();
  await flush();
  assert.equal(settled, false, "the hook is still running");
  gate.resolve();
  await cleared;
  assert.equal(finished, true);
});

test("endSession waits for leased session values", async () => {
  const clock = new ManualClock();
  const released: string[] = [];
  const getClient = cacheResource((user: string) => ({ user }), {
    name: unique("client"),
    clock,
    scope: "session",
    onRelease: (client, reason) => void released.push(`${client.user}:${reason}`),
  });
  const session = unique("s");
  const lease = runInSession(session, () => getClient.acquire("ann"));
  assert.equal(lease.value, runInSession(session, () => getClient("ann")));
  let settled = false;
  const ended = endSession(session).then(() => (settled = true));
  await flush();
  assert.equal(settled, false);
  assert.deepEqual(released, []);
  lease.release();
  await ended;
  assert.deepEqual(released, ["ann:session-end"]);
});

test("validate: acquire recomputes a value that fails, and leases the new one", async () => {
  const clock = new ManualClock();
  const released: Pool[] = [];
  const getPool = cacheResource((url: string) => new Pool(url), {
    name: unique("pool"),
    clock,
    validate: (pool) => pool.ended === 0 && !bad.has(pool),
    onRelease: (pool) => void released.push(pool),
  });
  const bad = new Set<Pool>();
  const first = getPool.acquire("a");
  bad.add(first.value);
  const second = getPool.acquire("a");
  assert.notEqual(second.value, first.value);
  assert.deepEqual(released, [], "the invalid value is still leased");
  first.release();
  assert.deepEqual(released, [first.value]);
  second.release();
});

test("background refresh: leases on the replaced value keep it until they end; new leases get the new value", async () => {
  const { getPoolAsync, clock, released } = pools({ ttl: 10, refreshMode: "background" });
  const old = await getPoolAsync.acquire("a");
  clock.advance(10_000);
  const stale = await getPoolAsync.acquire("a");
  assert.equal(stale.value, old.value, "a stale hit is served (and leased) while the refresh runs");
  await flush();
  await flush();
  const fresh = await getPoolAsync.acquire("a");
  assert.notEqual(fresh.value, old.value);
  assert.deepEqual(released, []);
  old.release();
  assert.deepEqual(released, []);
  stale.release();
  assert.deepEqual(released, [[old.value, "refreshed"]]);
  fresh.release();
  assert.deepEqual(released, [[old.value, "refreshed"]], "the stored value is not released by its lease ending");
});

test("maxEntries and ttl: evicted and expired values wait for their leases", () => {
  const evicting = pools({ maxEntries: 1 });
  const lease = evicting.getPool.acquire("a");
  evicting.getPool("b");
  assert.equal(evicting.getPool.stats().entries, 1);
  assert.deepEqual(evicting.released, []);
  lease.release();
  assert.deepEqual(evicting.released, [[lease.value, "evicted"]]);

  const expiring = pools({ ttl: 5 });
  const held = expiring.getPool.acquire("a");
  expiring.clock.advance(5_000);
  assert.equal(expiring.getPool.stats().entries, 0, "expired by its timer");
  assert.notEqual(expiring.getPool("a"), held.value);
  assert.equal(held.value.ended, 0);
  held.release();
  assert.deepEqual(expiring.released, [[held.value, "expired"]]);
});

test("a redefined function (superseded) and a global clear wait for leases too", async () => {
  const name = unique("redefined");
  const clock = new ManualClock();
  const released: string[] = [];
  const options = { name, clock, onRelease: (p: Pool, reason: ReleaseReason) => void released.push(`${p.id}:${reason}`) };
  const v1 = cacheResource((url: string) => new Pool(url), options);
  const lease = v1.acquire("a");
  const v2 = cacheResource((url: string) => new Pool(`${url}`), options);
  assert.notEqual(v2("a"), lease.value);
  assert.deepEqual(released, []);
  lease.release();
  assert.deepEqual(released, [`${lease.value.id}:superseded`]);

  const other = pools();
  const held = other.getPool.acquire("x");
  let settled = false;
  const cleared = cacheResource.clear().then(() => (settled = true));
  await flush();
  assert.equal(settled, false, "cacheResource.clear() waits for the leased value");
  held.release();
  await cleared;
  assert.deepEqual(other.released, [[held.value, "clear-all"]]);
});

test("acquire never hands out a value removed before its lease was taken: it calls again", () => {
  const clock = new ManualClock();
  const released: Pool[] = [];
  let clearOnce = true;
  const getPool = cacheResource((url: string) => new Pool(url), { name: unique("racy"), clock, onRelease: (p) => void released.push(p) });
  const stop = cacheResource.events.subscribe((event) => {
    if (event.type === "computed" && event.functionName === getPool.name && clearOnce) {
      clearOnce = false;
      void getPool.clear();
    }
  });
  try {
    const lease = getPool.acquire("a");
    assert.equal(released.length, 1, "the first value was cleared as it was stored");
    assert.notEqual(lease.value, released[0]);
    assert.equal(lease.value.ended, 0);
    lease.release();
  } finally {
    stop();
  }

  // A value cleared on every attempt: a clear error instead of a loop.
  const always = cacheResource((url: string) => new Pool(url), { name: unique("cleared"), clock });
  const stopAlways = cacheResource.events.subscribe((event) => {
    if (event.type === "computed" && event.functionName === always.name) void always.clear();
  });
  try {
    assert.throws(() => always.acquire("a"), (error: unknown) => error instanceof ClearedWhileComputingError && error instanceof CacheResourceError);
  } finally {
    stopAlways();
  }
});

test('onRelease: "dispose" awaits [Symbol.asyncDispose], else calls [Symbol.dispose]; a value with neither is reported', async () => {
  const log: string[] = [];
  const gate = deferred();
  const getAsyncDisposable = cacheResource(
    (id: string) => ({
      id,
      async [Symbol.asyncDispose]() {
        await gate.promise;
        log.push(`async ${id}`);
      },
      [Symbol.dispose]() {
        log.push(`sync ${id} (must not be called)`);
      },
    }),
    { name: unique("async-disposable"), onRelease: "dispose" },
  );
  const getDisposable = cacheResource((id: string) => ({ id, [Symbol.dispose]: () => void log.push(`sync ${id}`) }), {
    name: unique("disposable"),
    onRelease: "dispose",
  });
  getAsyncDisposable("a");
  getDisposable("b");
  let settled = false;
  const cleared = getAsyncDisposable.clear().then(() => (settled = true));
  await flush();
  assert.equal(settled, false, "clear() awaits the async dispose");
  gate.resolve();
  await cleared;
  await getDisposable.clear();
  assert.deepEqual(log, ["async a", "sync b"]);

  const mark = warnings.length;
  const getPlain = cacheResource((id: string) => ({ id }) as unknown as Disposable, { name: unique("plain"), onRelease: "dispose" });
  getPlain("c");
  await getPlain.clear();
  await flush();
  assert.match(warnings.slice(mark).join("\n"), /onRelease: "dispose" needs a value with \[Symbol\.asyncDispose\]\(\) or \[Symbol\.dispose\]\(\)/);
  assert.throws(() => cacheResource(() => 1, { onRelease: "close" as never }), /Invalid `onRelease` option/);
});
