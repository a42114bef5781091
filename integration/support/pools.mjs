/**
 * The check every served app gets (fixtures/shared's pools behind an HTTP route): three rounds
 * over two keys; every answer comes from the right, still usable, pool; each pool was computed
 * once per key and none was released.
 */
import assert from "node:assert/strict";
import { getJson, waitFor } from "./processes.mjs";

export const COMPUTED_ONCE_EACH = [
  "a.anonymous db://1", "a.anonymous db://2", "a.getPool db://1", "a.getPool db://2",
  "b.getPool db://1", "b.getPool db://2", "b.loadModel db://1", "b.loadModel db://2",
];

/** Queries `route` (a URL taking `?url=`) once the server answers; `describe()` names it in a timeout. */
export async function expectPoolsServed(route, describe, startTimeoutMs) {
  await waitFor(describe, startTimeoutMs, () => getJson(`${route}?url=db://1`));
  let last;
  for (let round = 0; round < 3; round++) {
    for (const url of ["db://1", "db://2"]) {
      last = await getJson(`${route}?url=${url}`);
      assert.deepEqual(last.answers, [`a:${url}`, `b:${url}`, `a-anonymous:${url}`, `b-async:${url}`]);
    }
  }
  assert.deepEqual(last.events.filter((e) => e.startsWith("released")), [], "nothing was released");
  assert.deepEqual([...last.events].sort(), COMPUTED_ONCE_EACH, "each pool computed once per key");
}
