/**
 * A small, bounded memo of a pure function of a string, for work a script repeats on every
 * rerun with the same input (rendering the same markdown, hashing the same widget label). It
 * holds at most `maxEntries` results and only inputs up to `maxKeyLength` characters, so what it
 * keeps stays small whatever an app renders; when full, the oldest input is forgotten first.
 */
export class TextMemo<V> {
  readonly #results = new Map<string, V>();
  readonly #compute: (input: string) => V;
  readonly #maxEntries: number;
  readonly #maxKeyLength: number;

  constructor(compute: (input: string) => V, maxEntries: number, maxKeyLength: number) {
    this.#compute = compute;
    this.#maxEntries = maxEntries;
    this.#maxKeyLength = maxKeyLength;
  }

  /** The result for `input`: remembered, or computed now (and remembered when it is short). */
  get(input: string): V {
    const remembered = this.#results.get(input);
    if (remembered !== undefined) return remembered;
    const result = this.#compute(input);
    if (input.length <= this.#maxKeyLength && result !== undefined) {
      if (this.#results.size >= this.#maxEntries) this.#results.delete(this.#results.keys().next().value!);
      this.#results.set(input, result);
    }
    return result;
  }

  /** Inputs remembered now. */
  get size(): number {
    return this.#results.size;
  }
}
