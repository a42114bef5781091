import type { Clock } from "../clock/clock.js";
import { startLongTimer } from "../clock/long-timer.js";
import { ClearedWhileComputingError } from "../errors.js";
import { reportProblem, type ReleaseReason } from "../events/events.js";
import { globalSingleton } from "../global-singleton.js";
import { isThenable } from "./settle.js";

/*
 * Leases: a caller that uses a value for a while (a request running queries on a pool) holds a
 * lease on it, and a value removed from the cache while leased is released only when its last
 * lease ends (or its drain timeout passes). Removal itself is unchanged: the entry leaves its
 * store at once, so the next call gets a new value; only the release hook waits.
 *
 * Counts belong to one stored value, not to its entry: a background refresh replaces an entry's
 * value in place, and the leases on the previous value go with that value to its release.
 * Plain calls never touch any of this.
 */

/** Node 20 has both symbols (as `nodejs.dispose` / `nodejs.asyncDispose`); older runtimes get the same registered ones. */
export const disposeSymbol: typeof Symbol.dispose = Symbol.dispose ?? (Symbol.for("nodejs.dispose") as typeof Symbol.dispose);
export const asyncDisposeSymbol: typeof Symbol.asyncDispose =
  Symbol.asyncDispose ?? (Symbol.for("nodejs.asyncDispose") as typeof Symbol.asyncDispose);

/**
 * A cached value held by one user: while any lease on a value is open, removing the value from the
 * cache (clear, eviction, expiry, shutdown, ...) does not release it. Works with `using` and
 * `await using`.
 * @example
 * await using lease = await getPool.acquire(url);
 * const rows = await lease.value.query("select 1");
 */
export interface Lease<V> extends Disposable, AsyncDisposable {
  /** The cached value: the same object a plain call returns. */
  readonly value: V;
  /**
   * Ends this lease; calling it again does nothing. When it was the last lease on a value that has
   * left the cache, the value's `onRelease` starts now (this call does not wait for it).
   */
  release(): void;
}

/** Where a function's cache counts its leases and draining values (its stats). */
export interface LeaseTally {
  openLeases: number;
  draining: number;
}

/** The open leases on one stored value. */
export class LeaseCount {
  open = 0;
  /** Set while the value, already removed from the cache, waits for its last lease. */
  onLast: (() => void) | undefined = undefined;
  constructor(readonly tally: LeaseTally) {}
}

class HeldLease<V> implements Lease<V> {
  #count: LeaseCount | undefined;

  constructor(
    readonly value: V,
    count: LeaseCount,
  ) {
    count.open++;
    count.tally.openLeases++;
    this.#count = count;
  }

  release(): void {
    const count = this.#count;
    if (count === undefined) return;
    this.#count = undefined;
    count.open--;
    count.tally.openLeases--;
    if (count.open === 0) count.onLast?.();
  }

  [disposeSymbol](): void {
    this.release();
  }

  [asyncDisposeSymbol](): Promise<void> {
    this.release();
    return Promise.resolve();
  }
}

/** A removed value waiting for its last lease, process-wide (shutdown can end every one). */
export interface Drain {
  readonly functionName: string;
  readonly count: LeaseCount;
  /** Settles once the value has been released and its hook has finished (bounded); never rejects. */
  readonly done: Promise<void>;
  /** The value has been released (its hook may still be running). */
  readonly ended: boolean;
  /** Releases the value now; with a cause, warns that leases were still open. */
  end(cause?: "drain timeout" | "shutdown timeout"): void;
}

/** Shared by every copy of the library, like the registry. */
const draining = globalSingleton("leases.draining.v1", () => new Set<Drain>());
/** The drain behind a promise `releaseAfterLeases` returned (to tell drains from hooks). */
const drainOfPromise = new WeakMap<Promise<void>, Drain>();

