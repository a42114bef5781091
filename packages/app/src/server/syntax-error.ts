import { existsSync, readFileSync } from "node:fs";
import { extname, relative } from "node:path";

/**
 * A syntax error in the app's code, as the page shows it: where it is (file, line, column) and the
 * lines around it with a caret, not the stack of the TypeScript transform that found it (those
 * frames are the loader's internals, of no use to whoever wrote the app).
 */
export class AppSyntaxError extends Error {
  override name = "SyntaxError";
  /** The source lines around the error, the caret under its column. Shown instead of a stack. */
  readonly codeFrame: string;

  constructor(message: string, codeFrame: string) {
    super(message);
    this.codeFrame = codeFrame;
  }
}

/** Lines shown before and after the one with the error. */
const CONTEXT_LINES = 2;

/**
 * The syntax errors of a failed transform (esbuild's "file:line:column: ERROR: text" lines, as
 * the app build reports them, app-bundle.ts), or `undefined` when `error` is something else. `appFile` is the app module:
 * a transform may name it with another TypeScript extension (`app.mts` reported as `app.ts`).
 */
export function syntaxErrorOf(error: unknown, appFile: string): AppSyntaxError | undefined {
  // A build error is named TransformError; a plain SyntaxError with such lines is one too.
  if (!(error instanceof Error) || (error.name !== "TransformError" && error.name !== "SyntaxError")) return undefined;
  const found = [...error.message.matchAll(/^(.+?):(\d+):(\d+): ERROR: (.+)$/gm)];
  if (found.length === 0) return undefined;
  const parts = found.map(([, reported, line, column, text]) => {
    const file = existingFile(reported!, appFile);
    const at = { line: Number(line), column: Number(column) }; // esbuild: 1-based line, 0-based column
    return { where: `${shortPath(file)}:${at.line}:${at.column + 1}`, text: text!, frame: codeFrame(file, at.line, at.column) };
  });
  const message = parts.map((p) => `${p.where}: ${p.text}`).join("\n");
  const frames = parts.map((p) => (parts.length > 1 ? `${p.where}\n${p.frame}` : p.frame)).join("\n\n");
  return new AppSyntaxError(message, frames);
}

function existingFile(reported: string, appFile: string): string {
  if (existsSync(reported)) return reported;
  const stem = (path: string): string => path.slice(0, path.length - extname(path).length);
  return stem(reported) === stem(appFile) ? appFile : reported;
}

function shortPath(file: string): string {
  const fromCwd = relative(process.cwd(), file);
  return fromCwd !== "" && !fromCwd.startsWith("..") ? fromCwd : file;
}

/** The lines around `line` (1-based), numbered, with a caret under `column` (0-based). */
function codeFrame(file: string, line: number, column: number): string {
  let lines: string[];
  try {
    lines = readFileSync(file, "utf8").split(/\r?\n/);
  } catch {
    return "";
  }
  const first = Math.max(1, line - CONTEXT_LINES);
  const last = Math.min(lines.length, line + CONTEXT_LINES);
  const width = String(last).length;
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    const text = (lines[n - 1] ?? "").replace(/\t/g, "  ");
    out.push(`${n === line ? ">" : " "} ${String(n).padStart(width)} | ${text}`.trimEnd());
    if (n === line) {
      const before = (lines[n - 1] ?? "").slice(0, column).replace(/\t/g, "  ");
      out.push(`  ${" ".repeat(width)} | ${" ".repeat(before.length)}^`);
    }
  }
  return out.join("\n");
}
