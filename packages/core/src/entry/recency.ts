import type { Entry } from "./entry.js";

/**
 * The ready entries of one store from least to most recently used, for `maxEntries`: a list
 * threaded through the entries themselves, so a hit moves its entry to the end and an eviction
 * takes the first one, each in constant time. (A `Map` re-inserted on every hit keeps the same
 * order, but its deleted slots pile up at the front until the table is rebuilt, and every eviction
 * walked over them.)
 */
export class RecencyList {
  #oldest: Entry | undefined;
  #newest: Entry | undefined;

  /** The least recently used entry. */
  get oldest(): Entry | undefined {
    return this.#oldest;
  }

  /** Adds `entry` as the most recently used. */
  append(entry: Entry): void {
    entry.older = this.#newest;
    entry.newer = undefined;
    if (this.#newest === undefined) this.#oldest = entry;
    else this.#newest.newer = entry;
    this.#newest = entry;
    entry.inRecency = true;
  }

  /** Marks `entry` (already in the list) as the most recently used. */
  touch(entry: Entry): void {
    if (this.#newest === entry || !entry.inRecency) return;
    this.remove(entry);
    this.append(entry);
  }

  /** Takes `entry` out of the list (nothing when it is not in it). */
  remove(entry: Entry): void {
    if (!entry.inRecency) return;
    const { older, newer } = entry;
    if (older === undefined) this.#oldest = newer;
    else older.newer = newer;
    if (newer === undefined) this.#newest = older;
    else newer.older = older;
    entry.older = undefined;
    entry.newer = undefined;
    entry.inRecency = false;
  }
}
