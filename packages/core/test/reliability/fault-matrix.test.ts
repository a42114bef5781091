/**
 * Fault matrix: every way a value can leave the cache × every way an `onRelease` hook can behave.
 *
 * For each cell the same properties are checked:
 * - every value the function ever created is released exactly once (counted per value object),
 *   after a final cleanup, and the value the path removes is released with the path's reason;
 * - no other entry is disturbed: an entry of another cached function, a sibling entry of the same
 *   function (where the path leaves it alone) and an entry created after the removal all keep
 *   returning the same object;
 * - no unhandled rejection or uncaught exception, ever;
 * - callers never see a released value (the hook marks values closed; every call checks);
 * - a `clear` promise always settles, never rejects, and with a hook that never settles it settles
 *   after the bounded wait, driven by the cache's clock;
 * - a failing hook is reported (one warning per failed release).
 *
 * The same paths with a lease on the removed value (open, released before, released after, never
 * released): lease-matrix.test.ts.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  cacheResource,
  CacheShutdownError,
  currentSessionId,
  FunctionIdentityError,
  endSession,
  runInSession,
  SessionEndedError,
  type CachedFunction,
  type CacheOptions,
  type ReleaseReason,
} from "../../src/index.js";
import { forgetShutdown } from "../../src/lifecycle/shutdown-state.js";
import { deferred, flush, ManualClock } from "../support/manual-clock.js";
import { assertNoUnhandledSince, installGuards, unhandled, warnings } from "./guards.js";

installGuards();

/** How long `clear()` waits for hooks that do not settle (src/cache/function-cache.ts). */
const RELEASE_WAIT_MS = 30_000;
/** ttl used by the timed paths: long enough that the bounded wait never expires a bystander. */
const TTL_S = 1_000;

let seq = 0;
const unique = (label: string): string => `${label}-${++seq}`;

/** A cached resource: knows its key and session, and whether it was released. */
/** Logical time: orders creations, calls and releases. */
let tick = 0;

class Res {
  static created = 0;
  readonly id = ++Res.created;
  readonly createdAt = ++tick;
  releasedAt = Infinity;
  closed = false;
  /** Set by a test to make `validate` fail (`true`) or throw (`"throw"`). */
  bad: boolean | "throw" = false;
  readonly reasons: ReleaseReason[] = [];
  constructor(
    readonly key: string,
    readonly session: string | undefined,
  ) {}
  toString(): string {
    return `#${this.id}(${this.key}${this.session === undefined ? "" : `@${this.session}`})`;
  }
}

const BEHAVIOURS = ["returns", "throws", "rejects", "hangs", "re-enters (call)", "re-enters (clear)"] as const;
type Behaviour = (typeof BEHAVIOURS)[number];

type Fn = (key: string) => Res | Promise<Res>;
type Body = "sync" | "sync-edited" | "async";

/** Where a key lives: its key and the session it is called in. */
interface Slot {
  readonly key: string;
  readonly session: string | undefined;
}

/** What a path's scenario hands back: the value it removed and the removal's promise, if any. */
interface Removal {
  readonly victim: Res;
  readonly done?: Promise<void>;
  /** The removal's promise must still be pending while a hanging hook runs. */
  readonly awaitsHook?: boolean;
  /** Runs once the removal has settled (shutdown: let the process cache again for the rest of the cell). */
  readonly after?: () => void;
}

interface Path {
  readonly name: string;
  readonly body: Body;
  readonly options: CacheOptions;
  readonly reason: ReleaseReason;
  /** Session-scoped: the victim lives in one session, the sibling (same key) in another. */
  readonly sessions?: boolean;
  /** The same function's other entry is left alone by this path (given the hook's behaviour). */
  siblingSurvives(behaviour: Behaviour): boolean;
  /** Another cached function's entry is left alone (false only for the global clear). */
  readonly otherSurvives: boolean;
  /**
   * Calls made from inside the hook are refused with this error (the identity paths: a hook that
   * runs while its definition is being replaced cannot cache through the old definition).
   */
  readonly reentryRefusedWith?: new (...args: never[]) => Error;
  /** How many of the hook's two calls are refused (the default, 2: both). */
  readonly reentryRefusals?: number;
  /** Creates the victim (and the sibling, in the order the path needs) and removes the victim. */
  run(cell: Cell): Promise<Removal>;
}

