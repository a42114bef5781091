/**
 * The other quick hits: lone primitive arguments looked up as their own keys (a few or many in
 * turn), and two, three or more primitive arguments repeated. They must behave exactly like the
 * full hit path.
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { cacheResource } from "../../src/index.js";
import { ManualClock } from "../support/manual-clock.js";
import { keyerFor } from "../keys/helpers.js";

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

  test("a thousand keys in turn, then one repeated: every call gets its own key's value, removals are seen at once", async () => {
    let runs = 0;
    const get = cacheResource((k: string | number) => ({ k, run: ++runs }), { name: unique("many") });
    const keys = Array.from({ length: 1000 }, (_, i) => (i % 2 === 0 ? `key-${i}` : i));
    const first = keys.map((k) => get(k));
    for (let round = 0; round < 3; round++) keys.forEach((k, i) => assert.equal(get(k), first[i]));
    assert.equal(runs, 1000);
    for (let i = 0; i < 600; i++) assert.equal(get("key-10"), first[10]); // the memo takes over again
    await get.clear("key-10");
    const again = get("key-10");
    assert.notEqual(again, first[10]);
    for (let i = 0; i < 300; i++) assert.equal(get(keys[i % 7]!), first[i % 7]);
    await get.clear(3);
    assert.notEqual(get(3), first[3]);
    assert.equal(get("key-10"), again);
    assert.equal(runs, 1002);
  });

  test("a lone string equal to another call's encoded key is its own key, never that call's entry", () => {
    const fn = (v: unknown) => ({ v });
    const encodedKey = keyerFor(fn).key([{ a: 1 }]);
    assert.equal(typeof encodedKey, "string");
    const get = cacheResource(fn, { name: unique("encoded") });
    const forObject = get({ a: 1 });
    assert.equal(get({ a: 1 }), forObject);
    const forString = get(encodedKey as string);
    assert.notEqual(forString, forObject);
    assert.deepEqual(forString, { v: encodedKey });
    for (let i = 0; i < 20; i++) assert.equal(get(encodedKey as string), forString);
  });

  test("exclude on the only parameter: every argument is one key, also on the direct lookup", () => {
    let runs = 0;
    const get = cacheResource((_conn: string) => ({ run: ++runs }), { name: unique("excluded"), exclude: [0] });
    const a = get("x");
    for (let i = 0; i < 20; i++) assert.equal(get(`y-${i}`), a);
    assert.equal(runs, 1);
  });

  test("two and three primitive arguments in turn, and four: each list hits its own entry", async () => {
    let runs = 0;
    const open = cacheResource((...args: unknown[]) => ({ args, run: ++runs }), { name: unique("some") });
    const lists: unknown[][] = [["a", 1], ["a", 1, true], ["a", 2], [1, "a"], ["a", 1, true, 4], ["a", 1, undefined]];
    const first = lists.map((list) => open(...list));
    assert.equal(first[5], first[0], "a trailing undefined is no argument");
    for (let round = 0; round < 3; round++) lists.forEach((list, i) => assert.equal(open(...list), first[i]));
    assert.equal(runs, 5);
    await open.clear("a", 1, true);
    assert.notEqual(open("a", 1, true), first[1]);
    assert.equal(open("a", 1), first[0]);
  });
});

