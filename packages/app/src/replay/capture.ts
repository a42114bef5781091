import { alertElement } from "../elements/build.js";
import { pathKey, type BlockElement, type LeafElement } from "../protocol.js";
import type { ContainerRef } from "../script/context.js";
import type { WidgetRequest } from "../widgets/specs.js";
import { CacheReplayClosureError, UnsupportedCachedWidgetError } from "./errors.js";
import { Recording, type RecordedItem, type RecordedWidget, type Target } from "./recording.js";

/**
 * The recording of one miss while it computes. The app host puts a capture into the script
 * context around the computation; the run's commands ask it where each element lands before
 * writing it, then record it.
 *
 * Captures nest like the calls: a cached function called while another one computes gets a
 * capture whose parent is the outer one, and every command is recorded into the whole chain, so
 * the outer recording holds what the inner call emitted (a hit of the inner function inside the
 * outer miss replays through the same commands, so it is recorded the same way). Each capture
 * resolves places on its own: a block the outer call created is `block` for the outer capture and
 * the `call` container for an inner call made inside it.
 */

/** What a run records for one command, once it is written. */
export interface Placing {
  /** Records a leaf element, into the chain from its `from`-th capture outward (default all). */
  element(element: LeafElement, from?: number): void;
  /** Records a block the run just created at `created` (its columns too, for a row). */
  block(block: BlockElement, created: ContainerRef): void;
  /** Records a widget; captures from the `warnedFrom`-th outward recorded a warning before it. */
  widget(widget: RecordedWidget, warnedFrom: number): void;
}

/** Options of a {@link Capture}. */
export interface CaptureInit {
  readonly functionName: string;
  /** `experimentalAllowWidgets` of the function. */
  readonly allowWidgets: boolean;
  /** The run the miss computes in; blocks it creates carry this id. */
  readonly runId: number;
  /** The container current when the function was called. */
  readonly base: ContainerRef;
  /** The capture of the cached computation this call runs inside, if any. */
  readonly parent: Capture | undefined;
}

const CALL: Target = { kind: "call" };

/** One miss's recording in progress. */
export class Capture {
  /** The cached function computing this miss. */
  readonly functionName: string;
  /** Its `experimentalAllowWidgets`. */
  readonly allowWidgets: boolean;
  /** This capture and its ancestors, innermost first. */
  readonly chain: readonly Capture[];
  readonly #runId: number;
  readonly #base: ContainerRef;
  readonly #items: RecordedItem[] = [];
  readonly #widgets = new Map<string, RecordedWidget>();
  /** Blocks (and columns) created inside this call, by path: how a replay finds them again. */
  readonly #made = new Map<string, Target>();
  #blockCount = 0;
  #closed = false;

  constructor(init: CaptureInit) {
    this.functionName = init.functionName;
    this.allowWidgets = init.allowWidgets;
    this.#runId = init.runId;
    this.#base = init.base;
    this.chain = init.parent === undefined ? [this] : [this, ...init.parent.chain];
  }

  /**
   * Where a command writing into `container` lands, for every capture of the chain. Throws
   * {@link CacheReplayClosureError} (before anything is written) when the container was created
   * outside one of the calls.
   */
  place(container: ContainerRef): Placing {
    const targets = this.chain.map((capture) => capture.#targetOf(container));
    const each = (from: number, record: (capture: Capture, target: Target, index: number) => void): void => {
      for (let i = from; i < this.chain.length; i++) {
        const target = targets[i];
        if (target !== undefined) record(this.chain[i]!, target, i);
      }
    };
    return {
      element: (element, from = 0) => each(from, (c, target) => c.#items.push({ kind: "element", target, element })),
      block: (block, created) => each(0, (c, target) => c.#addBlock(target, block, created)),
      widget: (widget, warnedFrom) =>
        each(0, (c, target, i) => {
          c.#items.push({ kind: "widget", target, widget, warned: i >= warnedFrom });
          c.#widgets.set(widget.id, widget);
        }),
    };
  }

  /**
   * Checks a widget called inside this computation: files raise. Returns the index in the chain of
   * the innermost capture whose function does not allow widgets (it, and the captures outside it,
   * show a warning before the widget), or `Infinity` when every function allows them.
   */
  widgetCheck(req: WidgetRequest): number {
    if (req.kind === "fileUploader" || req.kind === "cameraInput") {
      throw new UnsupportedCachedWidgetError(req.kind, req.label, this.functionName);
    }
    const index = this.chain.findIndex((capture) => !capture.allowWidgets);
    return index < 0 ? Infinity : index;
  }

  /** Ends the capture: later commands (a task the function left running) are not recorded. */
  finish(): Recording | undefined {
    this.#closed = true;
    if (this.#items.length === 0) return undefined;
    const widgets = [...this.#widgets.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return new Recording(this.functionName, [...this.#items], widgets);
  }

  #targetOf(container: ContainerRef): Target | undefined {
    if (this.#closed) return undefined;
    if (container.runId === this.#base.runId && pathKey(container.path) === pathKey(this.#base.path)) return CALL;
    // Roots exist on every run: the sidebar, or the main column when the call sat in a block.
    if (container.runId === -1) return { kind: "root", container };
    const made = container.runId === this.#runId ? this.#made.get(pathKey(container.path)) : undefined;
    if (made === undefined) throw new CacheReplayClosureError(this.functionName);
    return made;
  }

  #addBlock(target: Target, block: BlockElement, created: ContainerRef): void {
    const index = this.#blockCount++;
    this.#items.push({ kind: "block", target, block });
    this.#made.set(pathKey(created.path), { kind: "block", block: index });
    if (block.kind === "columns") {
      block.weights.forEach((_, column) => this.#made.set(pathKey([...created.path, column]), { kind: "block", block: index, column }));
    }
  }
}

/**
 * The warning a widget inside a cached function shows when the function does not allow widgets
 * (Streamlit ≥ 1.38 does the same): its value is not part of the key.
 */
export function cachedWidgetWarning(req: WidgetRequest, functionName: string): LeafElement {
  const call = `st.${req.kind}(${JSON.stringify(req.label)})`.replace(/`/g, "'");
  return alertElement(
    "warning",
    `\`${call}\` is called inside the cached function \`${functionName}()\`, but its value is not part of ` +
      `the cache key: the function ran with the value the widget had then, and later calls return that ` +
      `result whatever the widget shows. Pass \`experimentalAllowWidgets: true\` to cache one result per ` +
      `combination of widget values, or move the widget out of the function and pass its value as an argument.`,
  );
}
