/**
 * The soak (`npm run soak`) exercises what it says, in its warm-up as in its run: all five cached
 * functions, every removal path (eviction, expiry, failed validation, session end, clear(args)
 * and clear(), the global clear) and event-loop yields. Its warm-up used to number its cycles
 * from a negative offset, so `i % 5` (0 to -4) called one function only and its modular clears,
 * session ends and yields never happened. Here it runs short, and reports what each phase did
 * from the library's own counters.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const script = fileURLToPath(new URL("../../scripts/soak.ts", import.meta.url));
const FUNCTIONS = ["soak-lru-ttl", "soak-async-ttl", "soak-ttl-only", "soak-validated", "soak-session"];
const PATHS = ["evicted", "expired", "invalid", "session-end", "clear", "clear-all"];

interface Phase {
  calls: Record<string, number>;
  releases: Record<string, number>;
  yields: number;
}

test("a short soak: both phases call every function, use every removal path and yield", () => {
  const result = spawnSync(process.execPath, ["--expose-gc", "--import", "tsx", script], {
    env: { ...process.env, SOAK_CYCLES: "10000", SOAK_WARMUP: "10000", SOAK_REPORT: "json" },
    encoding: "utf8",
  });
  const line = result.stdout.split("\n").find((l) => l.startsWith("{"));
  assert.ok(line !== undefined, `no JSON report; stdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
  const report = JSON.parse(line) as { warmUp: Phase; run: Phase; problems: string[] };
  for (const [name, phase] of [["warm-up", report.warmUp], ["run", report.run]] as const) {
    for (const fn of FUNCTIONS) assert.ok(phase.calls[fn]! > 0, `${name}: ${fn} called (${JSON.stringify(phase.calls)})`);
    for (const path of PATHS) assert.ok(phase.releases[path]! > 0, `${name}: released by ${path} (${JSON.stringify(phase.releases)})`);
    assert.ok(phase.yields > 0, `${name}: yielded to the event loop`);
  }
  assert.deepEqual(report.problems, []);
  assert.equal(result.status, 0, result.stderr);
});
