#!/usr/bin/env node
/**
 * Builds the package in the current directory: `node ../../scripts/build-package.mjs src/index.ts …`.
 *
 * - ESM and declarations: `tsc -p tsconfig.build.json` into `dist/` (one file per module, so
 *   bundlers tree-shake what an application does not use).
 * - CommonJS: each entry bundled by esbuild into `dist/cjs/<entry>.cjs`, packages left external.
 *   `dist/cjs/` sits one level below `dist/` as the ESM files do below it, so paths taken from
 *   `import.meta.url` (a shim of `__filename` in CommonJS) resolve to the same files.
 * - CommonJS declarations: every `.d.ts` copied to a `.d.cts` whose relative imports name
 *   `.cjs` files, so TypeScript under `node16` resolves `require()` to CommonJS types.
 *
 * No source maps ship: the sources do not ship either.
 *
 * The build goes to a fresh folder that then takes `dist/`'s place, so code running from `dist/`
 * meanwhile (tests, while the packed-install test packs) never sees it empty or half written.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const entries = process.argv.slice(2);
if (entries.length === 0) throw new Error("build-package: name the entry files, e.g. src/index.ts");

const out = `dist.building-${process.pid}`;
rmSync(out, { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.build.json", "--outDir", out], { stdio: "inherit" });

const { buildSync } = require("esbuild");
for (const entry of entries) {
  buildSync({
    entryPoints: [entry],
    outfile: join(out, "cjs", basename(entry).replace(/\.ts$/, ".cjs")),
    bundle: true,
    format: "cjs",
    platform: "node",
    target: "node20",
    packages: "external",
    define: { "import.meta.url": "__importMetaUrl" },
    banner: { js: 'const __importMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
    logLevel: "warning",
  });
}

for (const file of walk(out)) {
  if (!file.endsWith(".d.ts")) continue;
  const text = readFileSync(file, "utf8").replace(/(from\s+|import\()(["'])(\.{1,2}\/[^"']*?)\.js\2/g, "$1$2$3.cjs$2");
  writeFileSync(file.replace(/\.d\.ts$/, ".d.cts"), text);
}

const previous = `dist.previous-${process.pid}`;
if (existsSync("dist")) renameSync("dist", previous);
renameSync(out, "dist");
rmSync(previous, { recursive: true, force: true });

function* walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else yield path;
  }
}
