import type { Clock } from "../clock/clock.js";
import { systemClock } from "../clock/clock.js";
import { parseTtl, type TtlInput } from "../durations/parse-ttl.js";
import { asyncDisposeSymbol, disposeSymbol } from "../cache/leases.js";
import { describeValue, InvalidOptionError, InvalidTtlError } from "../errors.js";
import type { ReleaseReason } from "../events/events.js";
import type { HashFuncs } from "../keys/keyer.js";

/** Any function a user may cache. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyFunction = (...args: any[]) => any;

/**
 * The constraint of the cached function's type `F` in the public signatures. `Function`, not
 * {@link AnyFunction}, on purpose: a constraint with a call signature contextually types the
 * function written in the call, and TypeScript then types an unannotated parameter from it, even
 * one with a default (`size = 10` became `size?: any`). With no call signature in the constraint,
 * `F` is exactly the function's own type.
 */
export type CacheableFunction = Function;

/**
 * The parameter list of a function type (`Parameters`, for a `Function`-constrained type). `any`
 * for a type with no call signature: while TypeScript still infers `F` (a function whose body
 * returns an object literal with methods is inferred late), options are checked against the
 * constraint, and they must not be refused then.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ArgumentsOf<F> = F extends (...args: infer A) => any ? A : any;

/** The return type of a function type (`ReturnType`, for a `Function`-constrained type); see {@link ArgumentsOf}. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ResultOf<F> = F extends (...args: any) => infer R ? R : any;

/** What `validate` may return: async results only for functions that return a Promise. */
export type ValidateResult<F extends CacheableFunction> =
  ResultOf<F> extends PromiseLike<unknown> ? boolean | PromiseLike<boolean> : boolean;

/**
 * Options of `cacheResource`. Names are the camelCase of Streamlit's `st.cache_resource`
 * parameters, with the same defaults.
 */
