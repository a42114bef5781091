import { fileURLToPath } from "node:url";
import { FunctionIdentityError } from "../errors.js";
import type { AnyFunction, ResolvedOptions } from "../options/options.js";

/** Who a cached function is, as far as its cache is concerned. */
export interface FunctionIdentity {
  /**
   * The line of descent across reruns and reloads: module + name (or the `name` option). A new
   * signature on the same lineage supersedes the old cache.
   */
  readonly lineage: string;
  /** Source text and the options that shape stored entries; equal signatures share a cache. */
  readonly signature: string;
  /** Name shown in messages, spinners and stats. */
  readonly displayName: string;
  /**
   * Anonymous functions only: where they were wrapped. A function with a new source wrapped at
   * the place of an earlier one is that function edited, so it replaces the earlier cache.
   */
  readonly site?: string;
}

/** Where the user's code called `cacheResource`: module (query string dropped) and position. */
export interface CallSite {
  readonly module: string;
  readonly position: string;
}

// Frames inside this package (src/ when run from source, dist/ when built) are not the caller.
const OWN_ROOT = fileURLToPath(new URL("../", import.meta.url));

/**
 * Finds the first stack frame outside this library, above `boundary` (a function of ours that
 * the user called). Costs a stack capture, so it runs once per decoration, never per call.
 */
export function callerSite(boundary: Function): CallSite {
  const originalPrepare = Error.prepareStackTrace;
  const originalLimit = Error.stackTraceLimit;
  let sites: NodeJS.CallSite[] = [];
  try {
    Error.stackTraceLimit = 30;
    Error.prepareStackTrace = (_error, callSites) => callSites;
    const holder: { stack?: unknown } = {};
    Error.captureStackTrace(holder, boundary);
    sites = (holder.stack as NodeJS.CallSite[] | undefined) ?? [];
  } finally {
    Error.prepareStackTrace = originalPrepare;
    Error.stackTraceLimit = originalLimit;
  }
  for (const site of sites) {
    const file = site.getFileName() ?? site.getScriptNameOrSourceURL?.() ?? undefined;
    if (file === undefined || file.startsWith("node:")) continue;
    const path = file.startsWith("file:") ? safeFilePath(file) : file;
    if (path.startsWith(OWN_ROOT)) continue;
    return { module: stripQuery(file), position: `${site.getLineNumber() ?? 0}:${site.getColumnNumber() ?? 0}` };
  }
  return { module: "<unknown>", position: "0:0" };
}

/**
 * Derives the identity of `fn` wrapped at `site` with `options`. Methods of different classes in
 * one module often share a name (`get`), so a method's lineage also includes its source: editing
 * a decorated method starts a new cache without retiring the old one (give it a `name` for that).
 */
export function identify(fn: AnyFunction, options: ResolvedOptions, site: CallSite, isMethod: boolean): FunctionIdentity {
  const source = Function.prototype.toString.call(fn);
  const fnName = fn.name.replace(/^bound /, "");
  if (options.name === undefined && source.includes("[native code]")) {
    throw new FunctionIdentityError(
      `Cannot identify \`${fn.name || "(anonymous)"}\`: bound and native functions print the same ` +
        `placeholder source, so their caches could not be told apart. Pass an explicit identity, ` +
        `e.g. cacheResource(fn, { name: "${fnName || "myResource"}" }).`,
    );
  }
  const displayName = options.name ?? (fnName || "anonymous");
  // Anonymous functions and methods have no name that tells them apart in their module, so
  // their source does; an anonymous function keeps its cache when edits elsewhere move it.
  const anonymous = options.name === undefined && !isMethod && fnName === "";
  const lineage =
    options.name !== undefined
      ? `name:${options.name}`
      : isMethod
        ? `${site.module}#method:${fnName}\n${source}`
        : anonymous
          ? `${site.module}#<anonymous>\n${source}`
          : `${site.module}#${fnName}`;
  const signature = JSON.stringify([
    source,
    options.ttlMs,
    options.maxEntries,
    options.scope,
    options.refreshMode,
    options.validate !== undefined,
    options.exclude ?? [],
  ]);
  return anonymous ? { lineage, signature, displayName, site: `${site.module}@${site.position}` } : { lineage, signature, displayName };
}

function stripQuery(file: string): string {
  const cut = file.search(/[?#]/);
  return cut === -1 ? file : file.slice(0, cut);
}

function safeFilePath(url: string): string {
  try {
    return fileURLToPath(stripQuery(url));
  } catch {
    return url;
  }
}
