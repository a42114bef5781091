/** Async: a settled hit (awaited), and 10,000 concurrent cold calls for one key. */
import { setImmediate as nextMacrotask } from "node:timers/promises";
import memoizee from "memoizee";
import { memoize } from "micro-memoize";
import pMemoize from "p-memoize";
import { cacheResource } from "cache-resource";
import { DB_URL, FakePool, rowsFrom, type ScenarioResult } from "../fixtures.js";
import { timeAsync, timeEach } from "../harness.js";

const OURS = "cacheResource";

// Before Node 24 an enabled AsyncLocalStorage turns on promise hooks for the whole process, which
// every await in it pays for; say how cache-resource keeps that from the rows below.
const ALS_NOTE =
  "cache-resource runs async computations inside an `AsyncLocalStorage` (recursion detection, outermost spinner) and disables it " +
  "once the last one has settled: while one is enabled, Node 20 runs promise hooks on every `await` in the process, peers' included " +
  "(a settled `await` then costs about 2.5× as much).";

export async function asyncHit(): Promise<ScenarioResult> {
  const connect = async (url: string) => new FakePool(url);
  const ours = cacheResource(async function benchConnect(url: string) {
    return new FakePool(url);
  });
  const pm = pMemoize(connect);
  const micro = memoize(connect, { async: true });
  const memo = memoizee(connect, { promise: true, primitive: true });
  const promises = new Map<string, Promise<FakePool>>();
  const mapMemo = (url: string) => {
    let pool = promises.get(url);
    if (pool === undefined) promises.set(url, (pool = connect(url)));
    return pool;
  };
  const settled = Promise.resolve(new FakePool(DB_URL));
  // A settled value: each implementation has computed it before any timing.
  await Promise.all([ours(DB_URL), pm(DB_URL), micro(DB_URL), memo(DB_URL), mapMemo(DB_URL)]);
  const timings = await timeAsync([
    { name: OURS, run: () => ours(DB_URL) },
    { name: "p-memoize", run: () => pm(DB_URL) },
    { name: "micro-memoize (async)", run: () => micro(DB_URL) },
    { name: "memoizee (promise)", run: () => memo(DB_URL) },
    { name: "Map of promises (hand-written)", run: () => mapMemo(DB_URL) },
    { name: "`await` of a settled promise (floor)", run: () => settled },
  ]);
  return {
    id: "hit-async",
    title: "Async hit, settled value, `await getClient(url)`",
    unit: "median ns/op",
    ratios: true,
    rows: rowsFrom(timings, OURS, {
      "p-memoize": "each hit runs an async function that awaits `cache.has` and `cache.get`",
      "Map of promises (hand-written)": "keeps rejected promises (a failure is cached forever)",
    }, { "p-memoize": "peer", "micro-memoize (async)": "peer", "memoizee (promise)": "peer", "Map of promises (hand-written)": "memo" }),
    notes: [`${ALS_NOTE} Every implementation has its value settled before the timing starts, so none of these rows runs with the hooks.`],
  };
}

/** How many calls start at once. */
const COLD_CALLS = 10_000;

export async function coldConcurrency(): Promise<ScenarioResult> {
  // One counter per implementation; each sample rebuilds (or clears) its cache first.
  const counts: Record<string, number> = {};
  const loader = (name: string) => async (url: string) => {
    counts[name] = (counts[name] ?? 0) + 1;
    await nextMacrotask(); // the resource takes a moment to open
    return new FakePool(url);
  };
  const naiveMemo = (load: (url: string) => Promise<FakePool>) => {
    const values = new Map<string, FakePool>();
    return async (url: string) => {
      const hit = values.get(url);
      if (hit !== undefined) return hit;
      const pool = await load(url);
      values.set(url, pool);
      return pool;
    };
  };
  const ours = cacheResource(async function benchColdConnect(url: string) {
    counts[OURS] = (counts[OURS] ?? 0) + 1;
    await nextMacrotask();
    return new FakePool(url);
  });
  let pm = pMemoize(loader("p-memoize"));
  let micro = memoize(loader("micro-memoize (async)"), { async: true });
  let memo = memoizee(loader("memoizee (promise)"), { promise: true, primitive: true });
  let naive = naiveMemo(loader("Map of values (naive)"));
  const storm = (fn: (url: string) => unknown) => {
    const calls: unknown[] = new Array(COLD_CALLS);
    for (let i = 0; i < COLD_CALLS; i++) calls[i] = fn(DB_URL);
    return Promise.all(calls);
  };
  const samples: Record<string, number[]> = {};
  const counted = (name: string, setup: () => unknown, fn: () => (url: string) => unknown) => ({
    name,
    setup: async () => {
      await setup();
      counts[name] = 0;
    },
    run: async () => {
      await storm(fn());
      (samples[name] ??= []).push(counts[name]!);
    },
  });
  const timings = await timeEach(
    [
      counted(OURS, () => ours.clear(), () => ours),
      counted("p-memoize", () => (pm = pMemoize(loader("p-memoize"))), () => pm),
      counted("micro-memoize (async)", () => (micro = memoize(loader("micro-memoize (async)"), { async: true })), () => micro),
      counted("memoizee (promise)", () => (memo = memoizee(loader("memoizee (promise)"), { promise: true, primitive: true })), () => memo),
      counted("Map of values (naive)", () => (naive = naiveMemo(loader("Map of values (naive)"))), () => naive),
    ],
    7,
  );
  const computations = (name: string) => {
    const seen = [...new Set(samples[name] ?? [])];
    return seen.length === 1 ? String(seen[0]) : seen.join("/");
  };
  return {
    id: "cold-concurrency",
    title: `${COLD_CALLS.toLocaleString("en-US")} concurrent cold async calls, one key`,
    unit: "median ms to settle",
    ratios: true,
    rows: timings.map((t) => ({
      name: t.name,
      value: t.medianNs / 1e6,
      ours: t.name === OURS,
      extra: { computations: computations(t.name) },
      ...(t.name === "Map of values (naive)" && { note: "stores values only after they settle, so every concurrent caller computes" }),
      ...(t.name === OURS && { note: "outside the app runtime waiters share the computation's own promise; the app host gives each its own continuation (spinner, replay)" }),
    })),
    notes: [`${ALS_NOTE} In this row cache-resource's computation is in flight for the whole storm, so its waiters' awaits run with the hooks; the peers' do not.`],
  };
}
