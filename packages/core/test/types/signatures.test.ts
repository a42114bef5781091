/**
 * Type-level tests: `npm test` type-checks this file with `tsc --noEmit`, so a wrong signature
 * fails the run. The runtime test only makes sure the file is loaded.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { expectTypeOf } from "expect-type";
import { cacheResource, type CachedFunction, type FunctionStats, type Lease } from "../../src/index.js";

const getDb = cacheResource(function getDbTyped(url: string, poolSize?: number) {
  return { url, poolSize };
});
const loadModel = cacheResource(async (name: string) => ({ name, weights: [0.5, 0.25] }), { ttl: "1h" });

test("wrapped signatures are preserved", () => {
  expectTypeOf(getDb).parameters.toEqualTypeOf<[url: string, poolSize?: number]>();
  expectTypeOf(getDb).returns.toEqualTypeOf<{ url: string; poolSize: number | undefined }>();
  expectTypeOf(loadModel).returns.toEqualTypeOf<Promise<{ name: string; weights: number[] }>>();
  expectTypeOf(getDb.clear).toBeCallableWith();
  expectTypeOf(getDb.clear).toBeCallableWith("postgres://a");
  expectTypeOf(getDb.clear).returns.toEqualTypeOf<Promise<void>>();
  expectTypeOf(getDb.stats).returns.toEqualTypeOf<FunctionStats>();
  expectTypeOf(getDb).toMatchTypeOf<CachedFunction<(url: string, poolSize?: number) => { url: string; poolSize: number | undefined }>>();

  // @ts-expect-error: clear is typed by the arguments
  getDb.clear(42);
  // @ts-expect-error: the cached function keeps its parameter types
  getDb(42);

  const decorator = cacheResource({ ttl: 60 });
  const wrapped = decorator((region: "eu" | "us") => ({ region }));
  expectTypeOf(wrapped).parameters.toEqualTypeOf<[region: "eu" | "us"]>();

  // validate and onRelease see the resolved value type and the arguments
  cacheResource(async (url: string) => ({ url, alive: true }), {
    validate: async (conn, url) => {
      expectTypeOf(conn).toEqualTypeOf<{ url: string; alive: boolean }>();
      expectTypeOf(url).toEqualTypeOf<string>();
      return conn.alive;
    },
    onRelease: (conn, reason) => {
      expectTypeOf(conn).toEqualTypeOf<{ url: string; alive: boolean }>();
      expectTypeOf(reason).toEqualTypeOf<"clear" | "clear-all" | "evicted" | "expired" | "invalid" | "refreshed" | "session-end" | "superseded" | "shutdown">();
    },
  });
  // @ts-expect-error: async validation only for async functions
  cacheResource((url: string) => ({ url }), { validate: async () => true });

  // acquire: a Lease for sync functions, a Promise of one for async ones, typed by the arguments
  expectTypeOf(getDb.acquire).parameters.toEqualTypeOf<[url: string, poolSize?: number]>();
  expectTypeOf(getDb.acquire).returns.toEqualTypeOf<Lease<{ url: string; poolSize: number | undefined }>>();
  expectTypeOf(loadModel.acquire).returns.toEqualTypeOf<Promise<Lease<{ name: string; weights: number[] }>>>();
  expectTypeOf<Lease<number>>().toMatchTypeOf<Disposable & AsyncDisposable>();
  // @ts-expect-error: acquire keeps the parameter types
  void getDb.acquire(42);

  // onRelease: "dispose" only for values that can dispose of themselves
  cacheResource(() => ({ [Symbol.dispose]() {} }), { onRelease: "dispose" });
  cacheResource(async () => ({ async [Symbol.asyncDispose]() {} }), { onRelease: "dispose", drainTimeout: "1m" });
  // @ts-expect-error: a plain object has nothing to dispose
  cacheResource(() => ({ url: "x" }), { onRelease: "dispose" });

  assert.ok(true);
});
