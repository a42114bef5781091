/**
 * Retained-size estimates for `stats()`, from the user's `sizeOf` option.
 *
 * There is no cheap automatic estimate: V8 offers no per-object retained size at run time (a heap
 * snapshot takes seconds and pauses the process), and walking a value's objects double-counts
 * what values share and misses what resources hold outside the JavaScript heap (sockets, a WASM
 * heap such as PGlite's, native addons). So the user says what a value weighs; each stored value
 * is measured once, when it is stored (again when a background refresh replaces it), and its size
 * is subtracted when it leaves the cache.
 */
import { describeValue } from "../errors.js";
import { reportProblem } from "./events.js";

/** The running total of one function's stored values, in bytes as `sizeOf` counts them. */
export class RetainedSizes {
  total = 0;
  #warned = false;

  constructor(readonly functionName: string) {}

  /**
   * Measures a value about to be stored (0 when `sizeOf` fails). It runs user code, which may
   * clear the cache: the caller checks for that before it stores the value and {@link add}s it.
   */
  measure(sizeOf: (value: unknown) => unknown, value: unknown): number {
    let size: unknown;
    try {
      size = sizeOf(value);
    } catch (error) {
      this.#warn("threw", error);
      return 0;
    }
    if (typeof size !== "number" || !Number.isFinite(size) || size < 0) {
      this.#warn(`returned ${describeValue(size)}`, "sizeOf must return a number of bytes (finite, at least 0)");
      return 0;
    }
    return size;
  }

  /** A value of this size was stored. */
  add(size: number): void {
    this.total += size;
  }

  /** A value of this size left the cache. */
  remove(size: number): void {
    this.total -= size;
  }

  #warn(problem: string, detail: unknown): void {
    if (this.#warned) return; // once per function: a broken sizeOf fails for every value
    this.#warned = true;
    reportProblem(`sizeOf of \`${this.functionName}()\` ${problem}; such values count as 0 bytes in stats()`, detail);
  }
}
