import type { WidgetRequest, WidgetValue } from "../widgets/specs.js";
import type { WidgetCodec } from "../widgets/state.js";
import { cutToCodePoints } from "../widgets/code-points.js";

/**
 * The options each widget command takes, and their translation into a normalized
 * {@link WidgetRequest}. Bad options throw here, in the script, with the command's name.
 */

/** Options every widget takes. */
export interface WidgetOptions {
  /**
   * Names the widget: its identity (so two widgets with the same label can coexist and its label
   * may change) and its `st.sessionState` entry.
   * @default undefined (identity from kind and label)
   */
  key?: string;
  /** A tooltip shown next to the label. */
  help?: string;
  /**
   * Show the widget greyed out and ignore input.
   * @default false
   */
  disabled?: boolean;
}

/** Options of `st.button`. */
export interface ButtonOptions extends WidgetOptions {
  /**
   * `"primary"` draws a filled, accent-coloured button.
   * @default "secondary"
   */
  type?: "primary" | "secondary";
}

/** Options of `st.checkbox` and `st.toggle`. */
export interface CheckboxOptions extends WidgetOptions {
  /** @default false */
  value?: boolean;
}

/** Options of `st.slider`. */
export interface SliderOptions extends WidgetOptions {
  /** @default 0 */
  min?: number;
  /** @default 100 */
  max?: number;
  /** @default min */
  value?: number;
  /** @default 1 */
  step?: number;
}

/** Options of `st.numberInput`. */
export interface NumberInputOptions extends WidgetOptions {
  /** @default unbounded */
  min?: number;
  /** @default unbounded */
  max?: number;
  /** @default min, or 0 */
  value?: number;
  /** @default 1 */
  step?: number;
}

/** Options of `st.textInput`. */
export interface TextInputOptions extends WidgetOptions {
  /** @default "" */
  value?: string;
  /** Grey hint shown while empty. */
  placeholder?: string;
  /**
   * Longest text accepted, in characters (code points: an emoji counts as one). A longer `value`
   * is cut to fit.
   * @default unlimited (100,000 characters)
   */
  maxChars?: number;
  /** `"password"` hides what is typed. @default "default" */
  type?: "default" | "password";
}

/** Options of `st.selectbox` and `st.radio`. */
export interface SelectOptions<T> extends WidgetOptions {
  /**
   * Index of the option chosen at first; `null` starts with nothing chosen.
   * @default 0
   */
  index?: number | null;
  /**
   * The label shown for an option.
   * @default String(option)
   */
  formatFunc?: (option: T) => string;
}

/** Options of `st.fileUploader`. */
export interface FileOptions extends WidgetOptions {
  /** Accepted extensions or MIME types, e.g. `"csv"`, `[".png", "image/jpeg"]`. */
  type?: string | readonly string[];
  /**
   * Largest file accepted, in bytes. The page refuses a larger file before sending it and the
   * server refuses it while it arrives, both with a message under the widget; the session goes on.
   * An accepted file is held in the server's memory while the widget shows it.
   * @default 10 MiB
   * @example st.fileUploader("Data", { type: "csv", maxBytes: 50 * 1024 * 1024 })
   */
  maxBytes?: number;
}

/** Largest file an uploader accepts unless told otherwise. */
export const DEFAULT_MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

/** For widgets whose server value is what the script sees. */
export const plainCodec: WidgetCodec = {
  toUser: (v) => v,
  fromUser: (u) => (u === null || ["boolean", "number", "string"].includes(typeof u) ? (u as WidgetValue) : undefined),
};

function common(command: string, label: string, options: WidgetOptions) {
  if (typeof label !== "string") throw new TypeError(`st.${command}: the label must be a string.`);
  if (options.key !== undefined && typeof options.key !== "string") throw new TypeError(`st.${command}: \`key\` must be a string.`);
  return { label, key: options.key, help: options.help, disabled: options.disabled ?? false };
}

function finite(command: string, name: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new RangeError(`st.${command}: \`${name}\` must be a finite number, got ${String(value)}.`);
  }
  return value;
}

export function buttonRequest(label: string, options: ButtonOptions): WidgetRequest {
  return { kind: "button", ...common("button", label, options), primary: options.type === "primary" };
}

export function checkboxRequest(kind: "checkbox" | "toggle", label: string, options: CheckboxOptions): WidgetRequest {
  return { kind, ...common(kind, label, options), initial: options.value ?? false };
}

