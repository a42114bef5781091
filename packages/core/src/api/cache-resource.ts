import { FunctionCache } from "../cache/function-cache.js";
import type { Lease } from "../cache/leases.js";
import { releaseOnExit, type ReleaseOnExitOptions } from "../lifecycle/release-on-exit.js";
import { shutdown, type ShutdownOptions } from "../lifecycle/shutdown.js";
import { InvalidOptionError } from "../errors.js";
import type { CacheEventListener } from "../events/events.js";
import { totalStats, type FunctionStats, type GlobalStats } from "../events/stats.js";
import { installedHost } from "../hosts/current.js";
import type { CacheHost } from "../hosts/host.js";
import { createTerminalHost } from "../hosts/terminal.js";
import { createKeyer } from "../keys/keyer.js";
import { resolveOptions, type AnyFunction, type ArgumentsOf, type CacheableFunction, type CacheOptions, type ResultOf } from "../options/options.js";
import { callerSite, codeLocation, type CallSite } from "../registry/call-site.js";
import { identify } from "../registry/identity.js";
import { liveCaches, registerCache, registry, reviveCache } from "../registry/registry.js";
import { announceClearAll, announceFunctionClear, clearsObserved, originOf, registerClearable } from "../registry/clear-hooks.js";
import { currentSessionId, markSessionEnded } from "../session/session.js";

/**
 * A cached function: the original signature (sync stays sync, a Promise stays a Promise of the
 * same value) plus `clear` and `stats`.
 */
export type CachedFunction<F extends CacheableFunction> = F & {
  /**
   * `clear()` removes every entry of this function; `clear(...args)` only the entry for these
   * arguments (keyed exactly like a call). Removal is immediate (the next call recomputes); the
   * Promise settles once the `onRelease` hooks of the removed values have finished (a value still
   * leased is released when its last lease ends, or at `drainTimeout`), and never rejects. With
   * `scope: "session"`, inside a session only that session's entries are removed.
   */
  clear(...args: ArgumentsOf<F> | []): Promise<void>;
  /**
   * Looks up exactly as a call does (hit, miss, single flight, validate, sessions) and also takes a
   * lease on the value: while the lease is open, removing the value from the cache (a clear, an
   * eviction, an expiry, shutdown, ...) does not release it; `onRelease` runs when the last lease
   * ends, or after `drainTimeout`. Sync functions return the lease, async ones a Promise of it.
   * @example
   * app.get("/users", async (req, res) => {
   *   await using lease = await getPool.acquire(DATABASE_URL);
   *   res.json(await lease.value.query("select * from users"));
   * });
   */
  acquire(...args: ArgumentsOf<F>): AcquireResult<F>;
  /** Counters of this function: entries, hits, misses, errors, releases by reason, compute times. */
  stats(): FunctionStats;
};

/** What `fn.acquire()` returns: a {@link Lease} for sync functions, a Promise of one for async ones. */
export type AcquireResult<F extends CacheableFunction> = LeaseOf<ResultOf<F>>;
/** Distributes over a union return type (`T | Promise<T>` gives `Lease<T> | Promise<Lease<T>>`). */
type LeaseOf<R> = R extends PromiseLike<infer V> ? Promise<Lease<V>> : Lease<R>;

/** What `cacheResource(options)` returns: wraps a function, or decorates a class method. */
export interface CacheDecorator {
  <F extends CacheableFunction>(fn: F): CachedFunction<F>;
  /** TC39 standard method decorator: the cache is shared by all instances (`this` is not in the key). */
  <F extends CacheableFunction>(method: F, context: ClassMethodDecoratorContext): F;
}

/** The `cacheResource` function and its static members. */
export interface CacheResource {
  /**
   * Caches `fn`: one value per distinct argument list, created once, shared by every caller and
   * returned by reference.
   * @example
   * const getDb = cacheResource(function getDb(url: string) {
   *   return new Pool({ connectionString: url });
   * });
   */
  <F extends CacheableFunction>(fn: F, options?: CacheOptions<F>): CachedFunction<F>;
  /**
   * Returns a decorator with these options, usable on functions and as a method decorator.
   * @example
   * const hourly = cacheResource({ ttl: "1h" });
   * const getClient = hourly(function getClient(region: string) { return new Client(region); });
   */
  (options: CacheOptions): CacheDecorator;
  /**
   * Removes every entry of every cached function (all sessions). Settles when the release hooks
   * have finished (leased values: after their last lease, or at `drainTimeout`); never rejects.
   */
  clear(): Promise<void>;
  /**
   * Releases everything, for the end of the process: removes every entry of every function (reason
   * `"shutdown"`), waits for leased values' last leases and for every `onRelease` hook, at most
   * `timeout` (then still-leased values are released at once, with a warning naming what was
   * open). From its start, computing a value throws `CacheShutdownError`. Never rejects; its timer
   * does not keep the process alive; calling it again returns the same promise.
   * @example
   * server.close();
   * await cacheResource.shutdown({ timeout: "10s" });
   */
  shutdown(options?: ShutdownOptions): Promise<void>;
  /**
   * Installs handlers for `signals` (SIGINT and SIGTERM by default): the first one runs
   * `shutdown({ timeout })`, then the process ends with the signal's usual status (killed by it,
   * or 128 + its number when other listeners for it remain); a second one ends it at once.
   * Returns a function that removes the handlers. Nothing is installed unless this is called.
   * @example
   * const uninstall = cacheResource.releaseOnExit({ timeout: "10s" });
   */
  releaseOnExit(options?: ReleaseOnExitOptions): () => void;
  /** The typed event stream: hit, miss, computed, error, release, refresh. */
  readonly events: { subscribe(listener: CacheEventListener): () => void };
  /** Totals over every cached function, with each function's own counters. */
  stats(): GlobalStats;
}

