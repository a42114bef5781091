import { ExpiryQueue } from "../clock/expiry-queue.js";
import {
  CacheShutdownError,
  ClearedWhileComputingError,
  FunctionIdentityError,
  InvalidOptionError,
  NoSessionError,
  RecursiveCallError,
  SessionEndedError,
} from "../errors.js";
import { Entry, type Store } from "../entry/entry.js";
import { RecencyList } from "../entry/recency.js";
import { hitChannel, publishError, publishHit, publishMiss, publishRelease, traceComputation, tracingCompute } from "../events/channels.js";
import { type EventStream, type ReleaseReason, reportProblem } from "../events/events.js";
import { RetainedSizes } from "../events/sizes.js";
import { StatsCounter, type FunctionStats } from "../events/stats.js";
import { PASS_THROUGH_SCOPE, type CacheHost } from "../hosts/host.js";
import { isOwnKey, type Keyer, type ValueKey } from "../keys/keyer.js";
import { matchesSteps } from "../keys/recent-keys.js";
import type { AnyFunction, ResolvedOptions } from "../options/options.js";
import { currentSession, currentSessionId, runInSessionOrNone } from "../session/session.js";
import { applyAsComputationOf, isAsyncFunction, isInsideComputation, isOutermost, runAsComputationOf, runOutsideComputations } from "./compute-frames.js";
import { acquireLease, drainOf, LeaseCount, releaseAfterLeases, takeLease, type Lease } from "./leases.js";
import { isThenable, settleAll } from "./settle.js";
import { isShuttingDown } from "../lifecycle/shutdown-state.js";
import { WidgetKeys } from "./widget-keys.js";

/*
 * This file is longer than most on purpose: it is the whole life of one function's entries
 * (hit, miss, refresh, removal), and keeping them in one class keeps every removal on the one
 * private path that releases values. Keys, widget keys, expiry timers, compute frames and
 * settling live in their own modules beside it.
 *
 * Implementation notes.
 *
 * Single flight. An entry is put in its store the moment a miss starts, before the function
 * runs, so every later call with the same key finds it. Sync functions cannot be entered twice
 * for one key except by recursion, which is an error. Async functions share one promise
 * (`entry.flight`); a rejection removes the entry before anyone can see it, so errors are never
 * cached and the next call retries.
 *
 * Recursion. The chain of computations a call runs inside is carried by frames (compute-frames.ts:
 * an AsyncLocalStorage frame only for functions that return Promises). A call that finds its own
 * key pending inside that chain would wait for itself forever, so it throws instead.
 *
 * Clear during a computation. The entry leaves the store at once and remembers why. When its
 * value settles it is released with that reason and never stored; the callers waiting on it are
 * handed a fresh computation instead (so no caller ever holds a value that has been released).
 * A computation that is cleared again and again gives up after a few attempts.
 *
 * Removal. Every removal goes through `#remove`, which is where `onRelease` is called, exactly
 * once per value. A value with open leases (`acquire`) leaves its store all the same; its release
 * waits for the last lease (leases.ts).
 */

/** Returned by the hit path when the caller must compute instead. */
const MISS: unique symbol = Symbol("miss");

/** After this many calls in a row with another argument than the last, the last-argument memo rests… */
const MEMO_TRIES = 8;
/** …until this many calls in a row have missed it. */
const MEMO_REST = 256;

/** A computation cleared this many times in a row gives up. */
const MAX_CLEARED_ATTEMPTS = 3;
/** `clear()` settles when hooks finish, or after this long with a warning for the rest. */
const RELEASE_WAIT_MS = 30_000;
/** A failed background refresh is retried after min(ttl, this). */
const REFRESH_BACKOFF_MAX_MS = 60_000;

/** Everything a function's cache needs that it does not own. */
export interface FunctionCacheInit {
  readonly fn: AnyFunction;
  readonly displayName: string;
  readonly lineage: string;
  readonly signature: string;
  readonly options: ResolvedOptions;
  readonly keyer: Keyer;
  readonly events: EventStream;
  readonly host: () => CacheHost;
}

/** The cache of one function: its stores (global and per session), timers and counters. */
export class FunctionCache {
  readonly displayName: string;
  /** The function's line of descent across reloads (module and name, or its `name` option). */
  readonly lineage: string;
  /** Source and options that make this cache what it is; a different signature is a new cache. */
  readonly signature: string;
  /** Set once its entries were released because the function changed; it holds nothing more. */
  retired = false;

  #fn: AnyFunction;
  #options: ResolvedOptions;
  #keyer: Keyer;
  readonly #events: EventStream;
  readonly #host: () => CacheHost;
  readonly #queue: ExpiryQueue<Entry>;
  readonly #stats = new StatsCounter();
  /** Hits, counted here rather than in `#stats`: one load less on every hit. */
  #hits = 0;
  /** Neither `ttl` nor `maxEntries`: a hit reads no clock and touches no recency order. */
  #untimed: boolean;
  /** The spinner text of a call without arguments and with some (made once, not per miss). */
  #spinnerTexts: readonly [string | undefined, string | undefined];
  readonly #sizes: RetainedSizes;
  readonly #global: Store = newStore(undefined);
  readonly #sessions = new Map<string, Store>();
  #readyTotal = 0;
  /**
   * The last plain hit of a call with one primitive argument: that argument and its entry. The
   * key of a primitive is a pure function of it, so the same argument means the same entry for as
   * long as the entry is not removed; repeated calls skip keying and the Map lookup.
   */
  #lastArg: unknown = undefined; // meaningful only while #lastEntry is set
  #lastEntry: Entry | undefined;
  /**
   * Set while a hit of `#lastEntry` is its result and a count, nothing else (no ttl or
   * `maxEntries`, nothing recorded to replay): the same argument then returns `#lastResult`
   * without loading the entry. `#remove` forgets the memo when it removes its entry, so no check
   * of `removed` is needed on this path.
   */
  #lastPlain = false;
  #lastResult: unknown = undefined;
  /** The same for calls with no arguments (a separate field keeps `#lastArg` compares monomorphic). */
  #lastNoArgs: Entry | undefined;
  #lastNoArgsPlain = false;
  #lastNoArgsResult: unknown = undefined;
  /**
   * A lone primitive argument is looked up in the global store as it is (see `#findOwnKey`): the
   * keyer makes such arguments their own keys, and nothing else (scope, `validate`, widgets,
   * `hashFuncs`) makes a hit need more than the entry. Set from the options and the keyer.
   */
  #ownKeyHits = false;
  /** Calls in a row that did not repeat the remembered argument (see `#findOwnKey`). */
  #memoMisses = 0;
  /**
   * The results of the entries a lone own-key argument finds with a `Map.get` and nothing else
   * (see `#isDirectResult`), by that argument: while the last-argument memo rests, a hit of one
   * of many keys is this one lookup, with no load of the entry behind it. Kept by `#settle` and
   * `#remove` only, and emptied when new options come (`adopt`).
   */
  readonly #directResults = new Map<ValueKey, unknown>();
  /**
   * The last plain hit of a call with one plain-data object argument (an options object): the
   * steps it was read as (recent-keys.ts) and its entry. A later object that reads as the same
   * steps has the same key, so it skips keying and the Map lookup.
   */
  #lastObjectSteps: readonly unknown[] = [];
  #lastObjectEntry: Entry | undefined;
  /** The last plain hit of a call with two or three arguments, all primitives (`#last2` is undefined for two). */
  #lastCount = -1;
  #last0: unknown = undefined;
  #last1: unknown = undefined;
  #last2: unknown = undefined;
  #lastSomeEntry: Entry | undefined;
  /** The last plain hit of a call with more arguments, all primitives: the arguments and the entry. */
  #lastArgs: readonly unknown[] = [];
  #lastArgsEntry: Entry | undefined;
  /** The function is `async` or has returned a Promise: its computations need a frame that follows `await`. */
  #mayContinue: boolean;
  /** Keys of widget-keyed values (`experimentalAllowWidgets`), made on first use. */
  #widgetKeys: WidgetKeys | undefined;

