/**
 * A cached generator function would hand every caller the same one-shot iterator: the first
 * loop drains it and the second sees nothing. Streamlit refuses them at decoration time; so do
 * we, when the function is wrapped, with an error that says what to cache instead.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { cacheResource, InvalidOptionError } from "../../src/index.js";

function assertRefused(wrap: () => unknown, name: string): void {
  assert.throws(wrap, (error: unknown) => {
    assert.ok(error instanceof InvalidOptionError, `expected InvalidOptionError, got ${String(error)}`);
    assert.match(error.message, new RegExp(`\`${name}\` is a(n async)? generator function`));
    assert.match(error.message, /one-shot iterator/);
    assert.match(error.message, /Array\.from/, "says what to cache instead");
    return true;
  });
}

test("a generator function is refused when it is wrapped", () => {
  assertRefused(() => cacheResource(function* numbers(n: number) { for (let i = 0; i < n; i++) yield i; }), "numbers");
});

test("an async generator function is refused when it is wrapped", () => {
  assertRefused(() => cacheResource(async function* rows(_table: string) { yield 1; }), "rows");
});

test("through the decorator form and as a method decorator, too", () => {
  assertRefused(() => cacheResource({ ttl: 60 })(function* lines() { yield "a"; }), "lines");
  assertRefused(() => {
    class Reader {
      @cacheResource({ ttl: 60 })
      *chunks() {
        yield 1;
      }
    }
    return Reader;
  }, "chunks");
  assertRefused(() => {
    class Stream {
      @cacheResource
      async *events() {
        yield 1;
      }
    }
    return Stream;
  }, "events");
});

test("what the error suggests works: cache the collected items", async () => {
  async function* rows(n: number) {
    for (let i = 0; i < n; i++) yield i;
  }
  const collect = async <T>(items: AsyncIterable<T>) => {
    const out: T[] = [];
    for await (const item of items) out.push(item);
    return out;
  };
  const getRows = cacheResource(function getRows(n: number) { return collect(rows(n)); });
  assert.deepEqual(await getRows(3), [0, 1, 2]);
  assert.equal(await getRows(3), await getRows(3), "every caller sees the same, complete array");
});
