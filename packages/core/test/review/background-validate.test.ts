import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { cacheResource, type ReleaseReason } from "../../src/index.js";
import { flush, ManualClock } from "../support/manual-clock.js";

let seq = 0;
const unique = (label: string) => `review-bg-validate-${label}-${++seq}`;

// SPEC: validate is "called on every hit"; a stale hit in background mode is a hit too, so a value
// that fails its health check must not be served while the refresh runs.
describe("refreshMode: background with validate", () => {
  function conn(clock: ManualClock, isAsync: boolean) {
    let version = 0;
    const released: { version: number; reason: ReleaseReason }[] = [];
    const make = () => ({ version: ++version, alive: true });
    const options = {
      name: unique(isAsync ? "async" : "sync"),
      ttl: 10,
      refreshMode: "background" as const,
      clock,
      validate: (c: { alive: boolean }) => c.alive,
      onRelease: (c: { version: number }, reason: ReleaseReason) => void released.push({ version: c.version, reason }),
    };
    const get = isAsync ? cacheResource(async () => make(), options) : cacheResource(() => make(), options);
    return { get: async () => get(), released, runs: () => version };
  }

  for (const isAsync of [false, true]) {
    const kind = isAsync ? "async" : "sync";

    test(`${kind}: a stale value that fails validate is released and recomputed, not served`, async () => {
      const clock = new ManualClock();
      const { get, released } = conn(clock, isAsync);
      const v1 = await get();
      clock.advance(11_000); // stale, before the hard expiry at 2×ttl
      v1.alive = false;
      const v2 = await get();
      assert.notEqual(v2, v1, "the dead value is not handed out");
      assert.equal(v2.version, 2);
      await flush();
      assert.deepEqual(released, [{ version: 1, reason: "invalid" }]);
      assert.equal(await get(), v2);
    });

    test(`${kind}: a stale value that passes validate is served while one refresh runs`, async () => {
      const clock = new ManualClock();
      const { get, released, runs } = conn(clock, isAsync);
      const v1 = await get();
      clock.advance(11_000);
      assert.equal(await get(), v1, "stale value served at once");
      await flush();
      assert.equal(runs(), 2, "one background refresh");
      const v2 = await get();
      assert.equal(v2.version, 2);
      assert.deepEqual(released, [{ version: 1, reason: "refreshed" }]);
    });
  }
});
