/**
 * A host is where a cached function's side effects show: a terminal (spinner on stderr) or the
 * app runtime (spinner and recorded elements on a page). The store never draws anything; it only
 * tells the current host that a miss started, runs the computation through the host (so the host
 * can capture what the function emits), and asks the host to replay that capture on every hit.
 */

/** A miss shows a spinner only once it has lasted this long, so fast misses never flicker. */
export const SPINNER_DELAY_MS = 500;

/** What a host learns when a miss starts computing. */
export interface MissInfo {
  /** The cached function's display name. */
  readonly functionName: string;
  /** Spinner text, or `undefined` when `showSpinner` is false. */
  readonly spinnerText: string | undefined;
  /** Whether to show the elapsed time next to the spinner text. */
  readonly showTime: boolean;
  /** True when no other cached computation encloses this one (only these show a spinner). */
  readonly outermost: boolean;
  /** Clock time in milliseconds at which the miss started (elapsed time counts from here). */
  readonly startedAt: number;
  /** `experimentalAllowWidgets` of the cached function. */
  readonly allowWidgets: boolean;
  /**
   * A background refresh (`refreshMode: "background"`): nobody waits on it, so it shows no
   * spinner, and it must not write into the run of the caller that happened to trigger it. What
   * it records replaces the entry's recording when it succeeds (`undefined` keeps the old one).
   */
  readonly refresh: boolean;
}

/** The outcome a miss ended with. */
export type MissOutcome = { readonly ok: true } | { readonly ok: false; readonly error: unknown };

/** One miss, from start to end, as the host sees it. `end` is called exactly once. */
export interface MissScope {
  /** Runs the computation inside the host's context (for example to record emitted elements). */
  run<T>(compute: () => T): T;
  /**
   * The miss has settled. Returns what the host recorded (stored with the entry and handed to
   * {@link CacheHost.replay} on hits), or `undefined` when there is nothing to replay.
   */
  end(outcome: MissOutcome): unknown;
}

/** Where cached functions show progress and replay output. */
export interface CacheHost {
  /** A miss starts computing. */
  beginMiss(miss: MissInfo): MissScope;
  /**
   * True while every `beginMiss` would return {@link PASS_THROUGH_SCOPE} (the host shows and
   * records nothing, like the terminal host off a TTY): misses then skip the host altogether.
   */
  readonly quiet?: boolean;
  /**
   * A call waits on a computation another caller started (single flight). `wait` describes the
   * miss it waits on: `startedAt` is when that miss started, so elapsed time counts from there.
   * The returned handle is ended exactly once, when the computation settles either way. Optional:
   * hosts that show nothing for waiters leave it out.
   */
  beginWait?(wait: MissInfo): { end(): void } | undefined;
  /**
   * A hit (or a waiter of a shared computation) returns an entry that carries a recording. A host
   * that never records (its scopes always end with `undefined`) leaves this out, which lets
   * waiters share the computation's own promise instead of one continuation each.
   */
  replay?(recording: unknown, functionName: string): void;
  /**
   * For functions with `experimentalAllowWidgets`: the current state of the widgets that
   * `recording` read while computing, as a string (for example a digest of widget id and value
   * pairs), or `undefined` when it read none. The cache keys values by arguments plus this
   * state, so each combination of widget values gets its own entry.
   */
  widgetState?(recording: unknown): string | undefined;
}

/**
 * A scope that records nothing and runs the computation as it is. A host may return it from
 * `beginMiss`; the cache then calls the function directly, without wrapping it in a closure.
 */
export const PASS_THROUGH_SCOPE: MissScope = Object.freeze({
  run: <T>(compute: () => T): T => compute(),
  end: () => undefined,
});