/** One cell of the matrix: the cached function under test, its bystanders and the bookkeeping. */
class Cell {
  readonly clock = new ManualClock();
  readonly name = unique("fault");
  /** Every value the function under test created, in order. */
  readonly created: Res[] = [];
  readonly releases = new Map<Res, number>();
  readonly problems: string[] = [];
  /** Promises started from inside hooks (re-entrant calls and clears). */
  readonly background: Promise<unknown>[] = [];
  /** Re-entrant calls refused as the path expects (see {@link Path.reentryRefusedWith}). */
  readonly refusedReentries: Error[] = [];
  /** First runs of async computations that wait for a gate, by key. */
  readonly holds = new Map<string, ReturnType<typeof deferred<void>>>();
  /** Keys whose next sync computation clears its own entry while running. */
  readonly selfClear = new Set<string>();
  readonly sibling: Slot;
  readonly victimSlot: Slot;
  get!: CachedFunction<Fn>;
  reentered = false;

  readonly otherCreated: Res[] = [];
  readonly otherReleases = new Map<Res, number>();
  readonly other: CachedFunction<(key: string) => Res>;

  constructor(
    readonly path: Path,
    readonly behaviour: Behaviour,
  ) {
    // Session ids are unique per cell, so a cell never touches another cell's sessions.
    this.victimSlot = { key: "victim", session: path.sessions ? `s1-${this.name}` : undefined };
    this.sibling = path.sessions ? { key: "victim", session: `s2-${this.name}` } : { key: "sibling", session: undefined };
    this.other = cacheResource(
      (key: string) => {
        const value = new Res(key, undefined);
        this.otherCreated.push(value);
        return value;
      },
      {
        name: unique("bystander"),
        clock: this.clock,
        onRelease: (value) => {
          this.otherReleases.set(value, (this.otherReleases.get(value) ?? 0) + 1);
          value.closed = true;
        },
      },
    );
  }

  make(key: string): Res {
    const value = new Res(key, currentSessionId());
    this.created.push(value);
    return value;
  }

  compute(key: string): Res {
    if (this.selfClear.delete(key)) this.track(this.get.clear(key), "clear from inside the computation");
    return this.make(key);
  }

  async computeAsync(key: string): Promise<Res> {
    const value = this.make(key);
    const hold = this.holds.get(key);
    if (hold !== undefined) {
      this.holds.delete(key);
      await hold.promise;
    } else {
      await null;
    }
    return value;
  }

  /** Wraps one of the bodies with the path's options (and `extra`), under this cell's name. */
  wrap(body: Body, extra: CacheOptions = {}): CachedFunction<Fn> {
    const fns: Record<Body, Fn> = {
      sync: (key: string) => this.compute(key),
      "sync-edited": (key: string) => this.compute(`${key}`),
      async: (key: string) => this.computeAsync(key),
    };
    const options = { ...this.path.options, ...extra, name: this.name, clock: this.clock, onRelease: this.hook };
    return cacheResource(fns[body], options as CacheOptions<Fn>);
  }

  readonly hook = (value: Res, reason: ReleaseReason): void | Promise<void> => {
    this.releases.set(value, (this.releases.get(value) ?? 0) + 1);
    if (value.closed) this.problems.push(`${value} released again (${value.reasons.join(", ")}, then ${reason})`);
    value.closed = true;
    value.releasedAt = ++tick;
    value.reasons.push(reason);
    switch (this.behaviour) {
      case "returns":
        return;
      case "throws":
        throw new Error(`hook failure releasing ${value}`);
      case "rejects":
        return Promise.reject(new Error(`async hook failure releasing ${value}`));
      case "hangs":
        return new Promise<void>(() => {});
      case "re-enters (call)":
        if (!this.reentered) {
          this.reentered = true;
          // Touch the sibling (a hit), then recreate the released key, from inside the hook.
          this.track(this.call(this.sibling), "re-entrant call (sibling)", true);
          this.track(this.call({ key: value.key, session: value.session }), "re-entrant call (released key)", true);
        }
        return;
      case "re-enters (clear)":
        if (!this.reentered) {
          this.reentered = true;
          this.track(this.get.clear(), "re-entrant clear()");
        }
        return;
    }
  };

