import { test } from "node:test";
import assert from "node:assert/strict";
import vm from "node:vm";
import { cacheResource, FunctionIdentityError } from "../../src/index.js";
import { globalLog, TempModule } from "../support/temp-module.js";

// What a minifier leaves: functions with no names and equal text, wrapped at different places of
// one file, each closing over its own state.
test("two functions with equal source wrapped at different places never share a cache", () => {
  const made: string[] = [];
  const countA = (() => { const from = "a"; return cacheResource(() => (made.push(from), { from })); })();
  const countB = (() => { const from = "b"; return cacheResource(() => (made.push(from), { from })); })();
  assert.equal(countA().from, "a");
  assert.equal(countB().from, "b", "countB computed its own value");
  assert.equal(countA(), countA(), "each hits after its first miss");
  assert.deepEqual(made, ["a", "b"]);
});

test("two live functions with one name and different bodies never release each other's values", async () => {
  const released: unknown[] = [];
  const onRelease = (value: unknown) => void released.push(value);
  // As a bundle leaves them: both named `r`, in one file, both alive.
  const first = (() => cacheResource(function r(url: string) { return { url, pool: "first" }; }, { onRelease }))();
  const second = (() => cacheResource(function r(url: string) { return { url, pool: "second" }; }, { onRelease }))();
  const p1 = first("db");
  const p2 = second("db");
  assert.notEqual(p1, p2);
  for (let i = 0; i < 3; i++) {
    assert.equal(first("db"), p1, "first still hits");
    assert.equal(second("db"), p2, "second still hits");
  }
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(released, [], "nothing was released");
  assert.equal(first.stats().misses + second.stats().misses, 2);
});

test("a helper that wraps many functions gives each its own cache", () => {
  const cached = <F extends (...args: any[]) => any>(fn: F) => cacheResource(fn);
  const a = cached((x: number) => ({ x, from: "a" }));
  const b = cached((x: number) => ({ x, from: "b" }));
  assert.equal(a(1).from, "a");
  assert.equal(b(1).from, "b");
  assert.equal(a(1), a(1));
});

test("wrapping in code evaluated from a string fails at once and names the `name` option", () => {
  const wrapFromString = new Function("cacheResource", "return cacheResource(function getPool(url) { return { url }; })");
  assert.throws(() => wrapFromString(cacheResource), (error: unknown) => {
    assert.ok(error instanceof FunctionIdentityError);
    assert.match((error as Error).message, /evaluated from a string/);
    assert.match((error as Error).message, /name: "getPool"/);
    return true;
  });
  assert.throws(() => vm.runInThisContext("(cr) => cr(() => 1)")(cacheResource), FunctionIdentityError, "vm without a filename");
  const named = new Function("cacheResource", "return cacheResource(function getPool(url) { return { url }; }, { name: 'from-string-pool' })");
  const getPool = named(cacheResource);
  assert.equal(getPool("a"), getPool("a"), "with a name it caches");
  const withUrl = vm.runInThisContext("(cr) => cr((url) => ({ url }))", { filename: "generated-pool.js" });
  const fromVm = withUrl(cacheResource);
  assert.equal(fromVm("a"), fromVm("a"), "with a filename it caches");
});

test("a definition replaced by a reload and called again does not release the new definition's values", async () => {
  const released = globalLog("__liveReleased");
  const mod = new TempModule("live");
  const write = (version: number) =>
    mod.write(
      `export const getModel = cacheResource(function getModel(name: string) { return { name, version: ${version} }; }, {\n` +
        `  onRelease: (m: { version: number }) => void (globalThis as any).__liveReleased.push("v" + m.version),\n});\n`,
    );
  const v1 = await write(1).load();
  const old = v1.getModel("m");
  const v2 = await write(2).load();
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(released, ["v1"], "the reload released the edited function's entry");
  const fresh = v2.getModel("m");
  // A request that began before the reload still runs the old code.
  const again = v1.getModel("m");
  assert.notEqual(again, old, "the old definition's released value is not handed out again");
  assert.equal(v2.getModel("m"), fresh, "the new definition still hits");
  assert.equal(v1.getModel("m"), again, "the old one hits in its own cache");
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(released, ["v1"], "no ping-pong: nothing more was released");
});