export interface CacheOptions<F extends CacheableFunction = AnyFunction> {
  /**
   * Maximum age of an entry, counted from when its value settled. A number is seconds; strings
   * take pandas Timedelta style (`"1d"`, `"1.5 days"`, `"1h23s"`, `"30min"`, `"500ms"`) or ISO 8601
   * (`"PT1H30M"`); objects take `{ weeks, days, hours, minutes, seconds, milliseconds }`.
   * Expired entries are removed by a timer, so `onRelease` runs on time.
   * @default null (never expires)
   * @example cacheResource(connect, { ttl: "1h" })
   */
  ttl?: TtlInput;
  /**
   * Most entries kept (per session with `scope: "session"`); when a new value would exceed it,
   * the least recently used entry is released.
   * @default null (unbounded)
   * @example cacheResource(loadModel, { maxEntries: 4 })
   */
  maxEntries?: number | null;
  /**
   * Show a spinner while a miss computes: only for the outermost cached call, and only once the
   * miss has lasted 0.5 s. A string replaces the default text "Running `name(...)`.".
   * @default true
   * @example cacheResource(loadModel, { showSpinner: "Loading the model..." })
   */
  showSpinner?: boolean | string;
  /**
   * Show the elapsed time next to the spinner text, e.g. "(1.3 seconds)".
   * @default false
   */
  showTime?: boolean;
  /**
   * Called with the stored value (and the call's arguments) on every hit; returning `false`
   * releases the entry and computes a new value. May return a Promise only when the cached
   * function itself returns one. If it throws, that call gets the error and the entry is released.
   * @default undefined
   * @example cacheResource(connect, { validate: (pool) => !pool.ended })
   */
  validate?: (value: Awaited<ResultOf<F>>, ...args: ArgumentsOf<F>) => ValidateResult<F>;
  /**
   * Custom hashing per type: a `Map` from a class (or a class's name, which still matches after a
   * hot reload) to a function that turns such a value into something hashable.
   * @default undefined
   * @example cacheResource(getPersonName, { hashFuncs: new Map([[Person, (p: Person) => p.id]]) })
   */
  hashFuncs?: HashFuncs;
  /**
   * Arguments left out of the key, by position or by parameter name. Positions, unlike names and
   * the leading-`_` convention, survive minifiers that rename parameters: a name that is no longer
   * a parameter throws `InvalidOptionError` when the function is wrapped.
   * @default []
   * @example cacheResource((factory: Factory, url: string) => factory.open(url), { exclude: [0] })
   */
  exclude?: readonly (number | string)[];
  /**
   * Cleanup for every value that leaves the cache, called exactly once whatever the path: clears,
   * LRU eviction, ttl expiry, failed validation, background replacement, session end, shutdown or
   * a changed function. A value leased with `fn.acquire()` is released when its last lease ends
   * (see `drainTimeout`). Async hooks are awaited by `clear()`; a throwing hook is reported as a
   * warning and an `error` event, and never stops the others.
   *
   * `"dispose"` calls the value's own `[Symbol.asyncDispose]()` (awaited) or `[Symbol.dispose]()`;
   * a value that has neither is reported as a failed release.
   * @default undefined
   * @example cacheResource(connect, { onRelease: (pool) => pool.end() })
   * @example cacheResource(openDb, { onRelease: "dispose" }) // a PGlite, a FileHandle, any Disposable
   */
  onRelease?: ((value: Awaited<ResultOf<F>>, reason: ReleaseReason) => void | PromiseLike<void>) | DisposeKeyword<Awaited<ResultOf<F>>>;
  /**
   * An estimate of a value's retained size in bytes, for `stats().bytes`. Called once when a value
   * is stored (and when a background refresh replaces it), never on hits. There is no automatic
   * estimate: V8 has no cheap per-object retained size, and a walk of the value's objects would
   * miss what resources hold outside the JavaScript heap (sockets, WASM memory, native addons).
   * A throwing `sizeOf`, or one that returns no finite number of at least 0, counts the value as
   * 0 bytes and is reported once as a warning.
   * @default undefined (no estimate: `stats().bytes` is absent)
   * @example cacheResource(loadModel, { sizeOf: (model) => model.weights.byteLength })
   */
  sizeOf?: (value: Awaited<ResultOf<F>>) => number;
  /**
   * How long a value removed from the cache while leases on it are open (`fn.acquire()`) waits for
   * its last lease before it is released anyway, with a warning that names the function and the
   * number of leases still open. A duration in any form `ttl` accepts, on this function's `clock`;
   * `null` waits as long as it takes (`cacheResource.shutdown()` still ends the wait at its timeout).
   * @default 30 (seconds)
   * @example cacheResource(connect, { onRelease: (pool) => pool.end(), drainTimeout: "2m" })
   */
  drainTimeout?: TtlInput;
  /**
   * `"global"` shares entries across the process; `"session"` keeps them per session
   * (`runInSession`) and releases them at `endSession`.
   * @default "global"
   */
  scope?: "global" | "session";
  /**
   * With `"background"` (needs `ttl`), a value older than ttl but younger than 2×ttl is returned at
   * once while one refresh per key runs; older values make the caller wait.
   * @default "foreground"
   */
  refreshMode?: "foreground" | "background";
  /**
   * Explicit identity of the function's cache, instead of its module and name. Needed for bound
   * and native functions, whose source text is a placeholder.
   * @default undefined
   * @example cacheResource(client.connect.bind(client), { name: "connect" })
   */
  name?: string;
  /**
   * App runtime only: widget values read inside the function become part of the key.
   * @default false
   */
  experimentalAllowWidgets?: boolean;
  /**
   * Time source for ttl and statistics; inject a manual clock in tests.
   * @default the process clock (`performance.now()` and unref'd timers)
   */
  clock?: Clock;
}

/** `"dispose"` is offered for values that are `Disposable` or `AsyncDisposable`. */
export type DisposeKeyword<V> = V extends Disposable | AsyncDisposable ? "dispose" : never;

