/**
 * `npm run bench:streamlit`: the real Streamlit (from `.venv-st`) and this runtime side by side,
 * on the same page (streamlit_app.py / app.ts): cached hits inside a running script, start-up
 * (spawn → HTTP 200), the process tree's memory, memory per session, and click → DOM latency in
 * Chromium. Writes BENCHMARKS.md section `streamlit`. Loopback only; never part of `npm test`.
 *
 * Streamlit installs offline from the machine's Python index:
 *   python3 -m venv .venv-st && .venv-st/bin/pip install --index-url "$(pip config get global.extra-index-url | cut -d' ' -f1)" streamlit
 * Without it (or without Python) this prints one line and exits 0.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import * as os from "node:os";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import WebSocket from "ws";
import { writeBenchmarksSection } from "../../../../scripts/benchmarks-section.js";
import { findChromium } from "../../../core/test/support/programs.js";
import type { ServerFrame } from "../../src/protocol.js";

const repo = (path: string) => fileURLToPath(new URL(`../../../../${path}`, import.meta.url));
const here = (path: string) => fileURLToPath(new URL(`./${path}`, import.meta.url));
const STREAMLIT = repo(".venv-st/bin/streamlit");
const PYTHON = repo(".venv-st/bin/python");
const BIN = repo("node_modules/.bin/cache-resource");
const APP_PY = here("streamlit_app.py");
const APP_TS = here("app.ts");
const ROUNDS = 3;
const CLICKS = 15;
const SESSIONS = 50;
/**
 * The RSS of a process moves by about this much with one garbage collection; a growth from 1 to
 * SESSIONS sessions below it is reported as a bound (below NOISE_MIB / (SESSIONS - 1) each), not
 * as a number that can come out negative.
 */
const NOISE_MIB = 1;

if (!existsSync(STREAMLIT) || spawnSync(PYTHON, ["-c", "import streamlit"]).status !== 0) {
  console.log("bench:streamlit: skipped: no Streamlit in .venv-st (python3 -m venv .venv-st && .venv-st/bin/pip install --index-url \"$(pip config get global.extra-index-url | cut -d' ' -f1)\" streamlit)");
  process.exit(0);
}
// npm links a workspace's bin only if its file exists at install time, and dist/ is built after
// `npm ci`; `npm run bench:streamlit` links it (`npm rebuild`) before it starts.
if (!existsSync(BIN)) {
  throw new Error("node_modules/.bin/cache-resource is missing: run `npm run build && npm rebuild @cache-resource/app --ignore-scripts` (or `npm run bench:streamlit`)");
}

const streamlitVersion = spawnSync(PYTHON, ["-c", "import streamlit; print(streamlit.__version__)"], { encoding: "utf8" }).stdout.trim();

interface Running {
  readonly child: ChildProcess;
  readonly url: string;
  /** Milliseconds from spawn to the first HTTP 200 on `/`. */
  readonly startMs: number;
  stop(): Promise<void>;
}

type Side = "streamlit" | "ours" | "ours-npx";

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

