/**
 * `npm run bench:fleet`: what a fleet costs, on loopback with a private redis-server.
 *
 * 1. Propagation latency: this process clears one entry; another process (bench/receiver.mjs)
 *    holds it and notes when its release hook runs. Latency = clear call here → release there,
 *    both read from `performance.timeOrigin + performance.now()` (one machine, one clock).
 *    Sequential clears (one in flight), then a burst of clears made at once.
 * 2. The hit path with and without a joined fleet: the same hits timed before joining, while
 *    joined, and after leaving (interleaved rounds within each phase; the phases in turn).
 *
 * Writes BENCHMARKS.md section `fleet` (`--no-write` only prints).
 */
import { type ChildProcess, fork } from "node:child_process";
import * as os from "node:os";
import { fileURLToPath } from "node:url";
import { cacheResource } from "cache-resource";
import { joinFleet } from "@cache-resource/redis";
import { writeBenchmarksSection } from "../../../scripts/benchmarks-section.js";
import { timeSync } from "../../core/bench/harness.js";
import { redisServer, TestRedis, waitFor } from "../test/support.js";
// @ts-expect-error -- a plain ES module shared with the receiver process (no types needed here)
import { getConnection } from "./bench-resources.mjs";

const SEQUENTIAL = 1_000;
const BURST = 1_000;
const write = !process.argv.includes("--no-write");

interface Released {
  readonly released?: string;
  readonly at?: number;
  readonly ready?: boolean;
  readonly filled?: number;
}

