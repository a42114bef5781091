import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { cacheResource, RecursiveCallError } from "../../src/index.js";
import { setHost, type MissInfo } from "../../src/host.js";

/**
 * Misses of functions that have only returned plain values run in a synchronous frame; functions
 * that are `async` or have returned a Promise run in an AsyncLocalStorage frame. Either way a
 * nested miss knows it is not the outermost, and same-key recursion throws.
 */

let counter = 0;
const unique = (label: string) => `frames-${label}-${++counter}`;

/** Records the `outermost` flag of every miss while `body` runs. */
async function outermostFlags(body: () => unknown): Promise<[string, boolean][]> {
  const seen: [string, boolean][] = [];
  const previous = setHost({
    beginMiss(info: MissInfo) {
      seen.push([info.functionName, info.outermost]);
      return { run: (compute) => compute(), end: () => undefined };
    },
  });
  try {
    await body();
  } finally {
    setHost(previous);
  }
  return seen;
}

describe("compute frames", () => {
  test("sync inside sync, async inside sync, sync inside async after an await: only the outer miss is outermost", async () => {
    const leaf = cacheResource(function leafSync(n: number) {
      return n;
    });
    const asyncLeaf = cacheResource(async function leafAsync(n: number) {
      return n;
    });
    const syncOuter = cacheResource(function syncOuter(n: number) {
      return [leaf(n), asyncLeaf(n)] as const;
    });
    const asyncOuter = cacheResource(async function asyncOuter(n: number) {
      await new Promise((resolve) => setImmediate(resolve));
      return leaf(n + 100);
    });
    const flags = await outermostFlags(async () => {
      const [, pending] = syncOuter(1);
      await pending;
      await asyncOuter(1);
      leaf(7); // after both: outermost again
    });
    assert.deepEqual(flags, [
      ["syncOuter", true],
      ["leafSync", false],
      ["leafAsync", false],
      ["asyncOuter", true],
      ["leafSync", false],
      ["leafSync", true],
    ]);
  });

  test("a plain function that has returned a Promise gets the asynchronous frame: recursion after a then throws", async () => {
    const f: (n: number) => Promise<number> = cacheResource(
      (n: number): Promise<number> => (n === 0 ? Promise.resolve(0) : new Promise<void>((resolve) => setImmediate(resolve)).then(() => f(n))),
      { name: unique("plain-promise") },
    );
    assert.equal(await f(0), 0); // first call: seen to return a Promise
    await assert.rejects(f(1), RecursiveCallError);
  });

  test("a callback a sync computation schedules runs after it, outside its frame", async () => {
    let later: Promise<number> | undefined;
    const inner = cacheResource(function scheduledInner() {
      return 1;
    });
    const outer = cacheResource(function schedulingOuter() {
      later = new Promise((resolve) => setImmediate(() => resolve(inner())));
      return 0;
    });
    const flags = await outermostFlags(async () => {
      outer();
      await later;
    });
    assert.deepEqual(flags, [
      ["schedulingOuter", true],
      ["scheduledInner", true],
    ]);
  });
});