async function start(side: Side, env: Record<string, string> = {}): Promise<Running> {
  const port = await freePort();
  const [command, args] =
    side === "streamlit"
      ? [STREAMLIT, ["run", APP_PY, "--server.headless", "true", "--server.port", String(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]]
      : side === "ours"
        ? [BIN, ["run", APP_TS, "--port", String(port), "--no-watch"]]
        : ["npx", ["--offline", "cache-resource", "run", APP_TS, "--port", String(port), "--no-watch"]];
  const t0 = performance.now();
  const child = spawn(command, args, { cwd: repo("."), env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "pipe"], detached: true });
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${side} exited: ${stderr}`);
    if (Date.now() > deadline) throw new Error(`${side} did not answer within 60 s: ${stderr}`);
    try {
      if ((await fetch(url)).status === 200) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  const startMs = performance.now() - t0;
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    process.kill(-child.pid!, "SIGTERM"); // the whole group: npx's children too
    const timer = setTimeout(() => process.kill(-child.pid!, "SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  };
  return { child, url, startMs, stop };
}

/** RSS of `pid` and all its descendants, in MiB, and the number of processes. */
function treeRss(pid: number): { mib: number; processes: number } {
  const rows = spawnSync("ps", ["-e", "-o", "pid=,ppid=,rss="], { encoding: "utf8" })
    .stdout.trim()
    .split("\n")
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number, number]);
  const tree = new Set([pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [p, parent] of rows) if (tree.has(parent) && !tree.has(p)) (tree.add(p), (grew = true));
  }
  const kib = rows.filter(([p]) => tree.has(p)).reduce((sum, [, , rss]) => sum + rss, 0);
  return { mib: kib / 1024, processes: tree.size };
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** Cached hits inside a running script: Streamlit's through AppTest (its script runner), ours through a real server. */
async function hits(): Promise<{ streamlit: { string: number; options: number }; ours: { string: number; options: number } }> {
  const code =
    "import json,sys\nfrom streamlit.testing.v1 import AppTest\n" +
    `at = AppTest.from_file(${JSON.stringify(APP_PY)}, default_timeout=300)\nat.run()\n` +
    "print([t.value for t in at.text if t.value.startswith('hits ')][0][5:])";
  const py = spawnSync(PYTHON, ["-c", code], { encoding: "utf8", env: { ...process.env, CR_BENCH_HITS: "20000" } });
  if (py.status !== 0) throw new Error(`AppTest failed: ${py.stderr}`);
  const streamlit = JSON.parse(py.stdout.trim().split("\n").pop()!) as { string: number; options: number };

  const server = await start("ours", { CR_BENCH_HITS: "2000000" });
  try {
    const ws = new WebSocket(`${server.url.replace("http:", "ws:")}/ws`, { origin: server.url.replace("127.0.0.1", "localhost") });
    const line = await new Promise<string>((resolve, reject) => {
      ws.on("message", (data) => {
        for (const m of JSON.parse(String(data)) as ServerFrame) {
          if (m.type === "delta" && m.element.kind === "text" && m.element.text.startsWith("hits ")) resolve(m.element.text.slice(5));
        }
      });
      ws.on("error", reject);
    });
    ws.close();
    return { streamlit, ours: JSON.parse(line) as { string: number; options: number } };
  } finally {
    await server.stop();
  }
}

/**
 * In the page: clicks the "Click" button and resolves with the ms until the page shows
 * `count: N`. A string, not a function: the benchmark's own TypeScript transform would put helpers
 * into a function's source that the page does not have.
 */
const CLICK_IN_PAGE = `(want) => {
  const button = [...document.querySelectorAll("button")].find((b) => b.textContent.trim() === "Click");
  if (button === undefined) throw new Error("no Click button");
  const text = "count: " + want;
  const shown = () => [...document.querySelectorAll("p")].some((p) => p.textContent.trim() === text);
  return new Promise((resolve) => {
    const t0 = performance.now();
    const observer = new MutationObserver(() => {
      if (shown()) {
        observer.disconnect();
        resolve(performance.now() - t0);
      }
    });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true });
    button.click();
  });
}`;

async function clickLatency(page: Page, expected: number): Promise<number> {
  return (await page.evaluate(`(${CLICK_IN_PAGE})(${expected})`)) as number;
}

async function openSession(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(url);
  await page.getByText("count: 0", { exact: true }).waitFor({ timeout: 60_000 });
  await page.getByText(/pool: postgres/).waitFor({ timeout: 60_000 });
  return page;
}

interface BrowserResult {
  readonly idleMib: number;
  readonly oneSessionMib: number;
  /** Growth per further session; undefined when the whole growth was within NOISE_MIB. */
  readonly perSessionMib: number | undefined;
  readonly processes: number;
  readonly clickMs: number;
}

async function inBrowser(browser: Browser, side: "streamlit" | "ours"): Promise<BrowserResult> {
  const server = await start(side);
  try {
    await new Promise((r) => setTimeout(r, 1000)); // let start-up work settle before reading memory
    const idle = treeRss(server.child.pid!);
    const first = await openSession(browser, server.url);
    for (let i = 1; i <= 3; i++) await clickLatency(first, i); // warm-up
    const clicks: number[] = [];
    for (let i = 4; i < 4 + CLICKS; i++) clicks.push(await clickLatency(first, i));
    const one = treeRss(server.child.pid!);
    const others: Page[] = [];
    for (let i = 1; i < SESSIONS; i++) others.push(await openSession(browser, server.url));
    await new Promise((r) => setTimeout(r, 500));
    const many = treeRss(server.child.pid!);
    for (const page of [first, ...others]) await page.context().close();
    return {
      idleMib: idle.mib,
      oneSessionMib: one.mib,
      perSessionMib: many.mib - one.mib < NOISE_MIB ? undefined : (many.mib - one.mib) / (SESSIONS - 1),
      processes: one.processes,
      clickMs: median(clicks),
    };
  } finally {
    await server.stop();
  }
}

// ── run ────────────────────────────────────────────────────────────────────────────────────
const began = performance.now();
console.log(`Streamlit ${streamlitVersion} vs cache-resource, ${os.cpus()[0]?.model.trim()}, load ${os.loadavg().map((l) => l.toFixed(2)).join(", ")}`);

const hit = await hits();
console.log("hits (ns):", JSON.stringify(hit));

const starts: Record<Side, number[]> = { streamlit: [], ours: [], "ours-npx": [] };
for (let round = 0; round < ROUNDS; round++) {
  for (const side of ["streamlit", "ours", "ours-npx"] as const) {
    const server = await start(side);
    starts[side].push(server.startMs);
    await server.stop();
  }
}
console.log("start-up (ms):", JSON.stringify(starts));

const executablePath = findChromium();
let browserResults: { streamlit: BrowserResult; ours: BrowserResult } | undefined;
if (executablePath === undefined) {
  console.log("bench:streamlit: no Chromium found (set CHROMIUM_PATH): click latency and per-session memory not measured");
} else {
  const browser = await chromium.launch({ executablePath, args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"] });
  try {
    browserResults = { streamlit: await inBrowser(browser, "streamlit"), ours: await inBrowser(browser, "ours") };
  } finally {
    await browser.close();
  }
  console.log("browser:", JSON.stringify(browserResults));
}

// ── report ─────────────────────────────────────────────────────────────────────────────────
const fmt = (n: number, digits = 1) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
/** A measure, or an upper bound when it was within noise. */
type Measure = number | { readonly below: number };
const perSession = (mib: number | undefined): Measure => mib ?? { below: NOISE_MIB / (SESSIONS - 1) };
interface Line {
  readonly what: string;
  readonly streamlit: Measure;
  readonly ours: Measure;
  readonly unit: string;
  readonly goal?: number;
  readonly digits?: number;
}
const lines: Line[] = [
  { what: "Cached hit inside a running script, string argument", streamlit: hit.streamlit.string, ours: hit.ours.string, unit: "ns", digits: 1 },
  { what: "Cached hit, small options object rebuilt each call", streamlit: hit.streamlit.options, ours: hit.ours.options, unit: "ns", digits: 1 },
  { what: "Start-up: spawn → HTTP 200 (median of 3)", streamlit: median(starts.streamlit), ours: median(starts.ours), unit: "ms", goal: 0.5, digits: 0 },
  { what: "Start-up through `npx cache-resource run`", streamlit: median(starts.streamlit), ours: median(starts["ours-npx"]), unit: "ms", digits: 0 },
];
if (browserResults !== undefined) {
  const { streamlit: s, ours: o } = browserResults;
  lines.push(
    { what: "Click → DOM updated in Chromium (median of 15)", streamlit: s.clickMs, ours: o.clickMs, unit: "ms", goal: 0.2, digits: 1 },
    { what: "Process-tree RSS, started, no session", streamlit: s.idleMib, ours: o.idleMib, unit: "MiB", digits: 0 },
    { what: "Process-tree RSS, one session", streamlit: s.oneSessionMib, ours: o.oneSessionMib, unit: "MiB", goal: 1.0, digits: 0 },
    {
      what: `Memory per further session (${SESSIONS} sessions)`,
      streamlit: perSession(s.perSessionMib),
      ours: perSession(o.perSessionMib),
      unit: "MiB",
      digits: 2,
    },
  );
}
const table = [
  "| measure | Streamlit | cache-resource | ratio | goal |",
  "|---|---:|---:|---:|---|",
  ...lines.map((l) => {
    if (typeof l.ours !== "number" || typeof l.streamlit !== "number") {
      const cell = (m: Measure) => (typeof m === "number" ? `${fmt(m, l.digits)} ${l.unit}` : `< ${fmt(m.below, l.digits)} ${l.unit} (within noise)`);
      // Only "ours below a bound, Streamlit measured" bounds the ratio.
      const ratio = typeof l.streamlit === "number" && typeof l.ours !== "number" ? `< ${fmt(l.ours.below / l.streamlit, 2)}×` : "—";
      return `| ${l.what} | ${cell(l.streamlit)} | ${cell(l.ours)} | ${ratio} | |`;
    }
    const ratio = l.ours / l.streamlit;
    const goal = l.goal === undefined ? "" : `≤ ${l.goal}× ${ratio <= l.goal ? "**met**" : "**not met**"}`;
    return `| ${l.what} | ${fmt(l.streamlit, l.digits)} ${l.unit} | ${fmt(l.ours, l.digits)} ${l.unit} | ${ratio < 0.01 ? ratio.toExponential(1) : fmt(ratio, 2)}× | ${goal} |`;
  }),
].join("\n");
console.log("\n" + table);

const processes = browserResults === undefined ? "" : ` With one session the trees held ${browserResults.streamlit.processes} (Streamlit) and ${browserResults.ours.processes} (cache-resource) processes.`;
writeBenchmarksSection(
  "streamlit",
  `## Against Streamlit (\`npm run bench:streamlit\`)

