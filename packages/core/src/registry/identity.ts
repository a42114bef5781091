import { FunctionIdentityError } from "../errors.js";
import { functionToken, stringToken } from "../keys/tokens.js";
import type { AnyFunction, ResolvedOptions } from "../options/options.js";
import type { CallSite } from "./call-site.js";

/**
 * Who a cached function is, as far as its cache is concerned (docs/identity.md has the reasons).
 *
 * Without a `name` option a function is its call site plus its signature: two wraps share a cache
 * only when they were wrapped at the same place with the same source and options. Places survive
 * bundling and minification (names do not), so distinct functions never meet in one cache.
 */
export interface FunctionIdentity {
  /** Equal keys share one cache. With a `name` option: that name; else call site + signature. */
  readonly key: string;
  /** Source text, name and every option that shapes stored keys or entries. */
  readonly signature: string;
  /** Name shown in messages, spinners and stats. */
  readonly displayName: string;
  /** The `name` option: the user's own identity, which a new signature supersedes at once. */
  readonly explicitName?: string;
  /** Where it was wrapped (absent when code from a string was given a `name`). */
  readonly site?: CallSite;
  /** The function's own name (`""` when anonymous or minified away). */
  readonly fnName: string;
  readonly isMethod: boolean;
}

/**
 * Derives the identity of `fn` wrapped at `site` with `options`. Throws {@link FunctionIdentityError}
 * where no identity can be derived: bound and native functions (no source) and code evaluated from
 * a string (no place), unless a `name` is given.
 */
export function identify(fn: AnyFunction, options: ResolvedOptions, site: CallSite | undefined, isMethod: boolean): FunctionIdentity {
  const source = Function.prototype.toString.call(fn);
  const fnName = fn.name.replace(/^bound /, "");
  const suggestion = `Pass an explicit identity, e.g. cacheResource(fn, { name: "${fnName || "myResource"}" })`;
  if (options.name === undefined && source.includes("[native code]")) {
    throw new FunctionIdentityError(
      `Cannot identify \`${fn.name || "(anonymous)"}\`: bound and native functions print the same ` +
        `placeholder source, so their caches could not be told apart. ${suggestion}.`,
    );
  }
  if (options.name === undefined && site === undefined) {
    throw new FunctionIdentityError(
      `Cannot identify \`${fnName || "(anonymous)"}\`: it was wrapped by code evaluated from a string ` +
        `(eval, new Function, or vm without a filename), which has no file or position that stays the same ` +
        `from one run to the next. ${suggestion}, or give the evaluated code a name (a \`//# sourceURL=\` ` +
        `comment or vm's \`filename\` option).`,
    );
  }
  const signature = signatureOf(source, fnName, isMethod, options);
  const displayName = options.name ?? (fnName || "anonymous");
  const common = { signature, displayName, fnName, isMethod, ...(site !== undefined && { site }) };
  if (options.name !== undefined) return { key: `name:${options.name}`, explicitName: options.name, ...common };
  return { key: `${site!.file}@${site!.position}\n${signature}`, ...common };
}

/**
 * Everything that decides what a cache stores and under which keys. A new signature is a new
 * cache; `onRelease`, `showSpinner` and the `validate` function itself are taken from the newest
 * wrap instead (they change no stored key or entry).
 */
function signatureOf(source: string, fnName: string, isMethod: boolean, options: ResolvedOptions): string {
  return JSON.stringify([
    source,
    fnName,
    isMethod,
    options.ttlMs,
    options.maxEntries,
    options.scope,
    options.refreshMode,
    options.validate !== undefined,
    options.exclude ?? [],
    options.allowWidgets,
    hashFuncsSignature(options.hashFuncs),
  ]);
}

/**
 * `hashFuncs` by content: each entry's type (a class by name and source, so one re-created by a
 * reload matches; a type name as itself) and its function's source, in a fixed order. A Map
 * rebuilt with the same entries (a rerun) keeps the cache; another function or type starts a new one.
 */
function hashFuncsSignature(hashFuncs: ResolvedOptions["hashFuncs"]): string[] {
  if (hashFuncs === undefined) return [];
  const entries: string[] = [];
  for (const [type, fn] of hashFuncs) {
    const typeToken = typeof type === "function" ? functionToken(type) : stringToken(String(type));
    entries.push(typeToken + (typeof fn === "function" ? functionToken(fn) : ""));
  }
  return entries.sort();
}
