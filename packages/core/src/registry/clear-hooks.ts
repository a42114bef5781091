/**
 * Clears that cross processes, seen from the core (SPEC 5.4). The core knows nothing of Redis or
 * networks: a fleet package listens to the clears the application makes here ({@link onClear}),
 * sends them wherever it likes, and applies the clears other processes made through
 * {@link clearableFunctions} and {@link clearAllFromFleet}, which its own listeners never hear
 * (so a received clear is never sent back out).
 *
 * Nothing here runs on the hit path; with no listener, a clear costs one size check more.
 */
import type { FunctionCache } from "../cache/function-cache.js";
import { reportProblem } from "../events/events.js";
import { globalSingleton } from "../global-singleton.js";
import { sha256Text } from "../keys/digest.js";
import type { Keyer } from "../keys/keyer.js";
import { keyFromWire, keyToWire } from "../keys/wire.js";
import type { AnyFunction } from "../options/options.js";
import { runInSessionOrNone } from "../session/session.js";
import type { CallSite } from "./call-site.js";
import { liveCaches } from "./registry.js";

/** Where a cached function comes from, in terms another process of the same app shares. */
export interface FunctionOrigin {
  /** Name shown in messages and events. */
  readonly displayName: string;
  /** The `name` option, when given: then it alone identifies the function. */
  readonly name: string | undefined;
  /** The module that wrapped it (a file path or `file:` URL; `"<unknown>"` when none was found). */
  readonly module: string;
  /**
   * What tells it apart inside its module: the function's name; for methods and anonymous
   * functions, whose names do not, also a digest of their source.
   */
  readonly local: string;
  /**
   * `line:column` where it was wrapped, in the running code (the same in every process that runs
   * the same build), when known. It tells apart functions whose module and `local` agree (two
   * anonymous functions with the same text, or minified functions that share a short name in
   * different scopes of one bundle); it is not identity on its own, as an edit above the function
   * moves it.
   */
  readonly position?: string;
}

/** A clear the application made in this process. */
export type ClearNotice =
  /** `cacheResource.clear()`. */
  | { readonly scope: "all" }
  /** `fn.clear()`, or `fn.clear(...args)` with an argument known only by its identity here. */
  | { readonly scope: "function"; readonly origin: FunctionOrigin }
  /** `fn.clear(...args)`: `key` is the entry's key as text (the same text in every process). */
  | { readonly scope: "entry"; readonly origin: FunctionOrigin; readonly key: string };

/** A cached function as a fleet sees it. */
export interface ClearableFunction {
  readonly origin: FunctionOrigin;
  /**
   * Applies a clear made elsewhere, in every session: the entry whose key text is `key`, or every
   * entry. Values are released with reason `"clear"`, as by a local `fn.clear`; no
   * {@link onClear} listener hears it. Settles as `clear` does; never rejects.
   */
  clear(key?: string): Promise<void>;
}

interface Hooks {
  readonly listeners: Set<(notice: ClearNotice) => void>;
  readonly functions: WeakMap<FunctionCache, ClearableFunction>;
}

// Shared by every copy of the library, as the registry is.
const hooks = globalSingleton<Hooks>("clear-hooks.v1", () => ({ listeners: new Set(), functions: new WeakMap() }));

/**
 * Calls `listener` for every clear the application makes in this process, after the local
 * removal has started. Session-scoped functions cleared inside a session are not announced: a
 * session lives in one process. Returns the unsubscribe function.
 * @example
 * const stop = onClear((notice) => outbox.push(notice));
 */
export function onClear(listener: (notice: ClearNotice) => void): () => void {
  hooks.listeners.add(listener);
  return () => {
    hooks.listeners.delete(listener);
  };
}

/** Every live cached function of this process. */
export function clearableFunctions(): ClearableFunction[] {
  const found: ClearableFunction[] = [];
  for (const cache of liveCaches()) {
    const fn = hooks.functions.get(cache);
    if (fn !== undefined) found.push(fn);
  }
  return found;
}

/**
 * Applies a `cacheResource.clear()` made elsewhere (reason `"clear-all"`), unheard by
 * {@link onClear} listeners. Settles when the release hooks have; never rejects.
 */
export function clearAllFromFleet(): Promise<void> {
  return Promise.all(liveCaches().map((cache) => cache.clearAll())).then(() => undefined);
}

/** The origin of `fn` wrapped at `site`. */
export function originOf(fn: AnyFunction, name: string | undefined, displayName: string, site: CallSite | undefined, isMethod: boolean): FunctionOrigin {
  const fnName = fn.name.replace(/^bound /, "");
  const byName = !isMethod && fnName !== "";
  const local = byName ? fnName : `${isMethod ? "method:" : ""}${fnName}@${sha256Text(Function.prototype.toString.call(fn))}`;
  return { displayName, name, module: site?.file ?? "<unknown>", local, ...(site !== undefined && { position: site.position }) };
}

/** Makes `cache` reachable by fleets (each wrap registers again, so the newest copy of the library serves it). */
export function registerClearable(cache: FunctionCache, origin: FunctionOrigin): void {
  hooks.functions.set(cache, {
    origin,
    clear: (key) => (key === undefined ? runInSessionOrNone(undefined, () => cache.clear(undefined)) : cache.clearKey(keyFromWire(key))),
  });
}

/** Whether anyone listens (checked before building a notice). */
export function clearsObserved(): boolean {
  return hooks.listeners.size > 0;
}

/** Tells the listeners about `fn.clear(...args)` (`args` undefined: every entry). */
export function announceFunctionClear(origin: FunctionOrigin, keyer: Keyer, args: readonly unknown[] | undefined): void {
  if (args !== undefined && keyer.portable(args)) announce({ scope: "entry", origin, key: keyToWire(keyer.key(args)) });
  else announce({ scope: "function", origin });
}

/** Tells the listeners about `cacheResource.clear()`. */
export function announceClearAll(): void {
  announce({ scope: "all" });
}

function announce(notice: ClearNotice): void {
  for (const listener of [...hooks.listeners]) {
    try {
      listener(notice);
    } catch (error) {
      reportProblem(`a clear listener threw while handling a "${notice.scope}" clear`, error);
    }
  }
}
