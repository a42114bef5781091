import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { BUSY_UTILIZATION, BusyWatch, hasOwnTiering } from "../src/server/tiering.js";

/** How the `cache-resource` command sets V8 up (src/server/tiering.ts). */

const tiering = fileURLToPath(new URL("../src/server/tiering.ts", import.meta.url));

/** Runs `body` in a fresh `node` (with `flags`) after `tuneTiering()`; returns its stdout lines. */
function inChild(flags: readonly string[], body: string): string[] {
  const script = `const { tuneTiering } = await import(${JSON.stringify(tiering)});\nconsole.log(tuneTiering());\n${body}`;
  const child = spawnSync(process.execPath, ["--import", "tsx", ...flags, "--input-type=module", "-e", script], { encoding: "utf8" });
  assert.equal(child.status, 0, child.stderr);
  return child.stdout.trim().split("\n");
}

describe("tiering", () => {
  test("options of the user's own that say how to compile leave V8 as is", () => {
    for (const own of ["--no-opt", "--jitless", "--interrupt-budget=1000", "--interrupt_budget=1000", "--max-lazy", "--no-sparkplug", "--max-semi-space-size=64", "--semi-space-growth-factor=4"]) {
      assert.equal(hasOwnTiering(["--import", "tsx", own]), true, own);
    }
    for (const other of ["--import", "tsx", "--inspect", "--optimize-for-size", "--max-old-space-size=4096", "--enable-source-maps", ""]) {
      assert.equal(hasOwnTiering([other]), false, other);
    }
    assert.deepEqual(inChild(["--no-opt"], ""), ["false"]);
  });

  test("a hot function is still optimized under the command's settings", () => {
    const body =
      "function small(a) { return a.length + 1; }\n" +
      "function driver(n) { let s = 0; for (let i = 0; i < n; i++) s += small('abc'); return s; }\n" +
      "for (let r = 0; r < 2000; r++) driver(1000);\n" +
      "console.log((%GetOptimizationStatus(driver) & 16) !== 0);";
    assert.deepEqual(inChild(["--allow-natives-syntax"], body), ["true", "true"]);
  });

  test("the first busy second sets V8's own settings back, once", () => {
    let calls = 0;
    const watch = new BusyWatch(() => calls++);
    for (const idle of [0, 0.01, BUSY_UTILIZATION - 0.001, Number.NaN]) watch.sample(idle);
    assert.equal(watch.busy, false);
    assert.equal(calls, 0);
    watch.sample(BUSY_UTILIZATION);
    watch.sample(1);
    watch.sample(0);
    assert.equal(watch.busy, true);
    assert.equal(calls, 1);
  });
});
