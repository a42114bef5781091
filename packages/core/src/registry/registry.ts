import { FunctionIdentityError } from "../errors.js";
import { EventStream, reportProblem } from "../events/events.js";
import type { FunctionCache } from "../cache/function-cache.js";
import type { CallSite } from "./call-site.js";
import type { FunctionIdentity } from "./identity.js";
import { globalSingleton } from "../global-singleton.js";
import { reconcileReload, type Definition } from "./reloads.js";

/**
 * Every cached function's cache in the process, by identity key. It lives on `globalThis` under a
 * `Symbol.for` key, so reruns, hot reloads and duplicate copies of the library (a CommonJS and an
 * ESM build, two versions in node_modules) all find the same caches instead of creating twins.
 */
export interface Registry {
  /** Live caches by identity key (`name:…` for the `name` option, else call site + signature). */
  readonly caches: Map<string, FunctionCache>;
  readonly events: EventStream;
  /** Keys already warned about (once each). */
  readonly warnedLineages: Set<string>;
  /** Keys whose previous cache is being retired right now (its release hooks are running). */
  retiring?: Set<string>;
  /** Definitions wrapped without a `name`, by file: what a reload of that file is matched against. */
  definitions?: Map<string, Definition[]>;
  /** Each file's texts (script hashes) in the order they were first seen: the last is the newest. */
  fileVersions?: Map<string, string[]>;
}

/** The process-wide registry (created on first use). */
export const registry = globalSingleton<Registry>("registry.v1", () => ({
  caches: new Map(),
  events: new EventStream(),
  warnedLineages: new Set(),
}));

// Kept with the registry, so every copy of the library sees a retirement another copy started.
const retiring = (registry.retiring ??= new Set<string>());
const definitions = (registry.definitions ??= new Map<string, Definition[]>());
const fileVersions = (registry.fileVersions ??= new Map<string, string[]>());

/**
 * Returns the cache for `identity`. An equal key finds the live cache (`adopt` then takes the
 * newest function). Otherwise a new cache is made by `create`, and what it replaces depends on
 * the kind of identity:
 * - a `name` option: the previous cache of that name is retired (its entries released) at once;
 * - no name: nothing is retired now. If the wrap comes from an edited text of a file (a reload),
 *   the definition it replaces is found once the file has finished evaluating — and only when
 *   exactly one candidate fits (docs/identity.md). Two functions alive side by side never retire
 *   each other.
 */
export function registerCache(identity: FunctionIdentity, create: () => FunctionCache, adopt: (cache: FunctionCache) => void): FunctionCache {
  const site = identity.explicitName === undefined ? identity.site : undefined;
  const newest = site !== undefined && noteVersion(site.file, site.version);
  const current = registry.caches.get(identity.key);
  if (current !== undefined && !current.retired && current.signature === identity.signature) {
    adopt(current);
    // Wrapped again by the newest text of its file: it belongs to that text now.
    const def = newest ? definitions.get(site.file)?.find((d) => d.cache === current) : undefined;
    if (def !== undefined && def.version !== site!.version) takeOver(def, site!, identity.key);
    return current;
  }
  refuseDuringRetirement(identity);
  if (site === undefined) {
    if (current !== undefined && !current.retired) retire(identity.key, current);
    const cache = create();
    registry.caches.set(identity.key, cache);
    return cache;
  }
  const inFile = definitions.get(site.file) ?? [];
  // The same function, moved by an edit elsewhere in its file: it keeps its cache.
  const moved = inFile.filter((d) => !d.cache.retired && d.version !== site.version && d.signature === identity.signature);
  if (moved.length === 1) {
    const def = moved[0]!;
    if (registry.caches.get(def.key) === def.cache) registry.caches.delete(def.key);
    takeOver(def, site, identity.key);
    registry.caches.set(identity.key, def.cache);
    adopt(def.cache);
    return def.cache;
  }
  const cache = create();
  registry.caches.set(identity.key, cache);
  const def: Definition = {
    cache,
    key: identity.key,
    file: site.file,
    script: site.script,
    version: site.version,
    position: site.position,
    scope: site.scope,
    movedFrom: undefined,
    fnName: identity.fnName,
    isMethod: identity.isMethod,
    displayName: identity.displayName,
    signature: identity.signature,
    ordinal: inFile.filter((d) => d.version === site.version && d.fnName === "" && !d.isMethod).length,
    fresh: true,
  };
  definitions.set(site.file, [...inFile.filter((d) => !d.cache.retired), def]);
  // A new definition in the newest text of a file that had other texts: maybe an edited one.
  if (newest && inFile.some((d) => !d.cache.retired && d.version !== site.version)) scheduleReconcile(site.file, site.version);
  return cache;
}

