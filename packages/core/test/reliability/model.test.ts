/**
 * Model-based tests: random sequences of calls, leases (`acquire` and their release), clears, clock
 * moves, validate flips and session ends, run against the real cache and against a small reference
 * model (a Map per store with explicit expiry times and recency order, and the open leases per
 * value). After every step the cache must agree with the model on what callers see (hit or
 * computation, and the identity of the returned object), on which values were released and why
 * (a removed value with open leases only when its last lease ends or its drain timeout passes),
 * on whether each clear / endSession promise has settled, and on how many entries it holds.
 *
 * Bounded in `npm test` (200 sequences); `MODEL_RUNS=5000 node --import tsx --test
 * test/reliability/model.test.ts` runs more. A failure prints the shrunk sequence and its seed.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
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
import { flush, ManualClock } from "../support/manual-clock.js";
import { assertNoUnhandledSince, installGuards, unhandled } from "./guards.js";

installGuards();

const RUNS = Number(process.env.MODEL_RUNS ?? 200);
const KEYS = ["a", "b", "c", "d"] as const;
const SESSIONS = ["s1", "s2"] as const;
const FUNCTIONS = 2;
/** `drainTimeout` of every function, in ms. */
const DRAIN_MS = 3_000;

interface FnConfig {
  readonly async: boolean;
  readonly scope: "global" | "session";
  readonly maxEntries: number | null;
  /** Seconds. */
  readonly ttl: number | null;
  readonly validate: boolean;
}

type Op =
  | { readonly type: "call"; readonly fn: number; readonly key: string; readonly session: string }
  | { readonly type: "acquire"; readonly fn: number; readonly key: string; readonly session: string }
  | { readonly type: "releaseLease"; readonly index: number }
  | { readonly type: "callTwice"; readonly fn: number; readonly key: string; readonly session: string }
  | { readonly type: "callThenClear"; readonly fn: number; readonly key: string; readonly session: string }
  | { readonly type: "clearKey"; readonly fn: number; readonly key: string; readonly session: string | null }
  | { readonly type: "clearFn"; readonly fn: number; readonly session: string | null }
  | { readonly type: "clearAll" }
  | { readonly type: "advance"; readonly ms: number }
  | { readonly type: "jump"; readonly ms: number }
  | { readonly type: "invalidate"; readonly fn: number; readonly key: string; readonly session: string; readonly how: true | "throw" }
  | { readonly type: "endSession"; readonly session: string };

/** A cached value: which function, key and session made it, and whether it was released. */
class Val {
  static seq = 0;
  readonly id = ++Val.seq;
  closed = false;
  /** `validate` says false (`true`) or throws (`"throw"`). */
  bad: boolean | "throw" = false;
  constructor(
    readonly fn: number,
    readonly key: string,
    readonly session: string | undefined,
  ) {}
  toString(): string {
    return `#${this.id}(f${this.fn}:${this.key}${this.session === undefined ? "" : `@${this.session}`})`;
  }
}

const check = (value: Val): boolean => {
  if (value.bad === "throw") throw new Error("validate exploded");
  return !value.bad;
};

let runSeq = 0;

/** The real caches of one run. */
class Real {
  readonly clock = new ManualClock();
  readonly created: Val[] = [];
  readonly released: (readonly [Val, ReleaseReason])[] = [];
  readonly problems: string[] = [];
  readonly fns: CachedFunction<(key: string) => Val | Promise<Val>>[];

  constructor(readonly configs: readonly FnConfig[]) {
    const run = ++runSeq;
    this.fns = configs.map((cfg, i) => {
      const make = (key: string): Val => {
        const value = new Val(i, key, currentSessionId());
        this.created.push(value);
        return value;
      };
      const body = cfg.async
        ? async (key: string): Promise<Val> => {
            const value = make(key);
            await null;
            return value;
          }
        : (key: string): Val => make(key);
      const options: CacheOptions = {
        name: `model-${run}-f${i}`,
        clock: this.clock,
        scope: cfg.scope,
        maxEntries: cfg.maxEntries,
        ttl: cfg.ttl,
        drainTimeout: DRAIN_MS / 1000,
        onRelease: (value: Val, reason: ReleaseReason) => {
          if (value.closed) this.problems.push(`${value} released twice`);
          value.closed = true;
          this.released.push([value, reason]);
        },
      };
      if (cfg.validate) options.validate = cfg.async ? async (value: Val) => check(value) : check;
      return cacheResource(body, options as CacheOptions<typeof body>);
    });
  }