export function sliderRequest(label: string, options: SliderOptions): WidgetRequest & { kind: "slider" } {
  const min = finite("slider", "min", options.min) ?? 0;
  const max = finite("slider", "max", options.max) ?? 100;
  if (min >= max) throw new RangeError(`st.slider: \`min\` (${min}) must be less than \`max\` (${max}).`);
  const step = finite("slider", "step", options.step) ?? 1;
  if (step <= 0) throw new RangeError("st.slider: `step` must be positive.");
  const initial = finite("slider", "value", options.value) ?? min;
  if (initial < min || initial > max) throw new RangeError(`st.slider: \`value\` (${initial}) must lie within [${min}, ${max}].`);
  return { kind: "slider", ...common("slider", label, options), initial, min, max, step };
}

export function numberRequest(label: string, options: NumberInputOptions): WidgetRequest & { kind: "numberInput" } {
  const min = finite("numberInput", "min", options.min) ?? null;
  const max = finite("numberInput", "max", options.max) ?? null;
  if (min !== null && max !== null && min > max) throw new RangeError("st.numberInput: `min` must not exceed `max`.");
  const step = finite("numberInput", "step", options.step) ?? 1;
  if (step <= 0) throw new RangeError("st.numberInput: `step` must be positive.");
  const initial = finite("numberInput", "value", options.value) ?? min ?? 0;
  if ((min !== null && initial < min) || (max !== null && initial > max)) {
    throw new RangeError(`st.numberInput: \`value\` (${initial}) is out of range.`);
  }
  return { kind: "numberInput", ...common("numberInput", label, options), initial, min, max, step };
}

export function textRequest(label: string, options: TextInputOptions): WidgetRequest & { kind: "textInput" } {
  const maxChars = options.maxChars ?? null;
  if (maxChars !== null && (!Number.isInteger(maxChars) || maxChars < 1)) throw new RangeError("st.textInput: `maxChars` must be a positive whole number.");
  const initial = options.value ?? "";
  return {
    kind: "textInput",
    ...common("textInput", label, options),
    initial: maxChars === null ? initial : cutToCodePoints(initial, maxChars),
    placeholder: options.placeholder ?? "",
    maxChars,
    password: options.type === "password",
  };
}

export function selectRequest<T>(kind: "selectbox" | "radio", label: string, options: readonly T[], settings: SelectOptions<T>): WidgetRequest {
  if (!Array.isArray(options)) throw new TypeError(`st.${kind}: \`options\` must be an array.`);
  const format = settings.formatFunc ?? ((o: T) => String(o));
  const labels = options.map((o) => String(format(o)));
  let initial: number | null = settings.index === undefined ? 0 : settings.index;
  if (options.length === 0) initial = null;
  else if (initial !== null && (!Number.isInteger(initial) || initial < 0 || initial >= options.length)) {
    throw new RangeError(`st.${kind}: \`index\` must be null or an index into the ${options.length} options.`);
  }
  return { kind, ...common(kind, label, settings), initial, options: labels };
}

function acceptList(type: string | readonly string[] | undefined): string[] {
  if (type === undefined) return [];
  const list = typeof type === "string" ? [type] : [...type];
  // "csv" means the extension; MIME types ("image/png", "image/*") pass through.
  return list.map((t) => (t.includes("/") || t.startsWith(".") ? t : `.${t}`));
}

export function fileRequest(label: string, options: FileOptions): WidgetRequest {
  return {
    kind: "fileUploader",
    ...common("fileUploader", label, options),
    accept: acceptList(options.type),
    maxBytes: maxBytesOf("fileUploader", options.maxBytes),
  };
}

export function cameraRequest(label: string, options: Omit<FileOptions, "type">): WidgetRequest {
  return {
    kind: "cameraInput",
    ...common("cameraInput", label, options),
    accept: ["image/*"],
    maxBytes: maxBytesOf("cameraInput", options.maxBytes),
  };
}

function maxBytesOf(command: string, maxBytes: number | undefined): number {
  if (maxBytes === undefined) return DEFAULT_MAX_UPLOAD_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) {
    throw new RangeError(`st.${command}: \`maxBytes\` must be a positive whole number of bytes, e.g. 5 * 1024 * 1024 for 5 MiB; got ${String(maxBytes)}.`);
  }
  return maxBytes;
}
