/**
 * `npm run load`: N concurrent WebSocket sessions against the app runtime, each rerunning the
 * script as fast as the server answers (a closed loop: send "rerun", wait for `runFinished`,
 * repeat). Reports reruns per second, round-trip latency percentiles and the server's CPU time
 * per rerun, and writes the result into BENCHMARKS.md (section `load`).
 *
 * Bounded: at most 1,000 sessions and 120 s; loopback only (the server binds 127.0.0.1).
 *
 *   npm run load -- --sessions 100 --seconds 10
 *   npm run load -- --sessions 100 --seconds 10 --no-write   (prints, leaves BENCHMARKS.md alone)
 *   CR_LOAD_SERVER_FLAGS="--cpu-prof --cpu-prof-dir=prof" npm run load -- --no-write   (Node flags for the server)
 */
import { fork } from "node:child_process";
import * as os from "node:os";
import { fileURLToPath } from "node:url";
import WebSocket from "ws";
import { writeBenchmarksSection } from "../../../scripts/benchmarks-section.js";

const MAX_SESSIONS = 1000;
const MAX_SECONDS = 120;

interface Options {
  readonly sessions: number;
  readonly seconds: number;
  readonly warmupSeconds: number;
  readonly write: boolean;
}

function parseOptions(argv: readonly string[]): Options {
  const value = (flag: string, fallback: number, max: number): number => {
    const i = argv.indexOf(flag);
    if (i < 0) return fallback;
    const n = Number(argv[i + 1]);
    if (!Number.isFinite(n) || n <= 0 || n > max) throw new Error(`${flag} takes a number from 1 to ${max}, got ${JSON.stringify(argv[i + 1])}`);
    return n;
  };
  return {
    sessions: Math.round(value("--sessions", 100, MAX_SESSIONS)),
    seconds: value("--seconds", 10, MAX_SECONDS),
    warmupSeconds: value("--warmup", 3, 30),
    write: !argv.includes("--no-write"),
  };
}

interface ServerStats {
  readonly cpu: NodeJS.CpuUsage;
  readonly memory: NodeJS.MemoryUsage;
  readonly sessions: number;
}

/** The server in its own process, from the package build. */
async function startServer(app: string) {
  const child = fork(fileURLToPath(new URL("./load-server.mjs", import.meta.url)), [app], { stdio: ["ignore", "inherit", "inherit", "ipc"], execArgv: (process.env.CR_LOAD_SERVER_FLAGS ?? "").split(" ").filter(Boolean) });
  const url = await new Promise<string>((resolve, reject) => {
    child.once("message", (m) => resolve((m as { url: string }).url));
    child.once("exit", (code) => reject(new Error(`the server exited (${code}) before listening`)));
  });
  const stats = () =>
    new Promise<ServerStats>((resolve) => {
      child.once("message", (m) => resolve(m as ServerStats));
      child.send("stats");
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.send("stop");
      setTimeout(() => child.kill("SIGKILL"), 5000).unref();
    });
  return { url, stats, stop };
}

/** One session in a closed loop; latencies are recorded while `recording` says so. */
class LoadSession {
  readonly latencies: number[] = [];
  recording = false;
  running = true;
  #ws: WebSocket;
  #sentAt = 0;
  #waiting = false;
  #ready: Promise<void>;

  constructor(url: string) {
    const { host, port } = new URL(url);
    this.#ws = new WebSocket(`ws://${host}/ws`, { origin: `http://localhost:${port}`, perMessageDeflate: false });
    let firstRun: () => void;
    this.#ready = new Promise((resolve) => (firstRun = resolve));
    this.#ws.on("message", (data) => {
      // Only the end of a run matters here; parse just the messages that may be it.
      const text = data.toString();
      if (!text.includes('"runFinished"')) return;
      for (const message of text.startsWith("[") ? (JSON.parse(text) as { type: string }[]) : [JSON.parse(text) as { type: string }]) {
        if (message.type !== "runFinished") continue;
        if (!this.#waiting) return firstRun();
        this.#waiting = false;
        if (this.recording) this.latencies.push(performance.now() - this.#sentAt);
        if (this.running) this.#rerun();
      }
    });
    this.#ws.on("error", (error) => console.error(`session error: ${error.message}`));
  }