  /** Records a promise started where nobody awaits it; it must not reject. */
  track(promise: Promise<unknown>, what: string, reentrant = false): void {
    const refused = this.path.reentryRefusedWith;
    this.background.push(
      promise.then(undefined, (error: unknown) => {
        if (reentrant && refused !== undefined && error instanceof refused) this.refusedReentries.push(error);
        else this.problems.push(`${what} failed: ${String(error)}`);
      }),
    );
  }

  /**
   * Calls the function under test; the result must never be a released value. A sync call is
   * checked as it returns. An async call is checked when it resolves: a value computed for it
   * (created after the call began) must not have been released by then, and a stored value (a
   * hit) must not have been released before the call began. (A hit's promise is handed out
   * already resolved; a clear between the call and the caller's resumption is the caller's race,
   * exactly as for a sync caller who keeps the value.)
   */
  call(slot: Slot): Promise<Res> {
    const calledAt = ++tick;
    let out: Res | Promise<Res>;
    try {
      out = slot.session === undefined ? this.get(slot.key) : runInSession(slot.session, () => this.get(slot.key));
    } catch (error) {
      return Promise.reject(error);
    }
    if (out instanceof Promise) return out.then((value) => this.observe(value, slot, calledAt));
    return Promise.resolve(this.observe(out, slot, Infinity));
  }

  observe(value: Res, slot: Slot, calledAt: number): Res {
    const computedForCall = value.createdAt > calledAt;
    if (value.closed && (computedForCall || value.releasedAt < calledAt)) {
      this.problems.push(`a caller of ${slot.key} got the released value ${value}`);
    }
    if (value.key !== slot.key || value.session !== slot.session) this.problems.push(`a caller of ${slot.key} got ${value}`);
    return value;
  }

  /**
   * Waits for a removal's promise: it must settle, never reject, and with hanging hooks settle
   * only once the cache's clock has passed the bounded wait.
   */
  async settle(done: Promise<void> | undefined, what: string, awaitsHook = false): Promise<void> {
    let state: "pending" | "resolved" | "rejected" = "pending";
    done?.then(
      () => (state = "resolved"),
      () => (state = "rejected"),
    );
    await flush();
    await flush();
    if (this.behaviour === "hangs") {
      if (done !== undefined && awaitsHook) assert.equal(state, "pending", `${what} waits for the hanging hook`);
      this.clock.advance(RELEASE_WAIT_MS);
      await flush();
      await flush();
    }
    if (done !== undefined) assert.equal(state, "resolved", `${what} settles (and never rejects)`);
  }
}

// ── the paths ─────────────────────────────────────────────────────────────────────────────────

const always = (): boolean => true;
const never = (): boolean => false;
const unlessClearing = (b: Behaviour): boolean => b !== "re-enters (clear)";

/** The victim first, then the sibling. */
async function victimAndSibling(cell: Cell): Promise<Res> {
  const victim = await cell.call(cell.victimSlot);
  await cell.call(cell.sibling);
  return victim;
}

/** An async computation of the victim key that is held open; two callers wait on it. */
function heldFlight(cell: Cell): { waiters: Promise<Res>[]; release: () => void } {
  const hold = deferred<void>();
  cell.holds.set("victim", hold);
  const waiters = [cell.call(cell.victimSlot), cell.call(cell.victimSlot)];
  return { waiters, release: () => hold.resolve() };
}

/** Releases a held flight after `remove`, and checks that both waiters got one fresh value. */
async function flightThen(cell: Cell, remove: () => Promise<void> | undefined): Promise<Removal> {
  const { waiters, release } = heldFlight(cell);
  await cell.call(cell.sibling);
  const victim = cell.created.find((v) => v.key === "victim")!;
  const done = remove();
  await flush();
  assert.equal(victim.closed, false, "a value still computing is not released before it exists");
  release();
  const [a, b] = await Promise.all(waiters);
  assert.notEqual(a, victim, "the waiters never get the value computed under the cleared state");
  assert.equal(a, b, "the waiters share one fresh computation");
  return { victim, done };
}

