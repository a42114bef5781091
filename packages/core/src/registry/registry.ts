import { FunctionIdentityError } from "../errors.js";
import { EventStream, reportProblem } from "../events/events.js";
import type { FunctionCache } from "../cache/function-cache.js";
import type { FunctionIdentity } from "./identity.js";
import { globalSingleton } from "../global-singleton.js";

/**
 * Every cached function's cache in the process, by lineage. It lives on `globalThis` under a
 * `Symbol.for` key, so reruns, hot reloads and duplicate copies of the library (a CommonJS and an
 * ESM build, two versions in node_modules) all find the same caches instead of creating twins.
 */
export interface Registry {
  readonly caches: Map<string, FunctionCache>;
  readonly events: EventStream;
  /** Lineages already warned about for being redefined while the old definition is still called. */
  readonly warnedLineages: Set<string>;
  /** Lineages whose previous cache is being retired right now (its release hooks are running). */
  retiring?: Set<string>;
  /** Anonymous functions: the cache last created for each place they are wrapped at. */
  bySite?: Map<string, FunctionCache>;
}

/** The process-wide registry (created on first use). */
export const registry = globalSingleton<Registry>("registry.v1", () => ({
  caches: new Map(),
  events: new EventStream(),
  warnedLineages: new Set(),
}));

// Kept with the registry, so every copy of the library sees a retirement another copy started.
const retiring = (registry.retiring ??= new Set<string>());
const bySite = (registry.bySite ??= new Map<string, FunctionCache>());

/**
 * Returns the cache for `identity`: the live one when its signature matches (`adopt` then takes
 * the newest function), otherwise a new one from `create`, after retiring (and releasing) the
 * previous cache of the same lineage.
 */
export function registerCache(
  identity: FunctionIdentity,
  create: () => FunctionCache,
  adopt: (cache: FunctionCache) => void,
): FunctionCache {
  const current = registry.caches.get(identity.lineage);
  if (current !== undefined && !current.retired && current.signature === identity.signature) {
    adopt(current);
    if (identity.site !== undefined) bySite.set(identity.site, current);
    return current;
  }
  if (retiring.has(identity.lineage)) {
    // A release hook of the cache being retired called the function (through its previous
    // definition) or wrapped it again. A cache created now would be replaced as soon as the
    // retirement returns, without being retired: its values would never be released.
    throw new FunctionIdentityError(
      `\`${identity.displayName}()\` was called from an onRelease hook while its previous definition was being ` +
        `replaced (release reason "superseded"); nothing can be cached for it until the replacement is done.`,
    );
  }
  if (current !== undefined && !current.retired) retire(identity.lineage, current);
  const cache = create();
  registry.caches.set(identity.lineage, cache);
  if (identity.site !== undefined) {
    // A new anonymous source where another one was wrapped before: that function was edited.
    const previous = bySite.get(identity.site);
    bySite.set(identity.site, cache);
    if (previous !== undefined && !previous.retired) {
      retire(previous.lineage, previous);
      if (registry.caches.get(previous.lineage) === previous) registry.caches.delete(previous.lineage);
    }
  }
  return cache;
}

function retire(lineage: string, cache: FunctionCache): void {
  retiring.add(lineage);
  try {
    void cache.retire();
  } finally {
    retiring.delete(lineage);
  }
}

/** Warns once per lineage that two definitions keep replacing each other. */
export function warnRedefinition(identity: FunctionIdentity): void {
  if (registry.warnedLineages.has(identity.lineage)) return;
  registry.warnedLineages.add(identity.lineage);
  reportProblem(
    `\`${identity.displayName}()\` was redefined with a different body or options while the previous definition is still called`,
    `if these are two different functions, give each a distinct \`name\` option (lineage ${identity.lineage})`,
  );
}

/** Every live cache. */
export function liveCaches(): FunctionCache[] {
  return [...registry.caches.values()].filter((cache) => !cache.retired);
}
