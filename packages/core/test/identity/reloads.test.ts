import { test } from "node:test";
import assert from "node:assert/strict";
import vm from "node:vm";
import { cacheResource } from "../../src/index.js";
import { globalLog, TempModule } from "../support/temp-module.js";

const tick = () => new Promise((resolve) => setImmediate(resolve));

test("an anonymous function edited and moved in one save releases its old entry", async () => {
  const released = globalLog("__movedReleased");
  const mod = new TempModule("anon-moved");
  const other = `export const other = cacheResource((id: number) => ({ id }));\n`;
  const write = (linesAbove: number, v: number) => {
    const client =
      `export const getClient = cacheResource((region: string) => ({ region, v: ${v} }), {\n` +
      `  onRelease: (c: { v: number }) => void (globalThis as any).__movedReleased.push("v" + c.v),\n});\n`;
    return mod.write("// filler\n".repeat(linesAbove) + (linesAbove === 0 ? other + client : client + other));
  };
  const first = await write(0, 1).load();
  const otherValue = first.other(1);
  first.getClient("eu");
  const second = await write(5, 2).load(); // edited and moved below filler and above `other` in one save
  await tick();
  assert.deepEqual(released, ["v1"]);
  assert.equal(second.getClient("eu").v, 2);
  assert.equal(second.other(1), otherValue, "the unchanged function kept its cache");
});

test("a named function moved by an edit elsewhere keeps its cache; a new function releases nothing", async () => {
  const released = globalLog("__namedMoved");
  const mod = new TempModule("named-moved");
  const hook = `{ onRelease: (v: unknown) => void (globalThis as any).__namedMoved.push(v) }`;
  const first = await mod.write(`export const getPool = cacheResource(function getPool(url: string) { return { url }; }, ${hook});\n`).load();
  const pool = first.getPool("db");
  const second = await mod
    .write(`export const added = cacheResource(function added() { return {}; }, ${hook});\n// moved\nexport const getPool = cacheResource(function getPool(url: string) { return { url }; }, ${hook});\n`)
    .load();
  await tick();
  assert.equal(second.getPool("db"), pool, "same value after an unrelated edit");
  assert.deepEqual(released, []);
});

test("re-wrapping with other hashFuncs or experimentalAllowWidgets supersedes and releases the old entries", async () => {
  const released = globalLog("__optsReleased");
  const mod = new TempModule("options");
  const write = (hashFuncs: string, widgets: boolean) =>
    mod.write(
      `class Point { constructor(public x: number, public y: number) {} }\n` +
        `export { Point };\n` +
        `export const getShape = cacheResource(function getShape(p: Point) { return { p }; }, {\n` +
        `  hashFuncs: new Map([[Point, ${hashFuncs}]]), experimentalAllowWidgets: ${widgets},\n` +
        `  onRelease: () => void (globalThis as any).__optsReleased.push("released"),\n});\n`,
    );
  const v1 = await write("(p: Point) => p.x", false).load();
  v1.getShape(new v1.Point(1, 2));
  const v2 = await write("(p: Point) => [p.x, p.y]", false).load();
  await tick();
  assert.deepEqual(released, ["released"], "new hashFuncs: the old entries were released");
  v2.getShape(new v2.Point(1, 2));
  const v3 = await write("(p: Point) => [p.x, p.y]", true).load();
  await tick();
  assert.deepEqual(released, ["released", "released"], "experimentalAllowWidgets too");
  assert.ok(v3.getShape);
});

test("with a name, new hashFuncs supersede at once; an equal rebuilt Map keeps the cache", () => {
  const reasons: string[] = [];
  const name = `hash-funcs-${Math.random()}`;
  class Box {
    constructor(readonly id: number, readonly label: string) {}
  }
  const wrapWith = (hash: (b: Box) => unknown) =>
    cacheResource((b: Box) => ({ b }), { name, hashFuncs: new Map([[Box, hash]]), onRelease: (_v, reason) => void reasons.push(reason) });
  const byId = (b: Box) => b.id;
  const first = wrapWith(byId)(new Box(1, "a"));
  assert.equal(wrapWith(byId)(new Box(1, "b")), first, "a rebuilt Map with the same entries is the same signature");
  assert.deepEqual(reasons, []);
  const relabeled = wrapWith((b: Box) => b.label)(new Box(1, "a"));
  assert.notEqual(relabeled, first);
  assert.deepEqual(reasons, ["superseded"], "the entries keyed by the old hashFuncs were released");
});

