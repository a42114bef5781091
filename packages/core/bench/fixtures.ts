/** Inputs and result shapes shared by the scenarios. */
import type { Timing } from "./harness.js";

/** The primitive argument of the hit scenarios: a connection URL, as in Streamlit's documented examples. */
export const DB_URL = "postgres://db.internal:5432/app";

/** A thousand tenant URLs for the many-keys variant. */
export const TENANT_URLS = Array.from({ length: 1000 }, (_, i) => `postgres://db.internal:5432/tenant_${i}`);

/** Four URLs for the rotating-key variant. */
export const DB_URLS = [DB_URL, "postgres://db.internal:5432/audit", "postgres://replica.internal:5432/app", "redis://cache.internal:6379/0"];

export interface PoolOptions {
  url: string;
  poolSize: number;
  ssl: boolean;
  timeoutMs: number;
  region: string;
}

/** A fresh options object every call, as real callers write them inline. */
export function poolOptions(): PoolOptions {
  return { url: "postgres://db.internal:5432/app", poolSize: 10, ssl: true, timeoutMs: 5000, region: "eu-west-1" };
}

/** Stand-in for an expensive resource. */
export class FakePool {
  constructor(readonly config: unknown) {}
}

/** One line of a scenario's table. */
export interface Row {
  readonly name: string;
  /** Median of the measured quantity (ns/op unless the scenario says otherwise). */
  readonly value: number;
  /** Extra columns shown as given (computations, GB/s, timers…). */
  readonly extra?: Readonly<Record<string, string>>;
  /** What this implementation does differently (shown under the table). */
  readonly note?: string;
  /** The row for cache-resource; ratios are relative to it. */
  readonly ours?: boolean;
  /**
   * What the row is compared as in the targets: a `peer` library with the same semantics (a
   * cache by value that returns the same reference), or the hand-written `memo` (a `Map`).
   */
  readonly role?: Role;
}

export type Role = "peer" | "memo";

export interface ScenarioResult {
  readonly id: string;
  readonly title: string;
  /** Header of the value column, e.g. "median ns/op". */
  readonly unit: string;
  readonly rows: readonly Row[];
  /** Show the "÷ cacheResource" ratio column (not for counts and bytes). */
  readonly ratios: boolean;
  readonly notes?: readonly string[];
}

/** Rows from timings, keeping names; `ours` marks the cache-resource row. */
export function rowsFrom(
  timings: readonly Timing[],
  ours: string,
  notes: Readonly<Record<string, string>> = {},
  roles: Readonly<Record<string, Role>> = {},
): Row[] {
  return timings.map((t) => ({
    name: t.name,
    value: t.medianNs,
    ours: t.name === ours,
    ...(notes[t.name] !== undefined && { note: notes[t.name] }),
    ...(roles[t.name] !== undefined && { role: roles[t.name] }),
  }));
}

/** A memo keyed by a serialization (`ohash`, `JSON.stringify`): a Map from `keyOf(input)` to the value created for it. */
export function mapMemo<I, V>(keyOf: (input: I) => unknown, create: (input: I) => V): (input: I) => V {
  const map = new Map<unknown, V>();
  return (input) => {
    const key = keyOf(input);
    let value = map.get(key);
    if (value === undefined) map.set(key, (value = create(input)));
    return value;
  };
}
