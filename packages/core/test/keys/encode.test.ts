import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertAllDifferent, assertDifferent, assertSame, keyOf } from "./helpers.js";

describe("primitives and containers are type-tagged", () => {
  it("distinguishes values that print alike", () => {
    assertAllDifferent([
      1, "1", 1n, true, "true", null, "null", [1], ["1"], { a: 1 }, new Map([["a", 1]]), new Set([1]),
      [undefined], [], [, ], [null], {}, new Map(), new Set(), "", 0, false, [[]], [{}], { 0: 1 }, { a: "1" },
      Symbol.for("1"), new Number(1), new String("1"), new Boolean(true), Object(1n), new Date(1), "u", "l",
    ]);
  });

  it("keeps -0 equal to 0 and NaN equal to NaN (SameValueZero)", () => {
    assertSame(-0, 0);
    assertSame(NaN, NaN);
    assertSame([NaN, -0], [NaN, 0]);
    assertSame({ x: -0 }, { x: 0 });
    assertDifferent(NaN, "NaN");
    assertDifferent(Infinity, -Infinity);
    assertDifferent(0.1 + 0.2, 0.3);
  });

  it("distinguishes bigints from numbers and by value", () => {
    assertSame(10n ** 30n, BigInt("1" + "0".repeat(30)));
    assertDifferent(1n, 2n);
    assertDifferent([1n], [1]);
  });

  it("treats a missing trailing argument like undefined, but not holes like undefined", () => {
    assert.equal(keyOf(), keyOf(undefined));
    assert.equal(keyOf(1), keyOf(1, undefined));
    assertDifferent([undefined], [, ]);
    assertDifferent([, 1], [undefined, 1]);
    assertSame([, , 1], [, , 1]);
    assertDifferent([, , 1], [, 1]);
  });
});

describe("strings cannot fake token boundaries", () => {
  it("length-prefixes every string", () => {
    assertAllDifferent([["a", "b"], ["a,b"], ["ab"], ["a", "", "b"], ["", "ab"], ["ab", ""]]);
    assertAllDifferent([["s1:a"], ["s1:as1:b"], ["s1:a", "s1:b"], ["a", "s1:b"], "s1:a", ["n1;"], [1]]);
  });

  it("does not confuse object keys with values", () => {
    assertAllDifferent([{ a: "b" }, { ab: "" }, { "a:": "b" }, { "s1:a": "b" }, { a: "s1:b" }, { "": "ab" }]);
    assertAllDifferent([{ a: 1, b: 2 }, { a: 1 }, { b: 2 }, { a: { b: 2 } }, { "a,b": [1, 2] }]);
  });

  it("handles strings with control characters, surrogates and the encoder's tag characters", () => {
    const odd = ["\u0000", "\u0000\u0000", "\uD800", "\uDC00", "\uD83D\uDE00", "^1;", "h1;", "o0,0:", "\u0000#x"];
    assertAllDifferent(odd);
    assertAllDifferent(odd.map((s) => [s]));
    for (const s of odd) assertSame(s, s.slice());
  });
});

describe("objects", () => {
  it("ignores key order", () => {
    assertSame({ a: 1, b: 2, c: [3] }, { c: [3], b: 2, a: 1 });
    assertSame({ 2: "x", 10: "y", a: 1 }, { a: 1, 10: "y", 2: "x" });
  });

  it("counts own enumerable symbol keys by symbol identity", () => {
    const s1 = Symbol("k");
    const s2 = Symbol("k");
    assertSame({ [s1]: 1, a: 2 }, { a: 2, [s1]: 1 });
    assertDifferent({ [s1]: 1 }, { [s2]: 1 });
    assertDifferent({ [s1]: 1 }, {});
    assertSame({ [Symbol.for("k")]: 1 }, { [Symbol.for("k")]: 1 });
    const hidden = {};
    Object.defineProperty(hidden, s1, { value: 1, enumerable: false });
    assertSame(hidden, {});
  });

  it("treats null-prototype objects as plain objects", () => {
    const bare = Object.assign(Object.create(null) as object, { a: 1 });
    assertSame(bare, { a: 1 });
    assertDifferent(bare, { a: 2 });
  });

  it("encodes shared references by value", () => {
    const shared = { v: 1 };
    assertSame([shared, shared], [{ v: 1 }, { v: 1 }]);
    assertSame({ a: shared, b: shared }, { a: { v: 1 }, b: { v: 1 } });
  });
});

