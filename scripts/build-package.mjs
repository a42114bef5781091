#!/usr/bin/env node
/**
 * Builds the package in the current directory:
 * `node ../../scripts/build-package.mjs src/index.ts … [--esm-only src/bin/cli.ts …]`.
 *
 * - ESM: the entries bundled by esbuild with code splitting, packages left external. Each entry
 *   keeps its place under `dist/` (`src/bin/cli.ts` → `dist/bin/cli.js`); code two entries share
 *   goes to `dist/chunks/`, so a module's state (a registry, a host) exists once however many
 *   entries a program imports. A few files where tsc wrote one per module: Node resolves, reads
 *   and links each ES module on its own, and for ~140 modules that start-up work was hot enough
 *   for V8 to send Node's own resolver functions to its optimizing compiler, whose first use costs
 *   a process several MiB of memory. Bundlers still tree-shake what an application does not use.
 * - Declarations: `tsc -p tsconfig.build.json --emitDeclarationOnly`, one `.d.ts` per module.
 * - CommonJS: each entry bundled by esbuild into `dist/cjs/<entry>.cjs`, packages left external.
 *   `dist/cjs/` sits one level below `dist/`; code that needs a file of its package finds the
 *   package's root from `import.meta.url` (a shim of `__filename` in CommonJS), wherever the
 *   bundle put it.
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
// Public entries (ESM and CommonJS), then, after `--esm-only`, entries built as ES modules only
// (a command, and internal modules that the package's own scripts and benchmarks import).
const args = process.argv.slice(2);
const split = args.includes("--esm-only") ? args.indexOf("--esm-only") : args.length;
const entries = args.slice(0, split);
const esmOnly = args.slice(split + 1);
if (entries.length === 0) throw new Error("build-package: name the entry files, e.g. src/index.ts [--esm-only src/bin/cli.ts]");

const out = `dist.building-${process.pid}`;
rmSync(out, { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.build.json", "--outDir", out, "--emitDeclarationOnly"], { stdio: "inherit" });

const { buildSync } = require("esbuild");
buildSync({
  entryPoints: [...entries, ...esmOnly],
  outdir: out,
  outbase: "src",
  bundle: true,
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  logLevel: "warning",
});
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
