#!/usr/bin/env node
/**
 * Runs every package's tests and the cross-package tests in `test/` with Node's test runner
 * (TypeScript through tsx), one summary for all.
 * Arguments narrow the run to files whose path contains one of them: `npm test -- replay lease`.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";

const filters = process.argv.slice(2);
const files = [];
for (const pkg of readdirSync("packages")) walk(join("packages", pkg, "test"));
walk("test");
const selected = files.filter((f) => filters.length === 0 || filters.some((x) => f.includes(x))).sort();
if (selected.length === 0) {
  console.error(`test: no test file matches ${filters.join(", ")}`);
  process.exit(1);
}
const run = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-reporter=spec", ...selected], { stdio: "inherit" });
process.exit(run.status ?? 1);

function walk(dir) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "fixtures" && entry.name !== "node_modules") walk(path);
    } else if (entry.name.endsWith(".test.ts")) files.push(path);
  }
}
