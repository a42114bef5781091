import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

// The same program as source, then bundled by esbuild with the library inlined: the case where
// library and user code share one file and minified functions lose their names.
const entry = fileURLToPath(new URL("./fixtures/bundled/main.ts", import.meta.url));
const out = mkdtempSync(join(tmpdir(), "cache-resource-bundles-"));

const builds = [
  { label: "bundle", minify: false, sourcemap: false },
  { label: "bundle + minify", minify: true, sourcemap: false },
  { label: "bundle + minify + source maps", minify: true, sourcemap: true },
] as const;

for (const { label, minify, sourcemap } of builds) {
  test(`esbuild ${label}: one computation per key, no release, no collision`, async () => {
    const outfile = join(out, `${label.replace(/\W+/g, "-")}.mjs`);
    await build({ entryPoints: [entry], bundle: true, minify, sourcemap, platform: "node", format: "esm", target: "node20", outfile, logLevel: "silent" });
    const node = [...(sourcemap ? ["--enable-source-maps"] : []), outfile];
    const { events, results, same } = JSON.parse(execFileSync(process.execPath, node, { encoding: "utf8" })) as {
      events: string[];
      results: string[];
      same: boolean;
    };
    const computed = events.filter((e) => !e.startsWith("released"));
    assert.deepEqual(events.filter((e) => e.startsWith("released")), [], "nothing released");
    assert.equal(new Set(computed).size, computed.length, `each key computed once: ${computed.join(", ")}`);
    assert.equal(computed.length, 10, "5 functions × 2 keys");
    const round = ["a", "b", "a-anonymous", "b-anonymous", "b-async"];
    assert.deepEqual(results, Array.from({ length: 6 }, () => round).flat(), "every function served its own value");
    assert.ok(same, "hits return the same object; the two getPool functions do not");
  });
}