describe("Map and Set", () => {
  it("count contents, not insertion order", () => {
    assertSame(new Map<unknown, unknown>([["a", 1], [2, "b"]]), new Map<unknown, unknown>([[2, "b"], ["a", 1]]));
    assertSame(new Set([1, "1", 1n]), new Set([1n, "1", 1]));
    assertDifferent(new Map([["a", 1]]), new Map([["a", 2]]));
    assertDifferent(new Map([["a", 1]]), new Map([["b", 1]]));
    assertDifferent(new Set([1, 2]), new Set([1, 2, 3]));
    assertDifferent(new Map([[1, 2]]), new Map([[2, 1]]));
    assertDifferent(new Set([[1, 2]]), new Set([[1], [2]]));
  });

  it("hash object keys structurally", () => {
    assertSame(new Map([[{ id: 1 }, "a"]]), new Map([[{ id: 1 }, "a"]]));
    assertDifferent(new Map([[{ id: 1 }, "a"]]), new Map([[{ id: 2 }, "a"]]));
    assertSame(new Set([{ a: 1 }, { b: 2 }]), new Set([{ b: 2 }, { a: 1 }]));
  });

  it("are distinct from objects and arrays with the same content", () => {
    assertAllDifferent([new Map([["a", 1]]), { a: 1 }, [["a", 1]], new Set([["a", 1]]), new Set(["a", 1])]);
  });
});

describe("cycles", () => {
  function selfLoop(): object {
    const a: Record<string, unknown> = {};
    a.x = a;
    return a;
  }
  function twoLoop(): object {
    const b: Record<string, unknown> = {};
    b.x = { x: b };
    return b;
  }

  it("key rebuilt cyclic structures alike", () => {
    assertSame(selfLoop(), selfLoop());
    assertSame(twoLoop(), twoLoop());
    const arr1: unknown[] = [1];
    arr1.push(arr1);
    const arr2: unknown[] = [1];
    arr2.push(arr2);
    assertSame(arr1, arr2);
  });

  it("tells different cycle shapes apart", () => {
    assertAllDifferent([selfLoop(), twoLoop(), { x: {} }, { x: { x: {} } }, { x: "^1;" }, { x: null }]);
    const a: unknown[] = [];
    a.push(a);
    const b: unknown[] = [[]];
    (b[0] as unknown[]).push(b);
    const c: unknown[] = [[]];
    (c[0] as unknown[]).push(c[0]);
    assertAllDifferent([a, b, c, [[]], [[[]]]]);
  });

  it("tells a cycle from an acyclic structure that prints similarly", () => {
    const parent: Record<string, unknown> = { name: "p" };
    parent.child = { name: "c", parent };
    const copy = { name: "p", child: { name: "c", parent: { name: "p" } } };
    assertDifferent(parent, copy);
  });

  it("handle cycles through Map values, Map keys and Sets", () => {
    const m1 = new Map<unknown, unknown>();
    m1.set("self", m1);
    const m2 = new Map<unknown, unknown>();
    m2.set("self", m2);
    assertSame(m1, m2);
    const k1 = new Map<unknown, unknown>();
    k1.set(k1, 1);
    const k2 = new Map<unknown, unknown>();
    k2.set(k2, 1);
    assertSame(k1, k2);
    assertDifferent(m1, k1);
    const s1 = new Set<unknown>();
    s1.add(s1).add(1);
    const s2 = new Set<unknown>([1]);
    s2.add(s2);
    assertSame(s1, s2);
  });

  it("handles mutual recursion and long cycles", () => {
    const build = (n: number) => {
      const head: Record<string, unknown> = { i: 0 };
      let node = head;
      for (let i = 1; i < n; i++) node = node.next = { i };
      node.next = head;
      return head;
    };
    assertSame(build(100), build(100));
    assertDifferent(build(100), build(99));
    assertSame(build(5000), build(5000));
  });
});