  /** Leases taken by `acquire` steps and not released yet, oldest first. */
  readonly leases: Lease<Val>[] = [];

  /** One call; resolves to the value or to the error. */
  call(fn: number, key: string, session: string): Promise<{ value: Val } | { error: unknown }> {
    return settle(() => runInSession(session, () => this.fns[fn]!(key)));
  }

  /** One `acquire`; the lease is kept in {@link Real.leases}. */
  acquire(fn: number, key: string, session: string): Promise<{ value: Val } | { error: unknown }> {
    return settle(() => runInSession(session, () => this.fns[fn]!.acquire(key))).then((got) => {
      if (!("value" in got)) return got;
      this.leases.push(got.value);
      return { value: got.value.value };
    });
  }
}

/** Resolves to what `run` returned (awaited) or to what it threw. */
function settle<T>(run: () => T | Promise<T>): Promise<{ value: T } | { error: unknown }> {
  let out: T | Promise<T>;
  try {
    out = run();
  } catch (error) {
    return Promise.resolve({ error });
  }
  return Promise.resolve(out).then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}

interface ModelEntry {
  readonly value: Val;
  readonly expiresAt: number;
}

type Outcome = { readonly kind: "hit"; readonly value: Val } | { readonly kind: "miss" } | { readonly kind: "error" };

/** The reference: one Map per store (insertion order = recency), explicit expiry times. */
class Model {
  now = 0;
  /** `fn@session` (session empty for global functions) → key → entry. */
  readonly stores = new Map<string, Map<string, ModelEntry>>();
  released: (readonly [Val, ReleaseReason])[] = [];
  /** Open leases per value. */
  readonly leases = new Map<Val, number>();
  /** Removed values waiting for their last lease: why they were removed and when the drain times out. */
  readonly draining = new Map<Val, { readonly reason: ReleaseReason; readonly deadline: number }>();

  constructor(readonly configs: readonly FnConfig[]) {}

  storeId(fn: number, session: string): string {
    return this.configs[fn]!.scope === "session" ? `${fn}@${session}` : `${fn}@`;
  }

  store(fn: number, session: string): Map<string, ModelEntry> {
    const id = this.storeId(fn, session);
    let store = this.stores.get(id);
    if (store === undefined) this.stores.set(id, (store = new Map()));
    return store;
  }

  /** The stores a clear reaches: inside a session a session-scoped function clears only its own. */
  storesFor(fn: number, session: string | null): Map<string, ModelEntry>[] {
    if (this.configs[fn]!.scope === "session" && session !== null) return [this.store(fn, session)];
    return [...this.stores.entries()].filter(([id]) => id.startsWith(`${fn}@`)).map(([, store]) => store);
  }

  /** Removes the entry; its value is released now, or once its leases end (removed at `at`). */
  release(store: Map<string, ModelEntry>, key: string, reason: ReleaseReason, at = this.now): void {
    const entry = store.get(key);
    if (entry === undefined) return;
    store.delete(key);
    if ((this.leases.get(entry.value) ?? 0) > 0) this.draining.set(entry.value, { reason, deadline: at + DRAIN_MS });
    else this.released.push([entry.value, reason]);
  }

  lease(value: Val): void {
    this.leases.set(value, (this.leases.get(value) ?? 0) + 1);
  }

  endLease(value: Val): void {
    const open = this.leases.get(value)! - 1;
    this.leases.set(value, open);
    const drain = this.draining.get(value);
    if (open === 0 && drain !== undefined) {
      this.draining.delete(value);
      this.released.push([value, drain.reason]);
    }
  }

