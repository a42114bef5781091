import type { WidgetElement, WidgetKind } from "../protocol.js";
import { codePointCount, cutToCodePoints } from "./code-points.js";

/**
 * What each widget kind is: its normalized request (what the script asked for), the value it
 * holds on the server, how a value from the page is checked, and how a stored value is kept valid
 * when the script changes the widget (a slider's range shrinks, an option disappears).
 */

/** A file the user uploaded, as the script sees it. */
export interface UploadedFile {
  readonly name: string;
  /** MIME type reported by the browser (may be empty). */
  readonly type: string;
  readonly size: number;
  readonly bytes: Uint8Array;
}

interface Common {
  readonly label: string;
  readonly key: string | undefined;
  readonly help: string | undefined;
  readonly disabled: boolean;
}

/** A widget as the script requested it in this run, options normalized. */
export type WidgetRequest = Common &
  (
    | { readonly kind: "button"; readonly primary: boolean }
    | { readonly kind: "checkbox" | "toggle"; readonly initial: boolean }
    | {
        readonly kind: "slider" | "numberInput";
        readonly initial: number;
        readonly min: number | null;
        readonly max: number | null;
        readonly step: number;
      }
    | {
        readonly kind: "textInput";
        readonly initial: string;
        readonly placeholder: string;
        readonly maxChars: number | null;
        readonly password: boolean;
      }
    | { readonly kind: "selectbox" | "radio"; readonly initial: number | null; readonly options: readonly string[] }
    | { readonly kind: "fileUploader" | "cameraInput"; readonly accept: readonly string[]; readonly maxBytes: number }
  );

/** A widget's value as kept on the server (selects hold an option index). */
export type WidgetValue = boolean | number | string | null | UploadedFile;

/** Result of checking a value sent by the page. */
export type Accepted = { readonly ok: true; readonly value: WidgetValue } | { readonly ok: false; readonly problem: string };

/** Longest text a text input accepts from the page when the script sets no `maxChars`. */
export const DEFAULT_MAX_TEXT = 100_000;

/** The value a widget starts with. */
export function initialValue(req: WidgetRequest): WidgetValue {
  switch (req.kind) {
    case "button":
      return false;
    case "fileUploader":
    case "cameraInput":
      return null;
    default:
      return req.initial;
  }
}

/** Keeps a stored value valid for the widget as requested now; falls back to the initial value. */
export function reconcile(req: WidgetRequest, stored: WidgetValue): WidgetValue {
  switch (req.kind) {
    case "button":
      return false;
    case "checkbox":
    case "toggle":
      return typeof stored === "boolean" ? stored : req.initial;
    case "slider":
    case "numberInput":
      return typeof stored === "number" && Number.isFinite(stored) ? clamp(stored, req.min, req.max) : req.initial;
    case "textInput":
      if (typeof stored !== "string") return req.initial;
      return req.maxChars !== null ? cutToCodePoints(stored, req.maxChars) : stored;
    case "selectbox":
    case "radio":
      if (stored === null) return null;
      return typeof stored === "number" && Number.isInteger(stored) && stored >= 0 && stored < req.options.length
        ? stored
        : req.initial;
    case "fileUploader":
    case "cameraInput":
      return isUploadedFile(stored) && stored.size <= req.maxBytes ? stored : null;
  }
}