/** How a function's cache releases a value whose leases it waits for. */
export interface DrainPlan {
  readonly functionName: string;
  readonly reason: ReleaseReason;
  readonly clock: Clock;
  /** `null`: wait for the last lease however long it takes. */
  readonly drainMs: number | null;
  /** Calls the release hook; its promise when it is async. */
  readonly release: () => Promise<void> | undefined;
  /** Bounds the wait for an async hook (as `clear()` does for hooks run at once); never rejects. */
  readonly settleHook: (hook: Promise<void>) => Promise<void>;
}

/**
 * Releases a removed value now when nobody holds a lease on it (returning the hook's promise, if
 * any), else when its last lease ends or `drainMs` passes (returning the drain's promise).
 */
export function releaseAfterLeases(count: LeaseCount | undefined, plan: DrainPlan): Promise<void> | undefined {
  if (count === undefined || count.open === 0) return plan.release();
  let resolveDone!: (settled: Promise<void> | undefined) => void;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  let ended = false;
  let timer: { cancel(): void } | undefined;
  const drain: Drain = {
    functionName: plan.functionName,
    count,
    done,
    get ended() {
      return ended;
    },
    end(cause) {
      if (ended) return;
      ended = true;
      draining.delete(drain);
      count.tally.draining--;
      timer?.cancel();
      count.onLast = undefined;
      if (cause !== undefined) {
        reportProblem(
          `\`${plan.functionName}()\` value released (reason "${plan.reason}") with ${count.open} lease(s) still open`,
          cause === "drain timeout" ? `its drainTimeout (${plan.drainMs} ms) passed first` : "the shutdown timeout passed first",
        );
      }
      let hook: Promise<void> | undefined;
      try {
        hook = plan.release();
      } finally {
        resolveDone(hook === undefined ? undefined : plan.settleHook(hook));
      }
    },
  };
  draining.add(drain);
  count.tally.draining++;
  drainOfPromise.set(done, drain);
  count.onLast = () => drain.end();
  if (plan.drainMs !== null) timer = startLongTimer(plan.clock, () => drain.end("drain timeout"), plan.drainMs);
  return done;
}

/** The drain behind a promise from {@link releaseAfterLeases}, or undefined for a hook's promise. */
export function drainOf(promise: Promise<void>): Drain | undefined {
  return drainOfPromise.get(promise);
}

/** Every value (of every function) waiting for its last lease right now. */
export function openDrains(): Drain[] {
  return [...draining];
}

// ── acquiring ─────────────────────────────────────────────────────────────────────────────────

/** A lease on a stored value (counted on that value's {@link LeaseCount}). */
export function takeLease<V>(value: V, count: LeaseCount): Lease<V> {
  return new HeldLease(value, count);
}

/** A call can be retried this many times when its value is removed before the lease is taken. */
const MAX_ACQUIRE_ATTEMPTS = 3;

/**
 * `fn.acquire(...args)`: the call (`call`), then a lease on the stored value it returned (`leaseOn`
 * finds the entry still holding it). Sync functions get the lease at once; async ones once the value
 * is there: a hit's promise is recognised as the entry's own, so hits take their lease at once too.
 * A value removed between the call and the lease (a hook or listener cleared it) is never handed
 * out: the call is made again.
 */
export function acquireLease(
  functionName: string,
  call: () => unknown,
  leaseOn: (candidate: unknown) => Lease<unknown> | undefined,
  attempt = 1,
): Lease<unknown> | Promise<Lease<unknown>> {
  const out = call();
  const lease = leaseOn(out);
  if (lease !== undefined) return isThenable(out) ? Promise.resolve(lease) : lease;
  const retry = (): Lease<unknown> | Promise<Lease<unknown>> => {
    if (attempt >= MAX_ACQUIRE_ATTEMPTS) throw new ClearedWhileComputingError(functionName, attempt);
    return acquireLease(functionName, call, leaseOn, attempt + 1);
  };
  if (!isThenable(out)) return retry();
  return Promise.resolve(out).then((value) => leaseOn(value) ?? retry());
}
