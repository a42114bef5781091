/**
 * One program with several cached functions (named, anonymous, async, and two modules with the
 * same local function name), built by each tool and run: each function computes once per key,
 * nothing is released, and no function is served another's value.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { build as esbuild } from "esbuild";
import { build as viteBuild } from "vite"; // Vite 8: builds with Rolldown
import { build as viteRollupBuild } from "vite-rollup"; // Vite 7: builds with Rollup
import { expectPoolsServed } from "../support/pools.mjs";
import { freePort, run, start } from "../support/processes.mjs";
import { copyFixture } from "../support/workdir.mjs";

const builds = [
  { label: "esbuild --bundle", tool: "esbuild", minify: false, sourcemap: false },
  { label: "esbuild --bundle --minify", tool: "esbuild", minify: true, sourcemap: false },
  { label: "esbuild --bundle --minify --sourcemap (run with --enable-source-maps)", tool: "esbuild", minify: true, sourcemap: true },
  { label: "Vite 8 (Rolldown) SSR build, library inlined (ssr.noExternal)", tool: "vite", minify: false, inline: true },
  { label: "Vite 8 (Rolldown) SSR build, library inlined, minified", tool: "vite", minify: true, inline: true },
  { label: "Vite 8 (Rolldown) SSR build, library external", tool: "vite", minify: true, inline: false },
  { label: "Vite 7 (Rollup) SSR build, library inlined (ssr.noExternal)", tool: "vite-rollup", minify: false, inline: true },
  { label: "Vite 7 (Rollup) SSR build, library inlined, minified", tool: "vite-rollup", minify: true, inline: true },
];

for (const spec of builds) {
  test(`${spec.label}: one computation per key, no release, no collision`, async (t) => {
    const work = copyFixture("program");
    t.after(() => work.remove());
    const outfile = spec.tool === "esbuild" ? await buildWithEsbuild(work, spec) : await buildWithVite(work, spec);
    const args = [...(spec.sourcemap ? ["--enable-source-maps"] : []), outfile];
    const { events, answers, distinct } = JSON.parse(await run(process.execPath, args, { cwd: work.dir }, 60_000));
    assert.deepEqual(events.filter((e) => e.startsWith("released")), [], "nothing was released");
    const computed = events.filter((e) => !e.startsWith("released"));
    assert.equal(new Set(computed).size, computed.length, `each function computed each key once: ${computed.join(", ")}`);
    assert.equal(computed.length, 8, "4 functions × 2 keys");
    const owners = ["a", "b", "a-anonymous", "b-async"];
    const expected = [0, 1, 2].flatMap(() => ["db://1", "db://2"].flatMap((url) => owners.map((owner) => `${owner}:${url}`)));
    assert.deepEqual(answers, expected, "every function served its own, still usable, value");
    assert.equal(distinct, 8, "8 values for 24 calls");
  });
}

async function buildWithEsbuild(work, { minify, sourcemap }) {
  const outfile = work.path("dist", "main.mjs");
  await esbuild({ entryPoints: [work.path("main.ts")], bundle: true, minify, sourcemap, platform: "node", format: "esm", target: "node20", outfile, logLevel: "silent" });
  return outfile;
}

async function buildWithVite(work, { tool, minify, inline }) {
  await (tool === "vite" ? viteBuild : viteRollupBuild)({
    root: work.dir,
    configFile: false,
    logLevel: "silent",
    ssr: { noExternal: inline ? true : [] },
    build: { ssr: work.path("main.ts"), outDir: work.path("dist"), minify, emptyOutDir: true },
  });
  return join(work.dir, "dist", "main.js");
}

// Node servers bundled and minified, the library inlined (the servers' own packages external).
for (const framework of ["express", "fastify"]) {
  test(`${framework} server bundled by esbuild --bundle --minify --sourcemap: one pool per key, no release`, async (t) => {
    const work = copyFixture("node-servers");
    t.after(() => work.remove());
    const outfile = work.path("dist", `${framework}.mjs`);
    await esbuild({
      entryPoints: [work.path(`${framework}-server.ts`)],
      bundle: true, minify: true, sourcemap: true, platform: "node", format: "esm", target: "node20",
      external: ["express", "fastify"], outfile, logLevel: "silent",
    });
    const port = await freePort();
    const server = start(process.execPath, ["--enable-source-maps", outfile], { cwd: work.dir, env: { ...process.env, PORT: String(port) } });
    t.after(() => server.stop());
    await expectPoolsServed(`http://127.0.0.1:${port}/pools`, () => `the ${framework} server\n${server.output}`, 30_000);
  });
}
