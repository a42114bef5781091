import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";
import WebSocket from "ws";
import { startAppServer, type AppServer } from "../src/server/app-server.js";
import { fixture, withServer } from "./browser-support.js";
import { connect, finishedRuns } from "./socket-support.js";
import { gate, shared, waitUntil } from "./support.js";

/** The server without a browser: the socket's security rules, HTTP, reloading. */

describe("the socket", () => {
  test("a cross-origin (or origin-less) WebSocket is refused with 403; the app's own origins are accepted", async () => {
    await withServer(fixture("throws"), async (server) => {
      const foreign = connect(server, "http://evil.example");
      const rebound = connect(server, `http://evil.example:${server.port}`);
      const none = connect(server, null);
      await waitUntil(() => [foreign, rebound, none].every((c) => c.refusedWith !== undefined), "refusals");
      assert.deepEqual([foreign.refusedWith, rebound.refusedWith, none.refusedWith], [403, 403, 403]);

      const local = connect(server, `http://localhost:${server.port}`);
      const loopback = connect(server, `http://127.0.0.1:${server.port}`);
      await waitUntil(() => finishedRuns(local) === 1 && finishedRuns(loopback) === 1, "both own origins run the app");
      local.ws.close();
      loopback.ws.close();
    });
  });

  test("a malformed message closes that socket only, with a close code; the server keeps serving", async () => {
    await withServer(fixture("throws"), async (server) => {
      const bad = connect(server);
      const good = connect(server);
      await waitUntil(() => finishedRuns(bad) === 1 && finishedRuns(good) === 1, "both sockets ran the app");
      bad.ws.send("{this is not json");
      await waitUntil(() => bad.closed !== undefined, "the bad socket closed");
      assert.equal(bad.closed?.code, 1007);

      const other = connect(server);
      await waitUntil(() => other.ws.readyState === WebSocket.OPEN && finishedRuns(other) === 1, "a new socket works");
      other.ws.send(JSON.stringify({ type: "widget", id: `checkbox-${"0".repeat(64)}`, value: { evil: true } }));
      await waitUntil(() => other.closed !== undefined, "a bad value closes too");
      assert.equal(other.closed?.code, 1007);

      good.ws.send(JSON.stringify({ type: "rerun" }));
      await waitUntil(() => finishedRuns(good) === 2, "the good socket still reruns");
      good.ws.close();
    });
  });

  test("message size and rate are bounded", async () => {
    await withServer(
      fixture("throws"),
      async (server) => {
        const big = connect(server);
        await waitUntil(() => big.ws.readyState === WebSocket.OPEN, "open");
        big.ws.send(JSON.stringify({ type: "rerun", pad: "x".repeat(5_000) }));
        await waitUntil(() => big.closed !== undefined, "oversized message closes");
        assert.equal(big.closed?.code, 1009);

        const flood = connect(server);
        await waitUntil(() => flood.ws.readyState === WebSocket.OPEN, "open");
        for (let i = 0; i < 20; i++) flood.ws.send(JSON.stringify({ type: "rerun" }));
        await waitUntil(() => flood.closed !== undefined, "flooding closes");
        assert.equal(flood.closed?.code, 1008);
      },
      { maxMessageBytes: 4_096, rateLimit: { burst: 5, perSecond: 1 } },
    );
  });
});

describe("http", () => {
  test("serves the page with a strict content security policy, and nothing else", async () => {
    await withServer(fixture("throws"), async (server) => {
      const page = await fetch(server.url);
      assert.equal(page.status, 200);
      assert.match(page.headers.get("content-security-policy") ?? "", /script-src 'self'/);
      assert.equal(page.headers.get("x-frame-options"), "DENY");
      assert.match(await page.text(), /<title>fixtures<\/title>|<title>throws<\/title>/);
      assert.equal((await fetch(`${server.url}/../package.json`)).status, 404);
      assert.equal((await fetch(`${server.url}/static/app.js`)).status, 200);
      assert.equal((await fetch(server.url, { method: "POST" })).status, 405);
    });
  });
});

describe("start-up", () => {
  // Bounded: were start-up to wait for the load, startAppServer would never return.
  test("the page is served while the app is still loading; a socket opened meanwhile runs the app once it has loaded", { timeout: 30_000 }, async () => {
    const control = shared("loading-app", () => ({ gate: gate<void>() }));
    control.gate = gate<void>();
    const dir = mkdtempSync(join(tmpdir(), "cache-resource-app-"));
    const file = join(dir, "app.mts");
    const library = JSON.stringify(pathToFileURL(fileURLToPath(new URL("../src/index.ts", import.meta.url))).href);
    // The module's evaluation waits for the test: the load cannot finish before the test says so.
    writeFileSync(
      file,
      `import { st } from ${library};\n` +
        'await (globalThis as any)[Symbol.for("cache-resource.test.loading-app")].gate.promise;\n' +
        'export default function app() {\n  st.text("loaded");\n}\n',
    );
    const server = await startAppServer({ file, port: 0, watch: false, log: () => {} });
    try {
      assert.equal((await fetch(server.url)).status, 200);
      const client = connect(server);
      await new Promise((resolve) => setTimeout(resolve, 100)); // a socket that waits, not one that is refused
      assert.equal(client.refusedWith, undefined);
      assert.equal(finishedRuns(client), 0);
      control.gate.resolve();
      await waitUntil(() => finishedRuns(client) === 1, "the first run, after the load");
      assert.ok(client.messages.some((m) => m.type === "delta" && m.element.kind === "text" && m.element.text === "loaded"));
      client.ws.close();
    } finally {
      control.gate.resolve();
      await server.close();
    }
  });
});

