/** Runs memory-child.ts once per implementation, each in a fresh `node --expose-gc` process. */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { ScenarioResult } from "../fixtures.js";

const CHILD = fileURLToPath(new URL("./memory-child.ts", import.meta.url));

function child(argument: string): string {
  return execFileSync(process.execPath, ["--expose-gc", "--import", "tsx", CHILD, argument], { encoding: "utf8" }).trim();
}

/** Median of three runs per implementation, to damp GC noise. */
export function memoryPerEntry(): ScenarioResult {
  const names = JSON.parse(child("--list")) as string[];
  const rows = names.map((name) => {
    const runs = [0, 1, 2].map(() => JSON.parse(child(name)) as { bytesPerEntry: number; timers: number; refTimers: number });
    runs.sort((a, b) => a.bytesPerEntry - b.bytesPerEntry);
    const middle = runs[1]!;
    return {
      name,
      value: middle.bytesPerEntry,
      ours: name === "cacheResource",
      extra: { "armed timers": String(middle.timers), "of which ref'd": String(middle.refTimers) },
    };
  });
  return {
    id: "memory",
    title: "Heap per idle entry (100,000 entries, `node --expose-gc`, keys and values allocated before the baseline)",
    unit: "bytes/entry",
    ratios: false,
    rows,
    notes: [
      "Each implementation runs in its own process; the value is the median of 3 runs.",
      "`armed timers`: `setTimeout` timers neither fired nor cleared once the 100,000 entries are in, counted by wrapping",
      "`setTimeout`/`clearTimeout`, because `process.getActiveResourcesInfo()` lists only ref'd timers (its count is the last column).",
    ],
  };
}
