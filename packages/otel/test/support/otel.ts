/** The real OpenTelemetry SDK, in memory: a meter provider and a tracer provider to read back from. */
import type { Attributes } from "@opentelemetry/api";
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type DataPoint,
  type Histogram,
  type MetricData,
} from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";

export function inMemoryOtel() {
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  // Exports only when flushed (the interval's timer is unref'd and never reached).
  const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 2 ** 31 - 1 });
  const meterProvider = new MeterProvider({ readers: [reader] });
  const spanExporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spanExporter)] });

  /** Collects now and returns every metric, by name. */
  async function collect(): Promise<Map<string, MetricData>> {
    metricExporter.reset();
    await reader.forceFlush();
    const byName = new Map<string, MetricData>();
    for (const resource of metricExporter.getMetrics()) {
      for (const scope of resource.scopeMetrics) for (const metric of scope.metrics) byName.set(metric.descriptor.name, metric);
    }
    return byName;
  }

  /** The data points of `name` whose attributes include `attributes`. */
  async function points<T = number>(name: string, attributes: Attributes): Promise<DataPoint<T>[]> {
    const metric = (await collect()).get(name);
    if (metric === undefined) return [];
    return (metric.dataPoints as DataPoint<T>[]).filter((p) =>
      Object.entries(attributes).every(([k, v]) => p.attributes[k] === v),
    );
  }

  /** The sum (counter) or last value (gauge) of `name` for points matching `attributes`; 0 if none. */
  async function value(name: string, attributes: Attributes): Promise<number> {
    return (await points<number>(name, attributes)).reduce((sum, p) => sum + p.value, 0);
  }

  /** The histogram points of `name` matching `attributes`. */
  function histogram(name: string, attributes: Attributes): Promise<DataPoint<Histogram>[]> {
    return points<Histogram>(name, attributes);
  }

  return {
    meterProvider,
    tracerProvider,
    spans: () => spanExporter.getFinishedSpans(),
    collect,
    points,
    value,
    histogram,
    async shutdown() {
      await meterProvider.shutdown();
      await tracerProvider.shutdown();
    },
  };
}
