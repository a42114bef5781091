/**
 * The wire protocol between the app server and the page, shared by both sides (this file has no
 * Node or DOM imports so the browser bundle can use it).
 *
 * The page is a tree of blocks. Root block `0` is the main column and root block `1` the sidebar;
 * every element has a path `[root, index, index, ...]`: the indices of the blocks leading to it and
 * finally its own index inside its block. A run streams `delta`s in script order; when it finishes,
 * `runFinished` says how many children each block got in that run, and the page drops whatever
 * sits past those counts. Elements that did not change keep their DOM nodes, so reruns don't
 * flicker.
 */

/** Index of the main column among the root blocks. */
export const MAIN_ROOT = 0;
/** Index of the sidebar among the root blocks. */
export const SIDEBAR_ROOT = 1;

/** Colour and icon of a callout. */
export type AlertVariant = "success" | "info" | "warning" | "error";

/** Kinds of input widgets. */
export type WidgetKind =
  | "button"
  | "checkbox"
  | "toggle"
  | "slider"
  | "numberInput"
  | "textInput"
  | "selectbox"
  | "radio"
  | "fileUploader"
  | "cameraInput";

/** What a widget shows and its current value, in wire form. */
export type WidgetElement = {
  readonly kind: "widget";
  /** Stable id (from kind and label, or kind and key); messages from the page name it. */
  readonly id: string;
  readonly label: string;
  readonly help: string | undefined;
  readonly disabled: boolean;
} & (
  | { readonly widget: "button"; readonly primary: boolean }
  | { readonly widget: "checkbox" | "toggle"; readonly value: boolean }
  | {
      readonly widget: "slider" | "numberInput";
      readonly value: number;
      readonly min: number | null;
      readonly max: number | null;
      readonly step: number;
    }
  | {
      readonly widget: "textInput";
      readonly value: string;
      readonly placeholder: string;
      readonly maxChars: number | null;
      readonly password: boolean;
    }
  | {
      readonly widget: "selectbox" | "radio";
      /** Index of the chosen option, or null for none. */
      readonly value: number | null;
      readonly options: readonly string[];
    }
  | {
      readonly widget: "fileUploader" | "cameraInput";
      /** Name and size of the current file, if any (the content stays on the server). */
      readonly value: { readonly name: string; readonly size: number } | null;
      /** Accepted file types for the browser's picker, e.g. `[".csv", "image/*"]`. */
      readonly accept: readonly string[];
      readonly maxBytes: number;
    }
);

/** A leaf element (anything that is not a block). */
export type LeafElement =
  | { readonly kind: "heading"; readonly level: 1 | 2 | 3; readonly html: string; readonly anchor: string }
  /** `html` is produced on the server by the markdown renderer, which escapes raw HTML. */
  | { readonly kind: "markdown"; readonly html: string }
  | { readonly kind: "caption"; readonly html: string }
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "code"; readonly code: string; readonly language: string | null }
  | { readonly kind: "json"; readonly text: string }
  | { readonly kind: "alert"; readonly variant: AlertVariant; readonly html: string }
  | { readonly kind: "exception"; readonly name: string; readonly message: string; readonly stack: string }
  | { readonly kind: "divider" }
  | { readonly kind: "table"; readonly columns: readonly string[]; readonly rows: readonly (readonly string[])[] }
  | { readonly kind: "metric"; readonly label: string; readonly value: string; readonly help: string | undefined }
  /** An inline spinner from `st.spinner` (the cache's spinner is an overlay, not an element). */
  | { readonly kind: "spinner"; readonly html: string }
  /** An empty slot, e.g. where an `st.spinner` was. */
  | { readonly kind: "empty" }
  | WidgetElement;

/** A block: an element that holds other elements. */
export type BlockElement =
  | { readonly kind: "container"; readonly border: boolean }
  /** A row of columns; its children are `weights.length` column blocks the page creates itself. */
  | { readonly kind: "columns"; readonly weights: readonly number[]; readonly gap: "small" | "medium" | "large" }
  | { readonly kind: "expander"; readonly label: string; readonly expanded: boolean };

/** Anything a delta can carry. */
export type Element = LeafElement | BlockElement;

/** Kinds of {@link BlockElement}. */
export const BLOCK_KINDS: ReadonlySet<string> = new Set(["container", "columns", "expander"]);

/** True when `element` is a block. */
export function isBlock(element: Element): element is BlockElement {
  return BLOCK_KINDS.has(element.kind);
}

/** Server → page. */
export type ServerMessage =
  /**
   * First message on a socket: the token that lets this page upload files into its session
   * (`POST /upload`, see server/uploads.ts). Files never travel over the socket.
   */
  | { readonly type: "hello"; readonly uploadToken: string }
  /** A run started; deltas of older runs are ignored from now on. */
  | { readonly type: "runStarted"; readonly runId: number }
  | { readonly type: "delta"; readonly runId: number; readonly path: readonly number[]; readonly element: Element }
  /**
   * The run finished. `counts` maps a block path (indices joined by ".") to the number of
   * children the run wrote into it; children past it (and blocks not listed) are stale.
   */
  | { readonly type: "runFinished"; readonly runId: number; readonly counts: Readonly<Record<string, number>> }
  /**
   * Show the cache spinner overlay. `elapsedMs` is how long the miss has already run; the page
   * keeps counting from there when `showTime` is set.
   */
  | {
      readonly type: "spinner";
      readonly id: number;
      readonly html: string;
      readonly showTime: boolean;
      readonly elapsedMs: number;
    }
  | { readonly type: "spinnerEnd"; readonly id: number };

/**
 * One WebSocket frame from the server: the messages produced since the last frame, in order (a
 * run's deltas usually travel together).
 */
export type ServerFrame = readonly ServerMessage[];

/** Page → server. */
export type ClientMessage =
  /** A widget's new value (a button sends `true`). */
  | { readonly type: "widget"; readonly id: string; readonly value: WireValue }
  /** Rerun the script without changing anything. */
  | { readonly type: "rerun" };

/** A widget value on the wire. */
export type WireValue = boolean | number | string | null;

/** Path of a block as a string key (`[0, 3, 1]` → `"0.3.1"`). */
export function pathKey(path: readonly number[]): string {
  return path.join(".");
}
