/**
 * Parameter names as the user wrote them, when a transform renamed them.
 *
 * esbuild (and so tsx, Vite and most TypeScript runners) renames a parameter that shadows a
 * module-level name: `const db = …; function count(db) {}` runs as `function count(db2) {}`, and
 * no option turns that off (`keepNames` keeps function names only). The names read from the
 * running function would then be wrong in error messages, and `exclude: ["db"]` would be refused.
 *
 * Such transforms emit source maps, and runners that use them register them with Node
 * (`module.findSourceMap`). So, when a name looks renamed (esbuild appends a number), the place
 * where `cacheResource` was called is mapped back to the original source, and the first function
 * from there whose parameter list fits (same shape; each running name is the original one or the
 * original plus digits) gives the names. Failing any of that, the running names stay: never a
 * guess that does not fit.
 */
import { readFileSync } from "node:fs";
import { findSourceMap } from "node:module";
import { fileURLToPath } from "node:url";
import { scanParams, type ParameterNames } from "./param-names.js";
import { Lexer } from "./scan.js";

/** A position in the running (generated) code, 1-based, as stack frames report it. */
export interface CodeLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** Parameter lists further than this from where a search starts are not read. */
const MAX_SCAN_CHARS = 200_000;

/** `parsed`, with the original source's names when the running ones were renamed. */
export function sourceParameterNames(parsed: ParameterNames, at: CodeLocation | undefined): ParameterNames {
  if (at === undefined || !looksRenamed(parsed)) return parsed;
  try {
    const original = originalText(at);
    if (original === undefined) return parsed;
    // Usually the function is written in the call; else it is defined elsewhere in the module.
    const { text, offset } = original;
    return findFitting(parsed, text, offset, text.length) ?? findFitting(parsed, text, 0, offset) ?? parsed;
  } catch {
    return parsed; // no usable source map or source: keep the running names
  }
}

function looksRenamed(parsed: ParameterNames): boolean {
  return [...parsed.names, parsed.restName].some((name) => name !== undefined && /\d$/.test(name));
}

/** The original source text and the offset in it of the mapped location. */
function originalText(at: CodeLocation): { text: string; offset: number } | undefined {
  const map = findSourceMap(at.file);
  if (map === undefined) return undefined;
  const entry = map.findEntry(at.line - 1, at.column - 1) as { originalSource?: string; originalLine?: number; originalColumn?: number };
  if (entry.originalSource === undefined || entry.originalLine === undefined || entry.originalColumn === undefined) return undefined;
  const payload = map.payload as { sources?: string[]; sourcesContent?: (string | null)[] };
  const sources = payload.sources ?? [];
  const index = sources.length === 1 ? 0 : sources.findIndex((s) => entry.originalSource!.endsWith(s.replace(/^(\.\.?\/)+/, "")));
  let text = index >= 0 ? payload.sourcesContent?.[index] ?? undefined : undefined;
  if (text === undefined) {
    const source = entry.originalSource;
    text = readFileSync(source.startsWith("file:") ? fileURLToPath(source) : source, "utf8");
  }
  let offset = 0;
  for (let line = 0; line < entry.originalLine; line++) {
    const next = text.indexOf("\n", offset);
    if (next < 0) return undefined;
    offset = next + 1;
  }
  return { text, offset: offset + entry.originalColumn };
}

/** The first function parameter list in `text[from, to)` that fits the running names. */
function findFitting(running: ParameterNames, text: string, from: number, to: number): ParameterNames | undefined {
  const lexer = new Lexer(text, from);
  const end = Math.min(to, from + MAX_SCAN_CHARS);
  for (let t = lexer.next(); t.kind !== "eof" && t.end <= end; t = lexer.next()) {
    if (t.kind !== "punct" || t.value !== "(") continue;
    const candidate = readTypedParams(new Lexer(text, t.end));
    if (candidate !== undefined && fits(running, candidate)) return candidate;
  }
  return undefined;
}

function fits(running: ParameterNames, original: ParameterNames): boolean {
  if (running.names.length !== original.names.length || running.restIndex !== original.restIndex) return false;
  const same = (a: string | undefined, b: string | undefined) =>
    a === b || (a !== undefined && b !== undefined && a.startsWith(b) && /^\d+$/.test(a.slice(b.length)));
  return running.names.every((name, i) => same(name, original.names[i])) && same(running.restName, original.restName);
}

/**
 * Reads a TypeScript parameter list after its `(` up to the matching `)`, and checks that a
 * function body or arrow follows (so a call's arguments are not taken for parameters). A leading
 * `this` parameter is erased by TypeScript, so it is dropped.
 */
function readTypedParams(lexer: Lexer): ParameterNames | undefined {
  const { closed, ...params } = scanParams(lexer, true);
  if (!closed) return undefined;
  const after = lexer.next();
  if (after.kind !== "punct" || !(after.value === "{" || after.value === "=>" || after.value === ":")) return undefined;
  const names = params.names.slice();
  let restIndex = params.restIndex;
  if (names[0] === "this" && restIndex !== 0) {
    names.shift();
    if (restIndex !== undefined) restIndex--;
  }
  return restIndex === undefined ? { names, restIndex } : { names, restIndex, restName: params.restName };
}
