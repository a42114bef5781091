import { MAX_TIMER_DELAY_MS, type Clock, type TimerHandle } from "./clock.js";

/** Something that can be due: the queue calls `onDue` when `deadline` has passed. */
export interface Expirable {
  /** Clock time (ms) at which the item is due; `Infinity` never. Read again when the timer fires. */
  readonly deadline: number;
}

/**
 * Deadlines for one cache, served by a single timer.
 *
 * All entries of a cache share one ttl, so deadlines are pushed in (almost) ascending order; a
 * binary min-heap keeps the rare out-of-order push (a background refresh's hard expiry) correct.
 * Stale heap items are skipped lazily: an item whose `deadline` moved or that left the cache is
 * re-checked when it surfaces. One OS timer per cache, armed for the earliest deadline, chained
 * in steps of at most ~24.8 days so very long ttls still fire on time.
 */
export class ExpiryQueue<T extends Expirable> {
  readonly #clock: Clock;
  readonly #onDue: (item: T, now: number) => void;
  #heap: { at: number; item: T }[] = [];
  #timer: TimerHandle | undefined;
  #timerAt = Infinity;

  constructor(clock: Clock, onDue: (item: T, now: number) => void) {
    this.#clock = clock;
    this.#onDue = onDue;
  }

  /** Number of queued deadlines, stale ones included. */
  get size(): number {
    return this.#heap.length;
  }

  /** Schedules `item` at its current deadline. */
  schedule(item: T): void {
    const at = item.deadline;
    if (at === Infinity) return;
    this.#push({ at, item });
    if (at < this.#timerAt) this.#arm();
  }

  /**
   * Rebuilds the heap keeping only items for which `isLive` holds, so items that left the cache
   * long before their deadline do not pile up (and keep nothing alive).
   */
  prune(isLive: (item: T) => boolean): void {
    const kept = this.#heap.filter((node) => isLive(node.item) && node.item.deadline === node.at);
    this.#heap = [];
    for (const node of kept) this.#push(node);
    this.#arm();
  }

  /** Drops every queued deadline and the timer. */
  reset(): void {
    this.#heap = [];
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#timerAt = Infinity;
  }

  #arm(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#timerAt = Infinity;
    const first = this.#heap[0];
    if (first === undefined) return;
    const delay = Math.min(Math.max(0, first.at - this.#clock.now()), MAX_TIMER_DELAY_MS);
    this.#timerAt = first.at;
    this.#timer = this.#clock.setTimer(() => this.#fire(), Math.ceil(delay));
  }

  #fire(): void {
    this.#timer = undefined;
    this.#timerAt = Infinity;
    const now = this.#clock.now();
    // Take the due items first: a deadline that `onDue` schedules (a release hook calling the
    // function again with ttl 0) waits for the next timer instead of looping in this one forever.
    const due: { at: number; item: T }[] = [];
    for (let top = this.#heap[0]; top !== undefined && top.at <= now; top = this.#heap[0]) {
      this.#pop();
      due.push(top);
    }
    for (const { at, item } of due) {
      // The item may have been refreshed (later deadline) or removed since it was queued.
      if (item.deadline === at) this.#onDue(item, now);
      else if (item.deadline !== Infinity && item.deadline > at) this.#push({ at: item.deadline, item });
    }
    this.#arm();
  }

  #push(node: { at: number; item: T }): void {
    const heap = this.#heap;
    heap.push(node);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent]!;
      if (p.at <= node.at) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = node;
  }

  #pop(): void {
    const heap = this.#heap;
    const last = heap.pop();
    if (last === undefined || heap.length === 0) return;
    let i = 0;
    const n = heap.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const child = r < n && heap[r]!.at < heap[l]!.at ? r : l;
      if (heap[child]!.at >= last.at) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
  }
}
