import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { cacheResource, FunctionIdentityError, InvalidOptionError, InvalidTtlError } from "../../src/index.js";
import { Resource } from "../support/manual-clock.js";

let seq = 0;
const unique = (label: string) => `${label}-${++seq}`;

describe("the examples from Streamlit's documentation", () => {
  test("get_database_session: same URL, same object; another URL computes", () => {
    let runs = 0;
    const getDatabaseSession = cacheResource(function getDatabaseSession(url: string) {
      runs++;
      return new Resource(url);
    });
    const s1 = getDatabaseSession("postgres://one");
    const s2 = getDatabaseSession("postgres://one");
    const s3 = getDatabaseSession("postgres://two");
    assert.equal(s1, s2, "a hit returns the very same object");
    assert.notEqual(s1, s3);
    assert.equal(runs, 2);
  });

  test("a leading underscore leaves the argument out of the key", () => {
    let runs = 0;
    const getSession = cacheResource(function getSession(_sessionmaker: () => object, url: string) {
      runs++;
      return { url, made: _sessionmaker() };
    });
    const s1 = getSession(() => ({ a: 1 }), "db://1");
    const s2 = getSession(() => ({ b: 2 }), "db://1");
    assert.equal(s1, s2);
    assert.equal(runs, 1);
  });

  test("clear(args) removes one entry, clear() all of the function's", async () => {
    let runs = 0;
    const get = cacheResource(function getSessionForClear(_maker: unknown, url: string) {
      runs++;
      return { url };
    });
    const a = get(null, "a");
    const b = get(null, "b");
    await get.clear("anything", "a");
    assert.notEqual(get(null, "a"), a, "the cleared entry is computed again");
    assert.equal(get(null, "b"), b, "other entries stay");
    await get.clear();
    assert.notEqual(get(null, "b"), b);
    assert.equal(runs, 4);
  });

  test("cacheResource.clear() empties every cached function", async () => {
    const f = cacheResource((x: number) => ({ x }), { name: unique("f") });
    const g = cacheResource((x: number) => ({ x }), { name: unique("g") });
    const [fa, ga] = [f(1), g(1)];
    await cacheResource.clear();
    assert.notEqual(f(1), fa);
    assert.notEqual(g(1), ga);
  });
});

describe("signatures and values", () => {
  test("a sync function stays sync and an async one returns a Promise of the same value", async () => {
    const syncFn = cacheResource((n: number) => ({ n }), { name: unique("sync") });
    const asyncFn = cacheResource(async (n: number) => ({ n }), { name: unique("async") });
    const value = syncFn(1);
    assert.ok(!(value instanceof Promise));
    assert.deepEqual(value, { n: 1 });
    const first = asyncFn(1);
    assert.ok(first instanceof Promise);
    const resolved = await first;
    const again = asyncFn(1);
    assert.ok(again instanceof Promise, "hits of async functions are Promises too");
    assert.equal(await again, resolved);
  });

  test("mutations of a cached value are visible to every caller", () => {
    const getConfig = cacheResource(() => ({ hits: 0 }), { name: unique("config") });
    getConfig().hits++;
    getConfig().hits++;
    assert.equal(getConfig().hits, 2);
  });

  test("the wrapper keeps the name and arity of the function", () => {
    const cached = cacheResource(function loadModel(name: string, version: number) {
      return { name, version };
    });
    assert.equal(cached.name, "loadModel");
    assert.equal(cached.length, 2);
  });

  test("`this` is passed through to the function", () => {
    const owner = { prefix: "p", get: cacheResource(function prefixed(this: { prefix: string }, s: string) { return `${this.prefix}:${s}`; }) };
    assert.equal(owner.get("x"), "p:x");
  });

  test("f() and f(undefined) share an entry; f(1) does not", () => {
    let runs = 0;
    const f = cacheResource((x?: number) => ({ x, run: ++runs }), { name: unique("optional") });
    assert.equal(f(), f(undefined));
    assert.notEqual(f(), f(1));
    assert.equal(runs, 2);
  });
});

describe("call forms", () => {
  test("cacheResource(options) returns a decorator for functions", () => {
    const hourly = cacheResource({ ttl: "1h", maxEntries: 2 });
    let runs = 0;
    const getClient = hourly(function getClientDecorated(region: string) {
      runs++;
      return { region };
    });
    assert.equal(getClient("eu"), getClient("eu"));
    assert.equal(runs, 1);
  });

  test("the options form works as a TC39 standard method decorator", () => {
    let runs = 0;
    class Services {
      @cacheResource({ maxEntries: 10 })
      connect(url: string) {
        runs++;
        return { url };
      }
    }
    const a = new Services();
    const b = new Services();
    assert.equal(a.connect("db"), b.connect("db"), "shared by every instance");
    assert.notEqual(a.connect("db"), a.connect("other"));
    assert.equal(runs, 2);
  });

  test("bad call forms throw typed errors", () => {
    assert.throws(() => cacheResource(42 as never), InvalidOptionError);
    assert.throws(() => (cacheResource({}) as (x: unknown) => unknown)("not a function"), InvalidOptionError);
  });
});