let terminalHost: CacheHost | undefined;
function currentHost(): CacheHost {
  return installedHost() ?? (terminalHost ??= createTerminalHost());
}

function wrap(fn: AnyFunction, options: CacheOptions | undefined, site: CallSite | undefined, isMethod: boolean): CachedFunction<AnyFunction> {
  refuseUncallable(fn);
  const resolved = resolveOptions(options as CacheOptions);
  const identity = identify(fn, resolved, site, isMethod);
  const keyer = createKeyer({
    functionName: identity.displayName,
    fn,
    ...(resolved.exclude !== undefined && { exclude: resolved.exclude }),
    ...(resolved.hashFuncs !== undefined && { hashFuncs: resolved.hashFuncs }),
    ...(site !== undefined && { wrappedAt: codeLocation(site) }),
  });
  const create = () =>
    new FunctionCache({
      fn,
      displayName: identity.displayName,
      lineage: identity.key,
      signature: identity.signature,
      options: resolved,
      keyer,
      events: registry.events,
      host: currentHost,
    });
  const adopt = (existing: FunctionCache) => existing.adopt(fn, resolved, keyer);
  const origin = originOf(fn, resolved.name, identity.displayName, site, isMethod);
  const register = () => {
    const registered = registerCache(identity, create, adopt);
    registerClearable(registered, origin);
    return registered;
  };
  let cache = register();
  // An older definition is still being called after a newer one replaced it.
  const reregister = () => {
    const revived = reviveCache(identity, create);
    registerClearable(revived, origin);
    return revived;
  };

  // Named parameters and `arguments` instead of a rest parameter: calls with up to three
  // arguments (most resource factories) then build no array at all on the hit path.
  const cachedAny = function (this: unknown, a0?: unknown, a1?: unknown, a2?: unknown): unknown {
    if (cache.retired) cache = reregister();
    const count = arguments.length;
    if (count === 1) return cache.callOne(this, a0);
    if (count === 0) return cache.callNone(this);
    if (count <= 3) return cache.callSome(this, count, a0, a1, a2);
    const args: unknown[] = new Array(count);
    for (let i = 0; i < count; i++) args[i] = arguments[i];
    return cache.call(this, args);
  };
  // Functions declaring no parameter or one get a wrapper of their own: each function literal
  // has its own type feedback, shared by every cached function wrapped with it. With one wrapper
  // for all, the optimizer inlines the branches other functions take (no argument, several) into
  // every hot call site of a one-argument function, which makes its code larger and slower to
  // compile. Another argument count still works: it goes the general way.
  const cachedNone = function (this: unknown): unknown {
    if (arguments.length !== 0 || cache.retired) return Reflect.apply(cachedAny, this, arguments);
    return cache.callNone(this);
  };
  const cachedOne = function (this: unknown, a0?: unknown): unknown {
    if (arguments.length !== 1 || cache.retired) return Reflect.apply(cachedAny, this, arguments);
    return cache.callOne(this, a0);
  };
  const cached = (fn.length === 0 ? cachedNone : fn.length === 1 ? cachedOne : cachedAny) as CachedFunction<AnyFunction>;
  Object.defineProperty(cached, "name", { value: identity.displayName });
  Object.defineProperty(cached, "length", { value: fn.length });
  cached.clear = (...args: unknown[]) => {
    if (cache.retired) return Promise.resolve();
    const hashed = args.length === 0 ? undefined : args;
    const done = cache.clear(hashed);
    // Other processes hear of it (a session lives in one process: its own clears stay here).
    if (clearsObserved() && !(resolved.scope === "session" && currentSessionId() !== undefined)) announceFunctionClear(origin, keyer, hashed);
    return done;
  };
  cached.acquire = ((...args: unknown[]) => {
    if (cache.retired) cache = reregister();
    return cache.acquire(args);
  }) as CachedFunction<AnyFunction>["acquire"];
  cached.stats = () => cache.stats();
  return cached;
}

