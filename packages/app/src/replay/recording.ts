import type { BlockElement, LeafElement } from "../protocol.js";
import type { ContainerRef, RunPort } from "../script/context.js";
import type { WidgetRequest } from "../widgets/specs.js";
import type { WidgetCodec } from "../widgets/state.js";

/**
 * What a cached function emitted while it computed a miss, and how to show it again on a hit.
 *
 * Places are relative: an element goes to the container that was current when the function was
 * called (`call`: on a hit, the caller's current container, so replay lands in the active `with`
 * block), to a root (the sidebar), or to a block the function itself created (`block`: re-created
 * by the replay, in recording order). A recording never points at a block made outside the call.
 */

/** Where a recorded command lands, relative to the call. */
export type Target =
  /** The container current when the cached function was called. */
  | { readonly kind: "call" }
  /** A root block of the page (the sidebar; the main column when called inside another block). */
  | { readonly kind: "root"; readonly container: ContainerRef }
  /** The `block`-th block this call created (for a columns row, `column` picks a column). */
  | { readonly kind: "block"; readonly block: number; readonly column?: number };

/** A widget a cached function showed, enough to show it again with its live value. */
export interface RecordedWidget {
  readonly id: string;
  readonly req: WidgetRequest;
  readonly codec: WidgetCodec;
}

/** One recorded command, in emission order. */
export type RecordedItem =
  | { readonly kind: "element"; readonly target: Target; readonly element: LeafElement }
  | { readonly kind: "block"; readonly target: Target; readonly block: BlockElement }
  | {
      readonly kind: "widget";
      readonly target: Target;
      readonly widget: RecordedWidget;
      /** A cached-widget warning precedes it in this recording (so replay must not add another). */
      readonly warned: boolean;
    };

/** Marks recordings of this runtime (`instanceof` fails across the app's module copies). */
const RECORDING = Symbol.for("cache-resource.app.recording");

/** The recording stored with a cache entry. Immutable once made. */
export class Recording {
  readonly [RECORDING] = true;
  /** The cached function that made it. */
  readonly functionName: string;
  readonly items: readonly RecordedItem[];
  /**
   * The widgets seen while computing (one per id, sorted by id): with `experimentalAllowWidgets`
   * their current values pick the entry (see `AppHost.widgetState`).
   */
  readonly widgets: readonly RecordedWidget[];

  constructor(functionName: string, items: readonly RecordedItem[], widgets: readonly RecordedWidget[]) {
    this.functionName = functionName;
    this.items = items;
    this.widgets = widgets;
  }
}

/** True for a {@link Recording} of this runtime, from any copy of the library. */
export function isRecording(value: unknown): value is Recording {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[RECORDING] === true;
}

/**
 * Shows `recording` again in `run`, as if the function had just emitted it into `container` (the
 * caller's current container). Goes through the run's ordinary commands, so a replay inside
 * another cached function's miss is recorded by that function too, and a stale run stops here.
 */
export function replayRecording(recording: Recording, run: RunPort, container: ContainerRef): void {
  const blocks: ContainerRef[] = [];
  const place = (target: Target): ContainerRef => {
    if (target.kind === "call") return container;
    if (target.kind === "root") return target.container;
    const block = blocks[target.block]!;
    return target.column === undefined ? block : { runId: block.runId, path: [...block.path, target.column] };
  };
  for (const item of recording.items) {
    const at = place(item.target);
    if (item.kind === "element") run.emit(at, item.element);
    else if (item.kind === "block") blocks.push(run.openBlock(at, item.block));
    else run.widget(at, item.widget.req, item.widget.codec, { warned: item.warned });
  }
}
