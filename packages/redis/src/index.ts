/**
 * `@cache-resource/redis`: fleet-wide invalidation. Every process that joins a fleet sends the
 * clears made in it to the others over a Redis stream, and applies theirs.
 */
import { FleetMember, type Fleet } from "./fleet.js";
import { resolveFleetOptions, type FleetOptions } from "./options.js";

export type { Fleet, FleetStatus } from "./fleet.js";
export type { FleetOptions } from "./options.js";
export { fleetId } from "./fleet-id.js";

/**
 * Joins this process to a fleet: from now on `fn.clear(...args)`, `fn.clear()` and
 * `cacheResource.clear()` made here reach every member, and theirs reach this one. Resolves once
 * connected, or after the `timeout` option when Redis is unreachable (the member then keeps
 * trying, and says so once). Bad options throw `InvalidOptionError`; Redis trouble never throws.
 * @example
 * import { joinFleet } from "@cache-resource/redis";
 * const fleet = await joinFleet({ url: "redis://127.0.0.1:6379", name: "my-app" });
 */
export async function joinFleet(options: FleetOptions): Promise<Fleet> {
  const member = new FleetMember(resolveFleetOptions(options));
  await member.start();
  return member;
}
