/**
 * Module hooks (Node's `module.register`) that load the app's TypeScript: each of the app's own
 * files is transformed by esbuild on its own, so every module keeps its own URL, its own
 * `import.meta.url` and its own line numbers (inline source maps), as Node would load it.
 *
 * - Packages are not touched: anything a bare specifier resolves to (`@cache-resource/app`,
 *   `cache-resource`, node_modules) is loaded by Node from its build, once per process.
 * - A load of the app imports its entry as `app.ts?cr=N`; the app's own files it imports (relative
 *   or absolute specifiers) get the same `?cr=N`, so a reload evaluates all of them again.
 * - `./x.js` finds `./x.ts` (TypeScript's convention), `./x` finds `./x.ts` or `./x/index.ts`.
 * - When the app has loaded, the runtime posts "idle" and esbuild's service process is stopped:
 *   nothing of esbuild stays running between loads.
 * These hooks run on Node's loader thread; they report every app file they load to the runtime
 * (`{ loaded: url }`), which watches them.
 */
import { readFile } from "node:fs/promises";
import { dirname, extname } from "node:path";
import type { MessagePort } from "node:worker_threads";
import { fileURLToPath } from "node:url";
import type { Loader, TransformFailure } from "esbuild";

interface ResolveContext {
  readonly parentURL?: string;
  readonly conditions: readonly string[];
  readonly importAttributes?: Record<string, string>;
}
interface ResolveResult {
  readonly url: string;
  readonly format?: string | null;
  readonly shortCircuit?: boolean;
}
interface LoadResult {
  readonly format: string;
  readonly source?: string | Buffer;
  readonly shortCircuit?: boolean;
}
type NextResolve = (specifier: string, context: ResolveContext) => Promise<ResolveResult>;
interface LoadContext {
  readonly format?: string | null;
  readonly importAttributes?: Record<string, string>;
}
type NextLoad = (url: string, context: LoadContext) => Promise<LoadResult>;

const VERSION = "cr";
const LOADERS: Readonly<Record<string, Loader>> = { ".ts": "ts", ".mts": "ts", ".cts": "ts", ".tsx": "tsx", ".jsx": "jsx" };
const TS_FOR_JS: Readonly<Record<string, readonly string[]>> = { ".js": [".ts", ".tsx"], ".mjs": [".mts"], ".cjs": [".cts"], ".jsx": [".tsx"] };
const REQUIRE_SHIM = 'import { createRequire as __crCreateRequire } from "node:module"; const require = __crCreateRequire(import.meta.url);';

let port: MessagePort | undefined;
let transforms = 0;
let idle = false;

export function initialize(data: { port?: MessagePort } | undefined): void {
  port = data?.port;
  port?.on("message", (message) => {
    if (message !== "idle") return;
    idle = true;
    port?.postMessage({ idle: true });
    void stopWhenIdle();
  });
  port?.unref();
}

export async function resolve(specifier: string, context: ResolveContext, next: NextResolve): Promise<ResolveResult> {
  const version = versionOf(context.parentURL);
  const local = specifier.startsWith(".") || specifier.startsWith("/") || specifier.startsWith("file:");
  let result: ResolveResult;
  try {
    result = await next(specifier, context);
  } catch (error) {
    const found = local && context.parentURL?.startsWith("file:") ? await resolveTypeScript(specifier, context, next) : undefined;
    if (found === undefined) throw error;
    result = found;
  }
  if (version === undefined || !local || !result.url.startsWith("file:") || result.url.includes("?") || result.url.includes("/node_modules/")) return result;
  return { ...result, url: `${result.url}?${VERSION}=${version}`, shortCircuit: true };
}

export async function load(url: string, context: LoadContext, next: NextLoad): Promise<LoadResult> {
  if (!url.startsWith("file:") || url.includes("/node_modules/")) return next(url, context);
  const path = fileURLToPath(url.replace(/[?#].*$/, ""));
  if (versionOf(url) !== undefined) port?.postMessage({ loaded: path });
  const extension = extname(path);
  if (extension === ".json" && context.importAttributes?.type !== "json") {
    // As bundlers (and tsx) read `import data from "./data.json"`: no import attribute needed.
    return { format: "module", source: `export default ${await readFile(path, "utf8")};`, shortCircuit: true };
  }
  const loader = LOADERS[extension];
  if (loader === undefined) return next(url, context);
  const source = await readFile(path, "utf8");
  const { transform } = await import("esbuild");
  transforms++;
  idle = false;
  try {
    const usesRequire = /\brequire\s*\(/.test(source) && !/\b(?:const|let|var|function|import)\s+(?:\{[^}]*\b)?require\b/.test(source);
    const result = await transform(source, {
      loader,
      format: "esm",
      platform: "node",
      target: `node${process.versions.node.split(".")[0]}`,
      sourcemap: "inline",
      sourcesContent: false,
      sourcefile: path,
      keepNames: true, // esbuild renames a function expression named like its const; `.name` must stay
      define: { __dirname: JSON.stringify(dirname(path)), __filename: JSON.stringify(path) },
      ...(usesRequire && { banner: REQUIRE_SHIM }),
      logLevel: "silent",
    });
    return { format: "module", source: result.code, shortCircuit: true };
  } catch (error) {
    throw syntaxError(error, path);
  } finally {
    transforms--;
    void stopWhenIdle();
  }
}

function versionOf(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  const match = /[?&]cr=(\d+)/.exec(url);
  return match?.[1];
}

/** `./x.js` → `./x.ts`, `./x` → `./x.ts`, `./x/index.ts`: the TypeScript spellings Node does not resolve. */
async function resolveTypeScript(specifier: string, context: ResolveContext, next: NextResolve): Promise<ResolveResult | undefined> {
  const extension = extname(specifier);
  const candidates = TS_FOR_JS[extension]?.map((ts) => specifier.slice(0, -extension.length) + ts) ??
    (extension === "" ? [".ts", ".tsx", ".mts", "/index.ts", "/index.tsx"].map((suffix) => specifier + suffix) : []);
  for (const candidate of candidates) {
    try {
      return await next(candidate, context);
    } catch {
      // try the next spelling
    }
  }
  return undefined;
}

/**
 * esbuild's errors as lines `file:line:column: ERROR: text`, in an error named `TransformError`:
 * what syntax-error.ts turns into the page's file, line, column and code frame.
 */
function syntaxError(error: unknown, path: string): unknown {
  const failure = error as Partial<TransformFailure>;
  if (!Array.isArray(failure.errors) || failure.errors.length === 0) return error;
  const lines = failure.errors.map((m) => (m.location ? `${path}:${m.location.line}:${m.location.column}: ERROR: ${m.text}` : `${path}: ERROR: ${m.text}`));
  const transform = new SyntaxError(`Transform failed with ${lines.length} error${lines.length === 1 ? "" : "s"}:\n${lines.join("\n")}`);
  transform.name = "TransformError";
  return transform;
}

async function stopWhenIdle(): Promise<void> {
  if (!idle || transforms > 0) return;
  const { stop } = await import("esbuild");
  await stop();
}
