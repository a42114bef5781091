/**
 * `npm run bench:size`: what an application pays to ship the core. Bundles the built core
 * (`packages/core/dist/index.js`, everything it exports) with esbuild, minified, gzips it with
 * node:zlib, does the same for peers, and lists the core's modules by minified bytes (esbuild's
 * metafile). Writes the `size` section of BENCHMARKS.md. Run `npm run build` first.
 */
import { build } from "esbuild";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { writeBenchmarksSection } from "../../../scripts/benchmarks-section.js";

/** The size the core is held to, gzipped. */
const BUDGET_GZ = 12_000;

interface Measured {
  readonly minified: number;
  readonly gzipped: number;
  /** Module path → bytes it contributes to the minified output. */
  readonly modules: ReadonlyMap<string, number>;
}

const root = fileURLToPath(new URL("../../../", import.meta.url));
const require = createRequire(import.meta.url);

async function measure(contents: string): Promise<Measured> {
  const result = await build({
    stdin: { contents, resolveDir: root, loader: "js" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "node",
    target: "node20",
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  const code = result.outputFiles[0]!.contents;
  const output = Object.values(result.metafile.outputs)[0]!;
  const modules = new Map(Object.entries(output.inputs).map(([path, { bytesInOutput }]) => [path, bytesInOutput] as const));
  return { minified: code.length, gzipped: gzipSync(code, { level: 9 }).length, modules };
}

const peers: [name: string, source: string][] = [
  ["lru-cache", 'export * from "lru-cache";'],
  ["micro-memoize", 'export * from "micro-memoize";'],
  ["memoizee", 'export { default } from "memoizee";'],
];

const core = await measure('export * from "./packages/core/dist/index.js";');
const rows: [name: string, version: string, size: Measured][] = [["cache-resource (everything it exports)", version("cache-resource"), core]];
for (const [name, source] of peers) rows.push([name, version(name), await measure(source)]);

const kb = (bytes: number): string => `${(bytes / 1000).toFixed(1)} kB`;
const lines = [
  "## Bundle size",
  "",
  "`npm run bench:size`: the built package bundled by esbuild with `--minify` (ESM, platform node),",
  `gzipped by node:zlib (level 9). Node ${process.versions.node}, esbuild ${esbuildVersion()}. The core is held to ≤ ${kb(BUDGET_GZ)} gzipped.`,
  "",
  "| package | version | minified | min + gzip |",
  "|---|---|---:|---:|",
  ...rows.map(([name, v, m]) => `| ${name} | ${v} | ${kb(m.minified)} | ${kb(m.gzipped)} |`),
  "",
  "What the core is made of (minified bytes each module contributes, largest first):",
  "",
  "| module | minified |",
  "|---|---:|",
  ...[...core.modules]
    .filter(([, bytes]) => bytes > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([path, bytes]) => `| \`${path.replace(/^packages\/core\/dist\//, "").replace(/\.js$/, "")}\` | ${bytes.toLocaleString("en-US")} B |`),
];
const file = writeBenchmarksSection("size", lines.join("\n"));
console.log(lines.join("\n"));
console.log(`\nwrote ${file}`);
if (core.gzipped > BUDGET_GZ) console.log(`\nThe core is ${kb(core.gzipped)} gzipped, over its ${kb(BUDGET_GZ)} budget.`);

function version(name: string): string {
  const path = name === "cache-resource" ? `${root}packages/core/package.json` : `${root}node_modules/${name}/package.json`;
  return (JSON.parse(readFileSync(path, "utf8")) as { version: string }).version;
}

function esbuildVersion(): string {
  return (require("esbuild") as { version: string }).version;
}
