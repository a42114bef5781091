/**
 * Turns the app's own modules into one ES module, in the runtime's own thread: esbuild bundles
 * every local file the app imports (TypeScript, JSX, JavaScript, JSON), and leaves every package
 * to Node, which loads it from its build once per process.
 *
 * Why a bundle and not module hooks: on Node 20, `module.register()` hooks run on a loader
 * thread of their own, a second V8 isolate that stays resident (about 12 MiB of RSS and 0.1 s of
 * start-up on the demo). A bundle is built once per load, imported, deleted, and esbuild's
 * service is stopped until the next load: nothing stays running between loads.
 *
 * What each module still sees as if Node had loaded it from its own file:
 * - `import.meta.url`, `import.meta.filename`, `import.meta.dirname`, `__filename`, `__dirname`
 *   name the module's own file (each file is transformed on its own, with those as constants);
 * - `require` works in an ES module and resolves from the module's own folder;
 * - `.name` of functions and classes stays as written (esbuild renames clashing top-level names
 *   when it merges modules; `keepNames` restores `.name`);
 * - stack traces point into the module's own file, line and column (chained inline source maps);
 * - a package import resolves as Node would resolve it from the importing module's folder, and
 *   the bundle imports that file by its absolute URL: one instance per process, shared with the
 *   runtime (`@cache-resource/app`, `cache-resource`).
 */
import { existsSync, mkdirSync, mkdtempSync, realpathSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { SourceMap } from "node:module";
import { tmpdir } from "node:os";
import { dirname, extname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Loader, Message, Plugin } from "esbuild";
import { buildCacheFile, readBuild, stampOf, writeBuild, type FileStamp } from "./build-cache.js";

/** One build of the app. */
export interface AppBundle {
  /** The bundle's text (an ES module with an inline source map). */
  readonly code: string;
  /** The app's own files it was built from, the entry among them (what a reload watches). */
  readonly files: ReadonlySet<string>;
}

/** A build that failed: the app's files read so far (to watch for a fix) and the error. */
export class AppBuildError extends Error {
  override name = "TransformError";
  readonly files: ReadonlySet<string>;
  constructor(message: string, files: ReadonlySet<string>) {
    super(message);
    this.files = files;
  }
}

const LOADERS: Readonly<Record<string, Loader>> = {
  ".ts": "ts",
  ".mts": "ts",
  ".cts": "ts",
  ".tsx": "tsx",
  ".jsx": "jsx",
  ".js": "js",
  ".mjs": "js",
  ".cjs": "js",
};
const TYPESCRIPT = /\.(?:[mc]?tsx?|jsx)$/;
const REQUIRE_SHIM = (url: string) => `import { createRequire as __crCreateRequire } from "node:module"; const require = __crCreateRequire(${JSON.stringify(url)});`;
/** What bundled CommonJS modules call for `require()` of a package (esbuild's `__require`). */
const BUNDLE_REQUIRE = 'import { createRequire as __crBundleRequire } from "node:module"; var require = __crBundleRequire(import.meta.url);';

/**
 * Builds the app whose entry module is `file`. Throws {@link AppBuildError} with esbuild's
 * messages as `file:line:column: ERROR: text` lines (what syntax-error.ts shows with a code frame).
 */
export async function buildApp(file: string, outfile: string, options: { readonly reuse: boolean }): Promise<AppBundle> {
  // Source map paths are relative to the bundle's folder: a kept build is one for that folder.
  const cacheFile = options.reuse ? buildCacheFile(dirname(outfile), file) : undefined;
  const kept = cacheFile === undefined ? undefined : readBuild(cacheFile);
  if (kept !== undefined) return kept;
  const esbuild = await import("esbuild");
  esbuildLoaded = true;
  const files = new Set<string>([file]);
  const stamps = new Map<string, FileStamp>();
  const packages = new Map<string, FileStamp>();
  const maps = new Map<string, string>();
  try {
    const result = await esbuild.build({
      entryPoints: [file],
      outfile,
      write: false,
      bundle: true,
      format: "esm",
      platform: "node",
      target: `node${process.versions.node.split(".")[0]}`,
      // As Node resolves: the "import"/"require" and "node" conditions, and "main", no "module".
      conditions: [],
      mainFields: ["main"],
      sourcemap: "inline",
      sourcesContent: false,
      banner: { js: BUNDLE_REQUIRE },
      logLevel: "silent",
      plugins: [appModules({ files, stamps, packages, maps })],
    });
    const code = result.outputFiles[0]!.text;
    if (cacheFile !== undefined && stamps.size === files.size) writeBuild(cacheFile, code, stamps.values(), packages.values());
    return { code, files };
  } catch (error) {
    const messages = (error as { errors?: Message[] }).errors;
    if (!Array.isArray(messages) || messages.length === 0) throw error;
    const lines = messages.map((m) => {
      if (m.location === null) return `${file}: ERROR: ${m.text}`;
      const where = isAbsolute(m.location.file) ? m.location.file : resolve(m.location.file);
      const at = originalPosition(maps.get(where), m.location.line, m.location.column);
      return `${where}:${at.line}:${at.column}: ERROR: ${m.text}`;
    });
    throw new AppBuildError(`Transform failed with ${lines.length} error${lines.length === 1 ? "" : "s"}:\n${lines.join("\n")}`, files);
  }
}

/**
 * Where a position in a transformed file (an unresolvable import found while bundling) is in the
 * file as written: the transform may add lines at the top (the `.name` helper).
 */
function originalPosition(map: string | undefined, line: number, column: number): { line: number; column: number } {
  if (map === undefined) return { line, column };
  const entry = new SourceMap(JSON.parse(map) as ConstructorParameters<typeof SourceMap>[0]).findEntry(line - 1, column) as { originalLine?: number; originalColumn?: number };
  return entry.originalLine === undefined ? { line, column } : { line: entry.originalLine + 1, column: entry.originalColumn! };
}

let esbuildLoaded = false;

/** Stops esbuild's service process, if a build started it; the next build starts it again. */
export async function stopBuilds(): Promise<void> {
  if (!esbuildLoaded) return;
  const { stop } = await import("esbuild");
  await stop();
}

/**
 * Where a load's bundle is written: inside the `node_modules` nearest to the app, so that a bare
 * import esbuild could not resolve (an optional package, imported in a `try`) still fails or
 * succeeds at run time as it would from the app's folder; a private temporary folder when there
 * is no `node_modules` above the app.
 */
export function bundleDirectory(file: string): { readonly dir: string; readonly temporary: boolean } {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const modules = join(dir, "node_modules");
    if (existsSync(modules)) {
      // Its real path: Node runs the bundle from there, and the source map's paths are relative.
      const cache = join(realpathSync(modules), ".cache", "cache-resource");
      try {
        mkdirSync(cache, { recursive: true });
        return { dir: cache, temporary: false };
      } catch {
        break; // read-only: fall back to a temporary folder
      }
    }
    if (dirname(dir) === dir) break;
  }
  return { dir: realpathSync(mkdtempSync(join(tmpdir(), "cache-resource-"))), temporary: true };
}

