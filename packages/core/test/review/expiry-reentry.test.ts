import { test } from "node:test";
import assert from "node:assert/strict";
import { cacheResource, type Clock } from "../../src/index.js";

let seq = 0;
const unique = (label: string) => `review-expiry-${label}-${++seq}`;

/** A clock frozen at 0 whose timers fire only when the test says so, one at a time. */
function steppedClock() {
  const timers: (() => void)[] = [];
  const clock: Clock = {
    now: () => 0,
    setTimer(callback) {
      let live = true;
      timers.push(() => live && callback());
      return { cancel: () => void (live = false) };
    },
  };
  return { clock, fireLatest: () => timers.at(-1)?.() };
}

// With ttl 0 a value is due the moment it is stored. An onRelease hook that calls the function
// again ("keep it warm") stores a value that is due at once; if the expiry timer served it in the
// same pass, it would release and recreate forever without returning (the process hangs).
test("one expiry pass never serves deadlines scheduled by its own release hooks", () => {
  const { clock, fireLatest } = steppedClock();
  let runs = 0;
  let released = 0;
  const get: (key: string) => object = cacheResource((key: string) => (runs++, { key }), {
    name: unique("ttl0-rewarm"),
    ttl: 0,
    clock,
    onRelease: () => {
      released++;
      if (runs < 100) get("a"); // bounded, so the unfixed code fails instead of hanging
    },
  });
  get("a");
  fireLatest();
  assert.equal(released, 1, "the pass released the due value once");
  assert.equal(runs, 2, "the hook's new value waits for the next timer");
});
