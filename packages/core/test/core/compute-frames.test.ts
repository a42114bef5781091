import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { cacheResource, RecursiveCallError } from "../../src/index.js";
import { setHost, type MissInfo } from "../../src/host.js";
import { asyncFramesState } from "../../src/cache/compute-frames.js";

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

/**
 * Before Node 24 an enabled AsyncLocalStorage turns on promise hooks for the whole process and
 * every `await` in it pays for them: the storage of asynchronous frames is enabled only while an
 * asynchronous computation is in flight.
 */
describe("asynchronous frames are on only while a computation runs", () => {
  /** The state, with `enabled` as this runtime reports it (Node 20: a boolean). */
  const expect = (inFlight: number) => {
    const { enabled } = asyncFramesState();
    return { inFlight, enabled: enabled === undefined ? undefined : inFlight > 0 };
  };
  const gate = () => {
    let open!: () => void;
    const promise = new Promise<void>((resolve) => (open = resolve));
    return { promise, open };
  };

  test("on during a computation (and recursion is still caught), off once it has settled", async () => {
    let seen: ReturnType<typeof asyncFramesState> | undefined;
    const load = cacheResource(async function framesOnOff(n: number): Promise<number> {
      await Promise.resolve();
      seen = asyncFramesState();
      if (n === 1) return load(1); // recursion after an await
      return n;
    });
    assert.deepEqual(asyncFramesState(), expect(0));
    assert.equal(await load(2), 2);
    assert.deepEqual(seen, expect(1));
    await Promise.resolve();
    assert.deepEqual(asyncFramesState(), expect(0));
    await assert.rejects(load(1), RecursiveCallError);
    await Promise.resolve();
    assert.deepEqual(asyncFramesState(), expect(0), "off after a computation that failed");
  });

  test("overlapping and nested computations keep it on until the last has settled", async () => {
    const a = gate();
    const b = gate();
    const inner = cacheResource(async function framesInner(_n: number) {
      await b.promise;
      return "inner";
    });
    const outer = cacheResource(async function framesOuter(_n: number) {
      await a.promise;
      return `outer+${await inner(1)}`;
    });
    const other = cacheResource(async function framesOther(_n: number) {
      await b.promise;
      return "other";
    });
    const results = Promise.all([outer(1), other(1)]);
    await Promise.resolve();
    assert.deepEqual(asyncFramesState(), expect(2));
    a.open();
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(asyncFramesState(), expect(3), "outer, inner and other");
    b.open();
    assert.deepEqual(await results, ["outer+inner", "other"]);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(asyncFramesState(), expect(0));
  });

  test("a thenable result has its then called once", async () => {
    let thens = 0;
    const load = cacheResource(function framesThenable(n: number): PromiseLike<string> {
      void n;
      return {
        then(resolve, reject) {
          thens++;
          return Promise.resolve("value").then(resolve, reject);
        },
      };
    });
    load(0); // a plain function: its first Promise runs without the asynchronous frame
    await Promise.resolve();
    thens = 0;
    assert.equal(await load(1), "value");
    assert.equal(thens, 1);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(asyncFramesState(), expect(0));
  });
});
