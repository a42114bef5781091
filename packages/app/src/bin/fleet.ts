/**
 * `cache-resource run --fleet redis://…`: joins a fleet, so a clear in this replica — a "Clear
 * all" button's `st.cacheResource.clear()` included — clears every replica, and theirs clear
 * this one. The fleet lives in `@cache-resource/redis` (with its Redis client), an optional peer
 * dependency: it is loaded only when `--fleet` is given, and a clear error says how to install
 * it when it is missing.
 */
import { UsageError } from "./args.js";

/** The package that provides fleets. */
export const FLEET_PACKAGE = "@cache-resource/redis";

/** What the runtime uses of a joined fleet. */
export interface JoinedFleet {
  readonly memberId: string;
  readonly name: string;
  leave(): Promise<void>;
}

interface FleetModule {
  joinFleet(options: { url: string; name?: string; secret?: string }): Promise<JoinedFleet>;
}

/**
 * The environment variable that holds the fleet's secret (the `secret` option of `joinFleet`):
 * read from the environment, not a flag, so it never shows in a process list.
 */
export const FLEET_SECRET_ENV = "CACHE_RESOURCE_FLEET_SECRET";

/**
 * Loads {@link FLEET_PACKAGE} and joins the fleet at `url`, signed with the secret in
 * {@link FLEET_SECRET_ENV} when it is set. Throws {@link UsageError} when the
 * package is not installed. `load` is the dynamic import (replaceable in tests).
 */
export async function joinAppFleet(
  url: string,
  name: string | undefined,
  load: (specifier: string) => Promise<unknown> = (specifier) => import(specifier),
  env: NodeJS.ProcessEnv = process.env,
): Promise<JoinedFleet> {
  let fleets: FleetModule;
  try {
    fleets = (await load(FLEET_PACKAGE)) as FleetModule;
  } catch (error) {
    if (isMissing(error)) {
      throw new UsageError(
        `--fleet needs the ${FLEET_PACKAGE} package, which is not installed. Install it beside ` +
          `@cache-resource/app: npm install ${FLEET_PACKAGE}`,
      );
    }
    throw error;
  }
  const secret = env[FLEET_SECRET_ENV];
  return fleets.joinFleet({ url, ...(name !== undefined && { name }), ...(secret !== undefined && secret !== "" && { secret }) });
}

function isMissing(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") && String(message).includes(FLEET_PACKAGE);
}
