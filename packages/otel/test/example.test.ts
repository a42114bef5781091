import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";

const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));

test("examples/server.ts serves a cached resource and exports its span and metrics to the console", { timeout: 60_000 }, async () => {
  const child = spawn(process.execPath, ["--import", "tsx", "examples/server.ts"], {
    cwd: PACKAGE_DIR,
    env: { ...process.env, PORT: "0", OTEL_METRIC_EXPORT_INTERVAL: "200" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const exited = once(child, "exit");
  /** Resolves once stdout matches `pattern`; rejects if the server exits first. */
  const waitFor = (pattern: RegExp) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const match = stdout.match(pattern);
        if (match === null) return;
        child.stdout.off("data", check);
        child.off("exit", onExit);
        resolve(match);
      };
      const onExit = () => reject(new Error(`the example exited before printing ${pattern}\n${stdout}\n${stderr}`));
      child.stdout.on("data", check);
      child.on("exit", onExit);
      check();
    });

  try {
    const [, url] = (await waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+\/rates\?base=EUR)/))!;
    const response = await fetch(url!);
    assert.equal(response.status, 200);
    assert.equal(((await response.json()) as { base: string }).base, "EUR");

    // The computation's span, with the function's attribute, a child of the request's span.
    await waitFor(/name: 'compute getRates'[\s\S]*?'cache_resource\.function': 'getRates'/);
    // And the metrics, on the next export.
    await waitFor(/name: 'cache_resource\.misses'[\s\S]*?'cache_resource\.function': 'getRates'[\s\S]*?value: 1/);
    await waitFor(/name: 'cache_resource\.compute\.duration'[\s\S]*?unit: 's'/);
  } finally {
    child.kill("SIGTERM");
    await exited;
  }
  assert.equal(child.exitCode, 0, stderr);
});
