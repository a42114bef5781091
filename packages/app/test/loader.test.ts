import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import WebSocket from "ws";
import type { ServerFrame, ServerMessage } from "../src/protocol.js";
import { AppLoader } from "../src/server/loader.js";
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
});
