import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import WebSocket from "ws";
import type { ServerFrame, ServerMessage } from "../src/protocol.js";
import { AppLoader } from "../src/server/loader.js";
import { buildCacheFile } from "../src/server/build-cache.js";
import { waitUntil } from "./support.js";

/** The app loader: TypeScript without a build step, packages from their builds, one process. */

const appFile = fileURLToPath(new URL("./fixtures/loader/app.ts", import.meta.url));
const cli = fileURLToPath(new URL("../dist/bin/cli.js", import.meta.url));

/** The texts of the first run of the app served at `url`. */
async function firstRunTexts(url: string): Promise<string[]> {
  const ws = new WebSocket(`${url.replace("http:", "ws:")}/ws`, { origin: url });
  const messages: ServerMessage[] = [];
  ws.on("message", (data) => messages.push(...(JSON.parse(String(data)) as ServerFrame)));
  await waitUntil(() => messages.some((m) => m.type === "runFinished"), "the first run");
  ws.close();
  return messages.flatMap((m) => (m.type === "delta" && m.element.kind === "text" ? [m.element.text] : []));
}

/** A fresh app folder outside the repository, with the repository's packages installed. */
function appFolder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "cache-resource-loader-"));
  symlinkSync(fileURLToPath(new URL("../../../node_modules", import.meta.url)), join(dir, "node_modules"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

type Global = typeof globalThis & Record<string, unknown>;

describe("the app loader", () => {
  test("each file keeps its import.meta.url and __dirname; ./x.js finds x.ts, ./x finds x.ts; JSON and require work; a reload evaluates the app's files again", async () => {
    const loader = new AppLoader(appFile);
    try {
      const first = await loader.load();
      assert.ok(first.ok, String(!first.ok && first.error));
      const lines: string[] = [];
      // The fixture writes through the `st` of the package build; collect what it writes.
      const { st } = await import("@cache-resource/app");
      const text = st.text;
      st.text = ((line: string) => void lines.push(line)) as typeof st.text;
      try {
        (first.script as (st: unknown) => void)(st);
        const again = await loader.load();
        assert.ok(again.ok);
        (again.script as (st: unknown) => void)(st);
      } finally {
        st.text = text;
      }
      const evaluated = lines.filter((l) => l.startsWith("evaluations: ")).map((l) => Number(l.slice(13)));
      assert.deepEqual(
        lines.filter((l) => !l.startsWith("evaluations") && !l.startsWith("one library")),
        ["json: 42", "meta: true", "dirname: true", "require: true", "json: 42", "meta: true", "dirname: true", "require: true"],
      );
      assert.equal(evaluated[1], evaluated[0]! + 1, "the reload evaluated the app's own module again");
      assert.ok([...loader.files].some((f) => f.endsWith("/loader/lib/count.ts")), "imported app files are watched");
      assert.ok(![...loader.files].some((f) => f.includes("node_modules") || f.includes("/dist/")), "packages are not watched");
    } finally {
      loader.close();
    }
  });

  test("a syntax error is reported as file:line:column and the code, without stack frames", async () => {
    // Written at test time: a broken fixture would break the repository's type check.
    const broken = join(mkdtempSync(join(tmpdir(), "cache-resource-loader-")), "broken.ts");
    writeFileSync(broken, "export default function app() {\n  const x = ;\n}\n");
    const loader = new AppLoader(broken);
    const loaded = await loader.load();
    loader.close();
    assert.equal(loaded.ok, false);
    const error = (loaded as { error: Error }).error;
    assert.equal(error.name, "SyntaxError");
    assert.match(error.message, /broken\.ts:2:13: Unexpected ";"$/);
    assert.match((error as Error & { codeFrame: string }).codeFrame, /> 2 \|   const x = ;\n\s+\|\s+\^/);
  });

  test("cache-resource run (the package build) is one process: no child process once the page is served, and the app shares the runtime's library", async (t) => {
    if (process.platform !== "linux") return t.skip("reads the process tree with ps");
    const child = spawn(process.execPath, [cli, "run", appFile, "--port", "0", "--no-watch"], { stdio: ["ignore", "pipe", "pipe"] });
    try {
      let out = "";
      child.stdout.on("data", (d) => (out += d));
      await waitUntil(() => /Local URL: (http:\S+)/.test(out), "the server listening");
      const url = /Local URL: (http:\S+)/.exec(out)![1]!;
      assert.equal((await fetch(url)).status, 200);
      const texts = await firstRunTexts(url);
      assert.ok(texts.includes("one library: true"), texts.join("\n"));
      // ps exits 1 when it lists nothing, which is the point.
      const children = spawnSync("ps", ["-o", "pid=,args=", "--ppid", String(child.pid)], { encoding: "utf8" }).stdout.trim();
      assert.equal(children, "", `child processes: ${children}`);
    } finally {
      child.kill("SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
    }
  });

  test("CommonJS modules, stack positions in each file, packages shared with the runtime; the bundle is not left behind", async () => {
    const dir = appFolder({
      "app.ts": [
        'import { cacheResource } from "cache-resource";',
        'import legacy from "./lib/legacy.cjs";',
        'import { throwHere } from "./lib/thrower";',
        "export default function app() {",
        "  let stack = \"\";",
        "  try { throwHere(); } catch (error) { stack = (error as Error).stack ?? \"\"; }",
        "  return { legacy, stack, library: cacheResource };",
        "}",
      ].join("\n"),
      "lib/legacy.cjs": 'const { sep } = require("node:path");\nmodule.exports = { dirname: __dirname, sep, ws: typeof require("ws") };\n',
      "lib/thrower.ts": "// line 1\n\nexport function throwHere(): never {\n  throw new Error(\"thrown here\");\n}\n",
    });
    const loader = new AppLoader(join(dir, "app.ts"));
    try {
      const loaded = await loader.load();
      assert.ok(loaded.ok, String(!loaded.ok && loaded.error));
      const out = (loaded.script as () => { legacy: { dirname: string; sep: string; ws: string }; stack: string; library: unknown })();
      assert.deepEqual(out.legacy, { dirname: join(dir, "lib"), sep: "/", ws: "function" });
      assert.match(out.stack, /thrown here\n\s+at throwHere \(\S*\/lib\/thrower\.ts:4:9\)/);
      assert.match(out.stack, /\/app\.ts:6:\d+\)/);
      const { cacheResource } = await import("cache-resource");
      assert.equal(out.library, cacheResource, "the app imports the runtime's own copy of the package");
      assert.deepEqual([...loader.files].map((f) => f.slice(dir.length + 1)).sort(), ["app.ts", "lib/legacy.cjs", "lib/thrower.ts"]);
      const left = readdirSync(join(dir, "node_modules", ".cache", "cache-resource")).filter((f) => f.startsWith(`app.${process.pid}.`));
      assert.deepEqual(left, [], "the bundle file is deleted once imported");
    } finally {
      loader.close();
    }
  });

  test("an edit that moves a cached function keeps its entries; an edit of the function releases them as superseded", async () => {
    const counter = `cache-resource.test.loader-identity-${process.pid}`;
    const app = (body: string) =>
      [
        'import { cacheResource } from "cache-resource";',
        'import { tag } from "./lib/tag";',
        "const g = globalThis as Record<string, any>;",
        `const getPool = cacheResource(function getPool(url: string) {`,
        `  g[${JSON.stringify(counter)}].made++;`,
        `  return { url, ${body} };`,
        `}, { onRelease: (_pool, reason) => g[${JSON.stringify(counter)}].released.push(reason) });`,
        "export default function app() { return tag(getPool(\"db\").url); }",
      ].join("\n");
    const dir = appFolder({ "app.ts": app("v: 1"), "lib/tag.ts": "export const tag = (s: string) => `<${s}>`;\n" });
    const state = { made: 0, released: [] as string[] };
    (globalThis as Global)[counter] = state;
    const loader = new AppLoader(join(dir, "app.ts"));
    const run = async (): Promise<unknown> => {
      const loaded = await loader.load();
      assert.ok(loaded.ok, String(!loaded.ok && loaded.error));
      return (loaded.script as () => unknown)();
    };
    try {
      assert.equal(await run(), "<db>");
      // Lines added to a module bundled before the app move getPool within the bundle.
      writeFileSync(join(dir, "lib/tag.ts"), "// a comment\nconst open = \"<\";\nconst close = \">\";\nexport const tag = (s: string) => open + s + close;\n");
      assert.equal(await run(), "<db>");
      assert.deepEqual(state, { made: 1, released: [] }, "moved, not edited: the same cache");
      writeFileSync(join(dir, "app.ts"), app("v: 2"));
      assert.equal(await run(), "<db>");
      await waitUntil(() => state.released.length > 0, "the old entry released");
      assert.deepEqual(state, { made: 2, released: ["superseded"] });
    } finally {
      loader.close();
    }
  });

  test("a package that is not installed fails when imported, where the app can catch it", async () => {
    const dir = appFolder({
      "app.ts": 'const optional = await import("cache-resource-no-such-package").then(() => "found", () => "missing");\nexport default () => optional;\n',
    });
    const loader = new AppLoader(join(dir, "app.ts"));
    try {
      const loaded = await loader.load();
      assert.ok(loaded.ok, String(!loaded.ok && loaded.error));
      assert.equal((loaded.script as () => string)(), "missing");
    } finally {
      loader.close();
    }
  });

  test("an import of a local file that does not exist is reported at the import, and the importing file is watched", async () => {
    const dir = appFolder({ "app.ts": 'import { x } from "./lib/gone";\nexport default function app() {\n  return x;\n}\n' });
    const loader = new AppLoader(join(dir, "app.ts"));
    const loaded = await loader.load();
    loader.close();
    assert.equal(loaded.ok, false);
    const error = (loaded as { error: Error & { codeFrame?: string } }).error;
    assert.match(error.message, /app\.ts:1:19: Could not resolve "\.\/lib\/gone"$/);
    assert.match(error.codeFrame ?? "", /> 1 \| import \{ x \} from "\.\/lib\/gone";/);
    assert.deepEqual([...loader.files], [join(dir, "app.ts")]);
  });

  test("a start with unchanged files reuses the kept build; an edit of any of its files builds again", async () => {
    const dir = appFolder({ "app.ts": 'import { word } from "./lib/word";\nexport default () => word;\n', "lib/word.ts": 'export const word = "built";\n' });
    const entry = join(dir, "app.ts");
    const kept = buildCacheFile(join(realpathSync(join(dir, "node_modules")), ".cache", "cache-resource"), entry);
    const start = async (): Promise<unknown> => {
      const loader = new AppLoader(entry);
      try {
        const loaded = await loader.load();
        assert.ok(loaded.ok, String(!loaded.ok && loaded.error));
        return (loaded.script as () => unknown)();
      } finally {
        loader.close();
      }
    };
    try {
      assert.equal(await start(), "built");
      // What the next start runs is the kept text: mark it, and the mark shows.
      writeFileSync(kept, readFileSync(kept, "utf8").replace('\\"built\\"', '\\"kept\\"'));
      assert.equal(await start(), "kept");
      writeFileSync(join(dir, "lib/word.ts"), 'export const word = "edited";\n');
      assert.equal(await start(), "edited");
    } finally {
      rmSync(kept, { force: true });
    }
  });

  test("an import through a `paths` alias of the app's tsconfig.json finds the app's TypeScript", async () => {
    const dir = appFolder({
      "tsconfig.json": JSON.stringify({ compilerOptions: { baseUrl: ".", paths: { "@lib/*": ["./lib/*"] } } }),
      "app.ts": 'import { word } from "@lib/word";\nexport default () => word;\n',
      "lib/word.ts": 'export const word = "aliased";\n',
    });
    const loader = new AppLoader(join(dir, "app.ts"));
    try {
      const loaded = await loader.load();
      assert.ok(loaded.ok, String(!loaded.ok && loaded.error));
      assert.equal((loaded.script as () => string)(), "aliased");
      assert.ok(loader.files.has(join(dir, "lib/word.ts")), "the aliased file is watched");
    } finally {
      loader.close();
    }
  });
});
