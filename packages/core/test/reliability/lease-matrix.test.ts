/**
 * Lease matrix: every way a stored value can leave the cache × every way a lease on it can end,
 * for sync and async functions. The fault matrix (fault-matrix.test.ts) crosses the same paths with
 * hook behaviours; this one crosses them with leases:
 *
 * - "released before": the lease ends before the removal, which then releases at once;
 * - "released after": two leases, open during the removal, end one after the other;
 * - "open": the lease stays open through further removals (a global clear, the clock moving to
 *   just before the drain timeout) before it ends;
 * - "never released": the drain timeout releases the value, with a warning.
 *
 * Invariants in every cell: the removed value leaves the cache at once (the next call gets a new
 * value); it is released exactly once, with the path's reason, never while a lease on it is open
 * unless its drain timed out; the removal's promise (clear, endSession, shutdown) settles only after
 * that release; every value ever created is released exactly once by the end; nothing unhandled.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  cacheResource,
  currentSessionId,
  endSession,
  runInSession,
  type CachedFunction,
  type CacheOptions,
  type Lease,
  type ReleaseReason,
} from "../../src/index.js";
import { forgetShutdown } from "../../src/lifecycle/shutdown-state.js";
import { flush, ManualClock } from "../support/manual-clock.js";
import { assertNoUnhandledSince, installGuards, unhandled, warnings } from "./guards.js";

installGuards();

const TTL_S = 1_000;
const DRAIN_MS = 10_000;
const LEASES = ["released before", "released after", "open", "never released"] as const;
type LeaseMode = (typeof LEASES)[number];
type Body = "sync" | "async";

let seq = 0;

class Val {
  static seq = 0;
  readonly id = ++Val.seq;
  bad: boolean | "throw" = false;
  constructor(
    readonly key: string,
    readonly session: string | undefined,
  ) {}
  toString(): string {
    return `#${this.id}(${this.key})`;
  }
}

type Fn = (key: string) => Val | Promise<Val>;

/** One cell: the cached function, its values, their releases and the leases the test holds. */
class Table {
  readonly clock = new ManualClock();
  readonly name = `lease-matrix-${++seq}`;
  readonly session: string | undefined;
  readonly created: Val[] = [];
  readonly releases = new Map<Val, ReleaseReason[]>();
  readonly problems: string[] = [];
  /** Values with a lease the test still holds, and how many. */
  readonly held = new Map<Val, number>();
  /** Set once the test has let the drain timeout pass. */
  drainTimedOut = false;
  get!: CachedFunction<Fn>;

  constructor(
    readonly path: LeasePath,
    readonly body: Body,
  ) {
    this.session = path.session ? `lease-matrix-session-${seq}` : undefined;
    this.get = this.wrap();
  }

  wrap(extra: CacheOptions = {}): CachedFunction<Fn> {
    const make = (key: string): Val => {
      const value = new Val(key, currentSessionId());
      this.created.push(value);
      return value;
    };
    const fn: Fn =
      this.body === "sync"
        ? (key) => make(key)
        : async (key) => {
            const value = make(key);
            await null;
            return value;
          };
    const options: CacheOptions = {
      ...this.path.options,
      ...extra,
      name: this.name,
      clock: this.clock,
      drainTimeout: DRAIN_MS / 1000,
      onRelease: (value: Val, reason: ReleaseReason) => {
        if ((this.held.get(value) ?? 0) > 0 && !this.drainTimedOut) this.problems.push(`${value} released (${reason}) under an open lease`);
        this.releases.set(value, [...(this.releases.get(value) ?? []), reason]);
      },
    };
    if (this.path.options.validate !== undefined) {
      const check = (value: Val): boolean => {
        if (value.bad === "throw") throw new Error("validate exploded");
        return !value.bad;
      };
      options.validate = this.body === "async" ? async (value: Val) => check(value) : check;
    }
    return cacheResource(fn, options as CacheOptions<Fn>);
  }

  inSession<T>(run: () => T): T {
    return this.session === undefined ? run() : runInSession(this.session, run);
  }