/** A newer text of the file wrapped `def` again (same signature): the definition is now that text's. */
function takeOver(def: Definition, site: CallSite, key: string): void {
  def.movedFrom = `${def.version}\n${def.scope}`;
  Object.assign(def, { key, script: site.script, position: site.position, version: site.version, scope: site.scope, fresh: false });
}

/**
 * An older definition is called after its cache was retired (a reload replaced it, or another
 * wrap took its `name`). It gets a cache of its own again, and retires nothing: the newer
 * definition may be alive too, and two live definitions never release each other's values.
 */
export function reviveCache(identity: FunctionIdentity, create: () => FunctionCache): FunctionCache {
  const current = registry.caches.get(identity.key);
  if (current !== undefined && !current.retired && current.signature === identity.signature) return current;
  refuseDuringRetirement(identity);
  warnOnce(
    `revived:${identity.key}`,
    `\`${identity.displayName}()\` was called after a newer definition replaced it (a reload, or another function with the same \`name\`); it keeps a cache of its own`,
    identity.explicitName !== undefined ? "give each function a distinct `name` option" : "nothing was released: the newer definition keeps its entries",
  );
  const cache = create();
  // Under its own key when the newer definition holds this one's: a global clear still reaches it.
  registry.caches.set(current === undefined || current.retired ? identity.key : `${identity.key}\nrevived ${++revivals}`, cache);
  return cache;
}

let revivals = 0;

/**
 * Records that `version` of `file` ran; true when it is the file's newest text (first seen last).
 * An older text still running (a request that started before a reload) never replaces anything.
 */
function noteVersion(file: string, version: string): boolean {
  const versions = fileVersions.get(file);
  if (versions === undefined) {
    fileVersions.set(file, [version]);
    return true;
  }
  if (!versions.includes(version)) versions.push(version);
  return versions[versions.length - 1] === version;
}

function refuseDuringRetirement(identity: FunctionIdentity): void {
  if (!retiring.has(identity.key)) return;
  // A release hook of the cache being retired called the function (through its previous
  // definition) or wrapped it again. A cache created now would be replaced as soon as the
  // retirement returns, without being retired: its values would never be released.
  throw new FunctionIdentityError(
    `\`${identity.displayName}()\` was called from an onRelease hook while its previous definition was being ` +
      `replaced (release reason "superseded"); nothing can be cached for it until the replacement is done.`,
  );
}

const scheduled = new Set<string>();

/** Once the file has finished evaluating (a microtask later), match the reload's definitions. */
function scheduleReconcile(file: string, version: string): void {
  const id = `${version}\n${file}`;
  if (scheduled.has(id)) return;
  scheduled.add(id);
  queueMicrotask(() => {
    scheduled.delete(id);
    const defs = (definitions.get(file) ?? []).filter((d) => !d.cache.retired);
    const outcome = reconcileReload(defs, version);
    for (const old of outcome.replaced) {
      if (registry.caches.get(old.key) === old.cache) registry.caches.delete(old.key);
      retire(old.key, old.cache);
    }
    definitions.set(file, defs.filter((d) => !d.cache.retired));
    for (const name of outcome.ambiguous) {
      warnOnce(
        `ambiguous:${file}#${name}`,
        `\`${name}()\` in ${file} changed, but it cannot be told which earlier definition it replaces (several share its name or place there); the earlier entries are kept, not released`,
        "give the function a `name` option to have edits release its old entries",
      );
    }
  });
}

function retire(key: string, cache: FunctionCache): void {
  retiring.add(key);
  try {
    void cache.retire();
  } finally {
    retiring.delete(key);
  }
}

function warnOnce(id: string, what: string, advice: string): void {
  if (registry.warnedLineages.has(id)) return;
  registry.warnedLineages.add(id);
  reportProblem(what, advice);
}

/** Every live cache. */
export function liveCaches(): FunctionCache[] {
  return [...new Set(registry.caches.values())].filter((cache) => !cache.retired);
}
