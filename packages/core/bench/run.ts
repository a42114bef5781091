/**
 * `npm run bench`: runs every scenario, prints the tables and rewrites BENCHMARKS.md.
 * `npm run bench -- --only hit-primitive,hit-object` runs some scenarios and leaves the file alone.
 */
import { writeBenchmarksSection } from "../../../scripts/benchmarks-section.js";
import type { ScenarioResult } from "./fixtures.js";
import { environment, evaluateTargets, markdown, scenarioTable, targetsTable } from "./report.js";
import { asyncHit, coldConcurrency } from "./scenarios/async.js";
import { manyPrimitiveHit, noArgumentHit, objectHit, primitiveHit, rotatingPrimitiveHit, severalPrimitivesHit } from "./scenarios/hits.js";
import { memoryPerEntry } from "./scenarios/memory.js";
import { observedHit } from "./scenarios/observed.js";
import { largeBinary, missEvict } from "./scenarios/misses.js";

const COMMAND = "npm run bench";

const scenarios: { id: string; run: () => ScenarioResult | Promise<ScenarioResult> }[] = [
  // The headline hit scenarios run after others have exercised the shared wrapper code with
  // other argument counts and keys, as an application's many cached functions would.
  { id: "hit-none", run: noArgumentHit },
  { id: "hit-primitive-rotating", run: rotatingPrimitiveHit },
  { id: "hit-primitive-many", run: manyPrimitiveHit },
  { id: "hit-several", run: severalPrimitivesHit },
  { id: "hit-object", run: objectHit },
  { id: "hit-primitive", run: primitiveHit },
  { id: "hit-async", run: asyncHit },
  // After the headline hits, so their numbers come from a process where nobody ever subscribed.
  { id: "hit-observed", run: observedHit },
  { id: "miss-evict", run: missEvict },
  { id: "large-binary", run: largeBinary },
  { id: "cold-concurrency", run: coldConcurrency },
  { id: "memory", run: memoryPerEntry },
];

const onlyIndex = process.argv.indexOf("--only");
const only = onlyIndex >= 0 ? new Set((process.argv[onlyIndex + 1] ?? "").split(",")) : undefined;
const unknown = [...(only ?? [])].filter((id) => !scenarios.some((s) => s.id === id));
if (unknown.length > 0) {
  console.error(`unknown scenario(s): ${unknown.join(", ")}; known: ${scenarios.map((s) => s.id).join(", ")}`);
  process.exit(2);
}

const env = environment(COMMAND);
console.log(`${env.cpu}, ${env.cores} cores, Node ${env.node}, ${env.date}\n`);
const started = performance.now();
const results: ScenarioResult[] = [];
for (const scenario of scenarios) {
  if (only !== undefined && !only.has(scenario.id)) continue;
  const t0 = performance.now();
  const result = await scenario.run();
  results.push(result);
  console.log(scenarioTable(result));
  console.log(`(${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
}
const seconds = (performance.now() - started) / 1000;
const targets = evaluateTargets(results);
console.log("Targets\n\n" + targetsTable(targets) + "\n");

if (only === undefined) {
  const file = writeBenchmarksSection("core", markdown(env, targets, results, seconds));
  console.log(`wrote ${file} (${Math.round(seconds)} s)`);
}
// Peers and the spinner host may leave unref'd or armed timers (memoizee, lru-cache): do not wait.
process.exit(0);
