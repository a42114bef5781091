/**
 * `exclude` by position survives minification; `exclude` by name does not (a minifier renames the
 * parameter, so the name is no longer a parameter and wrapping throws when the module loads). The
 * README used to say that `exclude` as a whole survives it, with `["pool"]` as an equal choice.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL, fileURLToPath } from "node:url";
import { build } from "esbuild";

const core = fileURLToPath(new URL("../../src/index.ts", import.meta.url));
const readme = readFileSync(fileURLToPath(new URL("../../../../README.md", import.meta.url)), "utf8");

async function loadMinified(exclude: string): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), "exclude-minified-"));
  try {
    const entry = join(dir, "app.ts");
    writeFileSync(
      entry,
      `import { cacheResource } from ${JSON.stringify(core)};
       interface Factory { open(url: string): { url: string } }
       export const open = cacheResource(function open(factory: Factory, url: string) { return factory.open(url); }, { exclude: ${exclude} });`,
    );
    const out = join(dir, "app.mjs");
    await build({ entryPoints: [entry], outfile: out, bundle: true, minify: true, format: "esm", platform: "node", logLevel: "silent" });
    return (await import(pathToFileURL(out).href)) as Record<string, unknown>;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("minified: exclude by position keeps working", async () => {
  const { open } = (await loadMinified("[0]")) as { open: (factory: unknown, url: string) => { url: string } };
  const factory = (n: number) => ({ n, open: (url: string) => ({ url }) });
  assert.equal(open(factory(1), "u"), open(factory(2), "u"), "the factory is left out of the key");
});

test("minified: exclude by name fails when the module loads, and the error points to positions", async () => {
  await assert.rejects(loadMinified('["factory"]'), (error: Error) => {
    assert.equal(error.name, "InvalidOptionError");
    assert.match(error.message, /"factory" is not a parameter/);
    assert.match(error.message, /use an argument position instead if the code is minified/);
    return true;
  });
});

test("the README says only positions survive minification", () => {
  const row = readme.split("\n").find((line) => line.startsWith("| `exclude` |"));
  assert.ok(row !== undefined);
  assert.match(row, /positions survive minification/i);
  assert.ok(!/names left out of the key \(survives minification\)/.test(row), row);
  assert.ok(!readme.includes('// or ["pool"]'), 'the example no longer offers ["pool"] as an equal choice');
  assert.ok(!/`exclude`, which survives minification/.test(readme));
});
