/**
 * Hostile arguments: values built to crash, hang, confuse or pollute the keyer. Whatever they
 * are, a call either gets a correct entry or a clear `UnhashableParamError` (or `HashFuncError`),
 * never a crash, a wrong entry, or a broken cache for everyone else.
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { cacheResource, HashFuncError, UnhashableParamError } from "../../src/index.js";
import { deferred } from "../support/manual-clock.js";
import { assertNoUnhandledSince, installGuards, unhandled } from "./guards.js";

installGuards();

let seq = 0;

/** A cached function of one argument that counts its computations. */
function counted(options: { hashFuncs?: Map<unknown, (value: never) => unknown> } = {}) {
  let runs = 0;
  const get = cacheResource((x: unknown) => ({ run: ++runs, x }), { name: `hostile-${++seq}`, ...(options as object) });
  return { get, runs: () => runs };
}

function nest(levels: number, wrap: (inner: unknown) => unknown): unknown {
  let value: unknown = "bottom";
  for (let i = 0; i < levels; i++) value = wrap(value);
  return value;
}

/** Asserts that `fn` throws an UnhashableParamError (not a RangeError or anything else). */
function assertUnhashable(fn: () => unknown, message?: RegExp): UnhashableParamError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof UnhashableParamError, `expected UnhashableParamError, got ${String(caught)}`);
  if (message !== undefined) assert.match(caught.message, message);
  assert.match(caught.message, /`_x`|exclude|hashFuncs/, "the message says how to fix it");
  return caught;
}

describe("deep nesting", () => {
  for (const [kind, wrap] of [
    ["arrays", (inner: unknown) => [inner]],
    ["objects", (inner: unknown) => ({ next: inner })],
    ["Map values", (inner: unknown) => new Map([["k", inner]])],
    ["Set elements", (inner: unknown) => new Set([inner])],
  ] as const) {
    test(`100,000 levels of ${kind}: UnhashableParamError, not a stack overflow`, () => {
      const { get, runs } = counted();
      const deep = nest(100_000, wrap);
      const error = assertUnhashable(() => get(deep), /nested deeper than/);
      assert.ok(!(error instanceof RangeError));
      assert.equal(runs(), 0, "the function never ran");
      assert.equal(get("fine").run, 1, "the cache keeps working");
    });
  }

  test("a getter that returns a fresh nested object forever ends at the depth limit", () => {
    const { get } = counted();
    const endless = (): object => ({
      get next() {
        return endless();
      },
    });
    assertUnhashable(() => get(endless()), /nested deeper than/);
  });

  test("deep values under the limit (5,000 levels) work and equal structures share one entry", () => {
    const { get, runs } = counted();
    const a = get(nest(5_000, (inner) => [inner]));
    const b = get(nest(5_000, (inner) => [inner]));
    assert.equal(a, b);
    assert.equal(runs(), 1);
    assert.notEqual(get(nest(5_001, (inner) => [inner])), a, "one more level is another key");
  });

  test("clear(args) with a too-deep argument reports the same error and removes nothing", async () => {
    const { get } = counted();
    const kept = get("kept");
    await assert.rejects(async () => get.clear(nest(100_000, (inner) => [inner])), UnhashableParamError);
    assert.equal(get("kept"), kept);
  });
});

describe("huge Maps and Sets", () => {
  const SIZE = 100_000;

  test("100k-entry Maps: insertion order does not matter, content does", () => {
    const { get, runs } = counted();
    const forward = new Map<number, string>();
    for (let i = 0; i < SIZE; i++) forward.set(i, `v${i}`);
    const backward = new Map<number, string>();
    for (let i = SIZE - 1; i >= 0; i--) backward.set(i, `v${i}`);
    const value = get(forward);
    assert.equal(get(backward), value, "same entries in reverse order: the same entry");
    assert.equal(runs(), 1);
    const changed = new Map(forward).set(SIZE / 2, "other");
    assert.notEqual(get(changed), value, "one value changed: another entry");
    const bigger = new Map(forward).set(SIZE, `v${SIZE}`);
    assert.notEqual(get(bigger), value, "one entry more: another entry");
    assert.equal(runs(), 3);
  });

  test("100k-element Sets: order does not matter, content does", () => {
    const { get, runs } = counted();
    const items = Array.from({ length: SIZE }, (_, i) => `item-${i}`);
    const value = get(new Set(items));
    assert.equal(get(new Set([...items].reverse())), value);
    assert.equal(runs(), 1);
    const swapped = new Set(items);
    swapped.delete("item-0");
    swapped.add("item-x");
    assert.notEqual(get(swapped), value, "same size, one element different");
  });

  test("100k-entry Maps with object keys are compared structurally", () => {
    const { get, runs } = counted();
    const build = (order: number[]) => new Map(order.map((i) => [{ id: i }, [i, String(i)]] as const));
    const ids = Array.from({ length: SIZE }, (_, i) => i);
    const value = get(build(ids));
    assert.equal(get(build([...ids].reverse())), value);
    assert.equal(runs(), 1);
  });
});