/** Checks a value the page sent for this widget. */
export function acceptWire(req: WidgetRequest, wire: unknown): Accepted {
  const bad = (problem: string): Accepted => ({ ok: false, problem });
  if (req.disabled) return bad("the widget is disabled");
  switch (req.kind) {
    case "button":
      return wire === true ? { ok: true, value: true } : bad("a button only sends true");
    case "checkbox":
    case "toggle":
      return typeof wire === "boolean" ? { ok: true, value: wire } : bad("expected a boolean");
    case "slider":
    case "numberInput":
      if (typeof wire !== "number" || !Number.isFinite(wire)) return bad("expected a finite number");
      if ((req.min !== null && wire < req.min) || (req.max !== null && wire > req.max)) return bad("number out of range");
      return { ok: true, value: wire };
    case "textInput": {
      if (typeof wire !== "string") return bad("expected a string");
      const limit = req.maxChars ?? DEFAULT_MAX_TEXT;
      return codePointCount(wire) <= limit ? { ok: true, value: wire } : bad("text longer than maxChars");
    }
    case "selectbox":
    case "radio":
      if (wire === null) return { ok: true, value: null };
      return typeof wire === "number" && Number.isInteger(wire) && wire >= 0 && wire < req.options.length
        ? { ok: true, value: wire }
        : bad("expected an option index");
    case "fileUploader":
    case "cameraInput":
      // The file itself comes over HTTP (acceptUpload); the socket only clears it.
      return wire === null ? { ok: true, value: null } : bad("files are uploaded over HTTP, not sent on the socket");
  }
}

/**
 * The widget element sent to the page for `req` holding `value`. Each case is one object literal
 * (no spread of shared fields): every widget of every run goes through here, and a literal is
 * one allocation of a known shape that `JSON.stringify` then walks on its fast path.
 */
export function widgetElement(id: string, req: WidgetRequest, value: WidgetValue): WidgetElement {
  const { label, help, disabled } = req;
  switch (req.kind) {
    case "button":
      return { kind: "widget", id, label, help, disabled, widget: "button", primary: req.primary };
    case "checkbox":
    case "toggle":
      return { kind: "widget", id, label, help, disabled, widget: req.kind, value: value === true };
    case "slider":
    case "numberInput":
      return {
        kind: "widget",
        id,
        label,
        help,
        disabled,
        widget: req.kind,
        value: typeof value === "number" ? value : req.initial,
        min: req.min,
        max: req.max,
        step: req.step,
      };
    case "textInput":
      return {
        kind: "widget",
        id,
        label,
        help,
        disabled,
        widget: "textInput",
        value: typeof value === "string" ? value : req.initial,
        placeholder: req.placeholder,
        maxChars: req.maxChars,
        password: req.password,
      };
    case "selectbox":
    case "radio":
      return { kind: "widget", id, label, help, disabled, widget: req.kind, value: typeof value === "number" ? value : null, options: req.options };
    case "fileUploader":
    case "cameraInput":
      return {
        kind: "widget",
        id,
        label,
        help,
        disabled,
        widget: req.kind,
        value: isUploadedFile(value) ? { name: value.name, size: value.size } : null,
        accept: req.accept,
        maxBytes: req.maxBytes,
      };
  }
}

/** Kinds whose values are one-shot (true only in the run right after the click). */
export function isTrigger(kind: WidgetKind): boolean {
  return kind === "button";
}

function clamp(n: number, min: number | null, max: number | null): number {
  if (min !== null && n < min) return min;
  if (max !== null && n > max) return max;
  return n;
}

function isUploadedFile(value: unknown): value is UploadedFile {
  return typeof value === "object" && value !== null && (value as { bytes?: unknown }).bytes instanceof Uint8Array;
}

/** Checks a file uploaded for this widget (see server/uploads.ts). */
export function acceptUpload(req: WidgetRequest, file: UploadedFile): Accepted {
  if (req.kind !== "fileUploader" && req.kind !== "cameraInput") return { ok: false, problem: "not a file widget" };
  if (req.disabled) return { ok: false, problem: "the widget is disabled" };
  if (file.size > req.maxBytes) return { ok: false, problem: "file too large" };
  return { ok: true, value: file };
}

/** The largest file widget `req` takes, or why it takes none. */
export function uploadLimit(req: WidgetRequest): number | { readonly problem: string } {
  if (req.kind !== "fileUploader" && req.kind !== "cameraInput") return { problem: "not a file widget" };
  if (req.disabled) return { problem: "the widget is disabled" };
  return req.maxBytes;
}
