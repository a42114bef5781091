/**
 * Cost of computing value keys: `node --import tsx bench/keys.bench.ts`.
 *
 * Prints ns/op for: one primitive argument (the hit path's share), a small options object, a
 * 64 MB Buffer (and its throughput), and ohash's `hash()` on the same small object for scale.
 * Each case warms up first so the measured loop runs optimized code.
 */
import { hash } from "ohash";
import { createKeyer } from "../src/keys/keyer.js";

const keyer = createKeyer({
  functionName: "getPool",
  fn: function getPool(config: unknown) {
    return config;
  },
});

const options = { url: "postgres://app:secret@db.internal:5432/main", poolSize: 10, ssl: true, timeoutMs: 5000, tags: ["a", "b"] };
const big = Buffer.alloc(64 * 1024 * 1024, 7);

let sink: unknown;

/** Runs `fn` `warmup` times, then `iterations` times, and returns ns per call. */
function measure(fn: () => unknown, iterations: number, warmup = Math.min(iterations, 200_000)): number {
  for (let i = 0; i < warmup; i++) sink = fn();
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) sink = fn();
  return Number(process.hrtime.bigint() - start) / iterations;
}

function report(label: string, ns: number, extra = ""): void {
  console.log(`${label.padEnd(44)} ${ns.toFixed(1).padStart(12)} ns/op${extra}`);
}

const cache = new Map<unknown, unknown>([[keyer.key([42]), 1], [keyer.key([options]), 2]]);

console.log(`Node ${process.version}, ${process.arch}`);
report("keyer: one number argument", measure(() => keyer.key([42]), 20_000_000));
report("keyer + Map.get: one number argument", measure(() => cache.get(keyer.key([42])), 20_000_000));
report("keyer: one short string argument", measure(() => keyer.key(["postgres://db/main"]), 20_000_000));
report("keyer: small options object", measure(() => keyer.key([options]), 2_000_000));
report("keyer + Map.get: small options object", measure(() => cache.get(keyer.key([options])), 2_000_000));
report("ohash hash(): small options object", measure(() => hash(options), 1_000_000));
const ohashCache = new Map([[hash(options), 2]]);
report("ohash hash() + Map.get: small options object", measure(() => ohashCache.get(hash(options)), 1_000_000));
const bufferNs = measure(() => keyer.key([big]), 20, 3);
report("keyer: 64 MB Buffer", bufferNs, `  (${(big.length / bufferNs).toFixed(2)} GB/s)`);

if (sink === Symbol.for("never")) console.log(sink);