test("an edit in a file of many modules releases nothing when the edited name is not unique there", async () => {
  const released: string[] = [];
  const hook = (value: { from: string }) => void released.push(value.from);
  // One chunk holding two modules with a `getPool` each, then one module re-evaluated with an
  // edit under the chunk's name (as Turbopack's dev server does).
  const chunk = vm.runInThisContext(
    "(cr, hook) => [cr(function getPool() { return { from: 'a' }; }, { onRelease: hook }), cr(function getPool() { return { from: 'b' }; }, { onRelease: hook })]",
    { filename: "/app/.next/chunks/root-of-the-server.js" },
  );
  const [a, b] = chunk(cacheResource, hook);
  const valueB = b();
  a();
  const update = vm.runInThisContext("(cr, hook) => cr(function getPool() { return { from: 'a2' }; }, { onRelease: hook })", {
    filename: "/app/.next/chunks/root-of-the-server.js?id=lib/a.ts",
  });
  const a2 = update(cacheResource, hook);
  await tick();
  assert.deepEqual(released, [], "b's live pool was not released");
  assert.equal(b(), valueB);
  assert.equal(a2().from, "a2");
});

test("an older text of a file wrapping again never replaces the newer text's definitions", async () => {
  const released = globalLog("__olderReleased");
  const mod = new TempModule("older");
  const write = (v: number) =>
    mod.write(
      `export const lazy = () => cacheResource(function late() { return { late: ${v} }; });\n` +
        `export const getPool = cacheResource(function getPool() { return { v: ${v} }; }, { onRelease: (p: { v: number }) => void (globalThis as any).__olderReleased.push("v" + p.v) });\n`,
    );
  const v1 = await write(1).load();
  v1.getPool();
  const v2 = await write(2).load();
  await tick();
  assert.deepEqual(released, ["v1"]);
  const pool2 = v2.getPool();
  v1.lazy()(); // the old text wraps a function after the reload
  await tick();
  assert.deepEqual(released, ["v1"]);
  assert.equal(v2.getPool(), pool2);
});

test("a module re-evaluated under its chunk's file URL (Turbopack's dev server) keeps an unchanged function's cache", async () => {
  const chunk = vm.runInThisContext("(cr) => [cr(function getStable() { return { stable: true }; }), cr(function getOther() { return {}; })]", {
    filename: "/app/.next/server/chunks/[root-of-the-server]__x._.js",
  });
  const [stable] = chunk(cacheResource);
  const value = stable();
  // An edit elsewhere in the module moves the function; the update names the chunk as a URL.
  const update = vm.runInThisContext("// an edit\n\n(cr) => cr(function getStable() { return { stable: true }; })", {
    filename: "file:///app/.next/server/chunks/%5Broot-of-the-server%5D__x._.js?id=%5Bproject%5D/lib/a.ts",
  });
  const updated = update(cacheResource);
  await tick();
  assert.equal(updated(), value);
});

test("an anonymous function edited in one module of a many-module chunk releases its old entry, and no other module's", async () => {
  const released: string[] = [];
  const hook = (value: { from: string }) => void released.push(value.from);
  // Two modules in one chunk, each in its own function (as Turbopack's dev server writes them).
  const chunk = vm.runInThisContext(
    "(cr, hook) => [" +
      "(() => [cr(function stableA() { return { from: 'stable-a' }; }, { onRelease: hook }), cr(() => ({ from: 'anon-a' }), { onRelease: hook })])()," +
      "(() => [cr(() => ({ from: 'anon-b' }), { onRelease: hook })])()]",
    { filename: "/app/.next/server/chunks/[many]__y._.js" },
  );
  const [[stableA, anonA], [anonB]] = chunk(cacheResource, hook);
  const [stableValue, , anonBValue] = [stableA(), anonA(), anonB()];
  // Module a updated: its anonymous function edited (and moved), its named one unchanged.
  const update = vm.runInThisContext(
    "(cr, hook) => [cr(() => ({ from: 'anon-a2' }), { onRelease: hook }), cr(function stableA() { return { from: 'stable-a' }; }, { onRelease: hook })]",
    { filename: "file:///app/.next/server/chunks/%5Bmany%5D__y._.js?id=lib/a.ts" },
  );
  const [anonA2, stableA2] = update(cacheResource, hook);
  await tick();
  assert.deepEqual(released, ["anon-a"], "module a's old anonymous value, and nothing of module b");
  assert.equal(stableA2(), stableValue);
  assert.equal(anonB(), anonBValue);
  assert.equal(anonA2().from, "anon-a2");
});
