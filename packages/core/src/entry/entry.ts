import type { LeaseCount } from "../cache/leases.js";
import type { Expirable } from "../clock/expiry-queue.js";
import type { ReleaseReason } from "../events/events.js";
import type { ValueKey } from "../keys/keyer.js";
import type { RecencyList } from "./recency.js";

/** The entries of one function in one scope: the global store, or one session's. */
export interface Store {
  /** `undefined` for the global store. */
  readonly sessionId: string | undefined;
  readonly entries: Map<ValueKey, Entry>;
  /** Ready entries from least to most recently used (kept only when `maxEntries` is set). */
  readonly recency: RecencyList;
  /** Entries whose value has settled (pending ones do not count against `maxEntries`). */
  readyCount: number;
}

/**
 * One cached value and its life: it starts pending (computing), becomes ready when the value
 * settles, and is removed exactly once, which is when its value is released. An entry removed
 * while still pending is marked with the reason; its value is released as soon as it settles and
 * is never stored.
 */
export class Entry implements Expirable {
  /** Computing: no value yet. */
  pending = true;
  /**
   * Ready, and stored under a lone primitive argument that is its own key: a `Map.get` of that
   * argument finding this entry is a lookup of its key (see FunctionCache `#findOwnKey`).
   */
  direct = false;
  /** Left its store; never handed out again. */
  removed = false;
  /** Why it was removed; a value still pending at that time is released with it when it settles. */
  removedReason: ReleaseReason | undefined = undefined;
  /** The function returned a Promise: hits return {@link Entry.result} as a Promise. */
  isAsync = false;
  /** The settled value. */
  value: unknown = undefined;
  /** What callers get: the value itself, or a Promise of it for async functions. */
  result: unknown = undefined;
  /** What the host recorded during the computation, replayed on hits. */
  recording: unknown = undefined;
  /** Neighbours in the store's {@link RecencyList} (`maxEntries` only). */
  older: Entry | undefined = undefined;
  newer: Entry | undefined = undefined;
  inRecency = false;
  /** Clock time (ms) at which the computation of this entry started. */
  startedAt = 0;
  /** Clock time (ms) after which the value is stale. */
  expiresAt = Infinity;
  /** Clock time (ms) at which the entry's timer removes it (`Infinity`: never). */
  deadline = Infinity;
  /** The key in its store: the arguments' key, plus widget state for widget-keyed functions. */
  key: ValueKey;
  /**
   * What only some entries need (async, leased, refreshed, measured), made on first use: every
   * stored value pays for the fields above, so they are kept to what every entry uses.
   */
  #rare: RareState | undefined = undefined;

  constructor(
    /** The key of the call's arguments alone. */
    readonly baseKey: ValueKey,
    readonly store: Store,
    /** Receiver and arguments, kept only when a background refresh may need to call again. */
    refreshCall?: { readonly thisArg: unknown; readonly args: readonly unknown[] },
  ) {
    this.key = baseKey;
    if (refreshCall !== undefined) {
      const rare = this.#made();
      rare.thisArg = refreshCall.thisArg;
      rare.args = refreshCall.args;
    }
  }

  #made(): RareState {
    return (this.#rare ??= new RareState());
  }

  /** The shared computation while pending (async functions only). */
  get flight(): Promise<unknown> | undefined {
    return this.#rare?.flight;
  }
  set flight(flight: Promise<unknown> | undefined) {
    if (flight !== undefined || this.#rare !== undefined) this.#made().flight = flight;
  }

  /** Shared `validate` run while one is in progress (async functions only). */
  get validation(): Promise<unknown> | undefined {
    return this.#rare?.validation;
  }
  set validation(validation: Promise<unknown> | undefined) {
    if (validation !== undefined || this.#rare !== undefined) this.#made().validation = validation;
  }

  /** Retained size of the value as the function's `sizeOf` measured it (0 without one). */
  get size(): number {
    return this.#rare?.size ?? 0;
  }
  set size(size: number) {
    if (size !== 0 || this.#rare !== undefined) this.#made().size = size;
  }

  /** A background refresh is running. */
  get refreshing(): boolean {
    return this.#rare?.refreshing ?? false;
  }
  set refreshing(refreshing: boolean) {
    if (refreshing || this.#rare !== undefined) this.#made().refreshing = refreshing;
  }

  /** No new background refresh before this clock time (after a failed one). */
  get refreshBackoffUntil(): number {
    return this.#rare?.refreshBackoffUntil ?? 0;
  }
  set refreshBackoffUntil(until: number) {
    if (until !== 0 || this.#rare !== undefined) this.#made().refreshBackoffUntil = until;
  }

  /** The release of the value computed after the entry was removed (its hook's promise, if async). */
  get lateRelease(): Promise<void> | undefined {
    return this.#rare?.lateRelease;
  }
  set lateRelease(release: Promise<void> | undefined) {
    if (release !== undefined || this.#rare !== undefined) this.#made().lateRelease = release;
  }

  /** Leases on the current value (`fn.acquire`), made on the first one. */
  get leases(): LeaseCount | undefined {
    return this.#rare?.leases;
  }
  set leases(leases: LeaseCount | undefined) {
    if (leases !== undefined || this.#rare !== undefined) this.#made().leases = leases;
  }

  /** The receiver of the call, for a background refresh (undefined otherwise). */
  get thisArg(): unknown {
    return this.#rare?.thisArg;
  }

  /** The arguments of the call, for a background refresh (undefined otherwise). */
  get args(): readonly unknown[] | undefined {
    return this.#rare?.args;
  }
}

/** The fields of an {@link Entry} that few entries use. */
class RareState {
  flight: Promise<unknown> | undefined = undefined;
  validation: Promise<unknown> | undefined = undefined;
  size = 0;
  refreshing = false;
  refreshBackoffUntil = 0;
  lateRelease: Promise<void> | undefined = undefined;
  leases: LeaseCount | undefined = undefined;
  thisArg: unknown = undefined;
  args: readonly unknown[] | undefined = undefined;
}
