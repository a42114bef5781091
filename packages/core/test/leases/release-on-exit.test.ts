/**
 * `cacheResource.releaseOnExit()` in real child processes: a signal starts the shutdown, leased
 * values are released when their users finish, and the process ends with the signal's status.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { cacheResource } from "../../src/index.js";

const CHILD = fileURLToPath(new URL("./fixtures/exit-child.ts", import.meta.url));

interface Child {
  /** Resolves when the child printed `line`. */
  waitFor(line: string): Promise<void>;
  signal(signal: NodeJS.Signals): void;
  /** How the child ended, and everything it printed. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; lines: string[]; stderr: string }>;
}

function startChild(...args: string[]): Child {
  const child = spawn(process.execPath, ["--import", "tsx", CHILD, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const lines: string[] = [];
  let stderr = "";
  let buffered = "";
  const waiting: { line: string; resolve: () => void }[] = [];
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    buffered += chunk;
    for (let nl = buffered.indexOf("\n"); nl >= 0; nl = buffered.indexOf("\n")) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      lines.push(line);
      for (const w of waiting.filter((w) => w.line === line)) w.resolve();
    }
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; lines: string[]; stderr: string }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal, lines, stderr })),
  );
  return {
    waitFor: (line) =>
      lines.includes(line)
        ? Promise.resolve()
        : Promise.race([
            new Promise<void>((resolve) => waiting.push({ line, resolve })),
            exited.then((end) => {
              throw new Error(`the child ended (${end.code ?? end.signal}) before printing "${line}": ${end.lines.join(" | ")}\n${end.stderr}`);
            }),
          ]),
    signal: (signal) => void child.kill(signal),
    exited,
  };
}

test("SIGTERM: a leased PGlite database is released after its last request, then the process dies of SIGTERM", { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "cache-resource-pglite-"));
  try {
    const child = startChild("pglite", dir);
    await child.waitFor("ready");
    child.signal("SIGTERM");
    const end = await child.exited;
    assert.equal(end.signal, "SIGTERM", `killed by the signal it received (code ${end.code}; ${end.stderr})`);
    assert.equal(end.code, null);
    assert.deepEqual(end.lines, ["ready", "request finished rows=1", "released shutdown closed=true"], "the request finished on the database before it was closed");
    // The database was closed cleanly: it opens again with the row the draining request wrote.
    const db = new PGlite(dir);
    try {
      const { rows } = await db.query<{ line: string }>("select line from log");
      assert.deepEqual(rows, [{ line: "written while draining" }]);
    } finally {
      await db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("another SIGTERM listener stays installed: the process exits with 128 + 15", { timeout: 60_000 }, async () => {
  const child = startChild("other-listener");
  await child.waitFor("ready");
  child.signal("SIGTERM");
  const end = await child.exited;
  assert.equal(end.code, 143, end.stderr);
  assert.deepEqual(end.lines, ["ready", "other listener", "released shutdown"]);
});

test("a second signal ends the process at once, with that signal", { timeout: 60_000 }, async () => {
  const child = startChild("hold");
  await child.waitFor("ready");
  child.signal("SIGTERM");
  await child.waitFor("draining");
  child.signal("SIGINT");
  const end = await child.exited;
  assert.equal(end.signal, "SIGINT", end.stderr);
  assert.deepEqual(end.lines, ["ready", "draining"], "nothing was released: the lease was still open");
});

test("the shutdown's timer does not keep the process alive: with nothing else to run, leased values are released and the process ends", { timeout: 60_000 }, async () => {
  const child = startChild("idle");
  await child.waitFor("ready");
  child.signal("SIGTERM");
  const end = await child.exited;
  assert.equal(end.signal, "SIGTERM", end.stderr);
  assert.deepEqual(end.lines, ["ready", "draining", "released shutdown"]);
  assert.match(end.stderr, /shutdown did not finish in time: `getThing\(\)`: 1 open lease\(s\) \(released now\)/);
});

test("shutdown()'s own timer does not keep the process alive either", { timeout: 60_000 }, async () => {
  const child = startChild("plain-shutdown");
  const end = await child.exited;
  assert.equal(end.code, 0, end.stderr);
  assert.deepEqual(end.lines, ["ready"], "the process ended on its own, without waiting out the one-hour timeout");
});

test("the returned function uninstalls the handlers", { timeout: 60_000 }, async () => {
  const child = startChild("uninstall");
  await child.waitFor("ready");
  child.signal("SIGTERM");
  const end = await child.exited;
  assert.equal(end.code, 0, end.stderr);
  assert.deepEqual(end.lines, ["ready", "own handler entries=1"], "no shutdown ran");
});

test("releaseOnExit checks its options at once", () => {
  assert.throws(() => cacheResource.releaseOnExit({ signals: ["SIGNOPE" as NodeJS.Signals] }), /Invalid `signals` option/);
  assert.throws(() => cacheResource.releaseOnExit({ signals: [] }), /non-empty array of signal names/);
  assert.throws(() => cacheResource.releaseOnExit({ timeout: "100" }), /Invalid `timeout` option "100"/);
  assert.equal(process.listenerCount("SIGTERM"), 0, "nothing was installed");
});
