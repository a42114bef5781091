import { registry } from "../registry/registry.js";
import type { CacheEvent } from "./events.js";

/**
 * Puts an event on the process's event stream (`cacheResource.events`), for packages that act on
 * the caches from outside, such as a fleet reporting a clear it applied (`fleet`) or its own
 * trouble (`error`, phase `fleet`). Builds nothing when no one listens.
 * @example
 * emitCacheEvent(() => ({ type: "fleet", senderId, scope: "all", functionName: "*", sessionId: undefined, at: Date.now() }));
 */
export function emitCacheEvent(event: () => CacheEvent): void {
  if (registry.events.active) registry.events.emit(event());
}