  /** What a call finds: a hit (recency refreshed), a miss, or validate's error. */
  lookup(fn: number, key: string, session: string): Outcome {
    const cfg = this.configs[fn]!;
    const store = this.store(fn, session);
    const entry = store.get(key);
    if (entry === undefined) return { kind: "miss" };
    if (cfg.ttl !== null && this.now >= entry.expiresAt) {
      this.release(store, key, "expired");
      return { kind: "miss" };
    }
    if (cfg.validate && entry.value.bad !== false) {
      this.release(store, key, "invalid");
      return entry.value.bad === "throw" ? { kind: "error" } : { kind: "miss" };
    }
    if (cfg.maxEntries !== null) {
      store.delete(key);
      store.set(key, entry);
    }
    return { kind: "hit", value: entry.value };
  }

  /** Stores a computed value (the most recent), then evicts the least recently used over the bound. */
  insert(fn: number, key: string, session: string, value: Val): void {
    const cfg = this.configs[fn]!;
    const store = this.store(fn, session);
    store.set(key, { value, expiresAt: cfg.ttl === null ? Infinity : this.now + cfg.ttl * 1000 });
    if (cfg.maxEntries !== null) {
      for (const oldest of store.keys()) {
        if (store.size <= cfg.maxEntries) break;
        this.release(store, oldest, "evicted");
      }
    }
  }

  /**
   * Timers, as the clock moves from `from` to `now`: every entry whose expiry has passed is removed
   * (at its expiry, or at `from` when its timer was late), then every drain that timed out.
   */
  expireDue(from = this.now): void {
    for (const store of this.stores.values()) {
      for (const [key, entry] of [...store]) if (this.now >= entry.expiresAt) this.release(store, key, "expired", Math.max(from, entry.expiresAt));
    }
    for (const [value, drain] of [...this.draining]) {
      if (this.now < drain.deadline) continue;
      this.draining.delete(value);
      this.released.push([value, drain.reason]);
    }
  }

  size(fn: number): number {
    let n = 0;
    for (const [id, store] of this.stores) if (id.startsWith(`${fn}@`)) n += store.size;
    return n;
  }
}

// ── arbitraries ───────────────────────────────────────────────────────────────────────────────

const configArb: fc.Arbitrary<FnConfig> = fc.record({
  async: fc.boolean(),
  scope: fc.constantFrom("global" as const, "session" as const),
  maxEntries: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }),
  ttl: fc.option(fc.integer({ min: 1, max: 5 }), { nil: null }),
  validate: fc.boolean(),
});

const fnArb = fc.integer({ min: 0, max: FUNCTIONS - 1 });
const keyArb = fc.constantFrom(...KEYS);
const sessionArb = fc.constantFrom(...SESSIONS);
/** Clock moves: whole seconds often (so deadlines are hit exactly), any millisecond sometimes. */
const msArb = fc.oneof(fc.constantFrom(0, 1_000, 2_000, 5_000), fc.integer({ min: 0, max: 6_000 }));

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 10, arbitrary: fc.record({ type: fc.constant("call" as const), fn: fnArb, key: keyArb, session: sessionArb }) },
  { weight: 4, arbitrary: fc.record({ type: fc.constant("acquire" as const), fn: fnArb, key: keyArb, session: sessionArb }) },
  { weight: 3, arbitrary: fc.record({ type: fc.constant("releaseLease" as const), index: fc.nat({ max: 20 }) }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant("callTwice" as const), fn: fnArb, key: keyArb, session: sessionArb }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant("callThenClear" as const), fn: fnArb, key: keyArb, session: sessionArb }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant("clearKey" as const), fn: fnArb, key: keyArb, session: fc.option(sessionArb, { nil: null }) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant("clearFn" as const), fn: fnArb, session: fc.option(sessionArb, { nil: null }) }) },
  { weight: 1, arbitrary: fc.constant({ type: "clearAll" as const }) },
  { weight: 3, arbitrary: fc.record({ type: fc.constant("advance" as const), ms: msArb }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant("jump" as const), ms: msArb }) },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant("invalidate" as const),
      fn: fnArb,
      key: keyArb,
      session: sessionArb,
      how: fc.constantFrom(true as const, "throw" as const),
    }),
  },
  { weight: 1, arbitrary: fc.record({ type: fc.constant("endSession" as const), session: sessionArb }) },
);

