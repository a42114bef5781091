import { test } from "node:test";
import assert from "node:assert/strict";
import { cacheResource, type Clock } from "cache-resource";
import { recentEvents, startEventLog } from "../examples/demo/event-log.js";

/** Time that moves only when told to. */
const clock = {
  t: 0,
  now() {
    return this.t;
  },
  setTimer: () => ({ cancel() {} }),
} satisfies Clock & { t: number };

test("the demo's event log reads the cache's diagnostics channels, and replaces its subscription when restarted", async () => {
  startEventLog();
  startEventLog(); // a reload of the demo: still one line per event
  const getDb = cacheResource(
    function demoLogDb(url: string) {
      clock.t += 120;
      return { url };
    },
    { clock },
  );
  const getModel = cacheResource(
    async function demoLogModel() {
      await new Promise((r) => setImmediate(r));
      clock.t += 3_200;
      return {};
    },
    { clock },
  );
  const broken = cacheResource(function demoLogBroken(): never {
    throw new Error("no database");
  });
  getDb("a");
  getDb("a"); // a hit: counted in stats, not logged
  await getModel();
  assert.throws(() => broken());
  await getDb.clear();
  assert.deepEqual(recentEvents(), [
    "`demoLogDb()` released (clear)",
    "`demoLogBroken()` failed (compute)",
    "`demoLogModel()` computed in 3.2 s",
    "`demoLogDb()` computed in 120 ms",
  ]);
  assert.deepEqual({ hits: getDb.stats().hits, misses: getDb.stats().misses }, { hits: 1, misses: 1 });
});
