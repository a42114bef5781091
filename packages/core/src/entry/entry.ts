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
  removedReason: ReleaseReason | undefined;
  /** The function returned a Promise: hits return {@link Entry.result} as a Promise. */
  isAsync = false;
  /** The settled value. */
  value: unknown = undefined;
  /** What callers get: the value itself, or a Promise of it for async functions. */
  result: unknown = undefined;
  /** The shared computation while pending (async functions only). */
  flight: Promise<unknown> | undefined;
  /** Shared `validate` run while one is in progress (async functions only). */
  validation: Promise<unknown> | undefined;
  /** What the host recorded during the computation, replayed on hits. */
  recording: unknown = undefined;
  /** Neighbours in the store's {@link RecencyList} (`maxEntries` only). */
  older: Entry | undefined;
  newer: Entry | undefined;
  inRecency = false;
  /** Clock time (ms) at which the computation of this entry started. */
  startedAt = 0;
  /** Clock time (ms) after which the value is stale. */
  expiresAt = Infinity;
  /** Clock time (ms) at which the entry's timer removes it (`Infinity`: never). */
  deadline = Infinity;
  /** Retained size of the value as the function's `sizeOf` measured it (0 without one). */
  size = 0;
  /** A background refresh is running. */
  refreshing = false;
  /** No new background refresh before this clock time (after a failed one). */
  refreshBackoffUntil = 0;
  /** The release of the value computed after the entry was removed (its hook's promise, if async). */
  lateRelease: Promise<void> | undefined = undefined;
  /** Leases on the current value (`fn.acquire`), made on the first one. */
  leases: LeaseCount | undefined = undefined;

  /** The key in its store: the arguments' key, plus widget state for widget-keyed functions. */
  key: ValueKey;

  constructor(
    /** The key of the call's arguments alone. */
    readonly baseKey: ValueKey,
    readonly store: Store,
    /** Receiver and arguments, kept only when a background refresh may need to call again. */
    readonly thisArg: unknown,
    readonly args: readonly unknown[] | undefined,
  ) {
    this.key = baseKey;
  }
}
