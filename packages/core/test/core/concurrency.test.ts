import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { cacheResource, RecursiveCallError } from "../../src/index.js";
import { deferred, flush } from "../support/manual-clock.js";

let seq = 0;
const unique = (label: string) => `${label}-${++seq}`;

describe("single flight", () => {
  test("10,000 concurrent cold async calls run one computation", async () => {
    let runs = 0;
    const gate = deferred<void>();
    const load = cacheResource(
      async (name: string) => {
        runs++;
        await gate.promise;
        return { name };
      },
      { name: unique("cold") },
    );
    const calls = Array.from({ length: 10_000 }, () => load("model"));
    gate.resolve();
    const values = await Promise.all(calls);
    assert.equal(runs, 1);
    assert.ok(values.every((v) => v === values[0]), "every caller gets the same object");
  });

  test("different keys never wait for each other", async () => {
    const slow = deferred<string>();
    const f = cacheResource(async (key: string) => (key === "slow" ? slow.promise : key), { name: unique("keys") });
    const pendingSlow = f("slow");
    assert.equal(await f("fast"), "fast", "resolves while the other key is still computing");
    slow.resolve("slow");
    assert.equal(await pendingSlow, "slow");
  });

  test("a rejection reaches every waiter, is never cached, and the next call retries", async () => {
    let runs = 0;
    const gate = deferred<void>();
    const f = cacheResource(
      async () => {
        runs++;
        await gate.promise;
        if (runs === 1) throw new Error("boom");
        return "ok";
      },
      { name: unique("reject") },
    );
    const waiters = [f(), f(), f()];
    gate.resolve();
    const results = await Promise.allSettled(waiters);
    assert.ok(results.every((r) => r.status === "rejected" && (r.reason as Error).message === "boom"));
    assert.equal(await f(), "ok");
    assert.equal(runs, 2);
  });

  test("a sync throw is never cached", () => {
    let runs = 0;
    const f = cacheResource(
      () => {
        runs++;
        if (runs === 1) throw new TypeError("first");
        return "second";
      },
      { name: unique("sync-throw") },
    );
    assert.throws(() => f(), TypeError);
    assert.equal(f(), "second");
  });

  test("a function that returns a promise without being async is shared as well", async () => {
    let runs = 0;
    const f = cacheResource((x: number) => {
      runs++;
      return new Promise<number>((resolve) => setImmediate(() => resolve(x * 2)));
    }, { name: unique("thenable") });
    const [a, b] = await Promise.all([f(2), f(2)]);
    assert.equal(a, 4);
    assert.equal(b, 4);
    assert.equal(runs, 1);
  });
});

describe("recursion", () => {
  test("same-key sync recursion throws instead of looping", () => {
    const f: (n: number) => number = cacheResource((n: number): number => f(n) + 1, { name: unique("rec-sync") });
    assert.throws(() => f(1), RecursiveCallError);
    assert.throws(() => f(1), /called itself with the same arguments/, "the failure is not cached");
  });

  test("same-key async recursion rejects instead of deadlocking", async () => {
    const f: (n: number) => Promise<number> = cacheResource(
      async (n: number): Promise<number> => {
        await flush();
        return (await f(n)) + 1;
      },
      { name: unique("rec-async") },
    );
    await assert.rejects(f(1), RecursiveCallError);
  });

  test("recursion on other keys works", async () => {
    const fib: (n: number) => Promise<number> = cacheResource(
      async (n: number): Promise<number> => (n < 2 ? n : (await fib(n - 1)) + (await fib(n - 2))),
      { name: unique("fib") },
    );
    assert.equal(await fib(30), 832040);
  });

  test("an unrelated caller joining a pending key is not treated as recursion", async () => {
    const gate = deferred<void>();
    const f = cacheResource(async (k: string) => {
      await gate.promise;
      return k;
    }, { name: unique("join") });
    const g = cacheResource(async () => f("shared"), { name: unique("outer") });
    const direct = f("shared");
    const viaOther = g();
    gate.resolve();
    assert.equal(await direct, "shared");
    assert.equal(await viaOther, "shared");
  });
});
