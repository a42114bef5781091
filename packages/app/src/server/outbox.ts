import type { ServerMessage } from "../protocol.js";

/**
 * What one socket has yet to send, and the rules that keep it small.
 *
 * Batching. Messages are queued and sent together, one WebSocket frame (a JSON array) per turn of
 * the event loop: a run's deltas written in one go cost one frame and one write, not one each.
 *
 * Backpressure. At most one frame is in flight: the next one is built only once the previous has
 * been handed to the operating system, so a page that stops reading stops the writes after one
 * frame, and what it has not taken waits here, where it can be pruned:
 * - a new run supersedes the output of older runs still queued (the page drops it anyway: it
 *   ignores deltas of runs older than the last `runStarted`), so the queue holds one run's output;
 * - a spinner that starts and ends while queued is never sent.
 * What is buffered for a socket is therefore at most the frame in flight plus the newest run's
 * output. A run that keeps writing (a live-updating loop) to a page that never reads would still
 * grow it, so past `maxBacklogBytes` the socket is treated as a slow consumer and dropped.
 */

/** Where the outbox writes. */
export interface FrameSink {
  /** Sends one text frame; `written` is called once it has been handed to the operating system (or failed). */
  send(frame: string, written: (error?: Error) => void): void;
  /** The page does not read what it is sent: drop the connection. */
  overflow(backlogBytes: number): void;
}

/** Default of {@link Outbox}'s bound: 8 MiB per socket. */
export const DEFAULT_MAX_BACKLOG_BYTES = 8 * 1024 * 1024;

interface Queued {
  readonly message: ServerMessage;
  readonly text: string;
  readonly bytes: number;
}

export class Outbox {
  readonly #sink: FrameSink;
  readonly #maxBacklogBytes: number;
  #queue: Queued[] = [];
  #queuedBytes = 0;
  /** Bytes of the frame handed to the socket and not yet written out (0: none in flight). */
  #inFlightBytes = 0;
  #scheduled = false;
  #closed = false;

  constructor(sink: FrameSink, maxBacklogBytes = DEFAULT_MAX_BACKLOG_BYTES) {
    this.#sink = sink;
    this.#maxBacklogBytes = maxBacklogBytes;
  }

  /** Bytes held for this socket: queued messages plus the frame in flight. */
  get backlogBytes(): number {
    return this.#queuedBytes + this.#inFlightBytes;
  }

  /** Queues `message` for the next frame. */
  push(message: ServerMessage): void {
    if (this.#closed) return;
    if (message.type === "runStarted") this.#dropRunsBefore(message.runId);
    else if (message.type === "spinnerEnd" && this.#dropQueuedSpinner(message.id)) return;
    const text = JSON.stringify(message);
    const bytes = Buffer.byteLength(text);
    this.#queue.push({ message, text, bytes });
    this.#queuedBytes += bytes;
    // Only while a frame is stuck in flight: a run's own output, however large, is not a backlog.
    if (this.#inFlightBytes > 0 && this.backlogBytes > this.#maxBacklogBytes) {
      const backlog = this.backlogBytes;
      this.close();
      this.#sink.overflow(backlog);
      return;
    }
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => {
        this.#scheduled = false;
        this.#flush();
      });
    }
  }

  /** Drops everything queued and sends nothing more. */
  close(): void {
    this.#closed = true;
    this.#queue = [];
    this.#queuedBytes = 0;
    this.#inFlightBytes = 0; // the socket is going: its buffers go with it
  }

  #flush(): void {
    if (this.#closed || this.#inFlightBytes > 0 || this.#queue.length === 0) return;
    let frame = "[";
    for (let i = 0; i < this.#queue.length; i++) frame += (i === 0 ? "" : ",") + this.#queue[i]!.text;
    frame += "]";
    this.#inFlightBytes = this.#queuedBytes + 2;
    this.#queue = [];
    this.#queuedBytes = 0;
    this.#sink.send(frame, (error) => {
      this.#inFlightBytes = 0;
      if (error === undefined || error === null) this.#flush(); // what queued meanwhile
    });
  }

  /** A new run starts: queued output of older runs will never be shown. */
  #dropRunsBefore(runId: number): void {
    if (this.#queue.length === 0) return;
    const kept = this.#queue.filter((q) => !("runId" in q.message) || q.message.runId >= runId);
    if (kept.length === this.#queue.length) return;
    this.#queue = kept;
    this.#queuedBytes = kept.reduce((sum, q) => sum + q.bytes, 0);
  }

  /** Removes a still-queued `spinner` message with this id; true when there was one. */
  #dropQueuedSpinner(id: number): boolean {
    const index = this.#queue.findIndex((q) => q.message.type === "spinner" && q.message.id === id);
    if (index < 0) return false;
    this.#queuedBytes -= this.#queue[index]!.bytes;
    this.#queue.splice(index, 1);
    return true;
  }
}
