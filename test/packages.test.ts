/**
 * The packages as users get them: `npm pack` every workspace package, install the tarballs into an
 * empty project (nothing else in it; the app's dependencies come from the registry), and use them
 * there — ESM import, CommonJS require, both copies in one process, TypeScript under `node16`
 * (ESM and CommonJS consumers) and `bundler`, and `npx cache-resource run` of a small app.
 * One install serves every check; the set-up prints how long it took.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { packWorkspaces, ROOT, type PackedPackage } from "../scripts/pack-workspaces.js";

const run = promisify(execFile);
const FIXTURES = join(ROOT, "test/fixtures/consumer");
const TSC = join(ROOT, "node_modules/typescript/bin/tsc");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

let dir = "";
let project = "";
let packed: PackedPackage[] = [];
const typechecks = new Map<string, Promise<string[]>>();
const TYPECHECKS = [
  ["node16", { module: "node16", moduleResolution: "node16" }, ["consumer.mts", "consumer.cts", "readme-app.mts"]],
  ["bundler", { module: "preserve", moduleResolution: "bundler" }, ["consumer-bundler.ts"]],
] as const;

// Generous bounds, so that a hung npm fails the run instead of stalling it.
const INSTALL_TIMEOUT_MS = 5 * 60_000;

before(async () => {
  const started = performance.now();
  dir = mkdtempSync(join(tmpdir(), "cache-resource-packages-"));
  mkdirSync(join(dir, "tarballs"));
  packed = packWorkspaces(join(dir, "tarballs"));
  const packedAt = performance.now();
  project = join(dir, "project");
  mkdirSync(project);
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true }, null, 2));
  await run(npm, ["install", "--no-audit", "--no-fund", "--loglevel=error", ...packed.map((p) => p.tarball)], { cwd: project, timeout: INSTALL_TIMEOUT_MS });
  for (const file of readdirSync(FIXTURES)) copyFileSync(join(FIXTURES, file), join(project, file));
  const consumer = readFileSync(join(FIXTURES, "consumer.ts"), "utf8");
  // TypeScript consumers on Node have @types/node (the core's types name Node's signals and
  // Disposable). It goes in a folder of its own below the project, so the project itself keeps
  // nothing but the tarballs; TypeScript finds the packages one level up.
  mkdirSync(join(project, "ts"));
  writeFileSync(join(project, "ts/package.json"), JSON.stringify({ name: "ts-consumer", private: true }, null, 2));
  const typesNode = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { devDependencies: Record<string, string> }).devDependencies["@types/node"];
  await run(npm, ["install", "--no-audit", "--no-fund", "--loglevel=error", `@types/node@${typesNode}`], { cwd: join(project, "ts"), timeout: INSTALL_TIMEOUT_MS });
  // Every package's types resolve, whatever packages there are: one namespace import of each.
  const everyPackage = packed.map((p, i) => `import * as package${i} from "${p.name}";\nexport { package${i} };\n`).join("");
  for (const name of ["consumer.mts", "consumer.cts", "consumer-bundler.ts"]) writeFileSync(join(project, "ts", name), consumer + everyPackage);
  writeFileSync(join(project, "ts/readme-app.mts"), appReadmeExample());
  // Both type checks start now and run side by side (they take longest); their tests await them.
  for (const [name, resolution, files] of TYPECHECKS) {
    const check = typecheck(resolution, files);
    check.catch(() => {}); // reported by the test that awaits it
    typechecks.set(name, check);
  }
  const done = performance.now();
  console.log(`# packed ${packed.length} packages in ${ms(packedAt - started)}, installed in ${ms(done - packedAt)}`);
}, { timeout: 15 * 60_000 });

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("packed tarballs", () => {
  test("ship built code, types and a README, and nothing stale: no tests, no sources, no source maps", () => {
    for (const pkg of packed) {
      const files = pkg.files;
      assert.ok(files.includes("dist/index.js") && files.includes("dist/cjs/index.cjs"), `${pkg.name}: built code`);
      assert.ok(files.includes("dist/index.d.ts") && files.includes("dist/index.d.cts"), `${pkg.name}: types`);
      // The core ships the repository's README (copied by its prepack); every other package ships
      // the README.md in its folder, once it has one.
      const readme = pkg.name === "cache-resource" || existsSync(join(ROOT, "packages", pkg.folder, "README.md"));
      if (readme) assert.ok(files.includes("README.md"), `${pkg.name}: README.md`);
      else console.log(`# ${pkg.name} has no README.md yet: npm will show an empty page`);
      for (const file of files) {
        assert.ok(file === "package.json" || file === "README.md" || file.startsWith("dist/") || file.startsWith("docs/"), `${pkg.name}: unexpected ${file}`);
        assert.doesNotMatch(file, /\.map$|\.test\.|(^|\/)test\/|\.(?<!\.d\.)c?ts$/, `${pkg.name}: ${file} should not ship`);
      }
      console.log(`# ${pkg.name}: ${files.length} files, ${kb(pkg.size)} packed, ${kb(pkg.unpackedSize)} unpacked`);
    }
  });

  test("the core's README is the repository's README; the core has no dependencies and no install scripts", () => {
    const core = join(project, "node_modules/cache-resource");
    assert.equal(readFileSync(join(core, "README.md"), "utf8"), readFileSync(join(ROOT, "README.md"), "utf8"));
    const manifest = JSON.parse(readFileSync(join(core, "package.json"), "utf8")) as Record<string, unknown>;
    for (const field of ["dependencies", "peerDependencies", "optionalDependencies", "bundleDependencies"]) {
      assert.equal(manifest[field], undefined, `cache-resource has ${field}`);
    }
    const scripts = (manifest.scripts ?? {}) as Record<string, string>;
    for (const hook of ["preinstall", "install", "postinstall"]) assert.equal(scripts[hook], undefined, `cache-resource has a ${hook} script`);
  });

  test("the app uses the installed core, not a second copy from the registry", () => {
    assert.throws(() => statSync(join(project, "node_modules/@cache-resource/app/node_modules/cache-resource")));
    const packages = readdirSync(join(project, "node_modules")).flatMap((name) =>
      name.startsWith("@") ? readdirSync(join(project, "node_modules", name)).map((s) => `${name}/${s}`) : [name],
    );
    console.log(`# installed: ${packages.filter((n) => !n.startsWith(".")).length} packages, ${kb(duBytes(join(project, "node_modules")))} on disk`);
  });
});

describe("installed from the tarballs", () => {
  test("every package loads both ways, with the same exports from import and require", async () => {
    const names = JSON.stringify(packed.map((p) => p.name));
    const script = `
      import { createRequire } from "node:module";
      const require = createRequire(import.meta.url);
      for (const name of ${names}) {
        const esm = Object.keys(await import(name)).filter((k) => k !== "default").sort();
        const cjs = Object.keys(require(name)).filter((k) => k !== "default" && k !== "__esModule").sort();
        if (esm.length === 0) throw new Error(name + " exports nothing");
        if (esm.join() !== cjs.join()) throw new Error(name + ": import gives " + esm + " but require gives " + cjs);
      }
      console.log("loaded", ${names}.length);`;
    const { stdout } = await run(process.execPath, ["--input-type=module", "--eval", script], { cwd: project });
    assert.match(stdout, new RegExp(`loaded ${packed.length}`));
  });

  test("ESM import: a cached function hits", async () => {
    const { stdout } = await run(process.execPath, ["esm.mjs"], { cwd: project });
    assert.match(stdout, /esm ok/);
  });

  test("CommonJS require loads the CommonJS build: a cached function hits", async () => {
    const { stdout } = await run(process.execPath, ["cjs.cjs"], { cwd: project });
    assert.match(stdout, /cjs ok/);
  });

  test("both copies in one process share the registry, and instanceof works across them", async () => {
    const { stdout } = await run(process.execPath, ["dual.mjs"], { cwd: project });
    assert.match(stdout, /dual ok/);
  });

  test("TypeScript, module node16: an ESM (.mts) and a CommonJS (.cts) consumer check, each against its own declarations", async () => {
    const files = await typechecks.get("node16")!;
    assert.ok(files.some((f) => f.endsWith("node_modules/cache-resource/dist/index.d.ts")), "ESM declarations used");
    assert.ok(files.some((f) => f.endsWith("node_modules/cache-resource/dist/index.d.cts")), "CommonJS declarations used");
  });

  test("TypeScript, moduleResolution bundler: the consumer checks", async () => {
    await typechecks.get("bundler")!;
  });

  // npx runs the bin in a child process and, sent SIGTERM itself, exits without passing it on
  // (npm 11): the server would live on. A terminal or a supervisor signals the process group, so
  // the test does too — both npx and the server get SIGTERM, and the server must stop cleanly.
  test("npx cache-resource run app.ts serves the app, and SIGTERM to its process group stops it", async () => {
    const child = spawn(npm === "npm" ? "npx" : "npx.cmd", ["--no-install", "cache-resource", "run", "app.ts", "--port", "0", "--no-watch"], {
      cwd: project,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    const group = -child.pid!;
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL printed within 60 s:\n${output}`)), 60_000);
        child.stdout.on("data", () => {
          const found = /Local URL: (http:\/\/\S+)/.exec(output);
          if (found?.[1]) {
            clearTimeout(timer);
            resolve(found[1]);
          }
        });
        void exited.then((code) => reject(new Error(`exited with ${code} before serving:\n${output}`)));
      });
      const page = await fetch(url);
      assert.equal(page.status, 200);
      const html = await page.text();
      assert.match(html, /<html/i);
      // The page's script and styles are bundled at start from the installed package's files.
      const assets = [...html.matchAll(/(?:src|href)="(\/[^"]+)"/g)].map((m) => m[1]!);
      assert.ok(assets.length > 0, `no assets linked from the page:\n${html}`);
      for (const asset of assets) {
        const response = await fetch(new URL(asset, url));
        assert.equal(response.status, 200, asset);
        assert.ok((await response.text()).length > 0, asset);
      }
      process.kill(group, "SIGTERM");
      await exited;
      await waitForClosed(url, output);
      assert.match(output, /Stopping \(releasing cached resources/);
    } finally {
      try {
        process.kill(group, "SIGKILL");
      } catch {
        // already gone: the normal case
      }
    }
  });
});

/** Resolves once nothing answers at `url` any more (the server process has exited). */
async function waitForClosed(url: string, output: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      await fetch(url);
    } catch {
      return;
    }
    if (Date.now() > deadline) assert.fail(`still serving ${url} after SIGTERM:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Type-checks `files` in the installed project with the repository's TypeScript; returns the files it read. */
async function typecheck(resolution: { readonly module: string; readonly moduleResolution: string }, files: readonly string[]): Promise<string[]> {
  const config = join(project, "ts", `tsconfig.${resolution.moduleResolution}.json`);
  const compilerOptions = { ...resolution, target: "ES2022", lib: ["ES2023", "DOM"], strict: true, noEmit: true, skipLibCheck: false, types: ["node"] };
  writeFileSync(config, JSON.stringify({ compilerOptions, files }, null, 2));
  try {
    const { stdout } = await run(process.execPath, [TSC, "-p", config, "--listFiles"], { cwd: join(project, "ts") });
    return stdout.split("\n").map((line) => line.trim().replaceAll("\\", "/"));
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    assert.fail(`tsc (${resolution.moduleResolution}) failed:\n${(stdout ?? "").split("\n").filter((l) => !l.startsWith("/")).join("\n")}${stderr ?? ""}`);
  }
}

/** The TypeScript example of packages/app/README.md, so the package's front page type-checks too. */
function appReadmeExample(): string {
  const readme = readFileSync(join(ROOT, "packages/app/README.md"), "utf8");
  const block = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(block, "packages/app/README.md has a ts example");
  return block;
}

/** Bytes of the files below `path`, each file once (esbuild's binary is hard-linked twice). */
function duBytes(path: string, seen = new Set<string>()): number {
  const stat = lstatSync(path, { throwIfNoEntry: false });
  if (!stat || seen.has(`${stat.dev}:${stat.ino}`)) return 0;
  seen.add(`${stat.dev}:${stat.ino}`);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, name) => sum + duBytes(join(path, name), seen), 0);
}

function ms(value: number): string {
  return `${(value / 1000).toFixed(1)} s`;
}

function kb(bytes: number): string {
  return `${(bytes / 1000).toFixed(1)} kB`;
}
