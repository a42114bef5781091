import type { ReleaseReason } from "./events.js";

/** Counters of one cached function (all sessions together). */
export interface FunctionStats {
  readonly functionName: string;
  /** Values currently stored (all sessions). */
  readonly entries: number;
  readonly hits: number;
  readonly misses: number;
  readonly errors: number;
  /** Values released, by reason. */
  readonly releases: Readonly<Partial<Record<ReleaseReason, number>>>;
  /** Mean duration of successful computations, in milliseconds (0 when none). */
  readonly meanComputeMs: number;
  /** Longest successful computation, in milliseconds. */
  readonly maxComputeMs: number;
  /** Leases (`fn.acquire`) not released yet, on stored values and on removed ones. */
  readonly leases: number;
  /** Removed values waiting for their last lease (or their drain timeout) before they are released. */
  readonly draining: number;
  /**
   * Estimated retained size of the values stored now, in bytes, as the `sizeOf` option measures
   * them (once per value, when it is stored). Absent for functions without `sizeOf`: there is no
   * cheap automatic estimate. Values removed from the cache but still leased are not counted.
   */
  readonly bytes?: number;
}

/** Totals over every cached function, plus each function's own counters. */
export interface GlobalStats {
  readonly entries: number;
  readonly hits: number;
  readonly misses: number;
  readonly errors: number;
  readonly releases: Readonly<Partial<Record<ReleaseReason, number>>>;
  readonly leases: number;
  readonly draining: number;
  /** Sum of `bytes` over the functions that have a `sizeOf`; absent when none has. */
  readonly bytes?: number;
  readonly functions: readonly FunctionStats[];
}

/** Mutable counters kept by a function's cache; read through {@link StatsCounter.snapshot}. */
export class StatsCounter {
  misses = 0;
  errors = 0;
  computed = 0;
  totalComputeMs = 0;
  maxComputeMs = 0;
  /** Kept by the function's leases (leases.ts). */
  openLeases = 0;
  draining = 0;
  readonly releases: Partial<Record<ReleaseReason, number>> = {};

  recordComputed(durationMs: number): void {
    this.computed++;
    this.totalComputeMs += durationMs;
    if (durationMs > this.maxComputeMs) this.maxComputeMs = durationMs;
  }

  recordRelease(reason: ReleaseReason): void {
    this.releases[reason] = (this.releases[reason] ?? 0) + 1;
  }

  /** `hits` are counted by the function's cache itself (they are on its hot path). */
  snapshot(functionName: string, hits: number, entries: number, bytes?: number): FunctionStats {
    return {
      functionName,
      entries,
      hits,
      misses: this.misses,
      errors: this.errors,
      releases: { ...this.releases },
      meanComputeMs: this.computed === 0 ? 0 : this.totalComputeMs / this.computed,
      maxComputeMs: this.maxComputeMs,
      leases: this.openLeases,
      draining: this.draining,
      ...(bytes !== undefined && { bytes }),
    };
  }
}

/** Adds up function stats into global totals. */
export function totalStats(functions: readonly FunctionStats[]): GlobalStats {
  const releases: Partial<Record<ReleaseReason, number>> = {};
  let entries = 0;
  let hits = 0;
  let misses = 0;
  let errors = 0;
  let bytes: number | undefined;
  for (const f of functions) {
    if (f.bytes !== undefined) bytes = (bytes ?? 0) + f.bytes;
    entries += f.entries;
    hits += f.hits;
    misses += f.misses;
    errors += f.errors;
    for (const [reason, count] of Object.entries(f.releases) as [ReleaseReason, number][]) {
      releases[reason] = (releases[reason] ?? 0) + count;
    }
  }
  let leases = 0;
  let draining = 0;
  for (const f of functions) {
    leases += f.leases;
    draining += f.draining;
  }
  return { entries, hits, misses, errors, releases, leases, draining, ...(bytes !== undefined && { bytes }), functions };
}