  async call(key: string): Promise<Val> {
    return this.inSession(() => this.get(key));
  }

  async acquire(key: string): Promise<Lease<Val>> {
    const lease = await this.inSession(() => this.get.acquire(key));
    this.held.set(lease.value, (this.held.get(lease.value) ?? 0) + 1);
    return lease;
  }

  release(lease: Lease<Val>): void {
    this.held.set(lease.value, (this.held.get(lease.value) ?? 1) - 1);
    lease.release();
  }
}

/** Wrapped, so that an async `remove` does not wait for the removal's promise. */
interface Removal {
  readonly done?: Promise<void>;
}

interface LeasePath {
  readonly name: string;
  readonly options: CacheOptions;
  readonly reason: ReleaseReason;
  readonly session?: boolean;
  /** Calls are refused until the removal settles (shutdown). */
  readonly refusesCalls?: boolean;
  /** Removes the stored victim; `done` is the removal's promise when the path has one. */
  remove(table: Table, victim: Val): Promise<Removal>;
  /** After the removal settled. */
  readonly after?: () => void;
}

const validate = (): boolean => true; // replaced per body by Table.wrap

const PATHS: LeasePath[] = [
  { name: "clear(args)", options: {}, reason: "clear", remove: async (t) => ({ done: t.inSession(() => t.get.clear("victim")) }) },
  { name: "clear()", options: {}, reason: "clear", remove: async (t) => ({ done: t.get.clear() }) },
  { name: "global clear", options: {}, reason: "clear-all", remove: async () => ({ done: cacheResource.clear() }) },
  {
    name: "LRU",
    options: { maxEntries: 2 },
    reason: "evicted",
    async remove(t) {
      await t.call("sibling");
      await t.call("trigger");
      return {};
    },
  },
  {
    name: "TTL (timer)",
    options: { ttl: TTL_S },
    reason: "expired",
    async remove(t) {
      t.clock.advance(TTL_S * 1000);
      return {};
    },
  },
  {
    name: "TTL (on access, late timer)",
    options: { ttl: TTL_S },
    reason: "expired",
    async remove(t) {
      t.clock.jump(TTL_S * 1000);
      await t.call("victim");
      return {};
    },
  },
  {
    name: "validate false",
    options: { validate },
    reason: "invalid",
    async remove(t, victim) {
      victim.bad = true;
      await t.call("victim");
      return {};
    },
  },
  {
    name: "validate throws",
    options: { validate },
    reason: "invalid",
    async remove(t, victim) {
      victim.bad = "throw";
      await assert.rejects(t.call("victim"), /validate exploded/);
      return {};
    },
  },
  {
    name: "identity",
    options: {},
    reason: "superseded",
    async remove(t) {
      t.get = t.wrap({ maxEntries: 50 });
      return {};
    },
  },
  { name: "endSession", options: { scope: "session" }, reason: "session-end", session: true, remove: async (t) => ({ done: endSession(t.session!) }) },
  {
    name: "background refresh",
    options: { ttl: TTL_S, refreshMode: "background" },
    reason: "refreshed",
    async remove(t) {
      t.clock.advance(TTL_S * 1000);
      await t.call("victim"); // the stale value, while the refresh runs
      await flush();
      await flush();
      return {};
    },
  },
  {
    name: "shutdown",
    options: {},
    reason: "shutdown",
    refusesCalls: true,
    remove: async (t) => ({ done: cacheResource.shutdown({ clock: t.clock }) }),
    after: forgetShutdown,
  },
];

/** Tracks whether a promise has settled (and that it never rejects). */
function watch(promise: Promise<void> | undefined): () => "none" | "pending" | "resolved" | "rejected" {
  if (promise === undefined) return () => "none";
  let state: "pending" | "resolved" | "rejected" = "pending";
  promise.then(
    () => (state = "resolved"),
    () => (state = "rejected"),
  );
  return () => state;
}

