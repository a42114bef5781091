import { renderInlineMarkdown } from "../elements/markdown.js";
import type { ServerMessage } from "../protocol.js";
import { SPINNER_DELAY_MS } from "cache-resource/host";


/**
 * The cache spinners of one session. They are an overlay on the page, not elements, so they never
 * take a layout slot and never end up in a recording.
 *
 * A spinner goes away when its miss ends (success or error), when the session's current run
 * finishes, or when the page disconnects. A run superseded mid-miss does not remove it at once:
 * the newer run usually waits for the same computation, and its spinner is what tells the user
 * why nothing moves; it goes when that newer run finishes.
 */
export class SpinnerBoard {
  readonly #send: (message: ServerMessage) => void;
  readonly #now: () => number;
  readonly #delayMs: number;
  readonly #pending = new Map<number, NodeJS.Timeout>();
  readonly #shown = new Set<number>();
  #nextId = 1;

  constructor(send: (message: ServerMessage) => void, now: () => number = () => performance.now(), delayMs = SPINNER_DELAY_MS) {
    this.#send = send;
    this.#now = now;
    this.#delayMs = delayMs;
  }

  /** Schedules a spinner for a miss that started at `startedAt`; returns its remover. */
  start(text: string, showTime: boolean, startedAt: number): () => void {
    const id = this.#nextId++;
    const delay = Math.max(0, this.#delayMs - (this.#now() - startedAt));
    const timer = setTimeout(() => {
      this.#pending.delete(id);
      this.#shown.add(id);
      this.#send({ type: "spinner", id, html: renderInlineMarkdown(text), showTime, elapsedMs: Math.max(0, this.#now() - startedAt) });
    }, delay);
    timer.unref();
    this.#pending.set(id, timer);
    return () => this.#remove(id);
  }

  /** Removes every spinner (the current run finished, or the page went away). */
  clear(): void {
    for (const id of [...this.#pending.keys(), ...this.#shown]) this.#remove(id);
  }

  /** Number of spinners shown or about to be (tests). */
  get size(): number {
    return this.#pending.size + this.#shown.size;
  }

  #remove(id: number): void {
    const timer = this.#pending.get(id);
    if (timer !== undefined) {
      clearTimeout(timer);
      this.#pending.delete(id);
    }
    if (this.#shown.delete(id)) this.#send({ type: "spinnerEnd", id });
  }
}