describe("getters and hash functions that throw", () => {
  test("a throwing getter gives a clear error; the function does not run; other callers are unaffected", async () => {
    let runs = 0;
    const gate = deferred<void>();
    const get = cacheResource(
      async (x: unknown) => {
        runs++;
        if (x === "slow") await gate.promise;
        return { x };
      },
      { name: `hostile-getter-${++seq}` },
    );
    const mark = unhandled.length;
    const slow = get("slow"); // in flight while the hostile call fails
    const hostile = {
      get boom(): never {
        throw new Error("getter exploded");
      },
    };
    assertUnhashable(() => get(hostile), /getter exploded/);
    assertUnhashable(() => get({ nested: [1, new Map([["m", hostile]])] }), /getter exploded/);
    assert.equal(runs, 1, "only the slow call ran");
    gate.resolve();
    const slowValue = await slow;
    assert.equal(await get("slow"), slowValue, "the computation in flight was stored as usual");
    assert.deepEqual(await get("other"), { x: "other" });
    assertNoUnhandledSince(mark);
  });

  test("a getter that starts throwing later: that call fails, the entry stays for equal arguments", () => {
    const { get, runs } = counted();
    let broken = false;
    const flaky = {
      id: 7,
      get label(): string {
        if (broken) throw new Error("flaky getter");
        return "ok";
      },
    };
    const first = get(flaky);
    broken = true;
    assertUnhashable(() => get(flaky), /flaky getter/);
    assert.equal(get({ id: 7, label: "ok" }), first, "an equal plain object finds the entry");
    assert.equal(runs(), 1);
  });

  test("a hashFuncs entry that throws gives HashFuncError naming the type; others still hash", () => {
    class Account {
      constructor(readonly id: number) {}
    }
    const { get, runs } = counted({
      hashFuncs: new Map([
        [
          Account,
          (a: Account) => {
            if (a.id < 0) throw new Error("negative account");
            return a.id;
          },
        ],
      ]),
    });
    assert.throws(() => get(new Account(-1)), (error: unknown) => error instanceof HashFuncError && /Account/.test(error.message) && /negative account/.test(error.message));
    assert.equal(get(new Account(1)), get(new Account(1)));
    assert.equal(runs(), 1);
  });
});

describe("Proxies", () => {
  test("a transparent Proxy is hashed as what it exposes", () => {
    const { get, runs } = counted();
    const plain = get({ a: 1, list: [1, 2] });
    assert.equal(get(new Proxy({ a: 1, list: [1, 2] }, {})), plain);
    assert.equal(get({ wrapped: new Proxy({ a: 1 }, {}) }), get({ wrapped: { a: 1 } }));
    assert.equal(runs(), 2);
  });

  test("a Proxy that answers differently on every read never shares an entry by accident", () => {
    const { get, runs } = counted();
    let n = 0;
    const liar = () => new Proxy({ a: 1 }, { get: () => ++n });
    assert.notEqual(get(liar()), get(liar()));
    assert.equal(runs(), 2);
  });

  for (const [what, make] of [
    [
      "a revoked Proxy",
      () => {
        const { proxy, revoke } = Proxy.revocable({ a: 1 }, {});
        revoke();
        return proxy;
      },
    ],
    ["an ownKeys trap that throws", () => new Proxy({ a: 1 }, { ownKeys: () => { throw new Error("ownKeys trap"); } })],
    ["a getPrototypeOf trap that throws", () => new Proxy({}, { getPrototypeOf: () => { throw new Error("proto trap"); } })],
    ["a get trap that throws", () => new Proxy({ a: 1 }, { get: () => { throw new Error("get trap"); } })],
    ["a Proxy around a Map (its methods reject the proxy)", () => new Proxy(new Map([[1, 2]]), {})],
  ] as const) {
    test(`${what}: UnhashableParamError, and the cache keeps working`, () => {
      const { get, runs } = counted();
      assertUnhashable(() => get(make()));
      assertUnhashable(() => get([{ deep: make() }]));
      assert.equal(runs(), 0);
      assert.equal(get("next").run, 1);
    });
  }
});