/** The session ends while its value is computing: the value is released, never stored, and the waiters are told. */
async function flightThenSessionEnds(cell: Cell): Promise<Removal> {
  const { waiters, release } = heldFlight(cell);
  await cell.call(cell.sibling);
  const victim = cell.created.find((v) => v.key === "victim")!;
  const session = cell.victimSlot.session!;
  const done = endSession(session);
  await flush();
  assert.equal(victim.closed, false, "a value still computing is not released before it exists");
  release();
  const outcomes = await Promise.allSettled(waiters);
  for (const outcome of outcomes) {
    assert.ok(outcome.status === "rejected" && outcome.reason instanceof SessionEndedError, "the waiters learn their session ended");
  }
  // Only the hook's own re-entrant call (that behaviour recreates the released key) computes again.
  assert.equal(
    cell.created.filter((v) => v.key === "victim" && v.session === session).length,
    cell.behaviour === "re-enters (call)" ? 2 : 1,
    "the waiters' calls compute nothing again for the ended session",
  );
  return { victim, done };
}

async function lru(cell: Cell): Promise<Removal> {
  const victim = await victimAndSibling(cell);
  const trigger = await cell.call({ key: "trigger", session: undefined });
  assert.notEqual(trigger, victim);
  return { victim };
}

/** The expiry timer is late (a blocked event loop): the call finds the entry expired. */
async function expiredOnAccess(cell: Cell): Promise<Removal> {
  const victim = await cell.call(cell.victimSlot);
  cell.clock.advance((TTL_S * 1000) / 2);
  await cell.call(cell.sibling);
  cell.clock.jump((TTL_S * 1000) / 2);
  assert.equal(victim.closed, false, "the timer has not fired");
  const fresh = await cell.call(cell.victimSlot);
  assert.notEqual(fresh, victim, "an expired value is never returned");
  return { victim };
}

async function validateFails(cell: Cell, how: true | "throw"): Promise<Removal> {
  const victim = await victimAndSibling(cell);
  victim.bad = how;
  if (how === "throw") {
    await assert.rejects(cell.call(cell.victimSlot), /validate exploded/, "the caller gets validate's error");
  }
  const fresh = await cell.call(cell.victimSlot);
  assert.notEqual(fresh, victim, "a value that failed validation is never returned");
  return { victim };
}

const validate = (value: Res): boolean => {
  if (value.bad === "throw") throw new Error("validate exploded");
  return !value.bad;
};

async function rewrap(cell: Cell, body: Body, extra: CacheOptions): Promise<Removal> {
  const victim = await victimAndSibling(cell);
  cell.get = cell.wrap(body, extra);
  return { victim };
}

