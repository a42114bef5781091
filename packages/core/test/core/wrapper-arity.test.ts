/**
 * Functions declaring no parameter or one get a wrapper of their own (api/cache-resource.ts);
 * called with another number of arguments, or after a newer definition replaced theirs, they
 * must behave exactly like any other cached function.
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { cacheResource } from "../../src/index.js";

let seq = 0;
const unique = (label: string) => `arity-${label}-${++seq}`;

describe("wrappers by declared parameter count", () => {
  test("a function declaring no parameter, called with some: keyed by what it was given", () => {
    const seen: number[] = [];
    const get = cacheResource(function noParams(this: unknown, ...rest: unknown[]) {
      seen.push(arguments.length);
      return { rest };
    }, { name: unique("none") });
    assert.equal(get.length, 0);
    const none = get();
    const one = (get as (...args: unknown[]) => unknown)("a");
    const two = (get as (...args: unknown[]) => unknown)("a", 2);
    assert.notEqual(none, one);
    assert.notEqual(one, two);
    assert.equal(get(), none);
    assert.equal((get as (...args: unknown[]) => unknown)("a"), one);
    assert.equal((get as (...args: unknown[]) => unknown)("a", 2), two);
    assert.deepEqual(seen, [0, 1, 2]);
  });

  test("a function declaring one parameter, called with none, two or four: keyed by what it was given", () => {
    const seen: number[] = [];
    const get = cacheResource(function oneParam(this: unknown, a?: unknown) {
      seen.push(arguments.length);
      return { a };
    }, { name: unique("one") });
    assert.equal(get.length, 1);
    const call = get as (...args: unknown[]) => unknown;
    const values = [call(), call("a"), call("a", "b"), call("a", "b", "c", "d")];
    assert.equal(new Set(values).size, 4);
    assert.deepEqual([call(), call("a"), call("a", "b"), call("a", "b", "c", "d")], values);
    assert.deepEqual(seen, [0, 1, 2, 4]);
  });

  test("after a newer definition replaced it, an older wrapper of each kind still caches its own function", () => {
    for (const params of [0, 1, 2]) {
      const name = unique(`redefined-${params}`);
      let oldRuns = 0;
      let newRuns = 0;
      const makeOld = () =>
        params === 0
          ? cacheResource(() => ({ old: ++oldRuns }), { name })
          : params === 1
            ? cacheResource((_a: string) => ({ old: ++oldRuns }), { name })
            : cacheResource((_a: string, _b: string) => ({ old: ++oldRuns }), { name });
      const older = makeOld() as (...args: unknown[]) => unknown;
      const args = ["x", "y"].slice(0, params);
      const first = older(...args);
      assert.equal(older(...args), first);
      // Same name, another body: the older definition's cache is retired and its entries released.
      const newer = cacheResource((..._args: unknown[]) => ({ new: ++newRuns }), { name }) as (...args: unknown[]) => unknown;
      assert.deepEqual(newer(...args), { new: 1 });
      const again = older(...args);
      assert.notEqual(again, first, `params ${params}: the retired entry is not served`);
      assert.equal(older(...args), again, `params ${params}: the older function caches again`);
      assert.equal(oldRuns, 2);
    }
  });
});