describe("built-in types", () => {
  it("Date by time value; invalid dates are equal", () => {
    assertSame(new Date(Date.UTC(2024, 0, 1)), new Date("2024-01-01T00:00:00Z"));
    assertDifferent(new Date(0), new Date(1));
    assertSame(new Date(NaN), new Date("nonsense"));
    assertDifferent(new Date(0), 0);
  });

  it("RegExp by source and flags, not lastIndex", () => {
    const r = /a+/g;
    r.lastIndex = 3;
    assertSame(r, /a+/g);
    assertDifferent(/a+/g, /a+/i);
    assertDifferent(/a+/, /a*/);
    assertDifferent(/a/, "/a/");
  });

  it("URL by href, URLSearchParams by serialization", () => {
    assertSame(new URL("HTTP://Example.com/a"), new URL("http://example.com/a"));
    assertDifferent(new URL("http://a/"), new URL("http://b/"));
    assertDifferent(new URL("http://a/"), "http://a/");
    assertSame(new URLSearchParams("a=1&b=2"), new URLSearchParams({ a: "1", b: "2" }));
    assertDifferent(new URLSearchParams("a=1"), new URLSearchParams("a=2"));
  });

  it("Error by class, name, message, cause and own enumerable props; not stack", () => {
    const make = () => new Error("boom");
    assertSame(make(), make());
    assertDifferent(new Error("a"), new Error("b"));
    assertDifferent(new Error("a"), new TypeError("a"));
    assertDifferent(Object.assign(new Error("a"), { code: 1 }), Object.assign(new Error("a"), { code: 2 }));
    assertDifferent(new Error("a", { cause: 1 }), new Error("a", { cause: 2 }));
    class AppError extends Error {}
    assertDifferent(new AppError("a"), new Error("a"));
  });

  it("boxed primitives differ from primitives but equal each other", () => {
    assertSame(new Number(1), new Number(1));
    assertSame(new String("a"), new String("a"));
    assertDifferent(new Number(1), 1);
    assertDifferent(new String("a"), "a");
    assertDifferent(new Boolean(false), false);
    assertDifferent(new Number(1), new Number(2));
    assertSame(Object(Symbol.for("s")), Object(Symbol.for("s")));
  });

  it("typed arrays by kind and bytes", () => {
    assertSame(new Uint8Array([1, 2]), new Uint8Array([1, 2]));
    assertAllDifferent([
      new Uint8Array([1]), new Int8Array([1]), new Uint8ClampedArray([1]), new Float32Array([1]),
      new Uint16Array([1]), Buffer.from([1]), new Uint8Array([1]).buffer, new DataView(new Uint8Array([1]).buffer),
      [1], new Uint8Array([2]), new Uint8Array([1, 0]),
    ]);
    assertDifferent(new Float64Array([0]), new Float64Array([-0])); // bytes differ
    const big = new Uint8Array([9, 1, 2, 9]);
    assertSame(big.subarray(1, 3), new Uint8Array([1, 2]));
    assertSame(new DataView(big.buffer, 1, 2), new DataView(new Uint8Array([1, 2]).buffer));
  });

  it("Buffer is its own type", () => {
    assertSame(Buffer.from("abc"), Buffer.from("abc"));
    assertDifferent(Buffer.from("abc"), new Uint8Array(Buffer.from("abc")));
    assertDifferent(Buffer.from("abc"), "abc");
  });

  it("ArrayBuffer and SharedArrayBuffer by bytes, distinct from each other", () => {
    const shared = new SharedArrayBuffer(2);
    new Uint8Array(shared).set([1, 2]);
    assertSame(new Uint8Array([1, 2]).buffer, new Uint8Array([1, 2]).buffer);
    assertDifferent(shared, new Uint8Array([1, 2]).buffer);
    const shared2 = new SharedArrayBuffer(2);
    new Uint8Array(shared2).set([1, 2]);
    assertSame(shared, shared2);
  });

  it("subclasses of built-ins are distinct from the built-in", () => {
    class Registry extends Map<string, number> {}
    assertDifferent(new Registry([["a", 1]]), new Map([["a", 1]]));
    assertSame(new Registry([["a", 1]]), new Registry([["a", 1]]));
    class List extends Array<number> {}
    assertDifferent(List.from([1, 2]), [1, 2]);
  });
});

describe("symbols", () => {
  it("unregistered symbols by identity, registered ones by key", () => {
    const s = Symbol("x");
    assertSame(s, s);
    assertDifferent(Symbol("x"), Symbol("x"));
    assertSame(Symbol.for("x"), Symbol.for("x"));
    assertDifferent(Symbol.for("x"), Symbol("x"));
    assertDifferent(Symbol.for("x"), "x");
    assertSame(Symbol.iterator, Symbol.iterator);
  });
});

