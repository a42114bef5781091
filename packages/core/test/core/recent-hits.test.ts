/**
 * The other remembered hits: a few primitive arguments used in turn, and several primitive
 * arguments repeated. They must behave exactly like the full hit path.
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { cacheResource } from "../../src/index.js";
import { ManualClock } from "../support/manual-clock.js";

let seq = 0;
const unique = (label: string) => `recent-${label}-${++seq}`;

describe("recent hits", () => {
  test("four keys in turn: each hits, clear(key) and clear() are seen at once", async () => {
    let runs = 0;
    const get = cacheResource((k: string | number) => ({ k, run: ++runs }), { name: unique("ring") });
    const keys = ["a", "b", 1, "1"];
    const first = keys.map((k) => get(k));
    for (let round = 0; round < 3; round++) keys.forEach((k, i) => assert.equal(get(k), first[i]));
    assert.equal(runs, 4, "1 and \"1\" are different keys");
    await get.clear("b");
    const b2 = get("b");
    assert.notEqual(b2, first[1]);
    assert.equal(get("a"), first[0]);
    await get.clear();
    assert.notEqual(get("a"), first[0]);
    assert.equal(runs, 6);
  });

  test("several primitive arguments: the same list hits; a different type, order or length does not", async () => {
    let runs = 0;
    const connect = cacheResource((host: unknown, port: unknown, db?: unknown) => ({ host, port, db, run: ++runs }), { name: unique("several") });
    const a = connect("h", 5432, "app");
    assert.equal(connect("h", 5432, "app"), a);
    assert.notEqual(connect("h", "5432", "app"), a);
    assert.notEqual(connect(5432, "h", "app"), a);
    assert.notEqual(connect("h", 5432), a);
    assert.equal(connect("h", 5432, "app"), a);
    assert.equal(connect("h", -0, "x"), connect("h", 0, "x"), "-0 and 0 are one key, as Map keys");
    assert.equal(connect("h", NaN, "x"), connect("h", NaN, "x"), "NaN hits through the full path");
    await connect.clear("h", 5432, "app");
    assert.notEqual(connect("h", 5432, "app"), a);
  });

  test("several arguments with ttl: an expired entry is never served", () => {
    const clock = new ManualClock();
    let runs = 0;
    const connect = cacheResource((host: string, port: number) => ({ host, port, run: ++runs }), { name: unique("several-ttl"), ttl: 10, clock });
    const a = connect("h", 1);
    assert.equal(connect("h", 1), a);
    clock.jump(10_000); // the timer has not run
    assert.notEqual(connect("h", 1), a);
    assert.equal(runs, 2);
  });

  test("an object among several arguments is never remembered (it may have been mutated)", () => {
    let runs = 0;
    const open = cacheResource((name: string, options: { size: number }) => ({ name, size: options.size, run: ++runs }), { name: unique("mutable") });
    const options = { size: 1 };
    const a = open("x", options);
    assert.equal(open("x", options), a);
    options.size = 2;
    assert.notEqual(open("x", options), a);
  });
});
