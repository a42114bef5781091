import { DeltaWriter } from "../elements/writer.js";
import type { BlockElement, LeafElement, ServerMessage } from "../protocol.js";
import { RunWidgetIds } from "../widgets/id.js";
import { initialValue, reconcile, widgetElement, type WidgetRequest, type WidgetValue } from "../widgets/specs.js";
import { widgetId } from "../widgets/id.js";
import type { WidgetCodec, WidgetStore } from "../widgets/state.js";
import { cachedWidgetWarning } from "../replay/capture.js";
import { currentCapture, type ContainerRef, type RunPort, type SlotRef } from "./context.js";
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
  /** The value each widget was shown with in this run (what a cached function read). */
  readonly #widgetValues = new Map<string, WidgetValue>();
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

  // Inside a cached computation every command is placed in its capture first (which refuses a
  // block made outside the function before anything is written), then written quietly, then
  // recorded for replay.

  emit(container: ContainerRef, element: LeafElement): void {
    const placing = currentCapture()?.place(container);
    this.#writer.write(container, element, placing !== undefined);
    placing?.element(element);
  }

  openBlock(container: ContainerRef, block: BlockElement): ContainerRef {
    const placing = currentCapture()?.place(container);
    const created = { runId: this.runId, path: this.#writer.write(container, block, placing !== undefined) };
    placing?.block(block, created);
    return created;
  }

  reserveSlot(container: ContainerRef): SlotRef {
    const placing = currentCapture()?.place(container);
    const empty: LeafElement = { kind: "empty" };
    const slot = { runId: this.runId, path: this.#writer.write(container, empty, placing !== undefined) };
    // A replay shows the slot as the spinner leaves it: empty.
    placing?.element(empty);
    return slot;
  }

  fillSlot(slot: SlotRef, element: LeafElement): void {
    if (slot.runId === this.runId) this.#writer.rewrite(slot.path, element);
  }

  widget(container: ContainerRef, req: WidgetRequest, codec: WidgetCodec, replayed?: { readonly warned: boolean }): WidgetValue {
    const capture = currentCapture();
    if (capture === undefined) {
      if (!this.live) throw new RerunSuperseded();
      return this.#showWidget(container, req, codec, false).value;
    }
    // A replayed widget whose recording holds its warning already gets no second one.
    const alreadyWarned = replayed?.warned === true;
    const warnFrom = alreadyWarned ? 0 : capture.widgetCheck(req);
    const placing = capture.place(container);
    if (!alreadyWarned && warnFrom !== Infinity) {
      const warning = cachedWidgetWarning(req, capture.chain[warnFrom]!.functionName);
      this.#writer.write(container, warning, true);
      placing.element(warning, warnFrom);
    }
    const { id, value } = this.#showWidget(container, req, codec, true);
    placing.widget({ id, req, codec }, warnFrom);
    return value;
  }

  widgetValue(req: WidgetRequest, codec: WidgetCodec): WidgetValue {
    const id = widgetId(req.kind, req.label, req.key);
    if (this.#widgetValues.has(id)) return this.#widgetValues.get(id)!;
    return this.session.widgets.peek(id, req, this.triggers, this.session.sessionState, codec);
  }

  #showWidget(container: ContainerRef, req: WidgetRequest, codec: WidgetCodec, quiet: boolean): { id: string; value: WidgetValue } {
    if (!this.live) {
      // A stale run must not register ids or touch widget state that the live run owns. Inside a
      // cached computation (maybe shared with other sessions) it reads the value and carries on.
      const id = widgetId(req.kind, req.label, req.key);
      const stored = this.session.widgets.valueOf(id);
      const value = stored === undefined ? initialValue(req) : reconcile(req, stored);
      this.#widgetValues.set(id, value);
      return { id, value };
    }
    const id = this.#widgetIds.register(req.kind, req.label, req.key);
    const value = this.session.widgets.resolve(id, req, this.triggers, this.session.sessionState, codec);
    this.#widgetValues.set(id, value);
    this.#writer.write(container, widgetElement(id, req, value), quiet);
    return { id, value };
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
