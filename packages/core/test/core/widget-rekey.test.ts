/**
 * A widget-keyed value moves under the widget state it was computed with (FunctionCache
 * `#keyByWidgets`), superseding the value stored there. The superseded value's `onRelease` may
 * call the function again, which stores a value under that same key just before the moved one
 * takes it. Removing that other value later must not take the moved one out of the cache.
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { cacheResource } from "../../src/index.js";
import { setHost } from "../../src/host.js";

let seq = 0;
const unique = (label: string) => `widget-rekey-${label}-${++seq}`;

describe("widget re-keying and a release hook that calls the function", () => {
  test("evicting the value the hook stored keeps the moved value cached, and every value is released once", async () => {
    let state = "s";
    const previous = setHost({
      beginMiss: () => ({ run: (compute) => compute(), end: () => ({ widgetIds: ["w"] }) }),
      replay() {},
      widgetState: () => state,
    });
    try {
      let runs = 0;
      const released: unknown[] = [];
      let rewarm = false;
      const get = cacheResource(
        (key: number): { key: number; run: number; state: string } => {
          const value = { key, run: ++runs, state };
          state = "s"; // the widget is back to "s" by the end of the run
          return value;
        },
        {
          name: unique("evict"),
          experimentalAllowWidgets: true,
          maxEntries: 2,
          onRelease: (value) => {
            released.push(value);
            if (rewarm) {
              rewarm = false;
              get(1); // re-warms the key while the moved value is about to take it
            }
          },
        },
      );
      const first = get(1); // filed under widget state "s"
      assert.equal(get(1), first);
      state = "t";
      rewarm = true;
      const moved = get(1); // looked up under "t", computed, filed under "s": supersedes `first`
      assert.equal(runs, 3, "the hook computed once more");
      assert.equal(get(1), moved, "the moved value is the one stored under state s");
      get(2); // a third value: the least recently used (the one the hook stored) is evicted
      assert.equal(get(1), moved, "the moved value is still cached");
      assert.equal(runs, 4);
      await get.clear();
      assert.equal(new Set(released).size, released.length, "no value released twice");
      assert.ok(released.includes(moved), "the moved value was released by clear()");
      assert.equal(released.length, runs, "every computed value was released");
    } finally {
      setHost(previous);
    }
  });
});

describe("widget re-keying, no maxEntries", () => {
  test("a value the superseded value's hook stored under the key keeps it; the moved one is released, nothing leaks", async () => {
    let state = "s";
    const previous = setHost({
      beginMiss: () => ({ run: (compute) => compute(), end: () => ({ widgetIds: ["w"] }) }),
      replay() {},
      widgetState: () => state,
    });
    try {
      let runs = 0;
      const released: unknown[] = [];
      let rewarm = false;
      const get = cacheResource(
        (key: number): { key: number; run: number; state: string } => {
          const value = { key, run: ++runs, state };
          state = "s";
          return value;
        },
        {
          name: unique("no-bound"),
          experimentalAllowWidgets: true,
          onRelease: (value) => {
            released.push(value);
            if (rewarm) {
              rewarm = false;
              get(1);
            }
          },
        },
      );
      const first = get(1);
      state = "t";
      rewarm = true;
      const served = get(1); // computed under "t", moves to "s": supersedes `first`, whose hook stores another value there
      assert.equal(runs, 3);
      assert.equal(get(1), served, "what the call returned is what the key holds");
      assert.equal(get.stats().entries, 1);
      assert.ok(released.includes(first));
      await get.clear();
      assert.equal(get.stats().entries, 0);
      assert.equal(released.length, runs, "every computed value was released");
      assert.equal(new Set(released).size, released.length, "no value released twice");
    } finally {
      setHost(previous);
    }
  });
});
