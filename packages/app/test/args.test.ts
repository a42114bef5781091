import { test } from "node:test";
import assert from "node:assert/strict";
import { parseArgs, UsageError } from "../src/bin/args.js";

test("cli: run with defaults and flags", () => {
  assert.deepEqual(parseArgs(["run", "app.ts"]), { kind: "run", file: "app.ts", port: 8501, host: "127.0.0.1", watch: true, sessionGraceMs: 2000, allowedOrigins: [] });
  assert.deepEqual(parseArgs(["run", "app.ts", "--port", "0", "--host=0.0.0.0", "--no-watch", "--grace-ms", "50"]), {
    kind: "run",
    file: "app.ts",
    port: 0,
    host: "0.0.0.0",
    watch: false,
    sessionGraceMs: 50,
    allowedOrigins: [],
  });
  assert.deepEqual(parseArgs(["--help"]), { kind: "help" });
  assert.deepEqual(parseArgs([]), { kind: "help" });
});

test("cli: bad command lines say what is wrong", () => {
  assert.throws(() => parseArgs(["run", "app.ts", "--prot", "1"]), (e) => e instanceof UsageError && /Unknown option --prot/.test(e.message));
  assert.throws(() => parseArgs(["run", "app.ts", "--port", "http"]), /--port takes a whole number from 0 to 65535/);
  assert.throws(() => parseArgs(["run", "app.ts", "--port", "70000"]), /--port/);
  assert.throws(() => parseArgs(["run", "app.ts", "--port"]), /--port needs a value/);
  assert.throws(() => parseArgs(["run"]), /Which app\?/);
  assert.throws(() => parseArgs(["serve", "app.ts"]), /Unknown command "serve"/);
  assert.throws(() => parseArgs(["run", "a.ts", "b.ts"]), /Only one app file/);
});

test("cli: --allow-origin is repeatable and takes origins only", () => {
  const command = parseArgs(["run", "app.ts", "--allow-origin", "https://App.Example.com", "--allow-origin=http://intranet:8080/"]);
  assert.deepEqual(command.kind === "run" && command.allowedOrigins, ["https://app.example.com", "http://intranet:8080"]);
  assert.throws(() => parseArgs(["run", "app.ts", "--allow-origin", "*"]), (e) => e instanceof UsageError && /wildcards are not accepted/.test(e.message));
  assert.throws(() => parseArgs(["run", "app.ts", "--allow-origin", "https://app.example.com/app"]), /without a path \(https:\/\/app\.example\.com\)/);
  assert.throws(() => parseArgs(["run", "app.ts", "--allow-origin", "app.example.com"]), /is not an origin/);
  assert.throws(() => parseArgs(["run", "app.ts", "--allow-origin", "ftp://app.example.com"]), /not an http\(s\) origin/);
  assert.throws(() => parseArgs(["run", "app.ts", "--allow-origin"]), /--allow-origin needs a value/);
});