describe("bad options fail at decoration time", () => {
  const fn = (x: number) => x;
  const cases: [string, object, typeof InvalidOptionError, RegExp][] = [
    ["negative maxEntries", { maxEntries: -1 }, InvalidOptionError, /maxEntries.*-1.*positive integer/s],
    ["zero maxEntries", { maxEntries: 0 }, InvalidOptionError, /at least 1/],
    ["fractional maxEntries", { maxEntries: 1.5 }, InvalidOptionError, /whole number/],
    ["unreadable ttl", { ttl: "soon" }, InvalidTtlError, /soon/],
    ["unknown option", { tll: 5 }, InvalidOptionError, /`tll`.*unknown option/s],
    ["Streamlit spelling", { max_entries: 5 }, InvalidOptionError, /did you mean `maxEntries`/],
    ["background without ttl", { refreshMode: "background" }, InvalidOptionError, /needs a positive `ttl`/],
    ["unknown scope", { scope: "user" }, InvalidOptionError, /"global" or "session"/],
    ["showSpinner of a wrong type", { showSpinner: 1 }, InvalidOptionError, /boolean or a string/],
    ["validate not a function", { validate: true }, InvalidOptionError, /must be a function/],
    ["onRelease not a function", { onRelease: "close" }, InvalidOptionError, /must be a function/],
    ["hashFuncs not a Map", { hashFuncs: { Date: String } }, InvalidOptionError, /must be a Map/],
    ["empty name", { name: " " }, InvalidOptionError, /non-empty string/],
  ];
  for (const [label, options, ErrorClass, message] of cases) {
    test(label, () => {
      assert.throws(() => cacheResource(fn, options as never), (error: unknown) => {
        assert.ok(error instanceof ErrorClass, `expected ${ErrorClass.name}, got ${String(error)}`);
        assert.match((error as Error).message, message);
        return true;
      });
      assert.throws(() => cacheResource(options as never), ErrorClass, "the decorator form checks too");
    });
  }

  test("the error names the option and keeps the value", () => {
    try {
      cacheResource(fn, { maxEntries: -1 });
      assert.fail("expected a throw");
    } catch (error) {
      assert.ok(error instanceof InvalidOptionError);
      assert.equal(error.option, "maxEntries");
      assert.equal(error.value, -1);
    }
  });
});

describe("function identity", () => {
  test("wrapping the same source again finds the same cache (a rerun)", () => {
    const make = () => cacheResource(function rerunTarget(x: number) { return { x }; });
    const first = make();
    const second = make();
    assert.equal(first(1), second(1));
  });

  test("an edited body starts a new cache and releases the old entries", () => {
    const released: unknown[] = [];
    const name = unique("edited");
    const v1 = cacheResource((x: number) => ({ x, v: 1 }), { name, onRelease: (value) => void released.push(value) });
    const old = v1(1);
    const v2 = cacheResource((x: number) => ({ x, v: 2 }), { name, onRelease: (value) => void released.push(value) });
    assert.deepEqual(released, [old]);
    assert.equal(v2(1).v, 2);
  });

  test("a changed ttl or maxEntries gives a new cache and releases the old entries", () => {
    const reasons: string[] = [];
    const name = unique("opts");
    const body = (x: number) => ({ x });
    const a = cacheResource(body, { name, maxEntries: 2, onRelease: (_v, reason) => void reasons.push(reason) });
    const old = a(1);
    const b = cacheResource(body, { name, maxEntries: 3, onRelease: (_v, reason) => void reasons.push(reason) });
    assert.deepEqual(reasons, ["superseded"]);
    assert.notEqual(b(1), old);
  });

  test("bound and native functions need a name", () => {
    function connect(this: { host: string }) {
      return this.host;
    }
    const bound = connect.bind({ host: "h" });
    assert.throws(() => cacheResource(bound), (error: unknown) => {
      assert.ok(error instanceof FunctionIdentityError);
      assert.match((error as Error).message, /name: "connect"/);
      return true;
    });
    assert.throws(() => cacheResource(Math.max), FunctionIdentityError);
    const named = cacheResource(bound, { name: unique("bound-connect") });
    assert.equal(named(), "h");
  });

  test("two anonymous functions in one module never share a cache", () => {
    const a = cacheResource(() => ({ from: "a" }));
    const b = cacheResource(() => ({ from: "b" }));
    assert.equal(a().from, "a");
    assert.equal(b().from, "b");
    assert.equal(a().from, "a");
  });

  test("the registry is shared through globalThis", () => {
    const registry = (globalThis as Record<symbol, unknown>)[Symbol.for("cache-resource.registry.v1")] as { caches: Map<string, unknown> };
    const name = unique("global");
    cacheResource(() => 1, { name });
    assert.ok(registry.caches.has(`name:${name}`));
  });
});
