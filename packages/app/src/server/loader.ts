import { watch, type FSWatcher } from "node:fs";
import { rm, writeFile } from "node:fs/promises";
import { basename, dirname, extname, join } from "node:path";
import { pathToFileURL } from "node:url";
import type { LoadedScript } from "../script/runner.js";
import { AppBuildError, buildApp, bundleDirectory, stopBuilds } from "./app-bundle.js";
import { syntaxErrorOf } from "./syntax-error.js";

/**
 * Loads the app module (TypeScript, no build step: its own modules are bundled by esbuild, see
 * app-bundle.ts) and reloads it when one of its own source files changes.
 *
 * A reload re-evaluates the app and every local module it imports; packages, this library among
 * them, are loaded once. An app that imports this library's sources by path (as its tests do)
 * holds its own copy of it: that is why the cache registry, the session context and the script
 * context live on `globalThis`, where every copy finds the same ones, and cached functions keep
 * their entries across reloads (a function whose source changed gets a new cache, as with
 * Streamlit).
 */
export class AppLoader {
  readonly #file: string;
  readonly #onReload: (loaded: LoadedScript) => void;
  readonly #watchers = new Map<string, FSWatcher>();
  #watchedFiles = new Set<string>();
  #current: LoadedScript = { ok: false, error: new Error("The app has not been loaded yet.") };
  #version = 0;
  #debounce: NodeJS.Timeout | undefined;
  #closed = false;
  #watching = false;
  #bundleFile: string | undefined;
  #loading: Promise<void> = Promise.resolve();
  /** The folder made for the bundle when the app has no `node_modules` above it; removed on close. */
  #temporaryDir: string | undefined;

  /** `onReload` is called after a reload triggered by a file change. */
  constructor(file: string, onReload: (loaded: LoadedScript) => void = () => {}) {
    this.#file = file;
    this.#onReload = onReload;
  }

  /** The script as loaded last (or the error that stopped it loading). */
  get current(): LoadedScript {
    return this.#current;
  }

  /** Files the app was loaded from (its own modules, not packages). */
  get files(): ReadonlySet<string> {
    return this.#watchedFiles;
  }

  /** Imports (again) the app module. Never throws: a failure becomes the loaded state. */
  load(): Promise<LoadedScript> {
    const version = ++this.#version;
    // One load at a time: every load writes, imports and deletes the same bundle file.
    const loading = this.#loading.then(() => this.#loadVersion(version));
    this.#loading = loading.then(() => undefined);
    return loading;
  }

  async #loadVersion(version: number): Promise<LoadedScript> {
    // A newer load is already queued (edits in a burst): it is the one that counts.
    if (version !== this.#version) return this.#current;
    process.setSourceMapsEnabled(true); // stack traces point into the app's sources
    // One file per process and app, reimported with a new query: the cache sees every load as a
    // new text of the same script (its reload rules), and two servers never share a file.
    if (this.#bundleFile === undefined) {
      const { dir, temporary } = bundleDirectory(this.#file);
      this.#bundleFile = join(dir, `${basename(this.#file, extname(this.#file))}.${process.pid}.${++loaders}.mjs`);
      if (temporary) this.#temporaryDir = dir;
    }
    let files: ReadonlySet<string> = new Set([this.#file]);
    let loaded: LoadedScript;
    try {
      const bundle = await buildApp(this.#file, this.#bundleFile, { reuse: this.#temporaryDir === undefined });
      files = bundle.files;
      await writeFile(this.#bundleFile, bundle.code);
      const mod = (await import(`${pathToFileURL(this.#bundleFile).href}?v=${version}`)) as { default?: unknown };
      const script = scriptOf(mod);
      loaded = script !== undefined ? { ok: true, script } : { ok: false, error: new NoScriptError(this.#file) };
    } catch (error) {
      if (error instanceof AppBuildError) files = error.files;
      loaded = { ok: false, error: syntaxErrorOf(error, this.#file) ?? error };
    } finally {
      // Nothing of a load stays behind: the module is in memory (its source map inline), and
      // esbuild's service process stops until the next load.
      await rm(this.#bundleFile, { force: true });
      await stopBuilds();
    }
    // Loads may overlap (an edit while loading): the newest one wins.
    if (version !== this.#version) return this.#current;
    this.#current = loaded;
    this.#watchedFiles = new Set(files);
    if (this.#watching) this.#syncWatchers();
    return this.#current;
  }

  /** Starts reloading on changes to the app's files. */
  watch(): void {
    this.#watching = true;
    this.#syncWatchers();
  }

  /** Stops watching. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#debounce);
    for (const w of this.#watchers.values()) w.close();
    this.#watchers.clear();
    const dir = this.#temporaryDir;
    if (dir !== undefined) void this.#loading.then(() => rm(dir, { recursive: true, force: true }));
  }

  #syncWatchers(): void {
    if (this.#closed) return;
    const dirs = new Set([...this.#watchedFiles].map((f) => dirname(f)));
    for (const [dir, watcher] of this.#watchers) {
      if (!dirs.has(dir)) {
        watcher.close();
        this.#watchers.delete(dir);
      }
    }
    for (const dir of dirs) {
      if (this.#watchers.has(dir)) continue;
      try {
        // Watch directories, not files: editors often save by writing a new file and renaming it.
        const watcher = watch(dir, { persistent: false }, (_event, name) => {
          if (name !== null && this.#watchedFiles.has(`${dir}/${basename(name)}`)) this.#scheduleReload();
        });
        watcher.on("error", () => watcher.close());
        this.#watchers.set(dir, watcher);
      } catch {
        // A directory that cannot be watched (gone, no permission) just isn't.
      }
    }
  }

  #scheduleReload(): void {
    clearTimeout(this.#debounce);
    // Saves come in bursts (write, rename, touch); reload once they settle.
    this.#debounce = setTimeout(() => {
      void this.load().then((loaded) => {
        if (!this.#closed) this.#onReload(loaded);
      });
    }, 120);
  }
}

/** Loaders made in this process: each writes its own bundle file. */
let loaders = 0;

/**
 * The default export. A `.ts` file outside a `"type": "module"` package is loaded as CommonJS,
 * where the ES default export arrives one level down (`module.exports.default`).
 */
function scriptOf(mod: { default?: unknown }): ((st: never) => unknown) | undefined {
  if (typeof mod.default === "function") return mod.default as (st: never) => unknown;
  const inner = (mod.default as { default?: unknown } | undefined)?.default;
  return typeof inner === "function" ? (inner as (st: never) => unknown) : undefined;
}

/** The app module has no default export function. */
export class NoScriptError extends Error {
  override name = "NoScriptError";
  constructor(file: string) {
    super(
      `${basename(file)} has no default export function. The app's script is its default export, ` +
        "rerun top to bottom on every interaction:\n\n" +
        'import { st } from "@cache-resource/app";\n\nexport default async function app() {\n  st.title("Hello");\n}',
    );
  }
}
