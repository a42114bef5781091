import {
  alertElement,
  captionElement,
  codeElement,
  dividerElement,
  exceptionElement,
  headingElement,
  jsonElement,
  markdownElement,
  metricElement,
  tableElement,
  textElement,
  writeElements,
} from "../elements/build.js";
import type { BlockElement, LeafElement } from "../protocol.js";
import { currentScript, runWithScript, type ContainerRef, type ScriptStore } from "../script/context.js";
import {
  buttonRequest,
  cameraRequest,
  checkboxRequest,
  fileRequest,
  numberRequest,
  plainCodec,
  selectRequest,
  sliderRequest,
  textRequest,
  type ButtonOptions,
  type CheckboxOptions,
  type FileOptions,
  type NumberInputOptions,
  type SelectOptions,
  type SliderOptions,
  type TextInputOptions,
} from "./widget-requests.js";
import { initialValue, type UploadedFile, type WidgetRequest } from "../widgets/specs.js";
import type { WidgetCodec } from "../widgets/state.js";

/** Options of {@link DeltaGenerator.columns}. */
export interface ColumnsOptions {
  /**
   * Space between the columns.
   * @default "small"
   */
  gap?: "small" | "medium" | "large";
}

/** Options of {@link DeltaGenerator.container}. */
export interface ContainerOptions {
  /**
   * Draw a border around the container.
   * @default false
   */
  border?: boolean;
}

/**
 * Writes elements and widgets into one place on the page. `st` itself writes into the current
 * container (the main column, or whatever `with` block is active); handles returned by
 * `st.columns`, `st.container`, `st.expander` and `st.sidebar` write into their own block.
 *
 * Outside the app runtime (plain Node, tests) every element command does nothing and widgets
 * return their initial values, so code that uses `st` can still be imported and called.
 */
export class DeltaGenerator {
  /** The block this handle writes into; `undefined` means "the current container". */
  readonly #target: ContainerRef | undefined;

  /** @internal Use `st`, `st.columns`, `st.container`... */
  constructor(target?: ContainerRef) {
    this.#target = target;
  }