  constructor(init: FunctionCacheInit) {
    this.displayName = init.displayName;
    this.lineage = init.lineage;
    this.signature = init.signature;
    this.#fn = init.fn;
    this.#options = init.options;
    this.#keyer = init.keyer;
    this.#events = init.events;
    this.#host = init.host;
    this.#sizes = new RetainedSizes(init.displayName);
    this.#mayContinue = isAsyncFunction(init.fn);
    this.#ownKeyHits = this.#mayRemember() && init.keyer.ownKeys;
    this.#untimed = init.options.ttlMs === null && init.options.maxEntries === null;
    this.#spinnerTexts = spinnerTexts(init.options.showSpinner, init.displayName);
    this.#queue = new ExpiryQueue<Entry>(init.options.clock, (entry) => {
      if (!entry.removed) void this.#remove(entry, "expired");
    });
  }

  /**
   * A new wrap of the same source and options (a rerun, a reload, a second copy of a module):
   * keep the entries, take the newest function and hooks (they may close over new bindings).
   */
  adopt(fn: AnyFunction, options: ResolvedOptions, keyer: Keyer): void {
    this.#fn = fn;
    this.#mayContinue ||= isAsyncFunction(fn);
    this.#options = { ...options, clock: this.#options.clock };
    this.#keyer = keyer;
    this.#ownKeyHits = this.#mayRemember() && keyer.ownKeys;
    this.#untimed = options.ttlMs === null && options.maxEntries === null;
    this.#spinnerTexts = spinnerTexts(options.showSpinner, this.displayName);
    this.#forgetLastHit(); // new options or keyer may change what a hit must check
    this.#directResults.clear();
  }

  /** Calls the cached function: a stored value, a shared computation, or a new one. */
  call(thisArg: unknown, args: readonly unknown[]): unknown {
    const entry = this.#lastArgsEntry;
    if (entry !== undefined && !entry.removed && sameArguments(args, this.#lastArgs) && this.#isFresh(entry)) {
      const served = this.#hit(entry, false);
      if (served !== MISS) return served;
    }
    return this.#call(thisArg, args, 0, true);
  }

  /**
   * `call` with two or three arguments (`a2` undefined for two): a repeated hit on primitives
   * compares them with the last ones and builds no argument array.
   */
  callSome(thisArg: unknown, count: number, a0: unknown, a1: unknown, a2: unknown): unknown {
    const entry = this.#lastSomeEntry;
    if (
      entry !== undefined && a0 === this.#last0 && a1 === this.#last1 && a2 === this.#last2 && count === this.#lastCount &&
      !entry.removed && this.#isFresh(entry)
    ) {
      const served = this.#hit(entry, false);
      if (served !== MISS) return served;
    }
    return this.#call(thisArg, count === 2 ? [a0, a1] : [a0, a1, a2], 0, true);
  }

  /**
   * `call` with exactly one argument; a hit on a primitive builds no argument array. Only the two
   * plain hits are here (the last argument again, and one of many keys in turn); the rest is in
   * `#callOneFurther`. Every cached function of one argument shares this code: kept small, it
   * inlines whole into hot call sites and compiles fast, and what other functions' calls do on
   * the longer paths does not make it larger.
   */
  callOne(thisArg: unknown, arg: unknown): unknown {
    // The flag first: the comparison then only ever sees arguments, which keeps it monomorphic.
    if (this.#lastPlain && arg === this.#lastArg && !this.#events.active && !hitChannel.hasSubscribers) {
      this.#hits++;
      return this.#lastResult;
    }
    // Many keys in turn (the memo rests): the result alone, when a hit needs nothing else.
    const misses = this.#memoMisses;
    if (misses > MEMO_TRIES && misses < MEMO_REST - 1) {
      const result = this.#directResults.get(arg as ValueKey);
      if (result !== undefined && !this.#events.active && !hitChannel.hasSubscribers) {
        this.#memoMisses = misses + 1;
        this.#hits++;
        return result;
      }
    }
    return this.#callOneFurther(thisArg, arg);
  }

  /** `callOne` past its plain hits: the remembered entry, an own key or object looked up, or a miss. */
  #callOneFurther(thisArg: unknown, arg: unknown): unknown {
    let entry: Entry | null | undefined = this.#lastEntry;
    // The entry first: the comparison then only ever sees arguments, which keeps it monomorphic.
    if (entry === undefined || arg !== this.#lastArg || entry.removed) {
      entry = !this.#ownKeyHits ? undefined : typeof arg === "object" ? this.#findObject(arg) : this.#findOwnKey(arg);
      if (entry == null) return entry === null ? this.#computeOwnKey(thisArg, arg) : this.#callOneAgain(thisArg, arg);
    }
    // `#hit`, written out: this code is shared by every cached function, and when other
    // functions' calls make the slow path look hotter, the optimizer would spend its inlining
    // budget there and leave this path calling out. Without calls it stays fast regardless.
    if (this.#untimed && !this.#events.active && !hitChannel.hasSubscribers && entry.recording === undefined) {
      this.#hits++;
      return entry.result;
    }
    if (!this.#isFresh(entry)) return this.#callOneAgain(thisArg, arg);
    const served = this.#hit(entry, false);
    return served !== MISS ? served : this.#callOneAgain(thisArg, arg); // a hit listener removed it
  }

  /**
   * The stored entry of a lone primitive argument that is its own key (`#ownKeyHits`), now
   * remembered as the last one; null when the argument is its own key and nothing is stored
   * under it (a miss), undefined when the entry is pending or the argument is keyed otherwise.
   * Whether it is fresh is for the caller to check.
   */
  #findOwnKey(arg: unknown): Entry | null | undefined {
    // Any argument may be looked up: only an own key can equal the key of a `direct` entry.
    const entry = this.#global.entries.get(arg as ValueKey);
    if (entry === undefined) return isOwnKey(arg) ? null : undefined; // null: nothing stored under its key
    if (!entry.direct) return undefined;
    // Remembered for the next call, unless the last few calls all had other arguments: then
    // comparing with the last one (strings compare by content) costs more than it saves, so the
    // memo rests and is tried again after a while.
    const missed = ++this.#memoMisses;
    if (missed <= MEMO_TRIES) {
      this.#rememberArg(arg, entry);
    } else if (missed === MEMO_TRIES + 1) {
      this.#forgetArg();
    } else if (missed >= MEMO_REST) {
      this.#memoMisses = 0;
    }
    return entry;
  }

  /** The entry of the last object argument when `arg` reads as the same data (or undefined). */
  #findObject(arg: unknown): Entry | undefined {
    const entry = this.#lastObjectEntry;
    if (entry === undefined || entry.removed || arg === null || !matchesSteps(arg, this.#lastObjectSteps)) return undefined;
    return entry;
  }

  /** A miss for a lone argument that is its own key, found absent from the global store just now. */
  #computeOwnKey(thisArg: unknown, arg: unknown): unknown {
    return this.#compute(this.#global, arg as ValueKey, arg as ValueKey, thisArg, [arg], 0, true);
  }

  // Kept out of `callOne` so the repeated-argument path stays small enough to inline.
  #callOneAgain(thisArg: unknown, arg: unknown): unknown {
    const options = this.#options;
    if (typeof arg === "object" && arg !== null) {
      if (!this.#ownKeyHits) return this.#call(thisArg, [arg], 0); // an object may be mutated: never remembered
      const args = [arg];
      const key = this.#keyer.key(args);
      // Taken at once: a hit listener may key other arguments before this hit is remembered.
      const steps = this.#keyer.recentSteps();
      const served = this.#serveObject(key, steps);
      if (served !== MISS) return served;
      return this.#call(thisArg, args, 0, false, key); // keyed once; its steps are remembered above, or nothing is
    }
    // With hashFuncs the key is not the argument itself, and keying twice would run them twice.
    if (typeof arg !== "function" && options.validate === undefined && !options.allowWidgets && options.hashFuncs === undefined) {
      // Keyed and looked up once: a pending entry is joined, an expired one handled, right here.
      const key = this.#keyer.keyOne(arg);
      const store = this.#storeForCall();
      return this.#callFound(store, key, key, store.entries.get(key), thisArg, [arg], 0, true);
    }
    // A function, or options that make a hit need more than the entry: never remembered.
    return this.#call(thisArg, [arg], 0);
  }

  /** `call` with no arguments. */
  callNone(thisArg: unknown): unknown {
    if (this.#lastNoArgsPlain && !this.#events.active && !hitChannel.hasSubscribers) {
      this.#hits++;
      return this.#lastNoArgsResult;
    }
    const entry = this.#lastNoArgs;
    if (entry !== undefined && !entry.removed) {
      if (this.#untimed && !this.#events.active && !hitChannel.hasSubscribers && entry.recording === undefined) {
        this.#hits++;
        return entry.result;
      }
      if (this.#isFresh(entry)) {
        const served = this.#hit(entry, false);
        if (served !== MISS) return served;
      }
    }
    return this.#call(thisArg, [], 0, true);
  }

  /** `fn.acquire(...args)`: a call (the same lookup) that also takes a lease on the value. */
  acquire(args: readonly unknown[]): Lease<unknown> | Promise<Lease<unknown>> {
    const baseKey = this.#keyer.key(args); // once per acquire, as per call: hashFuncs may be costly
    return acquireLease(this.displayName, () => this.#call(undefined, args, 0, false, baseKey), (candidate) => this.#leaseOn(baseKey, candidate));
  }

  /** A lease on the value stored for `args`, if the stored value is `candidate` (or its promise). */
  #leaseOn(baseKey: ValueKey, candidate: unknown): Lease<unknown> | undefined {
    const entry = this.#storeForCall().entries.get(this.#keyOf(baseKey));
    if (entry === undefined || entry.pending || entry.removed) return undefined;
    if (candidate !== entry.value && candidate !== entry.result) return undefined;
    return takeLease(entry.value, (entry.leases ??= new LeaseCount(this.#stats)));
  }

  /**
   * `remember`: a plain hit of this zero- or one-argument call may be remembered for `callOne`/`callNone`.
   * `baseKey`: the arguments' key when this call has already computed it (a retry keys nothing
   * again: a `hashFuncs` entry runs once per argument per call).
   */
  #call(thisArg: unknown, args: readonly unknown[], attempt: number, remember = false, baseKey: ValueKey = this.#keyer.key(args)): unknown {
    const store = this.#storeForCall();
    const key = this.#keyOf(baseKey);
    return this.#callFound(store, baseKey, key, store.entries.get(key), thisArg, args, attempt, remember);
  }

  /**
   * `#call` once `entry` has been looked up under `key` in `store` (undefined: nothing there):
   * a hit, a join of the running computation, or a new one. With `remember`, a plain hit of
   * primitive arguments is remembered for the `call*` fast paths.
   */
  #callFound(
    store: Store,
    baseKey: ValueKey,
    key: Entry["key"],
    entry: Entry | undefined,
    thisArg: unknown,
    args: readonly unknown[],
    attempt: number,
    remember: boolean,
  ): unknown {
    if (entry !== undefined) {
      if (!entry.pending) {
        const served = this.#serve(entry, thisArg, args);
        if (served !== MISS) {
          if (remember) {
            if (args.length === 0) this.#rememberNoArgs(entry);
            else if (args.length === 1) this.#rememberHit(args[0], entry);
            else this.#rememberArguments(args, entry);
          }
          return served;
        }
      } else {
        return this.#join(entry, args.length);
      }
    }
    // Absent: nothing was stored under the key and no code has run since the lookup.
    return this.#compute(store, baseKey, key, thisArg, args, attempt, entry === undefined);
  }

  /** The store key of a call: the arguments' key, plus widget state for widget-keyed functions. */
  #keyOf(baseKey: Entry["key"]): Entry["key"] {
    return this.#options.allowWidgets ? (this.#widgetKeys?.keyOf(baseKey, this.#host()) ?? baseKey) : baseKey;
  }

  // ── hits ────────────────────────────────────────────────────────────────────────────────

  #serve(entry: Entry, thisArg: unknown, args: readonly unknown[]): unknown {
    const options = this.#options;
    if (options.ttlMs !== null) {
      const now = options.clock.now();
      if (now >= entry.expiresAt) {
        if (options.refreshMode === "background" && now < entry.deadline) {
          // A stale hit is a hit: it is validated before it is served and refreshed.
          if (options.validate !== undefined) return this.#validateThenServe(entry, thisArg, args, options.validate, true);
          this.#startRefresh(entry, now);
          return this.#hit(entry, true);
        }
        void this.#remove(entry, "expired");
        return MISS;
      }
    }
    if (options.validate !== undefined) return this.#validateThenServe(entry, thisArg, args, options.validate);
    return this.#hit(entry, false);
  }

  /**
   * Whether a remembered entry may be served as `#serve` would without `validate`: not expired.
   * Expired and stale entries go the long way.
   */
  #isFresh(entry: Entry): boolean {
    const options = this.#options;
    return options.ttlMs === null || options.clock.now() < entry.expiresAt;
  }

  /**
   * A fresh plain hit for one object argument keyed `key` (`#ownKeyHits`), remembered with the
   * `steps` it was read as, when the keyer's memo has them; or MISS.
   */
  #serveObject(key: ValueKey, steps: readonly unknown[] | undefined): unknown {
    const entry = this.#global.entries.get(key);
    if (entry === undefined || entry.pending || !this.#isFresh(entry)) return MISS;
    const result = this.#hit(entry, false);
    if (result !== MISS && steps !== undefined) {
      this.#lastObjectSteps = steps;
      this.#lastObjectEntry = entry;
    }
    return result;
  }

  /**
   * Remembers a hit when repeating the argument is enough to find the same entry: in the global
   * store, with no per-hit `validate`, no widget state and no `hashFuncs` (whose result the keyer
   * cannot promise to be pure). Only primitives get here (`#callOneAgain` never asks to remember
   * an object or a function: an object may have been mutated since).
   */
  #rememberHit(arg: unknown, entry: Entry): void {
    if (this.#mayRemember()) this.#rememberArg(arg, entry);
  }

  #rememberArg(arg: unknown, entry: Entry): void {
    this.#lastArg = arg;
    this.#lastEntry = entry;
    this.#lastPlain = this.#isPlainHit(entry);
    this.#lastResult = entry.result;
  }

  #forgetArg(): void {
    this.#lastEntry = undefined;
    this.#lastPlain = false;
    this.#lastResult = undefined;
  }

  /**
   * Whether a hit of this ready entry is its result and a count, nothing else (when nobody
   * listens): no clock to read and no recency order to touch (`#untimed`), nothing recorded to
   * replay. Neither changes for the entry's life: only a refresh (ttl) stores a new result.
   */
  #isPlainHit(entry: Entry): boolean {
    return this.#untimed && entry.recording === undefined;
  }

  /** `#rememberHit` for several arguments: all primitives (equal primitives give equal keys). */
  #rememberArguments(args: readonly unknown[], entry: Entry): void {
    for (const arg of args) if ((typeof arg === "object" && arg !== null) || typeof arg === "function") return;
    if (!this.#mayRemember()) return;
    if (args.length <= 3) {
      this.#lastCount = args.length;
      this.#last0 = args[0];
      this.#last1 = args[1];
      this.#last2 = args[2];
      this.#lastSomeEntry = entry;
    } else {
      this.#lastArgs = args;
      this.#lastArgsEntry = entry;
    }
  }

  #rememberNoArgs(entry: Entry): void {
    if (!this.#mayRemember()) return;
    this.#lastNoArgs = entry;
    this.#lastNoArgsPlain = this.#isPlainHit(entry);
    this.#lastNoArgsResult = entry.result;
  }

  #forgetNoArgs(): void {
    this.#lastNoArgs = undefined;
    this.#lastNoArgsPlain = false;
    this.#lastNoArgsResult = undefined;
  }

  #mayRemember(): boolean {
    const options = this.#options;
    return options.scope === "global" && options.validate === undefined && !options.allowWidgets && options.hashFuncs === undefined;
  }

  #forgetLastHit(): void {
    this.#lastArg = undefined;
    this.#forgetArg();
    this.#forgetNoArgs();
    this.#lastCount = -1;
    this.#last0 = this.#last1 = this.#last2 = undefined;
    this.#lastSomeEntry = undefined;
    this.#lastObjectSteps = [];
    this.#lastObjectEntry = undefined;
    this.#lastArgs = [];
    this.#lastArgsEntry = undefined;
  }

  // Kept small (the rare parts are one separate method) so it inlines into every hit path;
  // `callOne` repeats it. MISS when a `hit` listener removed the entry: the caller computes.
  #hit(entry: Entry, stale: boolean): unknown {
    this.#hits++;
    if (this.#options.maxEntries !== null || this.#events.active || hitChannel.hasSubscribers || entry.recording !== undefined) {
      this.#hitExtras(entry, stale);
      if (entry.removed) return MISS;
    }
    return entry.result;
  }

  /** What some hits also do: LRU order, the hit event, replaying what the computation recorded. */
  #hitExtras(entry: Entry, stale: boolean): void {
    if (this.#options.maxEntries !== null) entry.store.recency.touch(entry);
    if (this.#events.active) this.#events.emit({ type: "hit", stale, ...this.#eventBase(entry.store.sessionId) });
    publishHit(this.displayName, entry, stale, false);
    if (entry.recording !== undefined) this.#host().replay?.(entry.recording, this.displayName);
  }

  #validateThenServe(
    entry: Entry,
    thisArg: unknown,
    args: readonly unknown[],
    validate: NonNullable<ResolvedOptions["validate"]>,
    stale = false,
  ): unknown {
    if (!entry.isAsync) {
      let ok: unknown;
      try {
        ok = validate(entry.value, ...args);
        if (isThenable(ok)) {
          throw new InvalidOptionError(
            "validate",
            validate,
            `returned a Promise for \`${this.displayName}()\`, which is synchronous; async validation needs an async function`,
            "a validate function that returns a boolean",
          );
        }
      } catch (error) {
        this.#validationFailed(entry, error);
        throw error;
      }
      if (!ok) {
        void this.#remove(entry, "invalid");
        return this.#call(thisArg, args, 0, false, entry.baseKey);
      }
      // `validate` may have called back into the cache and removed this entry (a clear, or a
      // call that evicted it): then this call computes, as after a failed check.
      if (entry.removed) return MISS;
      return this.#validHit(entry, stale);
    }
    // Async: concurrent hits share one validation, so a failing check recreates the value once.
    entry.validation ??= this.#validateAsync(entry, args, validate);
    return entry.validation.then((ok) => {
      const served = ok && !entry.removed ? this.#validHit(entry, stale) : MISS;
      return served !== MISS ? served : this.#call(thisArg, args, 0, false, entry.baseKey);
    });
  }

  /** A hit that passed `validate`; a stale one (background mode) also starts the refresh. */
  #validHit(entry: Entry, stale: boolean): unknown {
    if (!stale) return this.#hit(entry, false);
    const now = this.#options.clock.now();
    // An async check may have outlived the staleness (a refresh stored a new value meanwhile).
    if (now < entry.expiresAt) return this.#hit(entry, false);
    this.#startRefresh(entry, now);
    return this.#hit(entry, true);
  }

  #validateAsync(entry: Entry, args: readonly unknown[], validate: NonNullable<ResolvedOptions["validate"]>): Promise<boolean> {
    return (async () => validate(entry.value, ...args))().then(
      (ok) => {
        entry.validation = undefined;
        if (!ok) void this.#remove(entry, "invalid");
        return Boolean(ok);
      },
      (error: unknown) => {
        entry.validation = undefined;
        this.#validationFailed(entry, error);
        throw error;
      },
    );
  }

  #validationFailed(entry: Entry, error: unknown): void {
    this.#reportError("validate", error, entry);
    void this.#remove(entry, "invalid");
  }

  /** A call for a key whose computation is running: share it, unless that would wait on itself. */
  #join(entry: Entry, argCount: number): unknown {
    if (entry.flight === undefined || isInsideComputation(entry)) {
      throw new RecursiveCallError(this.displayName);
    }
    this.#hits++;
    if (this.#events.active) {
      this.#events.emit({ type: "hit", stale: false, ...this.#eventBase(entry.store.sessionId) });
    }
    publishHit(this.displayName, entry, false, true);
    const host = this.#host();
    // Nothing to show per waiter and nothing to replay: all waiters share the one promise.
    if (host.beginWait === undefined && host.replay === undefined) return entry.flight;
    const options = this.#options;
    const wait = host.beginWait?.({
      functionName: this.displayName,
      spinnerText: argCount > 0 ? this.#spinnerTexts[1] : this.#spinnerTexts[0],
      showTime: options.showTime,
      outermost: isOutermost(),
      startedAt: entry.startedAt,
      allowWidgets: options.allowWidgets,
      refresh: false,
    });
    return entry.flight.then(
      (value) => {
        wait?.end();
        if (entry.recording !== undefined && !entry.removed) this.#host().replay?.(entry.recording, this.displayName);
        return value;
      },
      (error: unknown) => {
        wait?.end();
        throw error;
      },
    );
  }

  // ── misses ──────────────────────────────────────────────────────────────────────────────

  #compute(
    store: Store,
    baseKey: Entry["key"],
    key: Entry["key"],
    thisArg: unknown,
    args: readonly unknown[],
    attempt: number,
    absent = false,
  ): unknown {
    if (this.retired) {
      // Only a call already under way gets here (the wrapper sends new calls to the new cache): a
      // waiter's retry after its computation was released, or a failed validation's recompute.
      // A retired cache is in no registry and is never cleared: it must not store anything.
      throw new FunctionIdentityError(
        `\`${this.displayName}()\` was redefined (a new body or new options) while this call was in progress, ` +
          `so its value was released and the previous definition caches nothing more; call the function again.`,
      );
    }
    if (isShuttingDown()) throw new CacheShutdownError(this.displayName);
    // The release hook of the expired entry this call just removed, or a callback of the hit
    // it just gave up, created the key again: serve that entry; a second one would orphan it.
    // `absent`: the caller found nothing under the key and ran no code since.
    for (let existing = absent ? undefined : store.entries.get(key); existing !== undefined; existing = store.entries.get(key)) {
      if (existing.pending) return this.#join(existing, args.length);
      const served = this.#hit(existing, false);
      if (served !== MISS) return served;
    }
    const options = this.#options;
    const entry = new Entry(baseKey, store, options.refreshMode === "background" ? { thisArg, args: Array.from(args) } : undefined);
    entry.key = key;
    store.entries.set(key, entry);
    this.#stats.misses++;
    const startedAt = options.clock.now();
    entry.startedAt = startedAt;
    if (this.#events.active) this.#events.emit({ type: "miss", ...this.#eventBase(store.sessionId) });
    publishMiss(this.displayName, entry);

    const host = this.#host();
    const scope =
      host.quiet === true
        ? PASS_THROUGH_SCOPE
        : host.beginMiss({
            functionName: this.displayName,
            spinnerText: args.length > 0 ? this.#spinnerTexts[1] : this.#spinnerTexts[0],
            showTime: options.showTime,
            outermost: isOutermost(),
            startedAt,
            allowWidgets: options.allowWidgets,
            refresh: false,
          });
    const fn = this.#fn;
    let result: unknown;
    try {
      result =
        scope === PASS_THROUGH_SCOPE && !tracingCompute()
          ? applyAsComputationOf(entry, this.#mayContinue, fn, thisArg, args)
          : runAsComputationOf(entry, this.#mayContinue, () =>
              scope.run(() => traceComputation(this.displayName, entry, "miss", options.clock, () => fn.apply(thisArg, args as unknown[]))),
            );
    } catch (error) {
      scope.end({ ok: false, error });
      this.#computationFailed(entry, error);
      throw error;
    }
    if (!isThenable(result)) {
      return this.#settle(entry, result, scope.end({ ok: true }), startedAt, thisArg, args, attempt);
    }
    entry.isAsync = true;
    this.#mayContinue = true;
    const flight = Promise.resolve(result).then(
      (value) => this.#settle(entry, value, scope.end({ ok: true }), startedAt, thisArg, args, attempt),
      (error: unknown) => {
        scope.end({ ok: false, error });
        this.#computationFailed(entry, error);
        throw error;
      },
    );
    entry.flight = flight;
    return flight;
  }

  #settle(
    entry: Entry,
    value: unknown,
    recording: unknown,
    startedAt: number,
    thisArg: unknown,
    args: readonly unknown[],
    attempt: number,
  ): unknown {
    entry.flight = undefined;
    const options = this.#options;
    // User code that runs before the value is stored may remove this entry (then it is handled
    // as cleared while computing): `sizeOf`, and the release hook of a value that a widget-keyed
    // entry supersedes when it moves.
    const size = this.#measure(entry, value);
    if (options.allowWidgets && recording !== undefined && !entry.removed) this.#keyByWidgets(entry, recording);
    if (entry.removed) {
      // Cleared while computing: the value belongs to a state that no longer exists.
      entry.lateRelease = this.#release(value, entry.removedReason ?? "clear", entry);
      // A fresh computation would be stored under the ended session, keeping it alive unreleased.
      if (entry.removedReason === "session-end") throw new SessionEndedError(this.displayName, entry.store.sessionId ?? "");
      if (attempt + 1 >= MAX_CLEARED_ATTEMPTS) throw new ClearedWhileComputingError(this.displayName, attempt + 1);
      return this.#call(thisArg, args, attempt + 1, false, entry.baseKey);
    }
    const store = entry.store;
    entry.pending = false;
    entry.direct = isOwnKey(entry.key);
    entry.value = value;
    entry.result = entry.isAsync ? Promise.resolve(value) : value;
    entry.recording = recording;
    if (size !== 0) {
      entry.size = size;
      this.#sizes.add(size);
    }
    if (this.#isDirectResult(entry)) this.#directResults.set(entry.key, entry.result);
    store.readyCount++;
    this.#readyTotal++;
    // The fresh value is the most recently used: it must never be the one evicted for itself.
    if (options.maxEntries !== null) store.recency.append(entry);
    const now = options.clock.now();
    if (options.ttlMs !== null) this.#scheduleExpiry(entry, now);
    const durationMs = now - startedAt;
    this.#stats.recordComputed(durationMs);
    if (this.#events.active) this.#events.emit({ type: "computed", durationMs, ...this.#eventBase(store.sessionId) });
    if (options.maxEntries !== null) this.#evictOverflow(store, options.maxEntries);
    if (entry.removed) {
      // A `computed` listener, or a release hook run by that eviction, removed this very entry
      // (it cleared the cache, or computed another key, which evicted this one): the value is
      // released, so the caller gets a fresh one, as after a clear during the computation.
      if (attempt + 1 >= MAX_CLEARED_ATTEMPTS) throw new ClearedWhileComputingError(this.displayName, attempt + 1);
      return this.#call(thisArg, args, attempt + 1, false, entry.baseKey);
    }
    return value;
  }

  /**
   * Whether a hit of this ready entry is its result and a count, nothing else: a lone own-key
   * argument in the global store (`direct`), of a function whose hits are plain (`#ownKeyHits`)
   * and read no clock nor recency order (`#untimed`), with nothing recorded to replay. Undefined
   * results are left out: `Map.get` could not tell them from an absent key.
   */
  #isDirectResult(entry: Entry): boolean {
    return entry.direct && entry.store === this.#global && this.#ownKeyHits && this.#isPlainHit(entry) && entry.result !== undefined;
  }

  #computationFailed(entry: Entry, error: unknown): void {
    entry.flight = undefined;
    if (!entry.removed) {
      entry.removed = true;
      if (entry.store.entries.get(entry.key) === entry) entry.store.entries.delete(entry.key);
    }
    this.#reportError("compute", error, entry);
  }

  #scheduleExpiry(entry: Entry, now: number): void {
    const ttlMs = this.#options.ttlMs!;
    entry.expiresAt = now + ttlMs;
    entry.deadline = this.#options.refreshMode === "background" ? now + 2 * ttlMs : entry.expiresAt;
    this.#queue.schedule(entry);
    // Entries that left early stay queued until their deadline; rebuild when they dominate.
    if (this.#queue.size > 2 * this.#readyTotal + 1024) this.#queue.prune((e) => !e.removed);
  }

  #evictOverflow(store: Store, maxEntries: number): void {
    for (let oldest = store.recency.oldest; store.readyCount > maxEntries && oldest !== undefined; oldest = store.recency.oldest) {
      void this.#remove(oldest, "evicted");
    }
  }

  // ── background refresh ──────────────────────────────────────────────────────────────────

  #startRefresh(entry: Entry, now: number): void {
    if (entry.refreshing || now < entry.refreshBackoffUntil) return;
    entry.refreshing = true;
    if (this.#events.active) this.#events.emit({ type: "refresh", phase: "start", ...this.#eventBase(entry.store.sessionId) });
    // Deferred so the caller gets the stale value first, even for a synchronous function.
    setImmediate(() => this.#runRefresh(entry));
  }

  #runRefresh(entry: Entry): void {
    const options = this.#options;
    const startedAt = options.clock.now();
    const fn = this.#fn;
    // Through the host, so it can keep the refresh out of the triggering caller's page run.
    const scope = this.#host().beginMiss({
      functionName: this.displayName,
      spinnerText: undefined,
      showTime: false,
      outermost: true,
      startedAt,
      allowWidgets: options.allowWidgets,
      refresh: true,
    });
    const failed = (error: unknown) => {
      scope.end({ ok: false, error });
      this.#refreshFailed(entry, error);
    };
    const succeeded = (value: unknown) => this.#refreshed(entry, value, scope.end({ ok: true }), startedAt);
    let result: unknown;
    try {
      // Outside the caller's computation chain, inside the entry's own session.
      result = runOutsideComputations(() =>
        runInSessionOrNone(entry.store.sessionId, () =>
          scope.run(() =>
            traceComputation(this.displayName, entry, "refresh", options.clock, () => fn.apply(entry.thisArg, (entry.args ?? []) as unknown[])),
          ),
        ),
      );
    } catch (error) {
      failed(error);
      return;
    }
    if (isThenable(result)) Promise.resolve(result).then(succeeded, failed);
    else succeeded(result);
  }

  /**
   * The `sizeOf` of a value about to be stored for `entry` (0 without `sizeOf`, or when the entry
   * is already removed). It runs user code, which may clear the cache: callers check
   * `entry.removed` after it, before they store anything.
   */
  #measure(entry: Entry, value: unknown): number {
    const sizeOf = this.#options.sizeOf;
    return sizeOf === undefined || entry.removed ? 0 : this.#sizes.measure(sizeOf, value);
  }

  #refreshed(entry: Entry, value: unknown, recording: unknown, startedAt: number): void {
    entry.refreshing = false;
    const sessionId = entry.store.sessionId;
    const size = this.#measure(entry, value); // before anything is stored: it may clear the cache
    if (entry.removed) {
      // Cleared (or hard-expired) while refreshing: the new value is never stored.
      if (this.#events.active) this.#events.emit({ type: "refresh", phase: "discarded", ...this.#eventBase(sessionId) });
      void this.#release(value, entry.removedReason ?? "clear", entry);
      return;
    }
    const previous = entry.value;
    entry.value = value;
    entry.result = entry.isAsync ? Promise.resolve(value) : value;
    this.#sizes.remove(entry.size);
    entry.size = size;
    this.#sizes.add(size);
    if (recording !== undefined) entry.recording = recording;
    const now = this.#options.clock.now();
    this.#scheduleExpiry(entry, now);
    const durationMs = now - startedAt;
    this.#stats.recordComputed(durationMs);
    if (this.#events.active) {
      this.#events.emit({ type: "computed", durationMs, ...this.#eventBase(sessionId) });
      this.#events.emit({ type: "refresh", phase: "stored", ...this.#eventBase(sessionId) });
    }
    // Released only after the new value is in place, so no caller is left without one; leases
    // taken on the previous value go with it.
    if (previous !== value) {
      const leases = entry.leases;
      entry.leases = undefined;
      void this.#release(previous, "refreshed", entry, leases);
    }
  }

  #refreshFailed(entry: Entry, error: unknown): void {
    entry.refreshing = false;
    entry.refreshBackoffUntil = this.#options.clock.now() + Math.min(this.#options.ttlMs ?? 0, REFRESH_BACKOFF_MAX_MS);
    this.#reportError("refresh", error, entry);
    if (this.#events.active) this.#events.emit({ type: "refresh", phase: "failed", ...this.#eventBase(entry.store.sessionId) });
  }

  // ── removal ─────────────────────────────────────────────────────────────────────────────

  /** The one removal path: takes the entry out of its store and releases its value. */
  #remove(entry: Entry, reason: ReleaseReason): Promise<void> | undefined {
    if (entry.removed) return undefined;
    entry.removed = true;
    entry.removedReason = reason;
    entry.deadline = Infinity;
    const store = entry.store;
    // Only when its store still holds it there: a widget-keyed entry that moved under a key takes
    // it from whatever a release hook stored there meanwhile (see `#keyByWidgets`).
    if (store.entries.get(entry.key) === entry) store.entries.delete(entry.key);
    if (entry.pending) return undefined; // released when it settles
    // Empty whenever hits are more than a result (ttl, maxEntries...): then nothing to delete.
    if (this.#directResults.size !== 0 && entry.direct && store === this.#global) this.#directResults.delete(entry.key);
    // The memos that serve a result without loading its entry must not outlive it.
    if (entry === this.#lastEntry) this.#forgetArg();
    if (entry === this.#lastNoArgs) this.#forgetNoArgs();
    store.recency.remove(entry);
    store.readyCount--;
    this.#readyTotal--;
    this.#sizes.remove(entry.size);
    entry.size = 0;
    const value = entry.value;
    entry.value = undefined;
    entry.result = undefined;
    entry.recording = undefined;
    return this.#release(value, reason, entry, entry.leases);
  }

  /** Calls `onRelease` now, or once the last of `leases` has ended (or the drain timed out). */
  #release(value: unknown, reason: ReleaseReason, entry: Entry, leases?: LeaseCount): Promise<void> | undefined {
    if (leases !== undefined && leases.open > 0) {
      return releaseAfterLeases(leases, {
        functionName: this.displayName,
        reason,
        clock: this.#options.clock,
        drainMs: this.#options.drainMs,
        release: () => this.#release(value, reason, entry),
        settleHook: (hook) => this.#settleReleases([hook]),
      });
    }
    const sessionId = entry.store.sessionId;
    this.#stats.recordRelease(reason);
    if (this.#events.active) this.#events.emit({ type: "release", reason, ...this.#eventBase(sessionId) });
    publishRelease(this.displayName, entry, reason);
    const hook = this.#options.onRelease;
    if (hook === undefined) return undefined;
    const failed = (error: unknown) => {
      this.#reportError("release", error, entry);
      reportProblem(`onRelease of \`${this.displayName}()\` failed (reason "${reason}")`, error);
    };
    try {
      const outcome = hook(value, reason);
      if (isThenable(outcome)) return Promise.resolve(outcome).then(() => undefined, failed);
    } catch (error) {
      failed(error);
    }
    return undefined;
  }

  #removeAll(stores: Iterable<Store>, reason: ReleaseReason): Promise<void>[] {
    const pending: Promise<void>[] = [];
    for (const store of [...stores]) {
      for (const entry of [...store.entries.values()]) {
        const done = this.#remove(entry, reason);
        if (done !== undefined) pending.push(done);
      }
    }
    return pending;
  }

  /**
   * `fn.clear(...args)` / `fn.clear()`. For a session-scoped function called inside a session,
   * only that session's entries; otherwise every session's. Settles when their hooks have.
   */
  clear(args: readonly unknown[] | undefined): Promise<void> {
    const sessionId = this.#options.scope === "session" ? currentSessionId() : undefined;
    const stores = sessionId !== undefined ? [this.#sessions.get(sessionId)].filter((s) => s !== undefined) : this.#allStores();
    if (args === undefined) return this.#settleReleases(this.#removeAll(stores, "clear"));
    return this.#clearKey(stores, this.#keyer.key(args));
  }

  /** `clear(...args)` for a key computed in another process (a fleet): every session's entry. */
  clearKey(key: ValueKey): Promise<void> {
    return this.#clearKey(this.#allStores(), key);
  }

  #clearKey(stores: readonly Store[], key: ValueKey): Promise<void> {
    const pending: Promise<void>[] = [];
    for (const store of stores) {
      const matches = this.#options.allowWidgets
        ? [...store.entries.values()].filter((entry) => entry.baseKey === key || Object.is(entry.baseKey, key))
        : [store.entries.get(key)];
      for (const entry of matches) {
        const done = entry === undefined ? undefined : this.#remove(entry, "clear");
        if (done !== undefined) pending.push(done);
      }
    }
    return this.#settleReleases(pending);
  }

  /** `cacheResource.clear()`: every entry of every session. */
  clearAll(): Promise<void> {
    return this.#settleReleases(this.#removeAll(this.#allStores(), "clear-all"));
  }

  /** Releases the entries of one session and forgets its store. */
  endSession(sessionId: string): Promise<void> {
    const store = this.#sessions.get(sessionId);
    if (store === undefined) return Promise.resolve();
    this.#sessions.delete(sessionId);
    return this.#settleReleases(this.#removeAll([store], "session-end"));
  }

  /** The function changed: release everything and stop holding anything. */
  retire(): Promise<void> {
    this.retired = true;
    const pending = this.#removeAll(this.#allStores(), "superseded");
    this.#sessions.clear();
    this.#queue.reset();
    return this.#settleReleases(pending);
  }

  /**
   * `cacheResource.shutdown()`: removes every entry; the caller bounds the wait for what is
   * returned. Running computations are waited for too, and the release of their values.
   */
  shutdown(): Promise<void>[] {
    const flights: Promise<void>[] = [];
    for (const store of this.#allStores()) {
      for (const entry of store.entries.values()) {
        if (entry.flight !== undefined) flights.push(entry.flight.then(noop, noop).then(() => entry.lateRelease));
      }
    }
    return [...this.#removeAll(this.#allStores(), "shutdown"), ...flights];
  }

  /**
   * Waits for hook promises, at most RELEASE_WAIT_MS on this cache's clock, and for values waiting
   * on their leases (each bounded by its own drain timeout); never rejects.
   */
  #settleReleases(pending: Promise<void>[]): Promise<void> {
    const hooks = pending.filter((promise) => drainOf(promise) === undefined);
    const settled = settleAll(hooks, this.#options.clock, RELEASE_WAIT_MS, (count) =>
      reportProblem(`${count} onRelease hook(s) of \`${this.displayName}()\` still running after ${RELEASE_WAIT_MS} ms`, "not awaited further"),
    );
    return hooks.length === pending.length ? settled : Promise.all([settled, ...pending]).then(() => undefined);
  }

  // ── introspection ───────────────────────────────────────────────────────────────────────

  stats(): FunctionStats {
    return this.#stats.snapshot(this.displayName, this.#hits, this.#readyTotal, this.#options.sizeOf === undefined ? undefined : this.#sizes.total);
  }

  // ── widget-keyed values (experimentalAllowWidgets) ───────────────────────────────────────

  /** After a miss: file the value under the widget state it was computed with. */
  #keyByWidgets(entry: Entry, recording: unknown): void {
    const key = (this.#widgetKeys ??= new WidgetKeys(this.displayName)).keyAfterMiss(entry, recording, this.#host());
    if (key === entry.key) return;
    const store = entry.store;
    if (store.entries.get(entry.key) === entry) store.entries.delete(entry.key);
    const occupant = store.entries.get(key);
    if (occupant !== undefined) void this.#remove(occupant, "superseded");
    // The occupant's release hook may have called the function and stored a value there again:
    // that one stays, and this one yields (its computation is handled as superseded while
    // computing, and the caller is served from the key). Taking the key over would leave the
    // other value out of the store, never released.
    if (store.entries.has(key)) {
      void this.#remove(entry, "superseded");
      return;
    }
    entry.key = key;
    store.entries.set(key, entry);
  }

  // ── helpers ─────────────────────────────────────────────────────────────────────────────

  #storeForCall(): Store {
    if (this.#options.scope === "global") return this.#global;
    const session = currentSession();
    if (session === undefined) throw new NoSessionError(this.displayName);
    // Code still running for an ended session (a page run awaiting when its tab closed) would
    // store a value under it that nothing releases.
    if (session.ended) throw new SessionEndedError(this.displayName, session.id, "call");
    const sessionId = session.id;
    let store = this.#sessions.get(sessionId);
    if (store === undefined) this.#sessions.set(sessionId, (store = newStore(sessionId)));
    return store;
  }

  #allStores(): Store[] {
    return [this.#global, ...this.#sessions.values()];
  }

  #reportError(phase: "compute" | "validate" | "release" | "refresh", error: unknown, entry: Entry): void {
    this.#stats.errors++;
    if (this.#events.active) this.#events.emit({ type: "error", phase, error, ...this.#eventBase(entry.store.sessionId) });
    publishError(this.displayName, entry, phase, error);
  }

  #eventBase(sessionId: string | undefined): { functionName: string; sessionId: string | undefined; at: number } {
    return { functionName: this.displayName, sessionId, at: this.#options.clock.now() };
  }
}

function noop(): void {}

/** Same length and the same primitives in order (callers only remember lists of primitives). */
function sameArguments(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function newStore(sessionId: string | undefined): Store {
  return { sessionId, entries: new Map(), recency: new RecencyList(), readyCount: 0 };
}


/** Spinner text per Streamlit: "Running `name(...)`.", "Running `name()`." with no arguments. */
function spinnerTexts(showSpinner: boolean | string, functionName: string): readonly [string | undefined, string | undefined] {
  if (showSpinner === false) return [undefined, undefined];
  if (typeof showSpinner === "string") return [showSpinner, showSpinner];
  return [`Running \`${functionName}()\`.`, `Running \`${functionName}(...)\`.`];
}
