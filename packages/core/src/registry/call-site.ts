/**
 * Where the user's code called `cacheResource`, read from a V8 stack capture. This is the part of
 * a function's identity that survives bundling and minification: a bundle renames functions and
 * merges modules into one file, but every call in it still has its own line and column, and the
 * script's hash tells one text of a file from an edited one. See docs/identity.md.
 */

import { fileURLToPath } from "node:url";

/** The place a function was wrapped. */
export interface CallSite {
  /** The script the call is in (a module, or a bundle or chunk of many), query and fragment dropped. */
  readonly file: string;
  /** The script's full name as the runtime reports it (with its query: `?v=2`, `?id=…`). */
  readonly script: string;
  /**
   * `line:column` of the call. A decorated method adds the frame that applied the decorator (the
   * class's own place), because decorators are called from one helper per file or bundle.
   */
  readonly position: string;
  /**
   * Which text of the script ran: V8's hash of the script source. Two evaluations of one text
   * agree; an edited file differs. Runtimes without script hashes fall back to the full name.
   */
  readonly version: string;
  /**
   * `line:column` where the function making the call starts: the module's own function in a
   * chunk of many modules (Turbopack's and webpack's module factories), which tells apart the
   * modules of one chunk.
   */
  readonly scope: string;
}

interface V8CallSite {
  getScriptNameOrSourceURL(): string | null | undefined;
  getFileName(): string | null | undefined;
  getLineNumber(): number | null;
  getColumnNumber(): number | null;
  isEval(): boolean;
  getScriptHash?(): string;
  getEnclosingLineNumber?(): number | null;
  getEnclosingColumnNumber?(): number | null;
}

/** The default name `vm` gives a script compiled without a filename. */
const VM_ANONYMOUS = /^evalmachine\.</;

/**
 * The call site of the function that called `boundary` (the library function the user called).
 * Returns `undefined` when the call comes from code evaluated from a string with no name (`eval`,
 * `new Function`, `vm` without a filename): such code has no place that is stable across runs.
 * Costs one stack capture, so it runs once per wrap, never per call.
 */
export function callerSite(boundary: Function, frames: 1 | 2): CallSite | undefined {
  const found: { name: string; line: number; column: number; hash: string | undefined; scope: string }[] = [];
  for (const site of captureSites(boundary)) {
    const name = site.getScriptNameOrSourceURL() ?? site.getFileName() ?? undefined;
    if (name === undefined || name === "") {
      if (site.isEval()) return undefined; // code from a string, with no sourceURL
      continue; // a built-in (Array.prototype.map, Reflect.apply …) between the user and us
    }
    if (name.startsWith("node:")) continue;
    if (found.length === 0 && VM_ANONYMOUS.test(name)) return undefined;
    const scope = `${site.getEnclosingLineNumber?.() ?? 0}:${site.getEnclosingColumnNumber?.() ?? 0}`;
    found.push({ name, line: site.getLineNumber() ?? 0, column: site.getColumnNumber() ?? 0, hash: safeHash(site), scope });
    if (found.length === frames) break;
  }
  const first = found[0];
  if (first === undefined) return undefined;
  const position = found
    .map((frame, i) => (i === 0 || frame.name === first.name ? "" : `${stripQuery(frame.name)}@`) + `${frame.line}:${frame.column}`)
    .join(">");
  return { file: stripQuery(first.name), script: first.name, position, version: first.hash ?? first.name, scope: first.scope };
}

/** The call's own place in the running code (its script as the runtime names it, 1-based line and column). */
export function codeLocation(site: CallSite): { file: string; line: number; column: number } {
  const [line = 0, column = 0] = site.position.split(">")[0]!.split(":").map(Number);
  return { file: site.script, line, column };
}

function captureSites(boundary: Function): V8CallSite[] {
  const originalPrepare = Error.prepareStackTrace;
  const originalLimit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = 20;
    Error.prepareStackTrace = (_error, callSites) => callSites;
    const holder: { stack?: unknown } = {};
    Error.captureStackTrace(holder, boundary);
    return Array.isArray(holder.stack) ? (holder.stack as V8CallSite[]) : [];
  } finally {
    Error.prepareStackTrace = originalPrepare;
    Error.stackTraceLimit = originalLimit;
  }
}

function safeHash(site: V8CallSite): string | undefined {
  try {
    const hash = site.getScriptHash?.();
    return typeof hash === "string" && hash !== "" ? hash : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The file a script name stands for: query and fragment dropped (`a.ts?v=2` is `a.ts`), and a
 * `file:` URL as its path — one runtime names a script `file:///app/%5Bchunk%5D.js?id=…` where
 * it named it `/app/[chunk].js` before (Turbopack's dev server, after an update).
 */
export function stripQuery(name: string): string {
  const cut = name.search(/[?#]/);
  const bare = cut === -1 ? name : name.slice(0, cut);
  if (!bare.startsWith("file:")) return bare;
  try {
    return fileURLToPath(bare);
  } catch {
    return bare;
  }
}

/** The names of a script's query parameters (`?v=2` → `v`), sorted: its reload scheme. */
export function queryShape(script: string): string {
  const at = script.indexOf("?");
  if (at === -1) return "";
  const query = script.slice(at + 1).split("#")[0]!;
  return [...new Set(query.split("&").map((part) => part.split("=")[0]!))].sort().join("&");
}