describe("reloading", () => {
  test("editing the app file reloads it and reruns every session", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cache-resource-app-"));
    const file = join(dir, "app.mts"); // .mts: the temp folder has no package.json saying "module"
    const appSource = (word: string) =>
      `import { st } from ${JSON.stringify(pathToFileURL(new URL("../src/index.ts", import.meta.url).pathname).href)};\n` +
      `export default function app() { st.text(${JSON.stringify(word)}); }\n`;
    writeFileSync(file, appSource("first version"));
    await withServer(
      file,
      async (server) => {
        const client = connect(server);
        const texts = () => client.messages.flatMap((m) => (m.type === "delta" && m.element.kind === "text" ? [m.element.text] : []));
        await waitUntil(() => texts().includes("first version"), "first version shown");
        writeFileSync(file, appSource("second version"));
        await waitUntil(() => texts().includes("second version"), "second version shown after the edit");
        client.ws.close();
      },
      { watch: true },
    );
  });
});

describe("an app that does not compile", () => {
  test("a syntax error shows the file, line, column and the code around it, not the loader's stack; fixing it recovers", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cache-resource-app-"));
    const file = join(dir, "app.mts");
    const header = `import { st } from ${JSON.stringify(pathToFileURL(new URL("../src/index.ts", import.meta.url).pathname).href)};\n`;
    writeFileSync(file, `${header}export default function app() {\n  const x = ;\n  st.text("fixed");\n}\n`);
    await withServer(file, async (server) => {
      const client = connect(server);
      await waitUntil(() => finishedRuns(client) === 1, "the run finished");
      const shown = client.messages.find((m) => m.type === "delta" && m.element.kind === "exception");
      assert.ok(shown?.type === "delta" && shown.element.kind === "exception");
      const { name, message, stack } = shown.element;
      assert.equal(name, "SyntaxError");
      assert.equal(message, `${file}:3:13: Unexpected ";"`);
      assert.equal(
        stack,
        [
          `  1 | ${header.trimEnd()}`,
          "  2 | export default function app() {",
          "> 3 |   const x = ;",
          "    |             ^",
          '  4 |   st.text("fixed");',
          "  5 | }",
        ].join("\n"),
      );
      assert.doesNotMatch(`${message}\n${stack}`, /esbuild|node_modules|\bat /);

      writeFileSync(file, `${header}export default function app() {\n  st.text("fixed");\n}\n`);
      await server.reload();
      await waitUntil(() => client.messages.some((m) => m.type === "delta" && m.element.kind === "text" && m.element.text === "fixed"), "the fixed app runs");
      client.ws.close();
    });
  });
});

describe("the command line", () => {
  test("SIGTERM: the command stops serving, waits for a run holding a lease, releases every cached resource, and exits with 128 + 15", async () => {
    const cli = fileURLToPath(new URL("../src/bin/cli.ts", import.meta.url));
    const child = spawn(process.execPath, ["--import", "tsx", cli, "run", fixture("leased"), "--port", "0", "--no-watch"], { stdio: ["ignore", "pipe", "pipe"] });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += String(chunk)));
    try {
      await waitUntil(() => /Local URL: (\S+)/.test(out), "the command prints its URL", 30_000);
      const url = /Local URL: (\S+)/.exec(out)![1]!;
      const client = connect({ url, port: Number(new URL(url).port) } as AppServer);
      const texts = () => client.messages.flatMap((m) => (m.type === "delta" && m.element.kind === "text" ? [m.element.text] : []));
      await waitUntil(() => texts().includes("holding the pool"), "a run holds the lease");
      child.kill("SIGTERM");
      assert.equal(await exited, 143);
      const finished = out.indexOf("run finished its query after shutdown started");
      const released = out.indexOf("released shutdown after 1 queries");
      assert.ok(finished >= 0 && released > finished, `the pool is released after the run that held it:\n${out}`);
    } finally {
      child.kill("SIGKILL");
    }
  });

  test("`cache-resource run --allow-origin` lets a page served from that origin (a reverse proxy) open the socket; others stay refused", async () => {
    const cli = fileURLToPath(new URL("../src/bin/cli.ts", import.meta.url));
    const child = spawn(process.execPath, ["--import", "tsx", cli, "run", fixture("throws"), "--port", "0", "--no-watch", "--allow-origin", "https://apps.example.com"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      let out = "";
      child.stdout.on("data", (chunk: Buffer) => (out += String(chunk)));
      // The whole banner: its lines may arrive in separate chunks.
      await waitUntil(() => out.includes("Press Ctrl+C to stop."), "the command prints its banner", 30_000);
      assert.match(out, /Also accepting pages served from https:\/\/apps\.example\.com/);
      const url = /Local URL: (\S+)/.exec(out)![1]!;
      const server = { url, port: Number(new URL(url).port) } as AppServer;
      const proxied = connect(server, "https://apps.example.com");
      const other = connect(server, "https://evil.example.com");
      await waitUntil(() => finishedRuns(proxied) === 1 && other.refusedWith !== undefined, "proxied page runs, other refused");
      assert.equal(other.refusedWith, 403);
      proxied.ws.close();
    } finally {
      child.kill("SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
    }
  });
});