function now(): number {
  return performance.timeOrigin + performance.now();
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function startReceiver(url: string, fleet: string): Promise<{ child: ChildProcess; releases: Map<string, number>; fill: (n: number) => Promise<void> }> {
  const child = fork(fileURLToPath(new URL("./receiver.mjs", import.meta.url)), [], {
    env: { ...process.env, FLEET_URL: url, FLEET_NAME: fleet },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    execArgv: [],
  });
  const releases = new Map<string, number>();
  let ready = false;
  let filled = -1;
  child.on("message", (m: Released) => {
    if (m.released !== undefined) releases.set(m.released, m.at!);
    if (m.ready) ready = true;
    if (m.filled !== undefined) filled = m.filled;
  });
  await waitFor("the receiver to join", () => ready, 20_000);
  const fill = async (n: number) => {
    filled = -1;
    releases.clear();
    child.send({ fill: n });
    await waitFor("the receiver to fill", () => filled === n, 20_000);
  };
  return { child, releases, fill };
}

async function propagation(url: string): Promise<{ sequential: number[]; burstMs: number; burstLatencies: number[]; burstSentMs: number }> {
  const name = `bench-${process.pid}`;
  const fleet = await joinFleet({ url, name });
  const receiver = await startReceiver(url, name);
  try {
    // Warm-up: both ends' code paths and connections.
    await receiver.fill(200);
    for (let i = 0; i < 200; i++) {
      void getConnection.clear(`k${i}`);
      await waitFor("warm-up release", () => receiver.releases.has(`k${i}`));
    }
    await receiver.fill(SEQUENTIAL);
    const sequential: number[] = [];
    for (let i = 0; i < SEQUENTIAL; i++) {
      const key = `k${i}`;
      const start = now();
      void getConnection.clear(key);
      await waitFor(`release of ${key}`, () => receiver.releases.has(key));
      sequential.push(receiver.releases.get(key)! - start);
    }
    await receiver.fill(BURST);
    const starts: number[] = [];
    const burstStart = now();
    for (let i = 0; i < BURST; i++) {
      starts.push(now());
      void getConnection.clear(`k${i}`);
    }
    const sentBy = await waitFor("the burst to be sent", () => fleet.status().pending === 0 && now(), 60_000);
    await waitFor("the burst to be released", () => receiver.releases.size === BURST, 60_000);
    const burstLatencies = starts.map((start, i) => receiver.releases.get(`k${i}`)! - start);
    const burstMs = Math.max(...receiver.releases.values()) - burstStart;
    return { sequential, burstMs, burstLatencies, burstSentMs: sentBy - burstStart };
  } finally {
    receiver.child.kill();
    await fleet.leave();
  }
}

/** The hits timed in every phase: the same functions and loops each time. */
function hitCases(): { name: string; run: () => unknown }[] {
  const getDb = cacheResource(function getDb() {
    return { pool: true };
  });
  const getClient = cacheResource(function getClient(region: string) {
    return { region };
  });
  const getPool = cacheResource(function getPool(options: { url: string; max: number; ssl: boolean }) {
    return { options };
  });
  const options = () => ({ url: "postgres://db.internal:5432/app", max: 10, ssl: true });
  return [
    { name: "no argument (`getDb()`)", run: () => getDb() },
    { name: 'one string (`getClient("eu-west-1")`)', run: () => getClient("eu-west-1") },
    { name: "options object rebuilt per call", run: () => getPool(options()) },
  ];
}

const PHASES = 10;

/**
 * Phases without and with a joined fleet, in turn (off, on, off, on…), each timing every hit
 * over interleaved rounds; a state's figure is the median of its phases' medians.
 */
interface HitRow {
  readonly name: string;
  readonly without: number;
  readonly withFleet: number;
  readonly bestWithout: number;
  readonly bestWithFleet: number;
}

async function hitPath(url: string): Promise<HitRow[]> {
  const cases = hitCases();
  const samples = cases.map(() => ({ without: [] as number[], withFleet: [] as number[] }));
  timeSync(cases, { rounds: 9, sampleMs: 5, warmupMs: 60 }); // discarded: the first phase alone sees fresh call sites
  for (let phase = 0; phase < PHASES; phase++) {
    const joined = phase % 2 === 1;
    const fleet = joined ? await joinFleet({ url, name: `bench-hits-${process.pid}` }) : undefined;
    const timings = timeSync(cases, { rounds: 9, sampleMs: 5, warmupMs: 60 });
    timings.forEach((t, i) => samples[i]![joined ? "withFleet" : "without"].push(t.medianNs));
    await fleet?.leave();
  }
  return cases.map((c, i) => {
    const { without, withFleet } = samples[i]!;
    return { name: c.name, without: median(without), withFleet: median(withFleet), bestWithout: Math.min(...without), bestWithFleet: Math.min(...withFleet) };
  });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function fmt(ms: number): string {
  return ms < 1 ? ms.toFixed(3) : ms < 10 ? ms.toFixed(2) : ms.toFixed(1);
}

function ns(value: number): string {
  return value < 100 ? value.toFixed(1) : Math.round(value).toLocaleString("en-US");
}

async function main(): Promise<void> {
  if (redisServer === undefined) throw new Error("bench:fleet needs redis-server (apt-get install redis-server)");
  const startedAt = Date.now();
  const load = os.loadavg().map((l) => l.toFixed(2)).join(", ");
  const redis = await TestRedis.start();
  let result;
  try {
    const latency = await propagation(redis.url);
    const hits = await hitPath(redis.url);
    result = { latency, hits };
  } finally {
    await redis.stop();
  }
  const seq = [...result.latency.sequential].sort((a, b) => a - b);
  const burst = [...result.latency.burstLatencies].sort((a, b) => a - b);
  const version = (await import("node:child_process")).execFileSync(redisServer, ["--version"], { encoding: "utf8" }).trim().split(" ")[2]?.replace("v=", "");
  const rows = result.hits.map(
    (h) =>
      `| ${h.name} | ${ns(h.without)} | ${ns(h.withFleet)} | ${(h.withFleet / h.without).toFixed(2)}× | ${ns(h.bestWithout)} | ${ns(h.bestWithFleet)} | ${(h.bestWithFleet / h.bestWithout).toFixed(2)}× |`,
  );
  const markdown = `## Fleet-wide invalidation (\`npm run bench:fleet\`)

A clear on one process of a fleet (\`@cache-resource/redis\`) until the entry's release hook
has run on another process, over a private redis-server (${version ?? "unknown version"}) on
loopback; and the hit path with and without a joined fleet. Written by \`npm run bench:fleet\`
from a real run; do not edit by hand.

- Machine: ${os.cpus()[0]?.model.trim() ?? "unknown CPU"}, ${os.cpus().length} cores (${os.platform()} ${os.release()} ${os.arch()}), shared with other work; load average at start ${load}
- Node ${process.version}
- Date: ${new Date(startedAt).toISOString()}
- Command: \`npm run bench:fleet\` (took ${Math.round((Date.now() - startedAt) / 1000)} s)

### Propagation latency (clear here → released there)

Both ends read one clock (\`performance.timeOrigin + performance.now()\`, same machine).

| clears | p50 ms | p99 ms | max ms |
|---|---:|---:|---:|
| ${SEQUENTIAL.toLocaleString("en-US")} one after another (the next once the last was released) | ${fmt(percentile(seq, 50))} | ${fmt(percentile(seq, 99))} | ${fmt(seq.at(-1)!)} |
| ${BURST.toLocaleString("en-US")} made at once (a burst) | ${fmt(percentile(burst, 50))} | ${fmt(percentile(burst, 99))} | ${fmt(burst.at(-1)!)} |

The burst was fully released on the other process ${fmt(result.latency.burstMs)} ms after its
first clear (${Math.round(BURST / (result.latency.burstMs / 1000)).toLocaleString("en-US")} clears/s); all were in Redis ${fmt(result.latency.burstSentMs)} ms after
the first (the clears waiting at a time travel in one transaction, in order).

### The hit path with a joined fleet

ns per hit, in ${PHASES} phases taken in turn: without a fleet, joined, without, joined… Each
phase times every hit over interleaved rounds (median of the rounds); the table shows the
median and the fastest of each state's phases (after one discarded phase). A fleet adds nothing
to hits (it only listens to clears), so the two states differ by the machine's noise only.

| hit | median without | median with | with ÷ without | fastest without | fastest with | with ÷ without |
|---|---:|---:|---:|---:|---:|---:|
${rows.join("\n")}
`;
  process.stdout.write(markdown);
  if (write) process.stdout.write(`\nwritten to ${writeBenchmarksSection("fleet", markdown)}\n`);
  process.exit(0);
}

await main();
