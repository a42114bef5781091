import type { Clock, TimerHandle } from "../../src/clock/clock.js";

/** A clock that only moves when told to; timers fire in deadline order during `advance`. */
export class ManualClock implements Clock {
  #now = 0;
  #seq = 0;
  #timers = new Map<number, { at: number; callback: () => void }>();
  /** Every delay ever requested (to check chaining of long timers). */
  readonly requestedDelays: number[] = [];

  now(): number {
    return this.#now;
  }

  setTimer(callback: () => void, delayMs: number): TimerHandle {
    const id = ++this.#seq;
    this.requestedDelays.push(delayMs);
    this.#timers.set(id, { at: this.#now + delayMs, callback });
    return { cancel: () => void this.#timers.delete(id) };
  }

  /** Number of armed timers. */
  get pendingTimers(): number {
    return this.#timers.size;
  }

  /** Moves time forward by `ms`, firing due timers (including ones they schedule) in order. */
  advance(ms: number): void {
    const target = this.#now + ms;
    for (;;) {
      let nextId: number | undefined;
      let nextAt = Infinity;
      for (const [id, timer] of this.#timers) {
        if (timer.at <= target && timer.at < nextAt) {
          nextAt = timer.at;
          nextId = id;
        }
      }
      if (nextId === undefined) break;
      const timer = this.#timers.get(nextId)!;
      this.#timers.delete(nextId);
      this.#now = Math.max(this.#now, timer.at);
      timer.callback();
    }
    this.#now = target;
  }

  /** Moves time without firing any timer (a blocked event loop). */
  jump(ms: number): void {
    this.#now += ms;
  }
}

/** A promise with its resolve/reject exposed. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets pending promise callbacks and immediates run. */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A resource with an identity and a closed flag, as a cached value. */
export class Resource {
  static created = 0;
  readonly id = ++Resource.created;
  closed = false;
  constructor(readonly label: string) {}
}