describe("functions", () => {
  it("by name and source text", () => {
    const make = () => (x: number) => x + 1;
    assertSame(make(), make());
    assertDifferent(
      (x: number) => x + 1,
      (x: number) => x + 2,
    );
    function named() {
      return 1;
    }
    const renamed = { named() { return 1; } }.named;
    assertSame(named, named);
    assertDifferent(named, renamed);
  });

  it("closures with the same source are equal (captured values are not visible)", () => {
    const adder = (n: number) => (x: number) => x + n;
    assertSame(adder(1), adder(2));
  });

  it("bound and native functions by identity", () => {
    function g() {}
    const b1 = g.bind(null);
    const b2 = g.bind(null);
    assertSame(b1, b1);
    assertDifferent(b1, b2);
    assertSame(Math.max, Math.max);
    assertDifferent(Math.max, Math.min);
  });

  it("long sources are digested, still distinct", () => {
    const long1 = new Function("a", `return a + ${"1 + ".repeat(200)}1;`);
    const long2 = new Function("a", `return a + ${"1 + ".repeat(200)}2;`);
    assertDifferent(long1, long2);
    assertSame(long1, new Function("a", `return a + ${"1 + ".repeat(200)}1;`));
  });
});

describe("class instances", () => {
  const makeClass = () =>
    class Point {
      constructor(
        public x: number,
        public y: number,
      ) {}
      norm() {
        return Math.hypot(this.x, this.y);
      }
    };

  it("by class identity and own enumerable state", () => {
    const Point = makeClass();
    assertSame(new Point(1, 2), new Point(1, 2));
    assertDifferent(new Point(1, 2), new Point(2, 1));
    assertDifferent(new Point(1, 2), { x: 1, y: 2 });
    class Other {
      x = 1;
      y = 2;
    }
    assertDifferent(new Point(1, 2), new Other());
  });

  it("a class re-created by a hot reload (same name and source) keys the same", () => {
    const A = makeClass();
    const B = makeClass();
    assert.notEqual(A, B);
    assertSame(new A(1, 2), new B(1, 2));
  });

  it("stateless instances of a class without hidden state are all alike", () => {
    class Greeter {
      hello() {
        return "hi";
      }
    }
    assertSame(new Greeter(), new Greeter());
  });

  it("ignores getters on the prototype", () => {
    let n = 0;
    class Counter {
      id = 1;
      get next() {
        return ++n;
      }
    }
    assertSame(new Counter(), new Counter());
  });

  it("hashes the visible fields of a class that also has #private ones", () => {
    class Conn {
      #socket: unknown;
      constructor(
        public url: string,
        socket: unknown,
      ) {
        this.#socket = socket;
      }
      get socket() {
        return this.#socket;
      }
    }
    assertSame(new Conn("a", 1), new Conn("a", 2));
    assertDifferent(new Conn("a", 1), new Conn("b", 1));
  });
});

describe("large values", () => {
  it("hashes big binaries in full: one differing byte at the end changes the key", () => {
    const a = new Uint8Array(1 << 20);
    const b = new Uint8Array(1 << 20);
    assertSame(a, b);
    b[b.length - 1] = 1;
    assertDifferent(a, b);
    const key = keyOf(a);
    assert.equal(typeof key, "string");
    assert.ok((key as string).length < 100, "a large binary enters the key as a digest");
    assertDifferent(Buffer.from(a), a);
    assertDifferent(a.buffer, b.buffer);
  });

  it("hashes binaries at the 64 KB threshold", () => {
    for (const size of [65535, 65536, 65537]) {
      const a = new Uint8Array(size);
      const b = new Uint8Array(size);
      b[size - 1] = 7;
      assertDifferent(a, b);
      assertSame(a, new Uint8Array(size));
    }
  });

  it("replaces long keys with a SHA-256 digest key", () => {
    const long = "x".repeat(5000);
    const key = keyOf([long]) as string;
    assert.ok(key.startsWith("\u0000#"));
    assert.equal(key.length, 2 + 44);
    assertDifferent(["x".repeat(5000)], ["x".repeat(4999) + "y"]);
    assertSame(["x".repeat(5000)], [long.slice()]);
  });

  it("keeps long keys with lone surrogates lossless", () => {
    const a = "\uD800".repeat(2000);
    const b = "\uDBFF".repeat(2000);
    assertDifferent(a, b);
    assertDifferent([a], [b]);
    assert.ok((keyOf([a]) as string).startsWith("\u0000%"));
  });
});