/** The esbuild plugin: the app's own files transformed one by one, packages left to Node. */
interface BuildRecord {
  /** The app's files the build read. */
  readonly files: Set<string>;
  /** Each of those files as it was just before it was read. */
  readonly stamps: Map<string, FileStamp>;
  /** The package files the bundle imports, as they were when resolved. */
  readonly packages: Map<string, FileStamp>;
  /** The source map of each transformed file. */
  readonly maps: Map<string, string>;
}

function appModules({ files, stamps, packages, maps }: BuildRecord): Plugin {
  return {
    name: "cache-resource-app",
    setup(build) {
      // `import "file:///…/x.ts"`: Node takes file URLs; esbuild takes paths.
      build.onResolve({ filter: /^file:/ }, (args) => ({ path: fileURLToPath(args.path) }));
      build.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData === "bare" || /^(node:|#)/.test(args.path) || isAbsolute(args.path)) return undefined;
        const found = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: "bare" });
        // Unresolvable (an optional package): Node tries it at run time, from the bundle's folder.
        if (found.errors.length > 0 || found.external || found.path === "") return { path: args.path, external: true };
        if (!isAbsolute(found.path)) return { path: found.path, external: true }; // a built-in
        // TypeScript or JSX that Node cannot load itself (a `paths` alias of the app's tsconfig.json,
        // a package of sources): bundled as the app's own.
        if (TYPESCRIPT.test(found.path)) return { path: found.path };
        const stamp = stampOf(found.path);
        if (stamp !== undefined) packages.set(found.path, stamp);
        return { path: args.kind === "require-call" || args.kind === "require-resolve" ? found.path : pathToFileURL(found.path).href, external: true };
      });
      build.onLoad({ filter: /.*/, namespace: "file" }, async (args) => {
        files.add(args.path);
        const stamp = stampOf(args.path);
        if (stamp !== undefined) stamps.set(args.path, stamp);
        const loader = LOADERS[extname(args.path)];
        if (loader === undefined) return undefined; // JSON and the rest: esbuild's own loaders
        const source = await readFile(args.path, "utf8");
        const url = pathToFileURL(args.path).href;
        const esm = loader !== "js" || /^\s*(?:import|export)\b/m.test(source);
        const usesRequire = esm && /\brequire\s*\(/.test(source) && !/\b(?:const|let|var|function|import)\s+(?:\{[^}]*\b)?require\b/.test(source);
        const { transform } = await import("esbuild");
        try {
          const result = await transform(source, {
            loader,
            platform: "node",
            target: `node${process.versions.node.split(".")[0]}`,
            sourcemap: "external",
            sourcesContent: false,
            sourcefile: args.path,
            // Merging modules renames clashing names (a function expression named like its const);
            // each file keeps its own `.name`s.
            keepNames: true,
            define: {
              "import.meta.url": JSON.stringify(url),
              "import.meta.filename": JSON.stringify(args.path),
              "import.meta.dirname": JSON.stringify(dirname(args.path)),
              __filename: JSON.stringify(args.path),
              __dirname: JSON.stringify(dirname(args.path)),
            },
            ...(usesRequire && { banner: REQUIRE_SHIM(url) }),
            logLevel: "silent",
          });
          maps.set(args.path, result.map);
          // Inline, so the bundle's source map chains through it to the file as written.
          const inline = `//# sourceMappingURL=data:application/json;base64,${Buffer.from(result.map).toString("base64")}`;
          return { contents: `${result.code}${inline}\n`, loader: "js", resolveDir: dirname(args.path) };
        } catch (error) {
          const errors = (error as { errors?: Message[] }).errors;
          if (!Array.isArray(errors)) throw error;
          return { errors: errors.map((e) => ({ text: e.text, location: e.location === null ? null : { ...e.location, file: args.path } })) };
        }
      });
    },
  };
}
