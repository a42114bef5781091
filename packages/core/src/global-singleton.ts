/**
 * One instance per process, whatever the number of copies of this library: a CommonJS and an ESM
 * build, two versions in node_modules, or the fresh module graph a hot reload imports. Each piece
 * of shared state (the registry, the session and compute contexts, the installed host) lives on
 * `globalThis` under a `Symbol.for` key, created by the first copy that asks.
 */
export function globalSingleton<T>(name: string, create: () => T): T {
  const key = Symbol.for(`cache-resource.${name}`);
  const slots = globalThis as Record<symbol, unknown>;
  if (!(key in slots)) slots[key] = create();
  return slots[key] as T;
}