for (const path of PATHS) {
  for (const body of ["sync", "async"] as const) {
    for (const mode of LEASES) {
      test(`${path.name} (${body}) × lease ${mode}`, async () => {
        const table = new Table(path, body);
        try {
          await runCell(table, mode);
        } finally {
          forgetShutdown();
          for (const lease of [...table.held.keys()]) table.held.delete(lease);
          table.drainTimedOut = true;
          void table.get.clear();
          if (table.session !== undefined) void endSession(table.session);
          table.clock.advance(DRAIN_MS);
          await flush();
        }
      });
    }
  }
}

async function runCell(t: Table, mode: LeaseMode): Promise<void> {
  const { path } = t;
  const unhandledMark = unhandled.length;
  const warningMark = warnings.length;
  const reasons = (value: Val): ReleaseReason[] => t.releases.get(value) ?? [];

  const first = await t.acquire("victim");
  const victim = first.value;
  const second = mode === "released after" ? await t.acquire("victim") : undefined;
  assert.equal(second?.value ?? victim, victim, "leases on one key share the value");
  if (mode === "released before") t.release(first);

  const done = watch((await path.remove(t, victim)).done);
  await flush();

  // The victim left the cache at once.
  if (path.refusesCalls) {
    assert.equal(t.get.stats().entries, 0, "removed at once");
  } else {
    const fresh = await t.call("victim");
    assert.notEqual(fresh, victim, "the next call gets a new value");
  }

  if (mode === "released before") {
    assert.deepEqual(reasons(victim), [path.reason], "released at once: no lease was open");
  } else {
    assert.deepEqual(reasons(victim), [], "not released while a lease is open");
    assert.notEqual(done(), "resolved", "the removal's promise waits for the release");
    if (mode === "released after") {
      t.release(first);
      await flush();
      assert.deepEqual(reasons(victim), [], "one lease is still open");
      t.release(second!);
    } else if (mode === "open") {
      // Further removals and time moving on do not release it again, or early.
      const fresh = path.refusesCalls ? undefined : await t.call("victim");
      await cacheResource.clear();
      t.clock.advance(DRAIN_MS - 1);
      await flush();
      assert.deepEqual(reasons(victim), []);
      if (fresh !== undefined) assert.equal(reasons(fresh).length, 1, "the value stored meanwhile went as usual");
      t.release(first);
    } else {
      t.clock.advance(DRAIN_MS - 1);
      await flush();
      assert.deepEqual(reasons(victim), [], "the drain is still waiting");
      t.drainTimedOut = true;
      t.clock.advance(1);
      await flush();
      const warning = warnings.slice(warningMark).join("\n");
      assert.match(warning, new RegExp(`\`${t.name}\\(\\)\` value released \\(reason "${path.reason}"\\) with 1 lease\\(s\\) still open`));
    }
    assert.deepEqual(reasons(victim), [path.reason], "released once the last lease ended (or the drain timed out)");
  }
  await flush();
  assert.ok(done() === "none" || done() === "resolved", `the removal's promise settled (${done()})`);
  path.after?.();
  if (mode === "never released") {
    first.release(); // too late: changes nothing
    t.drainTimedOut = false;
  }

  // Cleanup: everything left is released, each value once.
  await t.get.clear();
  if (t.session !== undefined) await endSession(t.session);
  await flush();
  const wrong = t.created.map((value) => [value, reasons(value)] as const).filter(([, r]) => r.length !== 1);
  assert.deepEqual(wrong.map(([value, r]) => `${value} released ${r.length} times (${r.join(", ")})`), [], "every value is released exactly once");
  assert.deepEqual(t.problems, [], "no value was released under an open lease");
  const { leases, draining } = t.get.stats();
  assert.deepEqual({ leases, draining }, { leases: 0, draining: 0 }, "stats: no lease left open, nothing draining");
  assertNoUnhandledSince(unhandledMark);
}

test("the lease matrix covers every path × body × lease mode", () => {
  assert.equal(PATHS.length * 2 * LEASES.length, 96);
  assert.equal(new Set(PATHS.map((p) => p.name)).size, PATHS.length);
});