const PATHS: Path[] = [
  {
    name: "clear(args)",
    body: "sync",
    options: {},
    reason: "clear",
    siblingSurvives: unlessClearing,
    otherSurvives: true,
    async run(cell) {
      const victim = await victimAndSibling(cell);
      return { victim, done: cell.get.clear("victim"), awaitsHook: true };
    },
  },
  {
    name: "clear()",
    body: "async",
    options: {},
    reason: "clear",
    siblingSurvives: never,
    otherSurvives: true,
    async run(cell) {
      const victim = await victimAndSibling(cell);
      return { victim, done: cell.get.clear(), awaitsHook: true };
    },
  },
  {
    name: "global clear",
    body: "sync",
    options: {},
    reason: "clear-all",
    siblingSurvives: never,
    otherSurvives: false,
    async run(cell) {
      const victim = await victimAndSibling(cell);
      return { victim, done: cacheResource.clear(), awaitsHook: true };
    },
  },
  {
    name: "LRU",
    body: "sync",
    options: { maxEntries: 2 },
    reason: "evicted",
    // Recreating the evicted key from the hook must evict another entry: the bound holds.
    siblingSurvives: (b) => b === "returns" || b === "throws" || b === "rejects" || b === "hangs",
    otherSurvives: true,
    run: lru,
  },
  {
    name: "LRU (async)",
    body: "async",
    options: { maxEntries: 2 },
    reason: "evicted",
    siblingSurvives: (b) => b === "returns" || b === "throws" || b === "rejects" || b === "hangs",
    otherSurvives: true,
    run: lru,
  },
  {
    name: "TTL",
    body: "sync",
    options: { ttl: TTL_S },
    reason: "expired",
    siblingSurvives: unlessClearing,
    otherSurvives: true,
    async run(cell) {
      const victim = await cell.call(cell.victimSlot);
      cell.clock.advance((TTL_S * 1000) / 2);
      await cell.call(cell.sibling);
      assert.equal(victim.closed, false);
      cell.clock.advance((TTL_S * 1000) / 2);
      assert.equal(victim.closed, true, "released by its timer, without any call");
      return { victim };
    },
  },
  {
    name: "TTL (async)",
    body: "async",
    options: { ttl: TTL_S },
    reason: "expired",
    siblingSurvives: unlessClearing,
    otherSurvives: true,
    async run(cell) {
      const victim = await cell.call(cell.victimSlot);
      cell.clock.advance((TTL_S * 1000) / 2);
      await cell.call(cell.sibling);
      cell.clock.advance((TTL_S * 1000) / 2);
      assert.equal(victim.closed, true, "released by its timer, without any call");
      return { victim };
    },
  },
  {
    name: "TTL on access (late timer)",
    body: "sync",
    options: { ttl: TTL_S },
    reason: "expired",
    siblingSurvives: unlessClearing,
    otherSurvives: true,
    run: expiredOnAccess,
  },
  {
    name: "TTL on access (late timer, async)",
    body: "async",
    options: { ttl: TTL_S },
    reason: "expired",
    siblingSurvives: unlessClearing,
    otherSurvives: true,
    run: expiredOnAccess,
  },
  {
    name: "validate false",
    body: "sync",
    options: { validate },
    reason: "invalid",
    siblingSurvives: unlessClearing,
    otherSurvives: true,
    run: (cell) => validateFails(cell, true),
  },
  {
    name: "validate false (async)",
    body: "async",
    options: { validate: async (value: Res) => validate(value) },
    reason: "invalid",
    siblingSurvives: unlessClearing,
    otherSurvives: true,
    run: (cell) => validateFails(cell, true),
  },
  {
    name: "validate throws",
    body: "sync",
    options: { validate },
    reason: "invalid",
    siblingSurvives: unlessClearing,
    otherSurvives: true,
    run: (cell) => validateFails(cell, "throw"),
  },
  {
    name: "validate throws (async)",
    body: "async",
    options: { validate: async (value: Res) => validate(value) },
    reason: "invalid",
    siblingSurvives: unlessClearing,
    otherSurvives: true,
    run: (cell) => validateFails(cell, "throw"),
  },
  {
    name: "identity (body)",
    body: "sync",
    options: {},
    reason: "superseded",
    reentryRefusedWith: FunctionIdentityError,
    siblingSurvives: never,
    otherSurvives: true,
    run: (cell) => rewrap(cell, "sync-edited", {}),
  },
  {
    name: "identity (maxEntries)",
    body: "sync",
    options: {},
    reason: "superseded",
    reentryRefusedWith: FunctionIdentityError,
    siblingSurvives: never,
    otherSurvives: true,
    run: (cell) => rewrap(cell, "sync", { maxEntries: 50 }),
  },
  {
    name: "endSession",
    body: "sync",
    options: { scope: "session" },
    reason: "session-end",
    sessions: true,
    siblingSurvives: unlessClearing,
    otherSurvives: true,
    async run(cell) {
      const victim = await victimAndSibling(cell);
      return { victim, done: endSession(cell.victimSlot.session!), awaitsHook: true };
    },
  },
  {
    name: "shutdown",
    body: "sync",
    options: {},
    reason: "shutdown",
    // The hook's call of the sibling is still a hit (shutdown releases it next); recreating the
    // released key is refused: nothing is computed once shutdown has started.
    reentryRefusedWith: CacheShutdownError,
    reentryRefusals: 1,
    siblingSurvives: never,
    otherSurvives: false,
    async run(cell) {
      const victim = await victimAndSibling(cell);
      return { victim, done: cacheResource.shutdown({ clock: cell.clock }), awaitsHook: true, after: forgetShutdown };
    },
  },
  {
    name: "shutdown (async)",
    body: "async",
    options: {},
    reason: "shutdown",
    reentryRefusedWith: CacheShutdownError,
    reentryRefusals: 1,
    siblingSurvives: never,
    otherSurvives: false,
    async run(cell) {
      const victim = await victimAndSibling(cell);
      return { victim, done: cacheResource.shutdown({ clock: cell.clock }), awaitsHook: true, after: forgetShutdown };
    },
  },
  {
    name: "background refresh",
    body: "async",
    options: { ttl: TTL_S, refreshMode: "background" },
    reason: "refreshed",
    siblingSurvives: unlessClearing,
    otherSurvives: true,
    async run(cell) {
      const victim = await cell.call(cell.victimSlot);
      cell.clock.advance(TTL_S * 1000);
      await cell.call(cell.sibling);
      assert.equal(await cell.call(cell.victimSlot), victim, "the stale value is served while the refresh runs");
      await flush();
      await flush();
      assert.equal(victim.closed, true, "replaced and released");
      const fresh = await cell.call(cell.victimSlot);
      assert.notEqual(fresh, victim);
      return { victim };
    },
  },
  {
    name: "background refresh (sync)",
    body: "sync",
    options: { ttl: TTL_S, refreshMode: "background" },
    reason: "refreshed",
    siblingSurvives: unlessClearing,
    otherSurvives: true,
    async run(cell) {
      const victim = await cell.call(cell.victimSlot);
      cell.clock.advance(TTL_S * 1000);
      await cell.call(cell.sibling);
      assert.equal(await cell.call(cell.victimSlot), victim, "the stale value is served while the refresh runs");
      await flush();
      assert.equal(victim.closed, true, "replaced and released");
      assert.notEqual(await cell.call(cell.victimSlot), victim);
      return { victim };
    },
  },
  {
    name: "in flight × clear(args)",
    body: "async",
    options: {},
    reason: "clear",
    siblingSurvives: unlessClearing,
    otherSurvives: true,
    run: (cell) => flightThen(cell, () => cell.get.clear("victim")),
  },
  {
    name: "in flight × clear()",
    body: "async",
    options: {},
    reason: "clear",
    siblingSurvives: never,
    otherSurvives: true,
    run: (cell) => flightThen(cell, () => cell.get.clear()),
  },
  {
    name: "in flight × global clear",
    body: "async",
    options: {},
    reason: "clear-all",
    siblingSurvives: never,
    otherSurvives: false,
    run: (cell) => flightThen(cell, () => cacheResource.clear()),
  },
  {
    name: "in flight × endSession",
    body: "async",
    options: { scope: "session" },
    reason: "session-end",
    sessions: true,
    siblingSurvives: unlessClearing,
    otherSurvives: true,
    run: (cell) => flightThenSessionEnds(cell),
  },
  {
    name: "in flight × identity",
    body: "async",
    options: {},
    reason: "superseded",
    // The sibling is released while the new definition is being registered: calls from its hook
    // go through the previous definition.
    reentryRefusedWith: FunctionIdentityError,
    siblingSurvives: never,
    otherSurvives: true,
    async run(cell) {
      const { waiters, release } = heldFlight(cell);
      await cell.call(cell.sibling);
      const victim = cell.created.find((v) => v.key === "victim")!;
      cell.get = cell.wrap("async", { maxEntries: 50 });
      await flush();
      release();
      // The waiters of the replaced definition are told so; they never get the released value,
      // and nothing is computed (and left unreleased) in the retired cache.
      for (const outcome of await Promise.allSettled(waiters)) {
        assert.equal(outcome.status, "rejected");
        assert.ok(outcome.status === "rejected" && outcome.reason instanceof FunctionIdentityError, String(outcome.status === "rejected" && outcome.reason));
      }
      return { victim };
    },
  },
  {
    name: "in flight (sync) × clear(args)",
    body: "sync",
    options: {},
    reason: "clear",
    siblingSurvives: unlessClearing,
    otherSurvives: true,
    async run(cell) {
      await cell.call(cell.sibling);
      cell.selfClear.add("victim");
      const fresh = await cell.call(cell.victimSlot);
      const victim = cell.created.find((v) => v.key === "victim")!;
      assert.notEqual(fresh, victim, "the value computed under the cleared state is not returned");
      return { victim };
    },
  },
];

