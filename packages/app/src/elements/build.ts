import type { AlertVariant, LeafElement } from "../protocol.js";
import { anchorFor, renderInlineMarkdown, renderMarkdown } from "./markdown.js";

/**
 * Commands → element payloads. Pure functions: they only shape data for the wire; where an
 * element lands is the writer's business.
 */

/** Longest JSON text sent for one `st.json`/`st.write` value; the rest is cut with a note. */
const MAX_JSON_CHARS = 200_000;
/** Most rows a table sends. */
const MAX_TABLE_ROWS = 1_000;

/** `st.title` / `st.header` / `st.subheader`. */
export function headingElement(level: 1 | 2 | 3, body: string): LeafElement {
  return { kind: "heading", level, html: renderInlineMarkdown(String(body)), anchor: anchorFor(String(body)) };
}

/** `st.markdown`. */
export function markdownElement(body: string): LeafElement {
  return { kind: "markdown", html: renderMarkdown(String(body)) };
}

/** `st.caption`: small, muted markdown. */
export function captionElement(body: string): LeafElement {
  return { kind: "caption", html: renderMarkdown(String(body)) };
}

/** `st.text`: fixed text, no markdown. */
export function textElement(body: string): LeafElement {
  return { kind: "text", text: String(body) };
}

/** `st.code`. */
export function codeElement(code: string, language: string | null = null): LeafElement {
  return { kind: "code", code: String(code), language };
}

/** `st.success` / `info` / `warning` / `error`. */
export function alertElement(variant: AlertVariant, body: string): LeafElement {
  return { kind: "alert", variant, html: renderMarkdown(String(body)) };
}

/** `st.json`: any value, shown as indented JSON (Maps, Sets, bigints and cycles included). */
export function jsonElement(value: unknown): LeafElement {
  let text = toJsonText(value);
  if (text.length > MAX_JSON_CHARS) text = `${text.slice(0, MAX_JSON_CHARS)}\n… (${text.length - MAX_JSON_CHARS} more characters)`;
  return { kind: "json", text };
}

/** `st.exception`, and what the runtime shows when the script throws. */
export function exceptionElement(error: unknown): LeafElement {
  if (!(error instanceof Error)) {
    return { kind: "exception", name: "Error", message: `A non-Error value was thrown: ${describeThrown(error)}`, stack: "" };
  }
  // A syntax error in the app carries the code around it: more use than the loader's stack.
  const codeFrame = (error as { codeFrame?: unknown }).codeFrame;
  return { kind: "exception", name: error.name, message: error.message, stack: typeof codeFrame === "string" ? codeFrame : stackOf(error) };
}

/** `st.divider`. */
export function dividerElement(): LeafElement {
  return { kind: "divider" };
}

/** `st.metric`: a big number with a label. */
export function metricElement(label: string, value: unknown, help?: string): LeafElement {
  return { kind: "metric", label: String(label), value: cellText(value), help };
}

/** `st.table`: rows of plain objects (columns are the union of their keys) or arrays. */
export function tableElement(rows: readonly unknown[]): LeafElement {
  const shown = rows.slice(0, MAX_TABLE_ROWS);
  const columns: string[] = [];
  const seen = new Set<string>();
  const arrays = shown.every(Array.isArray);
  if (arrays) {
    const width = Math.max(0, ...shown.map((r) => (r as unknown[]).length));
    for (let i = 0; i < width; i++) columns.push(String(i));
  } else {
    for (const row of shown) {
      if (row === null || typeof row !== "object") continue;
      for (const key of Object.keys(row)) {
        if (!seen.has(key)) {
          seen.add(key);
          columns.push(key);
        }
      }
    }
  }
  const body = shown.map((row) => {
    if (arrays) return columns.map((_, i) => cellText((row as unknown[])[i]));
    if (row === null || typeof row !== "object") return [cellText(row)];
    const record = row as Record<string, unknown>;
    return columns.map((c) => cellText(record[c]));
  });
  return { kind: "table", columns, rows: body };
}

/**
 * `st.write(...args)`: strings (joined with spaces) become markdown; an Error becomes an
 * exception; an array of objects a table; other objects JSON; numbers and the like code text.
 */
export function writeElements(args: readonly unknown[]): LeafElement[] {
  const out: LeafElement[] = [];
  let pending: string[] = [];
  const flush = (): void => {
    if (pending.length > 0) out.push(markdownElement(pending.join(" ")));
    pending = [];
  };
  for (const arg of args) {
    if (typeof arg === "string") {
      pending.push(arg);
      continue;
    }
    flush();
    if (arg instanceof Error) out.push(exceptionElement(arg));
    else if (isRowList(arg)) out.push(tableElement(arg));
    else if (typeof arg === "function") out.push(codeElement(String(arg), "ts"));
    else if (arg !== null && typeof arg === "object") out.push(jsonElement(arg));
    else out.push(markdownElement(`\`${inlineCodeSafe(String(typeof arg === "bigint" ? `${arg}n` : arg))}\``));
  }
  flush();
  return out;
}

/** True for a non-empty array of plain objects (rows from a database, say). */
function isRowList(value: unknown): value is readonly object[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((row) => row !== null && typeof row === "object" && !Array.isArray(row) && isPlainish(row))
  );
}

function isPlainish(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function inlineCodeSafe(text: string): string {
  return text.replace(/`/g, "'");
}

/** One table cell as text. */
function cellText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (typeof value === "bigint") return `${value}`;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString();
  return toJsonText(value, 0);
}

/** JSON with the values JSON.stringify drops or throws on made visible. */
export function toJsonText(value: unknown, indent = 2): string {
  const stack: object[] = [];
  const convert = (v: unknown): unknown => {
    if (typeof v === "bigint") return `${v}n`;
    if (typeof v === "undefined") return null;
    if (typeof v === "function") return `[Function ${v.name || "anonymous"}]`;
    if (typeof v === "symbol") return v.toString();
    if (typeof v === "number" && !Number.isFinite(v)) return String(v);
    if (v === null || typeof v !== "object") return v;
    if (stack.includes(v)) return "[Circular]";
    if (v instanceof Date) return Number.isNaN(v.getTime()) ? "Invalid Date" : v.toISOString();
    if (v instanceof RegExp || v instanceof URL) return String(v);
    if (v instanceof Error) return { name: v.name, message: v.message };
    stack.push(v);
    try {
      if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [typeof k === "string" ? k : String(convert(k)), convert(x)]));
      if (v instanceof Set) return [...v].map(convert);
      if (ArrayBuffer.isView(v)) return `[${v.constructor.name} ${v.byteLength} bytes]`;
      if (Array.isArray(v)) return v.map(convert);
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = convert(x);
      return out;
    } finally {
      stack.pop();
    }
  };
  return JSON.stringify(convert(value), null, indent) ?? "null";
}

/** The stack's frames (the message is shown apart), without Node internals, plus any causes. */
function stackOf(error: Error): string {
  const frames = (error.stack ?? "")
    .split("\n")
    .filter((line) => /^\s+at /.test(line) && !line.includes("node:internal"))
    .map((line) => line.trim());
  let text = frames.join("\n");
  let cause: unknown = error.cause;
  for (let depth = 0; cause !== undefined && depth < 5; depth++) {
    text += `\nCaused by: ${cause instanceof Error ? `${cause.name}: ${cause.message}` : describeThrown(cause)}`;
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return text;
}

function describeThrown(value: unknown): string {
  try {
    return typeof value === "string" ? JSON.stringify(value) : toJsonText(value, 0);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