function cacheResourceImpl(fnOrOptions: AnyFunction | CacheOptions | undefined, options?: CacheOptions): unknown {
  if (typeof fnOrOptions === "function") {
    if (isDecoratorContext(options)) {
      // `@cacheResource` written bare (as `@st.cache_resource` is): TypeScript accepts it.
      if (options.kind !== "method") {
        throw new InvalidOptionError("cacheResource", options.kind, "only methods can be decorated", "@cacheResource on a class method");
      }
      return wrap(fnOrOptions, undefined, callerSite(cacheResourceImpl, 2), true);
    }
    return wrap(fnOrOptions, options, callerSite(cacheResourceImpl, 1), false);
  }
  if (fnOrOptions === undefined || (typeof fnOrOptions === "object" && fnOrOptions !== null)) {
    if (options !== undefined) {
      throw new InvalidOptionError("options", options, "pass options once: cacheResource(fn, options) or cacheResource(options)(fn)", "cacheResource(fn, { ttl: 60 })");
    }
    resolveOptions(fnOrOptions); // bad options fail here, where the decorator is written
    const decorator = function (fn: AnyFunction, context?: ClassMethodDecoratorContext): unknown {
      if (typeof fn !== "function") {
        throw new InvalidOptionError("cacheResource", fn, "a decorator from cacheResource(options) must be applied to a function", "cacheResource({ ttl: 60 })(myFunction)");
      }
      if (context !== undefined && context.kind !== "method") {
        throw new InvalidOptionError("cacheResource", context.kind, "only methods can be decorated", "@cacheResource({ ttl: 60 }) on a class method");
      }
      return wrap(fn, fnOrOptions, callerSite(decorator, context !== undefined ? 2 : 1), context !== undefined);
    };
    return decorator;
  }
  throw new InvalidOptionError(
    "cacheResource",
    fnOrOptions,
    "expects a function to cache or an options object",
    "cacheResource(fn), cacheResource(fn, options) or cacheResource(options)(fn)",
  );
}

const GeneratorFunction = Object.getPrototypeOf(function* () {}) as object;
const AsyncGeneratorFunction = Object.getPrototypeOf(async function* () {}) as object;

/**
 * Refuses what cannot be cached as a function: a class (it throws when called without `new`), and
 * a generator, whose result is a one-shot iterator: cached, every caller would share it, and the
 * first loop would drain it for everyone (Streamlit refuses generators at decoration time too).
 */
function refuseUncallable(fn: AnyFunction): void {
  if (/^class\b/.test(Function.prototype.toString.call(fn))) {
    // The signature accepts any Function (so that F is exactly the function's own type): refuse
    // classes here, whose constructor throws when called without `new`.
    const name = fn.name || "(anonymous class)";
    throw new InvalidOptionError(
      "cacheResource",
      fn,
      `\`${name}\` is a class, and a class cannot be called without \`new\``,
      `a function that constructs it, e.g. cacheResource((...args) => new ${fn.name || "MyClass"}(...args))`,
    );
  }
  const proto = Object.getPrototypeOf(fn) as object | null;
  if (proto !== GeneratorFunction && proto !== AsyncGeneratorFunction) return;
  const isAsync = proto === AsyncGeneratorFunction;
  const name = fn.name || "(anonymous)";
  throw new InvalidOptionError(
    "cacheResource",
    fn,
    `\`${name}\` is ${isAsync ? "an async" : "a"} generator function: cached, every caller would share one one-shot iterator, ` +
      "so the first loop would drain it and the next would see nothing",
    isAsync
      ? "an async function that collects the items and returns them (for await … push, or Array.fromAsync on Node 22+), " +
          "or cache the resource the generator reads from and iterate outside the cache"
      : `a function that returns the items, e.g. cacheResource((...args) => Array.from(${name}(...args))), ` +
          "or cache the resource the generator reads from and iterate outside the cache",
  );
}

/** A TC39 decorator context (never valid options: `kind` and `addInitializer` are not options). */
function isDecoratorContext(value: unknown): value is DecoratorContext {
  return typeof value === "object" && value !== null && "kind" in value && typeof (value as { addInitializer?: unknown }).addInitializer === "function";
}

function clearEverything(): Promise<void> {
  const done = settleEach(liveCaches().map((cache) => cache.clearAll()));
  if (clearsObserved()) announceClearAll();
  return done;
}

/**
 * Waits for every cache's hooks. Each cache bounds the wait for its own hooks on its own clock
 * (the one its ttl runs on), so a hook that never settles cannot hold a clear forever.
 */
function settleEach(waits: Promise<void>[]): Promise<void> {
  return Promise.all(waits).then(() => undefined);
}

/** Streamlit's `st.cache_resource` for TypeScript. */
export const cacheResource: CacheResource = Object.assign(cacheResourceImpl as CacheResource, {
  clear: clearEverything,
  shutdown,
  releaseOnExit,
  events: { subscribe: (listener: CacheEventListener) => registry.events.subscribe(listener) },
  stats: () => totalStats(liveCaches().map((cache) => cache.stats())),
});

/**
 * Ends a session: releases the entries every session-scoped function holds for it. Settles when
 * their release hooks have finished (leased values: after their last lease, or at
 * `drainTimeout`); never rejects.
 * @example
 * socket.on("close", () => endSession(socket.id));
 */
export function endSession(sessionId: string): Promise<void> {
  markSessionEnded(sessionId);
  return settleEach(liveCaches().map((cache) => cache.endSession(sessionId)));
}
