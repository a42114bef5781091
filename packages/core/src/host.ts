/**
 * `cache-resource/host`: for hosts that show a cached function's progress (a terminal, an app
 * runtime, a devtools panel). Applications rarely need it; `cacheResource` itself is in the main
 * entry.
 *
 * @module cache-resource/host
 */
export type { CacheHost, MissInfo, MissOutcome, MissScope } from "./hosts/host.js";
export { PASS_THROUGH_SCOPE, SPINNER_DELAY_MS } from "./hosts/host.js";
export { setHost, installedHost } from "./hosts/current.js";
export { createTerminalHost } from "./hosts/terminal.js";
export type { TerminalHostOptions, SpinnerOutput } from "./hosts/terminal.js";
export { formatElapsed } from "./hosts/elapsed.js";
export { globalSingleton } from "./global-singleton.js";