The real Streamlit ${streamlitVersion} (\`.venv-st\`) and this runtime, one after the other on the same machine, serving the
same page (\`packages/app/bench/streamlit/\`: a title, a button with a counter in session state, a cached resource).
Written by \`npm run bench:streamlit\` from a real run; ratios are cache-resource ÷ Streamlit (below 1 = cache-resource is
cheaper or faster).

- Machine: ${os.cpus()[0]?.model.trim()}, ${os.cpus().length} cores, shared; load average at end ${os.loadavg().map((l) => l.toFixed(2)).join(", ")}
- Node ${process.version}; ${new Date().toISOString()}; took ${Math.round((performance.now() - began) / 1000)} s

${table}

How: hits are timed inside a running script (Streamlit's through \`AppTest\`, its script runner; ours in a run of the real
server), 20,000 and 2,000,000 calls. Start-up spawns \`streamlit run\` and the \`cache-resource\` bin (and \`npx cache-resource
run\`) and polls \`/\` until it answers 200. Memory is the RSS of the server's whole process tree (${"`ps`"}), after start-up,
with one Chromium session, and with ${SESSIONS}; per session is the growth from 1 to ${SESSIONS} divided by ${SESSIONS - 1}; a whole growth below ${NOISE_MIB} MiB (what one
garbage collection moves RSS by) is shown as that bound.${processes}
Click latency is measured in the page, from \`click()\` to the mutation that shows the new count.`,
);
console.log("wrote BENCHMARKS.md (section streamlit)");
process.exit(0);