describe("toJSON, valueOf, toString and Symbol.toPrimitive", () => {
  test("plain objects: the traps are never called and do not decide the key", () => {
    const { get, runs } = counted();
    let calls = 0;
    const traps = {
      toJSON() {
        calls++;
        return "same";
      },
      valueOf() {
        calls++;
        return 1;
      },
      toString() {
        calls++;
        return "same";
      },
      [Symbol.toPrimitive]() {
        calls++;
        return "same";
      },
    };
    const a1 = get({ ...traps, a: 1 });
    const a2 = get({ ...traps, a: 2 });
    assert.notEqual(a1, a2, "same serialization, different data: different entries");
    assert.equal(get({ ...traps, a: 1 }), a1, "same data and same trap functions: one entry");
    assert.notEqual(get({ a: 1 }), a1, "the trap functions are data too (hashed by source)");
    assert.equal(calls, 0, "no trap was called");
    assert.equal(runs(), 3);
  });

  test("class instances: prototype traps are never called; the key is the own state", () => {
    let calls = 0;
    class Token {
      constructor(readonly value: number) {}
      toJSON() {
        calls++;
        return "token";
      }
      valueOf() {
        calls++;
        return 0;
      }
      toString() {
        calls++;
        return "token";
      }
    }
    const { get, runs } = counted();
    assert.notEqual(get(new Token(1)), get(new Token(2)));
    assert.equal(get(new Token(1)), get(new Token(1)));
    assert.equal(runs(), 2);
    assert.equal(calls, 0);
  });

  test("a Date with own valueOf/toJSON overrides is keyed by its time value", () => {
    const { get } = counted();
    let calls = 0;
    const date = new Date(0);
    Object.assign(date, {
      valueOf: () => {
        calls++;
        return 5;
      },
      toJSON: () => {
        calls++;
        return "1970";
      },
    });
    assert.equal(get(date), get(new Date(0)));
    assert.notEqual(get(date), get(new Date(5)));
    assert.equal(calls, 0);
  });
});

describe("__proto__ keys and null prototypes", () => {
  test('JSON.parse(\'{"__proto__": 1}\') and {} are different arguments', () => {
    const { get, runs } = counted();
    const parsed = JSON.parse('{"__proto__": 1}') as object;
    assert.ok(Object.hasOwn(parsed, "__proto__"), "JSON.parse makes an own __proto__ property");
    assert.notEqual(get(parsed), get({}));
    assert.equal(runs(), 2);
  });

  test("an own __proto__ property is data: equal to the same own property, not to a prototype", () => {
    const { get } = counted();
    const parsed = JSON.parse('{"__proto__": {"a": 1}}') as object;
    assert.notEqual(get(parsed), get({ a: 1 }));
    assert.equal(get(parsed), get({ ["__proto__"]: { a: 1 } }), "a computed __proto__ key is an own property too");
  });

  test("hashing never pollutes Object.prototype", () => {
    const { get } = counted();
    get(JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted2": true}}}'));
    assert.equal((Object.prototype as Record<string, unknown>).polluted, undefined);
    assert.equal(({} as Record<string, unknown>).polluted2, undefined);
  });

  test("Object.create(null) works, counts like a plain object, and its __proto__ key is data", () => {
    const { get, runs } = counted();
    const bare = Object.assign(Object.create(null) as object, { a: 1 });
    const value = get(bare);
    assert.equal(get({ a: 1 }), value, "same own enumerable keys and values (docs/keys.md)");
    assert.notEqual(get(Object.assign(Object.create(null) as object, { a: 2 })), value);
    const withProtoKey = Object.create(null) as Record<string, unknown>;
    withProtoKey["__proto__"] = 1;
    assert.notEqual(get(withProtoKey), get(Object.create(null)));
    assert.equal(get(withProtoKey), get(JSON.parse('{"__proto__": 1}')));
    assert.equal(runs(), 4);
  });
});

describe("values mutated while they are hashed", () => {
  test("a getter that grows the Set being hashed does not make hashing loop", () => {
    const { get } = counted();
    const set = new Set<unknown>();
    let added = 0;
    set.add({
      get x() {
        if (added < 1_000_000) set.add({ n: ++added });
        return 1;
      },
    });
    get(set);
    assert.ok(added < 10, `hashing read a bounded number of elements (added ${added})`);
  });

  test("a getter that adds keys to its own object does not make hashing loop", () => {
    const { get } = counted();
    const target: Record<string, unknown> = {};
    Object.defineProperty(target, "a", {
      enumerable: true,
      get() {
        for (let i = 0; i < 1_000; i++) target[`k${i}`] = i;
        return 1;
      },
    });
    get(target);
  });
});

describe("sparse arrays", () => {
  test("the cost of a sparse array's key follows its elements, not its length", () => {
    // `new Array(2 ** 32 - 1)` is a few bytes, but a keyer that visits every index spends
    // minutes on it, blocking the event loop (a denial of service through one argument). The
    // Proxy counts the index probes a keyer makes; a handful of elements needs a handful.
    const { get } = counted();
    const sparse: unknown[] = [];
    sparse.length = 1_000_000;
    sparse[10] = "a";
    sparse[999_990] = "b";
    let probes = 0;
    const counting = new Proxy(sparse, {
      has(target, key) {
        probes++;
        return Reflect.has(target, key);
      },
      getOwnPropertyDescriptor(target, key) {
        probes++;
        return Reflect.getOwnPropertyDescriptor(target, key);
      },
    });
    const value = get(counting);
    const copy: unknown[] = [];
    copy.length = 1_000_000;
    copy[10] = "a";
    copy[999_990] = "b";
    assert.equal(get(copy), value, "the proxy and an equal sparse array share an entry");
    assert.ok(probes <= 1_000, `index probes: ${probes} for 2 elements in a length of 1,000,000`);
  });
});
