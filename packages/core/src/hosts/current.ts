import type { CacheHost } from "./host.js";
import { globalSingleton } from "../global-singleton.js";

/**
 * The host cached functions report to. One per process: the app runtime installs its own host at
 * start (it tells sessions apart through its own async context); everywhere else the terminal
 * host, installed lazily by the façade, is used.
 */
interface HostSlot {
  host: CacheHost | undefined;
}

const slot = globalSingleton<HostSlot>("host", () => ({ host: undefined }));

/** Installs `host` for every cached function in this process; returns the previous host. */
export function setHost(host: CacheHost | undefined): CacheHost | undefined {
  const previous = slot.host;
  slot.host = host;
  return previous;
}

/** The installed host, or `undefined` when none is installed. */
export function installedHost(): CacheHost | undefined {
  return slot.host;
}
