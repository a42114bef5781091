/**
 * A widget-keyed value moves under the widget state it was computed with (FunctionCache
 * `#keyByWidgets`), superseding the value stored there. The superseded value's `onRelease` may
 * call the function again, which stores a value under that same key just before the moved one
 * would take it: that value keeps the key, the moved one yields, and every value is released
 * exactly once — also when one of them is evicted later.
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { cacheResource } from "../../src/index.js";
import { setHost } from "../../src/host.js";

let seq = 0;
const unique = (label: string) => `widget-rekey-${label}-${++seq}`;

interface Value {
  readonly key: number;
  readonly run: number;
  readonly state: string;
}

/**
 * Runs `body` with a widget-keyed function whose widget is back to "s" by the end of every run,
 * and whose release hook, once `rearm()` was called, calls it again for key 1 (once).
 */
async function withRewarmingFunction(
  maxEntries: number | undefined,
  body: (fixture: {
    readonly get: ((key: number) => Value) & { clear(): Promise<void>; stats(): { entries: number } };
    readonly released: Value[];
    runs(): number;
    setState(state: string): void;
    rearm(): void;
  }) => Promise<void>,
): Promise<void> {
  let state = "s";
  let runs = 0;
  let rewarm = false;
  const released: Value[] = [];
  const previous = setHost({
    beginMiss: () => ({ run: (compute) => compute(), end: () => ({ widgetIds: ["w"] }) }),
    replay() {},
    widgetState: () => state,
  });
  try {
    const get = cacheResource(
      (key: number): Value => {
        const value = { key, run: ++runs, state };
        state = "s";
        return value;
      },
      {
        name: unique(maxEntries === undefined ? "unbounded" : "bounded"),
        experimentalAllowWidgets: true,
        ...(maxEntries !== undefined && { maxEntries }),
        onRelease: (value) => {
          released.push(value);
          if (rewarm) {
            rewarm = false;
            get(1); // fills the key again while the moved value is about to take it
          }
        },
      },
    );
    await body({ get, released, runs: () => runs, setState: (s) => (state = s), rearm: () => (rewarm = true) });
  } finally {
    setHost(previous);
  }
}

describe("widget re-keying and a release hook that calls the function", () => {
  test("evicting another value later keeps the value of the key cached, and every value is released once", async () => {
    await withRewarmingFunction(2, async ({ get, released, runs, setState, rearm }) => {
      const first = get(1); // filed under widget state "s"
      assert.equal(get(1), first);
      setState("t");
      rearm();
      const served = get(1); // looked up under "t", computed, filed under "s": supersedes `first`
      assert.equal(runs(), 3, "the hook computed once more");
      assert.equal(get(1), served, "what the call returned is what the key holds");
      get(2); // a further value: the least recently used is evicted
      assert.equal(get(1), served, "the value of the key is still cached");
      assert.equal(runs(), 4);
      await get.clear();
      assert.equal(new Set(released).size, released.length, "no value released twice");
      assert.ok(released.includes(served), "the value of the key was released by clear()");
      assert.equal(released.length, runs(), "every computed value was released");
    });
  });

  test("without maxEntries: the value the hook stored keeps the key; the moved one is released, nothing leaks", async () => {
    await withRewarmingFunction(undefined, async ({ get, released, runs, setState, rearm }) => {
      const first = get(1);
      setState("t");
      rearm();
      const served = get(1); // computed under "t", moves to "s": supersedes `first`, whose hook stores another value there
      assert.equal(runs(), 3);
      assert.equal(get(1), served, "what the call returned is what the key holds");
      assert.equal(get.stats().entries, 1);
      assert.ok(released.includes(first));
      await get.clear();
      assert.equal(get.stats().entries, 0);
      assert.equal(released.length, runs(), "every computed value was released");
      assert.equal(new Set(released).size, released.length, "no value released twice");
    });
  });
});