/** Default of `drainTimeout`, in milliseconds. */
export const DEFAULT_DRAIN_MS = 30_000;

/** Options after validation, as the cache uses them. */
export interface ResolvedOptions {
  readonly ttlMs: number | null;
  readonly maxEntries: number | null;
  readonly showSpinner: boolean | string;
  readonly showTime: boolean;
  readonly validate: ((value: unknown, ...args: unknown[]) => unknown) | undefined;
  readonly hashFuncs: HashFuncs | undefined;
  readonly exclude: readonly (number | string)[] | undefined;
  readonly onRelease: ((value: unknown, reason: ReleaseReason) => unknown) | undefined;
  readonly sizeOf: ((value: unknown) => unknown) | undefined;
  /** `null`: wait for the last lease however long it takes. */
  readonly drainMs: number | null;
  readonly scope: "global" | "session";
  readonly refreshMode: "foreground" | "background";
  readonly name: string | undefined;
  readonly allowWidgets: boolean;
  readonly clock: Clock;
}

const KNOWN_OPTIONS = new Set<string>([
  "ttl", "maxEntries", "showSpinner", "showTime", "validate", "hashFuncs", "exclude", "onRelease",
  "drainTimeout", "sizeOf", "scope", "refreshMode", "name", "experimentalAllowWidgets", "clock",
]);

/** Streamlit spellings users may carry over, mapped to ours for a helpful message. */
const SNAKE_CASE_HINTS: Record<string, string> = {
  max_entries: "maxEntries", show_spinner: "showSpinner", show_time: "showTime", hash_funcs: "hashFuncs",
  on_release: "onRelease", drain_timeout: "drainTimeout", refresh_mode: "refreshMode", experimental_allow_widgets: "experimentalAllowWidgets",
};

