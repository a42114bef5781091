/**
 * The cache's typed event stream. Spinners, log lines and devtools subscribe here; the store
 * itself never draws or logs. Listeners are called synchronously, over a snapshot of the set, and
 * a listener that throws is reported as a warning and never breaks the call that emitted.
 */

/** Why a value left the cache. */
export type ReleaseReason =
  /** `fn.clear(...args)` or `fn.clear()`. */
  | "clear"
  /** `cacheResource.clear()`. */
  | "clear-all"
  /** Removed as least recently used to respect `maxEntries`. */
  | "evicted"
  /** Its `ttl` (or, with background refresh, twice its ttl) passed. */
  | "expired"
  /** `validate` returned false or threw. */
  | "invalid"
  /** Replaced by a background refresh. */
  | "refreshed"
  /** Its session ended (`endSession`). */
  | "session-end"
  /** The function's source, `name`, `ttl` or `maxEntries` changed, so its old cache was retired. */
  | "superseded"
  /** `cacheResource.shutdown()` (or a signal caught by `cacheResource.releaseOnExit()`). */
  | "shutdown";

/** Fields every event carries. */
interface EventBase {
  /** Display name of the cached function. */
  readonly functionName: string;
  /** The session the call ran in, for `scope: "session"` functions. */
  readonly sessionId: string | undefined;
  /** Clock time (ms) of the event. */
  readonly at: number;
}

/** A call returned a stored value. */
export interface HitEvent extends EventBase {
  readonly type: "hit";
  /** True when the value was stale and is being refreshed in the background. */
  readonly stale: boolean;
}
/** A call found nothing stored and starts computing. */
export interface MissEvent extends EventBase {
  readonly type: "miss";
}
/** A computation finished and its value was stored. */
export interface ComputedEvent extends EventBase {
  readonly type: "computed";
  /** How long the computation took, in milliseconds. */
  readonly durationMs: number;
}
/** Something failed: the computation, `validate`, an `onRelease` hook or a background refresh. */
export interface ErrorEvent extends EventBase {
  readonly type: "error";
  /** `fleet`: the fleet (`@cache-resource/redis`) lost its connection; once per outage. */
  readonly phase: "compute" | "validate" | "release" | "refresh" | "listener" | "fleet";
  readonly error: unknown;
}
/** A value left the cache; `onRelease` has been called (or is running). */
export interface ReleaseEvent extends EventBase {
  readonly type: "release";
  readonly reason: ReleaseReason;
}
/** A background refresh started or ended. */
export interface RefreshEvent extends EventBase {
  readonly type: "refresh";
  readonly phase: "start" | "stored" | "failed" | "discarded";
}

/**
 * A clear made on another process of the fleet was applied here (`@cache-resource/redis`). Its
 * `functionName` is the cleared function's, or `"*"` when everything was cleared.
 */
export interface FleetEvent extends EventBase {
  readonly type: "fleet";
  /** The member that made the clear. */
  readonly senderId: string;
  /** One entry, every entry of one function, or every entry of every function. */
  readonly scope: "entry" | "function" | "all";
}

/** Every event the cache emits. */
export type CacheEvent = HitEvent | MissEvent | ComputedEvent | ErrorEvent | ReleaseEvent | RefreshEvent | FleetEvent;

/** A subscriber to {@link CacheEvent}s. */
export type CacheEventListener = (event: CacheEvent) => void;

/** A set of listeners with a cheap "anyone listening?" check for the hot path. */
export class EventStream {
  #listeners = new Set<CacheEventListener>();

  /**
   * True when at least one listener is subscribed (emitters skip building events otherwise). A
   * plain field, kept by `subscribe`, so the hit path reads one value.
   */
  active = false;

  /**
   * Calls `listener` for every event until the returned function is called.
   * @example
   * const stop = cacheResource.events.subscribe((e) => {
   *   if (e.type === "computed") console.log(`${e.functionName} took ${e.durationMs} ms`);
   * });
   */
  subscribe(listener: CacheEventListener): () => void {
    this.#listeners.add(listener);
    this.active = true;
    return () => {
      this.#listeners.delete(listener);
      this.active = this.#listeners.size > 0;
    };
  }

  /** Delivers `event` to every listener; a throwing listener is reported and skipped. */
  emit(event: CacheEvent): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(event);
      } catch (error) {
        reportProblem(`a cache event listener threw while handling "${event.type}"`, error);
      }
    }
  }
}

/** Reports a problem that must not break the caller: a process warning, never a throw. */
export function reportProblem(what: string, error: unknown): void {
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  process.emitWarning(`cache-resource: ${what}: ${detail}`, { code: "CACHE_RESOURCE", detail: error instanceof Error ? error.stack : undefined });
}
