/**
 * Type-level tests (checked by `tsc --noEmit` in `npm test`): the wrapped signature is exactly the
 * function's own, also for parameters typed by their defaults. With a constraint that had a call
 * signature, TypeScript typed an unannotated default parameter from the constraint: `size = 10`
 * came out as `size?: any`, so `getPool("x", "not a number")` compiled.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { expectTypeOf } from "expect-type";
import { cacheResource, InvalidOptionError, type Lease } from "../../src/index.js";

interface Pool {
  url: string;
  size: number;
}

const getPool = cacheResource(function getPool(url: string, size = 10): Pool {
  return { url, size };
});
const getPoolArrow = cacheResource((url: string, size = 10, tls = { verify: true }) => ({ url, size, tls }));
const getPoolAsync = cacheResource(async (url: string, retries = 3) => ({ url, retries }), { ttl: "1h" });
const decorated = cacheResource({ maxEntries: 2 })(function connect(region = "eu", port = 5432) {
  return `${region}:${port}`;
});

test("default parameters keep the type of their defaults", () => {
  expectTypeOf(getPool).parameters.toEqualTypeOf<[url: string, size?: number]>();
  expectTypeOf(getPool).returns.toEqualTypeOf<Pool>();
  expectTypeOf(getPoolArrow).parameters.toEqualTypeOf<[url: string, size?: number, tls?: { verify: boolean }]>();
  expectTypeOf(getPoolAsync).parameters.toEqualTypeOf<[url: string, retries?: number]>();
  expectTypeOf(getPoolAsync).returns.toEqualTypeOf<Promise<{ url: string; retries: number }>>();
  expectTypeOf(decorated).parameters.toEqualTypeOf<[region?: string, port?: number]>();

  // @ts-expect-error: size is a number
  getPool("x", "not a number");
  // @ts-expect-error: retries is a number
  void getPoolAsync("x", "3");
  // @ts-expect-error: port is a number
  decorated("us", "5432");

  // clear, acquire and the options' callbacks see the same parameters
  expectTypeOf(getPool.clear).parameters.toEqualTypeOf<[url: string, size?: number] | []>();
  expectTypeOf(getPool.acquire).parameters.toEqualTypeOf<[url: string, size?: number]>();
  expectTypeOf(getPool.acquire).returns.toEqualTypeOf<Lease<Pool>>();
  cacheResource(function withValidate(url: string, size = 10) { return { url, size }; }, {
    validate: (value, url, size) => {
      expectTypeOf(value).toEqualTypeOf<{ url: string; size: number }>();
      expectTypeOf(url).toEqualTypeOf<string>();
      expectTypeOf(size).toEqualTypeOf<number | undefined>();
      return true;
    },
  });
  assert.ok(true);
});

test("the signature takes any function type, so a class is refused when it is wrapped", () => {
  class Pool2 {
    constructor(readonly url: string) {}
  }
  assert.throws(() => cacheResource(Pool2), (error: unknown) => {
    assert.ok(error instanceof InvalidOptionError);
    assert.match(error.message, /`Pool2` is a class/);
    assert.match(error.message, /new Pool2\(\.\.\.args\)/);
    return true;
  });
});
