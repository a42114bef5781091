import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { UnhashableParamError } from "../../src/errors.js";
import { keyerFor, keyOf } from "./helpers.js";

function unhashable(fn: () => unknown): UnhashableParamError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof UnhashableParamError, `expected UnhashableParamError, got ${String(error)}`);
    return error;
  }
  assert.fail("expected an UnhashableParamError");
}

describe("values that cannot be observed", () => {
  it("WeakMap, WeakSet, WeakRef, FinalizationRegistry, Promise", () => {
    const cases: [unknown, string][] = [
      [new WeakMap(), "WeakMap"],
      [new WeakSet(), "WeakSet"],
      [new WeakRef({}), "WeakRef"],
      [new FinalizationRegistry(() => {}), "FinalizationRegistry"],
      [Promise.resolve(1), "Promise"],
    ];
    for (const [value, typeName] of cases) {
      assert.equal(unhashable(() => keyOf(value)).typeName, typeName);
      assert.equal(unhashable(() => keyOf({ nested: [value] })).path, "a.nested[0]");
    }
  });

  it("thenable class instances, generators and iterators", () => {
    class Query {
      sql = "select 1";
      then(resolve: (v: number) => void) {
        resolve(1);
      }
    }
    assert.match(unhashable(() => keyOf(new Query())).message, /thenable/);
    function* gen() {
      yield 1;
    }
    assert.match(unhashable(() => keyOf(gen())).message, /iterator/);
    assert.match(unhashable(() => keyOf(new Map().entries())).message, /iterator/);
    assert.match(unhashable(() => keyOf([1][Symbol.iterator]())).message, /iterator/);
    // A plain object with a `then` key is data, not a Promise.
    keyOf({ then: 1 });
  });

  it("instances whose state is invisible", () => {
    class Secret {
      #key: number;
      constructor(key: number) {
        this.#key = key;
      }
      get key() {
        return this.#key;
      }
    }
    const error = unhashable(() => keyOf(new Secret(1)));
    assert.equal(error.typeName, "Secret");
    assert.match(error.message, /state is not visible/);
    assert.match(error.message, /#private/);

    class Hidden {
      constructor() {
        Object.defineProperty(this, "value", { value: 1, enumerable: false });
      }
    }
    assert.match(unhashable(() => keyOf(new Hidden())).message, /not enumerable/);
  });

  it("revoked proxies and throwing getters give UnhashableParamError with the thrown message", () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    const revoked = unhashable(() => keyOf({ p: proxy }));
    assert.match(revoked.message, /revoked/);
    assert.equal(revoked.path, "a.p");

    const throwing = {
      get boom(): number {
        throw new Error("getter exploded");
      },
    };
    const error = unhashable(() => keyOf({ inner: throwing }));
    assert.match(error.message, /getter exploded/);
    assert.equal(error.path, "a.inner");
    assert.match(error.message, /reading `\.boom` threw/);
    assert.ok(error.cause instanceof Error);

    const trap = new Proxy({}, { ownKeys() { throw new RangeError("no keys for you"); } });
    assert.match(unhashable(() => keyOf(trap)).message, /no keys for you/);
  });

  it("proxies are hashed as what they expose", () => {
    assert.equal(keyOf([new Proxy({ a: 1 }, {})]), keyOf([{ a: 1 }]));
    assert.equal(keyOf([new Proxy([1, 2], {})]), keyOf([[1, 2]]));
  });
});

describe("depth", () => {
  it("100,000 levels of nested arrays and objects give UnhashableParamError, not a stack overflow", () => {
    let array: unknown = [];
    let object: unknown = {};
    for (let i = 0; i < 100_000; i++) {
      array = [array];
      object = { next: object };
    }
    for (const deep of [array, object]) {
      const error = unhashable(() => keyOf(deep));
      assert.match(error.message, /nested deeper than 10000 levels/);
      assert.ok(error.path.length < 400, "deep paths are elided in the message");
    }
    const map = new Map();
    let inner = map;
    for (let i = 0; i < 20_000; i++) {
      const next = new Map();
      inner.set("k", next);
      inner = next;
    }
    assert.match(unhashable(() => keyOf(map)).message, /nested deeper/);
  });

  it("nesting within the bound works, even from deep in the call stack", () => {
    let array: unknown = [];
    for (let i = 0; i < 9_000; i++) array = [array];
    const recurse = (n: number): unknown => (n === 0 ? keyOf(array) : recurse(n - 1));
    assert.equal(typeof recurse(5000), "string");
  });

  it("the encoder stays usable after an error", () => {
    assert.throws(() => keyOf({ w: new WeakMap() }));
    assert.equal(keyOf([1, 2]), keyOf([1, 2]));
  });
});

describe("the error message", () => {
  it("names the function, the parameter and position, the path, the type and the fixes", () => {
    class Socket {
      #fd = 3;
    }
    const k = keyerFor(function connectDb(url: string, opts: object) { return [url, opts]; });
    const error = unhashable(() => k.key(["u", { client: { socket: new Socket() } }]));
    assert.equal(error.functionName, "connectDb");
    assert.deepEqual(error.parameter, { name: "opts", position: 1 });
    assert.equal(error.path, "opts.client.socket");
    assert.equal(error.typeName, "Socket");
    for (const part of ["`connectDb()`", "`opts`", "position 1", "`opts.client.socket`", "`Socket`", "`_opts`", "exclude: [1]", "hashFuncs"]) {
      assert.ok(error.message.includes(part), `message lacks ${part}:\n${error.message}`);
    }
  });

  it("uses readable paths through arrays, Maps, Sets and odd keys", () => {
    const k = keyerFor(function f(list: unknown) { return list; });
    const w = new WeakSet();
    assert.equal(unhashable(() => k.key([[0, 1, 2, w]])).path, "list[3]");
    assert.equal(unhashable(() => k.key([new Map([["k", w]])])).path, 'list.get("k")');
    assert.equal(unhashable(() => k.key([new Map([[w, 1]])])).path, "list.keys()[0]");
    assert.equal(unhashable(() => k.key([new Set([1, w])])).path, "list.values()[1]");
    assert.equal(unhashable(() => k.key([{ "content-type": w }])).path, 'list["content-type"]');
    assert.equal(unhashable(() => k.key([{ [Symbol("s")]: w }])).path, "list[Symbol(s)]");
  });

  it("calls unnamed arguments (unnamed) and args[i]", () => {
    const k = keyerFor(function f(...rest: unknown[]) { return rest; });
    const error = unhashable(() => k.key([1, new WeakMap()]));
    assert.deepEqual(error.parameter, { name: undefined, position: 1 });
    assert.equal(error.path, "args[1]");
    assert.match(error.message, /`\(unnamed\)` \(position 1\)/);
  });
});
