/**
 * The README's "Many processes" example and packages/redis/README.md's, type-checked by
 * `npm run typecheck` (tsc over test/). They sit in a function that is never called.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { cacheResource } from "cache-resource";
import { joinFleet } from "../src/index.js";

declare class Pool {
  constructor(config: { url: string });
}
const getDb = cacheResource(function getDb(url: string) {
  return new Pool({ url });
});

export async function manyProcesses(url: string): Promise<void> {
  // README.md
  await joinFleet({ url: process.env.REDIS_URL!, name: "my-app" }); // once, at start, on every process
  await getDb.clear(url); // released on every process of the fleet

  // packages/redis/README.md
  const fleet = await joinFleet({ url: "redis://127.0.0.1:6379", name: "my-app" });
  await getDb.clear(url); // this entry is released on every process of the fleet
  await cacheResource.clear(); // every entry, on every process
  const { connected, lastId, sent, received, replayed, pending } = fleet.status();
  void [connected, lastId, sent, received, replayed, pending];
  await fleet.leave(); // clears are local again
}

test("the fleet examples of the READMEs type-check (checked by tsc, not run)", () => {
  assert.equal(typeof manyProcesses, "function");
});