  /**
   * Runs `fn` with this handle as the current container: `st.*` calls inside it (including those
   * after an `await`, and inside cached functions it calls) write here. The counterpart of
   * Streamlit's `with col:` block. Returns what `fn` returns.
   * @example
   * const [left, right] = st.columns(2);
   * await left.with(async () => {
   *   st.header("Left");
   *   st.write(await loadSummary());
   * });
   */
  with<T>(fn: () => T): T {
    const store = currentScript();
    if (store === undefined || this.#target === undefined) return fn();
    return runWithScript({ ...store, container: this.#target }, fn);
  }

  /** A big title (level-1 heading). Markdown inline formatting is allowed. */
  title(body: string): void {
    this.#emit(headingElement(1, body));
  }

  /** A section header (level-2 heading). */
  header(body: string): void {
    this.#emit(headingElement(2, body));
  }

  /** A subsection header (level-3 heading). */
  subheader(body: string): void {
    this.#emit(headingElement(3, body));
  }

  /** GitHub-flavoured markdown. Raw HTML in `body` is shown as text. */
  markdown(body: string): void {
    this.#emit(markdownElement(body));
  }

  /** Small, muted markdown text. */
  caption(body: string): void {
    this.#emit(captionElement(body));
  }

  /**
   * Writes anything: strings as markdown (several are joined with spaces), errors as exceptions,
   * arrays of plain objects as tables, other objects as JSON, other values as code.
   * @example st.write("Rows:", rows.length);
   */
  write(...args: unknown[]): void {
    for (const element of writeElements(args)) this.#emit(element);
  }

  /** Fixed-width text, shown as is (no markdown). */
  text(body: string): void {
    this.#emit(textElement(body));
  }

  /** A code block. */
  code(code: string, options: { language?: string } = {}): void {
    this.#emit(codeElement(code, options.language ?? null));
  }

  /** Any value as indented JSON (Maps, Sets, bigints and cycles are shown too). */
  json(value: unknown): void {
    this.#emit(jsonElement(value));
  }

  /** A green callout. Markdown allowed. */
  success(body: string): void {
    this.#emit(alertElement("success", body));
  }

  /** A blue callout. */
  info(body: string): void {
    this.#emit(alertElement("info", body));
  }

  /** A yellow callout. */
  warning(body: string): void {
    this.#emit(alertElement("warning", body));
  }

  /** A red callout (to show an error value, use {@link DeltaGenerator.exception}). */
  error(body: string): void {
    this.#emit(alertElement("error", body));
  }

  /** An error with its message and stack. */
  exception(error: unknown): void {
    this.#emit(exceptionElement(error));
  }

  /** A horizontal rule. */
  divider(): void {
    this.#emit(dividerElement());
  }

  /** A table from rows: plain objects (columns from their keys) or arrays. */
  table(rows: readonly unknown[]): void {
    this.#emit(tableElement(rows));
  }

  /** A big number with a label, e.g. for stats. */
  metric(label: string, value: unknown, options: { help?: string } = {}): void {
    this.#emit(metricElement(label, value, options.help));
  }

  /**
   * Side-by-side columns: `n` equal ones, or one per weight (`[2, 1]`: the first twice as wide).
   * Returns a handle per column.
   * @example
   * const [a, b] = st.columns(2);
   * a.metric("Hits", 10);
   * b.metric("Misses", 2);
   */
  columns<const S extends number | readonly number[]>(spec: S, options: ColumnsOptions = {}): ColumnHandles<S> {
    const weights = typeof spec === "number" ? Array.from({ length: checkCount(spec) }, () => 1) : checkWeights(spec as readonly number[]);
    const row = this.#open({ kind: "columns", weights, gap: options.gap ?? "small" });
    return weights.map((_, i) => new DeltaGenerator(row === undefined ? undefined : { runId: row.runId, path: [...row.path, i] })) as ColumnHandles<S>;
  }

  /** A block to fill later or from elsewhere in the script; returns its handle. */
  container(options: ContainerOptions = {}): DeltaGenerator {
    return new DeltaGenerator(this.#open({ kind: "container", border: options.border ?? false }));
  }

  /** A collapsible block with a label; returns its handle. */
  expander(label: string, options: { expanded?: boolean } = {}): DeltaGenerator {
    return new DeltaGenerator(this.#open({ kind: "expander", label: String(label), expanded: options.expanded ?? false }));
  }

  /** A button; true in the one run right after it was clicked. */
  button(label: string, options: ButtonOptions = {}): boolean {
    return this.#widget(buttonRequest(label, options), plainCodec) === true;
  }

  /** A checkbox. */
  checkbox(label: string, options: CheckboxOptions = {}): boolean {
    return this.#widget(checkboxRequest("checkbox", label, options), plainCodec) === true;
  }

  /** An on/off switch. */
  toggle(label: string, options: CheckboxOptions = {}): boolean {
    return this.#widget(checkboxRequest("toggle", label, options), plainCodec) === true;
  }

  /** A slider over a number range. @example st.slider("Rows", { min: 1, max: 50, value: 10 }) */
  slider(label: string, options: SliderOptions = {}): number {
    const req = sliderRequest(label, options);
    return this.#widget(req, plainCodec) as number;
  }

  /** A number field with +/- steps. */
  numberInput(label: string, options: NumberInputOptions = {}): number {
    const req = numberRequest(label, options);
    return this.#widget(req, plainCodec) as number;
  }

  /** A single-line text field; the script reruns when the user presses Enter or leaves it. */
  textInput(label: string, options: TextInputOptions = {}): string {
    const req = textRequest(label, options);
    return this.#widget(req, plainCodec) as string;
  }

  /**
   * A drop-down; returns the chosen option (any type: `formatFunc` gives its label), or `null`
   * when `index: null` and nothing is chosen yet, or when `options` is empty.
   */
  selectbox<T>(label: string, options: readonly T[], settings: SelectOptions<T> = {}): T | null {
    return this.#select("selectbox", label, options, settings);
  }

  /** Radio buttons; returns the chosen option like {@link DeltaGenerator.selectbox}. */
  radio<T>(label: string, options: readonly T[], settings: SelectOptions<T> = {}): T | null {
    return this.#select("radio", label, options, settings);
  }

  /** A file picker; returns the uploaded file (kept across reruns) or `null`. */
  fileUploader(label: string, options: FileOptions = {}): UploadedFile | null {
    return this.#widget(fileRequest(label, options), plainCodec) as UploadedFile | null;
  }

  /** A photo from the device camera (the browser's capture picker); returns it or `null`. */
  cameraInput(label: string, options: Omit<FileOptions, "type"> = {}): UploadedFile | null {
    return this.#widget(cameraRequest(label, options), plainCodec) as UploadedFile | null;
  }

  #select<T>(kind: "selectbox" | "radio", label: string, options: readonly T[], settings: SelectOptions<T>): T | null {
    const req = selectRequest(kind, label, options, settings);
    const codec: WidgetCodec = {
      toUser: (v) => (typeof v === "number" ? (options[v] ?? null) : null),
      fromUser: (u) => {
        if (u === null) return null;
        const index = options.findIndex((o) => Object.is(o, u));
        return index < 0 ? undefined : index;
      },
    };
    const value = this.#widget(req, codec);
    return typeof value === "number" ? (options[value] ?? null) : null;
  }

  /** The current script context and this handle's container, or `undefined` outside a run. */
  protected resolve(): { store: ScriptStore; container: ContainerRef } | undefined {
    const store = currentScript();
    if (store === undefined) return undefined;
    return { store, container: this.#target ?? store.container };
  }

  #emit(element: LeafElement): void {
    const at = this.resolve();
    at?.store.run.emit(at.container, element);
  }

  #open(block: BlockElement): ContainerRef | undefined {
    const at = this.resolve();
    return at?.store.run.openBlock(at.container, block);
  }

  #widget(req: WidgetRequest, codec: WidgetCodec): unknown {
    const at = this.resolve();
    if (at === undefined) return initialValue(req);
    return at.store.run.widget(at.container, req, codec);
  }
}


function checkCount(n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > 12) throw new RangeError(`st.columns(n) takes a whole number from 1 to 12, got ${String(n)}.`);
  return n;
}

function checkWeights(weights: readonly number[]): number[] {
  if (weights.length < 1 || weights.length > 12 || !weights.every((w) => Number.isFinite(w) && w > 0)) {
    throw new RangeError("st.columns(weights) takes 1 to 12 positive numbers, e.g. [2, 1].");
  }
  return [...weights];
}

/** `n` handles for a literal `n`, one per weight for literal weights: destructuring needs no `!`. */
export type ColumnHandles<S extends number | readonly number[]> = S extends readonly unknown[]
  ? { -readonly [K in keyof S]: DeltaGenerator }
  : S extends number
    ? HandleTuple<S>
    : DeltaGenerator[];

type HandleTuple<N extends number, Acc extends DeltaGenerator[] = []> = number extends N
  ? DeltaGenerator[]
  : Acc["length"] extends N
    ? Acc
    : Acc["length"] extends 12
      ? DeltaGenerator[]
      : HandleTuple<N, [...Acc, DeltaGenerator]>;
