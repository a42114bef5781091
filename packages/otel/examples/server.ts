/**
 * A small HTTP server whose handler uses a cached resource, instrumented with
 * `@cache-resource/otel`, exporting spans and metrics to the console.
 *
 *   npm run build && npm run example -w @cache-resource/otel
 *   curl 'http://127.0.0.1:3000/rates?base=EUR'     # a miss: ~300 ms, a "compute getRates" span
 *   curl 'http://127.0.0.1:3000/rates?base=EUR'     # a hit: instant
 *
 * Environment: PORT (default 3000; 0 picks a free one), OTEL_METRIC_EXPORT_INTERVAL (ms between
 * metric exports, default 10000). Ctrl+C flushes what is left and exits.
 */
import { createServer } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { ConsoleMetricExporter, MeterProvider, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider, ConsoleSpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { cacheResource } from "cache-resource";
import { instrument } from "@cache-resource/otel";

// OpenTelemetry setup: what your application (or `@opentelemetry/sdk-node`) does once at start.
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new ConsoleSpanExporter())] });
const meterProvider = new MeterProvider({
  readers: [
    new PeriodicExportingMetricReader({
      exporter: new ConsoleMetricExporter(),
      exportIntervalMillis: Number(process.env.OTEL_METRIC_EXPORT_INTERVAL ?? 10_000),
    }),
  ],
});
const uninstall = instrument({ meterProvider, tracerProvider });

/** An expensive resource: an exchange-rate table per base currency, built once, kept a minute. */
const getRates = cacheResource(
  async function getRates(base: string) {
    await sleep(300); // stands in for a slow upstream call
    return { base, rates: { EUR: 1, USD: 1.08, GBP: 0.85 }, fetchedAt: new Date().toISOString() };
  },
  { ttl: "1m" },
);

const tracer = tracerProvider.getTracer("example-server");
const server = createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://localhost");
  // A request span, so the cache's span shows up as its child.
  tracer.startActiveSpan(`${req.method} ${url.pathname}`, async (span) => {
    try {
      if (url.pathname !== "/rates") {
        res.writeHead(404).end("try /rates?base=EUR\n");
        return;
      }
      const rates = await getRates(url.searchParams.get("base") ?? "EUR");
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(rates) + "\n");
    } finally {
      span.end();
    }
  });
});

server.listen(Number(process.env.PORT ?? 3000), "127.0.0.1", () => {
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : process.env.PORT;
  console.log(`listening on http://127.0.0.1:${port}/rates?base=EUR`);
});

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  server.close();
  uninstall();
  await Promise.all([meterProvider.shutdown(), tracerProvider.shutdown()]); // exports what is left
  process.exit(0);
}
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