// ── one run ───────────────────────────────────────────────────────────────────────────────────

const describeRelease = ([value, reason]: readonly [Val, ReleaseReason]): string => `${value}:${reason}`;

async function runSequence(configs: readonly FnConfig[], ops: readonly Op[]): Promise<void> {
  const real = new Real(configs);
  const model = new Model(configs);
  const run = runSeq;
  const session = (s: string): string => `${s}-${run}`;
  const unhandledMark = unhandled.length;

  /** Checks one call's result against the model's outcome; stores a computed value in the model. */
  const expectCall = (
    step: string,
    fn: number,
    key: string,
    s: string,
    outcome: Outcome,
    got: { value: Val } | { error: unknown },
    createdBefore: number,
  ): Val | undefined => {
    if (outcome.kind === "error") {
      assert.ok("error" in got && String(got.error).includes("validate exploded"), `${step}: validate's error expected, got ${"value" in got ? got.value : String(got.error)}`);
      return undefined;
    }
    assert.ok("value" in got, `${step}: a value expected, got ${"error" in got ? String(got.error) : ""}`);
    const value = got.value;
    assert.equal(value.closed, false, `${step}: the caller got a released value ${value}`);
    assert.equal(value.key, key, `${step}: wrong key`);
    if (outcome.kind === "hit") {
      assert.equal(value, outcome.value, `${step}: a hit must return the stored object ${outcome.value}, got ${value}`);
    } else {
      assert.equal(real.created.length, createdBefore + 1, `${step}: a miss computes exactly once`);
      assert.equal(value, real.created[createdBefore], `${step}: a miss returns the value it computed`);
      if (configs[fn]!.scope === "session") assert.equal(value.session, s, `${step}: computed in the caller's session`);
      model.insert(fn, key, s, value);
    }
    return value;
  };

  /**
   * A clear's (or endSession's) promise: settled by the end of the step unless the step left a
   * removed value waiting for its leases (then it settles with that release, in a later step).
   */
  const expectSettled = async (step: string, promise: Promise<void>, drainsBefore: ReadonlySet<Val>): Promise<void> => {
    let settled = false;
    void promise.then(() => (settled = true));
    await flush();
    const waits = [...model.draining.keys()].some((value) => !drainsBefore.has(value));
    assert.equal(settled, !waits, `${step}: the promise ${waits ? "waits for the leased values it removed" : "settles"}`);
  };

  for (const [index, op] of ops.entries()) {
    const step = `step ${index} ${JSON.stringify(op)}`;
    const releasedBefore = real.released.length;
    const createdBefore = real.created.length;
    const drainsBefore = new Set(model.draining.keys());
    model.released = [];
    switch (op.type) {
      case "call": {
        const s = session(op.session);
        const outcome = model.lookup(op.fn, op.key, s);
        expectCall(step, op.fn, op.key, s, outcome, await real.call(op.fn, op.key, s), createdBefore);
        break;
      }
      case "acquire": {
        const s = session(op.session);
        const outcome = model.lookup(op.fn, op.key, s);
        const value = expectCall(step, op.fn, op.key, s, outcome, await real.acquire(op.fn, op.key, s), createdBefore);
        if (value !== undefined) model.lease(value);
        break;
      }
      case "releaseLease": {
        if (real.leases.length === 0) break;
        const [lease] = real.leases.splice(op.index % real.leases.length, 1);
        lease!.release();
        if (op.index % 2 === 1) lease!.release(); // idempotent
        model.endLease(lease!.value);
        break;
      }
      case "callTwice": {
        const s = session(op.session);
        if (!configs[op.fn]!.async) {
          // Sync calls cannot overlap: two calls in a row.
          const first = model.lookup(op.fn, op.key, s);
          expectCall(step, op.fn, op.key, s, first, await real.call(op.fn, op.key, s), createdBefore);
          const mark = real.created.length;
          const second = model.lookup(op.fn, op.key, s);
          expectCall(step, op.fn, op.key, s, second, await real.call(op.fn, op.key, s), mark);
          break;
        }
        // Overlapping async calls share one computation, one validation and its outcome.
        const [a, b] = await Promise.all([real.call(op.fn, op.key, s), real.call(op.fn, op.key, s)]);
        const outcome = model.lookup(op.fn, op.key, s);
        const first = expectCall(step, op.fn, op.key, s, outcome, a, createdBefore);
        if (outcome.kind === "error") {
          expectCall(step, op.fn, op.key, s, outcome, b, createdBefore);
        } else {
          assert.ok("value" in b && b.value === first, `${step}: overlapping calls get the same object`);
          if (outcome.kind === "hit") model.lookup(op.fn, op.key, s);
        }
        break;
      }
      case "callThenClear": {
        const s = session(op.session);
        const fn = real.fns[op.fn]!;
        if (!configs[op.fn]!.async || model.store(op.fn, s).has(op.key)) {
          // Only an async miss can be cleared while it computes; otherwise a plain call.
          const outcome = model.lookup(op.fn, op.key, s);
          expectCall(step, op.fn, op.key, s, outcome, await real.call(op.fn, op.key, s), createdBefore);
          break;
        }
        // clear(key) while the computation runs: its value is released, never stored or
        // returned; the caller gets a second computation, which is stored.
        const pending = real.call(op.fn, op.key, s);
        const cleared = runInSession(s, () => fn.clear(op.key));
        const got = await pending;
        await cleared;
        assert.equal(real.created.length, createdBefore + 2, `${step}: computed again after the clear`);
        const [orphan, fresh] = [real.created[createdBefore]!, real.created[createdBefore + 1]!];
        model.released.push([orphan, "clear"]);
        assert.ok("value" in got && got.value === fresh, `${step}: the caller gets the second computation`);
        assert.equal(fresh.closed, false, `${step}: the caller got a released value`);
        model.insert(op.fn, op.key, s, fresh);
        break;
      }
      case "clearKey": {
        const s = op.session === null ? null : session(op.session);
        for (const store of model.storesFor(op.fn, s)) model.release(store, op.key, "clear");
        const fn = real.fns[op.fn]!;
        await expectSettled(step, s === null ? fn.clear(op.key) : runInSession(s, () => fn.clear(op.key)), drainsBefore);
        break;
      }
      case "clearFn": {
        const s = op.session === null ? null : session(op.session);
        for (const store of model.storesFor(op.fn, s)) for (const key of [...store.keys()]) model.release(store, key, "clear");
        const fn = real.fns[op.fn]!;
        await expectSettled(step, s === null ? fn.clear() : runInSession(s, () => fn.clear()), drainsBefore);
        break;
      }
      case "clearAll": {
        for (const store of model.stores.values()) for (const key of [...store.keys()]) model.release(store, key, "clear-all");
        await expectSettled(step, cacheResource.clear(), drainsBefore);
        break;
      }
      case "advance": {
        const from = model.now;
        model.now += op.ms;
        model.expireDue(from);
        real.clock.advance(op.ms);
        break;
      }
      case "jump": {
        model.now += op.ms;
        real.clock.jump(op.ms);
        break;
      }
      case "invalidate": {
        const entry = model.store(op.fn, session(op.session)).get(op.key);
        if (entry !== undefined) entry.value.bad = op.how;
        break;
      }
      case "endSession": {
        const s = session(op.session);
        for (let fn = 0; fn < FUNCTIONS; fn++) {
          if (configs[fn]!.scope !== "session") continue;
          const store = model.stores.get(`${fn}@${s}`);
          if (store === undefined) continue;
          for (const key of [...store.keys()]) model.release(store, key, "session-end");
          model.stores.delete(`${fn}@${s}`);
        }
        await expectSettled(step, endSession(s), drainsBefore);
        break;
      }
    }
    await flush();
    assert.deepEqual(
      real.released.slice(releasedBefore).map(describeRelease).sort(),
      model.released.map(describeRelease).sort(),
      `${step}: released values and reasons`,
    );
    for (let fn = 0; fn < FUNCTIONS; fn++) {
      assert.equal(real.fns[fn]!.stats().entries, model.size(fn), `${step}: entries of f${fn}`);
    }
    assert.deepEqual(real.problems, [], step);
  }

  // Cleanup: end the leases, clear everything; then every value ever created has been released
  // exactly once.
  for (const lease of real.leases.splice(0)) lease.release();
  for (const fn of real.fns) await fn.clear();
  await flush();
  const counts = new Map<Val, number>();
  for (const [value] of real.released) counts.set(value, (counts.get(value) ?? 0) + 1);
  const wrong = real.created.filter((value) => counts.get(value) !== 1).map((value) => `${value} released ${counts.get(value) ?? 0} times`);
  assert.deepEqual(wrong, [], "every value released exactly once");
  assertNoUnhandledSince(unhandledMark);
}