// ── the matrix ────────────────────────────────────────────────────────────────────────────────

for (const path of PATHS) {
  for (const behaviour of BEHAVIOURS) {
    test(`${path.name} × ${behaviour}`, async () => {
      const unhandledMark = unhandled.length;
      const warningMark = warnings.length;
      const cell = new Cell(path, behaviour);
      cell.get = cell.wrap(path.body);
      try {
        await runCell(cell, unhandledMark, warningMark);
      } finally {
        // Whatever happened, leave nothing behind for the next cells (a global clear reaches
        // every cache in the process).
        forgetShutdown();
        const sessions = [cell.victimSlot.session, cell.sibling.session].filter((s) => s !== undefined);
        void cell.get.clear();
        void cell.other.clear();
        for (const s of sessions) void endSession(s);
        cell.clock.advance(RELEASE_WAIT_MS);
        await flush();
      }
    });
  }
}

async function runCell(cell: Cell, unhandledMark: number, warningMark: number): Promise<void> {
  const { path, behaviour } = cell;
  const bystander = cell.other("o");

  const { victim, done, awaitsHook, after } = await path.run(cell);
  await cell.settle(done, `the ${path.name} promise`, awaitsHook);
  after?.();

  // The removed value: released exactly once, for the path's reason.
  assert.equal(cell.releases.get(victim), 1, `${victim} released exactly once`);
  assert.equal(victim.reasons[0], path.reason);

  // Bystanders.
  const siblingValue = cell.created.find((v) => v.key === cell.sibling.key && v.session === cell.sibling.session)!;
  if (path.siblingSurvives(behaviour)) {
    assert.equal(siblingValue.closed, false, "the sibling entry is not released");
    assert.equal(await cell.call(cell.sibling), siblingValue, "the sibling entry still returns the same object");
  }
  if (path.otherSurvives) {
    assert.equal(cell.other("o"), bystander, "another function's entry is untouched");
    assert.equal(bystander.closed, false);
  } else {
    assert.notEqual(cell.other("o"), bystander);
  }
  const postSlot = { key: "post", session: cell.sibling.session };
  const post = await cell.call(postSlot);
  await Promise.all(cell.background);
  await flush();
  if (behaviour === "hangs") cell.clock.advance(RELEASE_WAIT_MS);
  await flush();
  assert.equal(await cell.call(postSlot), post, "an entry created after the removal is untouched");
  assert.equal(post.closed, false);

  // Cleanup: everything left is released, once.
  const sessions = [cell.victimSlot.session, cell.sibling.session].filter((s) => s !== undefined);
  const cleanup = Promise.all([cell.get.clear(), cell.other.clear(), ...sessions.map((s) => endSession(s))]).then(() => undefined);
  await cell.settle(cleanup, "the final cleanup");
  await Promise.all(cell.background);
  await flush();

  const wrongCounts = [...cell.created, ...cell.otherCreated]
    .map((value) => [value, (cell.releases.get(value) ?? 0) + (cell.otherReleases.get(value) ?? 0)] as const)
    .filter(([, count]) => count !== 1)
    .map(([value, count]) => `${value} released ${count} times`);
  assert.deepEqual(wrongCounts, [], "every value ever created is released exactly once");
  assert.deepEqual(cell.problems, [], "no caller got a released value; no value was released twice");
  if (path.reentryRefusedWith !== undefined && behaviour === "re-enters (call)") {
    assert.equal(cell.refusedReentries.length, path.reentryRefusals ?? 2, "the calls from the hook were refused with a clear error");
  }
  assertNoUnhandledSince(unhandledMark);

  if (behaviour === "throws" || behaviour === "rejects") {
    const reported = warnings.slice(warningMark).filter((w) => w.includes(`onRelease of \`${cell.name}()\` failed`)).length;
    const released = [...cell.releases.values()].reduce((a, b) => a + b, 0);
    assert.equal(reported, released, "every failed hook is reported once");
  }
}

test("the matrix covers every path × behaviour", () => {
  assert.equal(PATHS.length * BEHAVIOURS.length, 156);
  assert.equal(new Set(PATHS.map((p) => p.name)).size, PATHS.length);
});
