/**
 * `cache-resource/fleet`: what a package that spreads clears across processes needs (such as
 * `@cache-resource/redis`). It hears every clear made here and applies clears made elsewhere
 * without hearing them back; the core itself knows nothing of networks. Applications use the
 * fleet package, not this entry.
 */
export { onClear, clearableFunctions, clearAllFromFleet } from "./registry/clear-hooks.js";
export type { ClearNotice, ClearableFunction, FunctionOrigin } from "./registry/clear-hooks.js";
export { emitCacheEvent } from "./events/emit.js";