  async start(): Promise<void> {
    await this.#ready;
    this.#rerun();
  }

  #rerun(): void {
    this.#waiting = true;
    this.#sentAt = performance.now();
    this.#ws.send('{"type":"rerun"}');
  }

  close(): void {
    this.running = false;
    this.#ws.close();
  }
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const options = parseOptions(process.argv.slice(2));
const app = fileURLToPath(new URL("./load-app.ts", import.meta.url));
const server = await startServer(app);
const sessions = Array.from({ length: options.sessions }, () => new LoadSession(server.url));
await Promise.all(sessions.map((s) => s.start()));
await sleep(options.warmupSeconds * 1000);
for (const s of sessions) s.recording = true;
const before = await server.stats();
const t0 = performance.now();
await sleep(options.seconds * 1000);
const after = await server.stats();
const elapsed = (performance.now() - t0) / 1000;
for (const s of sessions) s.recording = false;
for (const s of sessions) s.close();
await server.stop();

const latencies = sessions.flatMap((s) => s.latencies).sort((a, b) => a - b);
const reruns = latencies.length;
const cpuMs = (after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system) / 1000;
const result = {
  sessions: options.sessions,
  seconds: elapsed,
  reruns,
  rerunsPerSecond: reruns / elapsed,
  p50: percentile(latencies, 50),
  p99: percentile(latencies, 99),
  cpuPerRerunMs: cpuMs / reruns,
  serverCpuShare: cpuMs / 1000 / elapsed,
  rssMiB: after.memory.rss / 2 ** 20,
};
const fmt = (n: number, digits = 2) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
console.log(
  `${result.sessions} sessions, ${fmt(result.seconds, 1)} s: ${fmt(result.rerunsPerSecond, 0)} reruns/s, ` +
    `p50 ${fmt(result.p50)} ms, p99 ${fmt(result.p99)} ms, server CPU ${fmt(result.cpuPerRerunMs, 3)} ms/rerun ` +
    `(${fmt(result.serverCpuShare * 100, 0)}% of a core), server RSS ${fmt(result.rssMiB, 0)} MiB`,
);

if (options.write) {
  const cpu = os.cpus()[0]?.model.trim() ?? "unknown CPU";
  const body = `## Concurrent sessions (\`npm run load\`)

${result.sessions} WebSocket sessions on loopback, each in a closed loop (send \`rerun\`, wait for the
run's \`runFinished\`, repeat) against \`bench/load-app.ts\` (about twenty elements per run, one
cached-resource hit). The server runs from the package build in its own process with the per-socket
rate limit lifted; the clients run in another. Written by \`npm run load\` from a real run.

- Machine: ${cpu}, ${os.cpus().length} cores (shared; load average at end ${os.loadavg().map((l) => l.toFixed(2)).join(", ")})
- Node ${process.version}, ${new Date().toISOString()}
- ${fmt(options.warmupSeconds, 0)} s warm-up, then ${fmt(result.seconds, 1)} s measured

| sessions | reruns/s | p50 ms | p99 ms | server CPU per rerun | server CPU | server RSS |
|---:|---:|---:|---:|---:|---:|---:|
| ${result.sessions} | ${fmt(result.rerunsPerSecond, 0)} | ${fmt(result.p50)} | ${fmt(result.p99)} | ${fmt(result.cpuPerRerunMs, 3)} ms | ${fmt(result.serverCpuShare * 100, 0)}% of a core | ${fmt(result.rssMiB, 0)} MiB |
`;
  console.log(`wrote ${writeBenchmarksSection("load", body)}`);
}
process.exit(0);