test(`the cache agrees with the reference model (${RUNS} random sequences)`, async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(configArb, { minLength: FUNCTIONS, maxLength: FUNCTIONS }), fc.array(opArb, { minLength: 1, maxLength: 60, size: "max" }), runSequence),
    { numRuns: RUNS },
  );
});

test("the model agrees with hand-written expectations (the model itself can fail)", async () => {
  // LRU with a hit in between, ttl by timer, validate flip, session end: the expected releases
  // are written out here, independently of the model, and the model must reproduce them.
  const configs: FnConfig[] = [
    { async: false, scope: "global", maxEntries: 2, ttl: 5, validate: true },
    { async: true, scope: "session", maxEntries: null, ttl: null, validate: false },
  ];
  const model = new Model(configs);
  const v = (fn: number, key: string) => new Val(fn, key, undefined);
  const [a, b, c, d] = [v(0, "a"), v(0, "b"), v(0, "c"), v(1, "a")];
  assert.deepEqual(model.lookup(0, "a", "s"), { kind: "miss" });
  model.insert(0, "a", "s", a);
  model.insert(0, "b", "s", b);
  assert.deepEqual(model.lookup(0, "a", "s"), { kind: "hit", value: a });
  model.insert(0, "c", "s", c);
  assert.deepEqual(model.released, [[b, "evicted"]]);
  a.bad = true;
  assert.deepEqual(model.lookup(0, "a", "s"), { kind: "miss" });
  assert.deepEqual(model.released.at(-1), [a, "invalid"]);
  model.now = 5_000;
  model.expireDue();
  assert.deepEqual(model.released.at(-1), [c, "expired"]);
  model.insert(1, "a", "s1", d);
  assert.equal(model.size(1), 1);
  assert.equal(model.storesFor(1, "s2")[0]!.size, 0, "another session's store is empty");
  // Leases: a removed leased value waits for its last lease, or for its drain timeout.
  const [e, f] = [v(0, "e"), v(0, "f")];
  model.insert(0, "e", "s", e);
  model.insert(0, "f", "s", f);
  model.lease(e);
  model.lease(e);
  model.lease(f);
  model.released = [];
  for (const store of model.storesFor(0, null)) for (const key of [...store.keys()]) model.release(store, key, "clear");
  assert.deepEqual(model.released, []);
  model.endLease(e);
  assert.deepEqual(model.released, []);
  model.endLease(e);
  assert.deepEqual(model.released, [[e, "clear"]]);
  const from = model.now;
  model.now += DRAIN_MS;
  model.expireDue(from);
  assert.deepEqual(model.released, [[e, "clear"], [f, "clear"]], "the drain timed out");
});
