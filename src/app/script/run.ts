import { DeltaWriter } from "../elements/writer.js";
import type { BlockElement, LeafElement, ServerMessage } from "../protocol.js";
import { RunWidgetIds } from "../widgets/id.js";
import { initialValue, reconcile, widgetElement, type WidgetRequest, type WidgetValue } from "../widgets/specs.js";
import { widgetId } from "../widgets/id.js";
import type { WidgetCodec, WidgetStore } from "../widgets/state.js";
import { inCachedComputation, type ContainerRef, type RunPort, type SlotRef } from "./context.js";
import { RerunRequested, RerunSuperseded } from "./signals.js";

/** What a run needs from its session. */
export interface RunSession {
  readonly id: string;
  readonly sessionState: Record<string, unknown>;
  readonly widgets: WidgetStore;
  send(message: ServerMessage): void;
  /** True while `runId` is the session's current run and the page is connected. */
  isCurrent(runId: number): boolean;
  /** Shows the cache spinner overlay after its delay; returns the function that removes it. */
  startCacheSpinner(text: string, showTime: boolean, startedAt: number): () => void;
}

/**
 * One top-to-bottom execution of the script for one session: its element writer, the widgets it
 * has shown, and the button clicks it was started with.
 */
export class ScriptRun implements RunPort {
  readonly runId: number;
  readonly session: RunSession;
  /** Buttons clicked for this run (true in this run only). */
  readonly triggers: ReadonlySet<string>;
  readonly #writer: DeltaWriter;
  readonly #widgetIds = new RunWidgetIds();
  #finished = false;

  constructor(session: RunSession, runId: number, triggers: ReadonlySet<string>) {
    this.runId = runId;
    this.session = session;
    this.triggers = triggers;
    this.#writer = new DeltaWriter(runId, (m) => session.send(m), () => this.live);
  }

  get sessionId(): string {
    return this.session.id;
  }

  get sessionState(): Record<string, unknown> {
    return this.session.sessionState;
  }

  /** True while this run may write to the page. */
  get live(): boolean {
    return !this.#finished && this.session.isCurrent(this.runId);
  }

  /** True once the run completed, failed, or handed over to `st.rerun()`. */
  get finished(): boolean {
    return this.#finished;
  }

  emit(container: ContainerRef, element: LeafElement): void {
    this.#writer.write(container, element, inCachedComputation());
  }

  openBlock(container: ContainerRef, block: BlockElement): ContainerRef {
    return { runId: this.runId, path: this.#writer.write(container, block, inCachedComputation()) };
  }

  reserveSlot(container: ContainerRef): SlotRef {
    return { runId: this.runId, path: this.#writer.write(container, { kind: "empty" }, inCachedComputation()) };
  }

  fillSlot(slot: SlotRef, element: LeafElement): void {
    if (slot.runId === this.runId) this.#writer.rewrite(slot.path, element);
  }

  widget(container: ContainerRef, req: WidgetRequest, codec: WidgetCodec): WidgetValue {
    if (!this.live) {
      // A stale run must not register ids or touch widget state that the live run owns. Inside a
      // cached computation (maybe shared with other sessions) it reads the value and carries on.
      if (!inCachedComputation()) throw new RerunSuperseded();
      const stored = this.session.widgets.valueOf(widgetId(req.kind, req.label, req.key));
      return stored === undefined ? initialValue(req) : reconcile(req, stored);
    }
    const id = this.#widgetIds.register(req.kind, req.label, req.key);
    const value = this.session.widgets.resolve(id, req, this.triggers, this.session.sessionState, codec);
    this.#writer.write(container, widgetElement(id, req, value));
    return value;
  }

  requestRerun(): never {
    throw new RerunRequested();
  }

  /** Shows the cache spinner for a miss of this run (see {@link RunSession.startCacheSpinner}). */
  startCacheSpinner(text: string, showTime: boolean, startedAt: number): () => void {
    return this.session.startCacheSpinner(text, showTime, startedAt);
  }

  /**
   * Ends a live run: tells the page how many elements each block now has. After a complete run
   * the state of widgets it did not show is dropped (after a failed one it is kept: the script
   * may simply not have reached them).
   */
  finish(complete: boolean): void {
    if (!this.live) return;
    this.session.send({ type: "runFinished", runId: this.runId, counts: this.#writer.counts() });
    this.#finished = true;
    if (complete) this.session.widgets.collect(this.#widgetIds.ids, this.session.sessionState);
  }

  /** Ends the run without finishing it on the page (`st.rerun()` takes over the page as it is). */
  abandon(): void {
    this.#finished = true;
  }
}
