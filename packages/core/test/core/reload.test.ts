import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const fixture = new URL("./fixtures/resource-module.ts", import.meta.url).href;

test("re-importing a module (a hot reload) finds the same cache", async () => {
  const first = await import(`${fixture}?reload=1`);
  const second = await import(`${fixture}?reload=2`);
  assert.notEqual(first.getPool, second.getPool, "two evaluations of the module");
  assert.equal(first.getPool("db://a"), second.getPool("db://a"), "one shared pool");
});

test("a second copy of the library shares the registry", async () => {
  // A real duplicate: the whole source tree copied elsewhere, as two installs in node_modules are.
  const dir = mkdtempSync(join(tmpdir(), "cache-resource-copy-"));
  cpSync(fileURLToPath(new URL("../../src", import.meta.url)), join(dir, "src"), { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
  const copyA = await import("../../src/index.js");
  const copyB = (await import(pathToFileURL(join(dir, "src", "index.ts")).href)) as typeof copyA;
  assert.notEqual(copyA.cacheResource, copyB.cacheResource, "two distinct copies of the library");
  const make = (lib: typeof copyA) => lib.cacheResource((url: string) => ({ url }), { name: "shared-across-copies" });
  assert.equal(make(copyA)("x"), make(copyB)("x"));
  const events: string[] = [];
  const stop = copyA.cacheResource.events.subscribe((e) => void events.push(e.functionName));
  make(copyB)("y");
  stop();
  assert.ok(events.includes("shared-across-copies"), "events of one copy reach the other's listeners");
  await copyB.cacheResource.clear();
  assert.equal(make(copyA).stats().entries, 0, "a global clear from one copy clears the other's entries");
});

test("editing the body and reloading releases the old entries", async () => {
  const dir = mkdtempSync(join(tmpdir(), "cache-resource-reload-"));
  const file = join(dir, "app-module.mts"); // .mts: ESM wherever the file lives
  const lib = new URL("../../src/index.js", import.meta.url).href;
  const released: string[] = [];
  (globalThis as Record<string, unknown>).__reloadReleased = released;
  const write = (body: string) =>
    writeFileSync(
      file,
      `import { cacheResource } from ${JSON.stringify(lib)};\n` +
        `export const getModel = cacheResource(function getModel(name: string) { ${body} }, {\n` +
        `  onRelease: (m: { version: number }) => void (globalThis as any).__reloadReleased.push("v" + m.version),\n` +
        `});\n`,
    );
  write("return { name, version: 1 };");
  const v1 = await import(`${pathToFileURL(file).href}?v=1`);
  assert.equal(v1.getModel("m").version, 1);
  write("return { name, version: 2 };");
  const v2 = await import(`${pathToFileURL(file).href}?v=2`);
  assert.deepEqual(released, ["v1"], "the superseded entry was released at reload");
  assert.equal(v2.getModel("m").version, 2);
});

test("an anonymous function keeps its cache when edits above move it, and an edited one releases its entries", async () => {
  const dir = mkdtempSync(join(tmpdir(), "cache-resource-anon-"));
  const file = join(dir, "anon-module.mts");
  const lib = new URL("../../src/index.js", import.meta.url).href;
  const released: string[] = [];
  (globalThis as Record<string, unknown>).__anonReleased = released;
  let version = 0;
  const write = (linesAbove: number, body: string) =>
    writeFileSync(
      file,
      `import { cacheResource } from ${JSON.stringify(lib)};\n` +
        "// filler\n".repeat(linesAbove) +
        `export const getClient = cacheResource((region: string) => (${body}), {\n` +
        `  onRelease: (c: { v: number }) => void (globalThis as any).__anonReleased.push("v" + c.v),\n` +
        `});\n`,
    );
  const load = async () => (await import(`${pathToFileURL(file).href}?v=${++version}`)).getClient;
  write(0, "{ region, v: 1 }");
  const first = (await load())("eu");
  write(5, "{ region, v: 1 }"); // an edit elsewhere in the file moves the function down
  assert.equal((await load())("eu"), first, "same source: the same cache, nothing recomputed");
  assert.deepEqual(released, []);
  write(5, "{ region, v: 2 }"); // the function itself is edited, in place
  const edited = (await load())("eu");
  assert.equal(edited.v, 2);
  assert.deepEqual(released, ["v1"], "the edited function's old entries were released");
});