/** Validates user options once, at decoration time. Throws {@link InvalidOptionError}. */
export function resolveOptions(options: CacheOptions<AnyFunction> | undefined): ResolvedOptions {
  const o: CacheOptions<AnyFunction> = options ?? {};
  if (typeof o !== "object" || o === null || Array.isArray(o)) {
    throw new InvalidOptionError("options", o, "options must be a plain object", "{ ttl, maxEntries, showSpinner, ... }");
  }
  for (const key of Object.keys(o)) {
    if (!KNOWN_OPTIONS.has(key)) {
      const hint = SNAKE_CASE_HINTS[key];
      throw new InvalidOptionError(
        key,
        (o as Record<string, unknown>)[key],
        hint ? `unknown option; did you mean \`${hint}\`?` : "unknown option",
        [...KNOWN_OPTIONS].join(", "),
      );
    }
  }
  const ttlSeconds = parseTtl(o.ttl);
  const maxEntries = o.maxEntries ?? null;
  if (maxEntries !== null && !(Number.isInteger(maxEntries) && maxEntries >= 1)) {
    throw new InvalidOptionError(
      "maxEntries",
      maxEntries,
      "must be a whole number of at least 1 (to skip caching, call the function directly)",
      "a positive integer such as 4, or null for no bound",
    );
  }
  const showSpinner = o.showSpinner ?? true;
  if (typeof showSpinner !== "boolean" && typeof showSpinner !== "string") {
    throw new InvalidOptionError("showSpinner", showSpinner, "must be a boolean or a string", "true, false, or the spinner text");
  }
  const showTime = o.showTime ?? false;
  if (typeof showTime !== "boolean") {
    throw new InvalidOptionError("showTime", showTime, "must be a boolean", "true or false");
  }
  checkFunction("validate", o.validate, "(value, ...args) => boolean | Promise<boolean>");
  if (o.onRelease !== "dispose") checkFunction("onRelease", o.onRelease, '(value, reason) => void | Promise<void>, or "dispose"');
  checkFunction("sizeOf", o.sizeOf, "(value) => number of bytes");
  const drainSeconds = o.drainTimeout === undefined ? DEFAULT_DRAIN_MS / 1000 : parseDuration("drainTimeout", o.drainTimeout);
  if (o.hashFuncs !== undefined && !(o.hashFuncs instanceof Map)) {
    throw new InvalidOptionError("hashFuncs", o.hashFuncs, "must be a Map", "new Map([[SomeClass, (value) => value.id]])");
  }
  if (o.exclude !== undefined && !Array.isArray(o.exclude)) {
    throw new InvalidOptionError("exclude", o.exclude, "must be an array", "an array of positions and parameter names, e.g. [0, \"client\"]");
  }
  const scope = o.scope ?? "global";
  if (scope !== "global" && scope !== "session") {
    throw new InvalidOptionError("scope", scope, "unknown scope", '"global" or "session"');
  }
  const refreshMode = o.refreshMode ?? "foreground";
  if (refreshMode !== "foreground" && refreshMode !== "background") {
    throw new InvalidOptionError("refreshMode", refreshMode, "unknown refresh mode", '"foreground" or "background"');
  }
  if (refreshMode === "background" && !(ttlSeconds !== null && ttlSeconds > 0)) {
    throw new InvalidOptionError(
      "refreshMode",
      refreshMode,
      "background refresh needs a positive `ttl`: values are refreshed between ttl and 2×ttl",
      'refreshMode: "background" together with ttl, e.g. { ttl: "10m", refreshMode: "background" }',
    );
  }
  if (o.name !== undefined && (typeof o.name !== "string" || o.name.trim() === "")) {
    throw new InvalidOptionError("name", o.name, "must be a non-empty string", 'a stable identifier such as "getDb"');
  }
  const allowWidgets = o.experimentalAllowWidgets ?? false;
  if (typeof allowWidgets !== "boolean") {
    throw new InvalidOptionError("experimentalAllowWidgets", allowWidgets, "must be a boolean", "true or false");
  }
  const clock = o.clock ?? systemClock;
  if (typeof clock !== "object" || typeof clock.now !== "function" || typeof clock.setTimer !== "function") {
    throw new InvalidOptionError("clock", clock, "must have now() and setTimer()", "an object implementing Clock");
  }
  return {
    ttlMs: ttlSeconds === null ? null : ttlSeconds * 1000,
    maxEntries,
    showSpinner,
    showTime,
    validate: o.validate as ResolvedOptions["validate"],
    hashFuncs: o.hashFuncs,
    exclude: o.exclude,
    onRelease: o.onRelease === "dispose" ? disposeValue : (o.onRelease as ResolvedOptions["onRelease"]),
    drainMs: drainSeconds === null ? null : drainSeconds * 1000,
    sizeOf: o.sizeOf as ResolvedOptions["sizeOf"],
    scope,
    refreshMode,
    name: o.name,
    allowWidgets,
    clock,
  };
}

/** `parseTtl` for another option: the same forms and the same error, naming `option`. */
export function parseDuration(option: string, value: TtlInput): number | null {
  try {
    return parseTtl(value);
  } catch (error) {
    if (error instanceof InvalidTtlError) throw new InvalidTtlError(option, value, error.problem, error.accepted);
    throw error;
  }
}

/** `onRelease: "dispose"`: the value's own async or sync dispose method. */
function disposeValue(value: unknown): unknown {
  const disposable = value as Partial<AsyncDisposable & Disposable> | null | undefined;
  const dispose = disposable?.[asyncDisposeSymbol] ?? disposable?.[disposeSymbol];
  if (typeof dispose !== "function") {
    throw new TypeError(
      `onRelease: "dispose" needs a value with [Symbol.asyncDispose]() or [Symbol.dispose](), got ${describeValue(value)}; ` +
        `pass a function instead, e.g. onRelease: (value) => value.close()`,
    );
  }
  return dispose.call(value);
}

function checkFunction(option: string, value: unknown, accepted: string): void {
  if (value !== undefined && typeof value !== "function") {
    throw new InvalidOptionError(option, value, "must be a function", accepted);
  }
}
