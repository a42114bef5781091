import { watch, type FSWatcher } from "node:fs";
import { basename, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { tsImport } from "tsx/esm/api";
import type { LoadedScript } from "../script/runner.js";
import { syntaxErrorOf } from "./syntax-error.js";

/**
 * Loads the app module with tsx (TypeScript, no build step) and reloads it when one of its own
 * source files changes.
 *
 * Each `tsImport` call gets a fresh module graph, so a reload re-evaluates the app and every
 * local module it imports; it also means the app holds its own copy of this library. That is why
 * the cache registry, the session context and the script context live on `globalThis`: every copy
 * finds the same ones, and cached functions keep their entries across reloads (a function whose
 * source changed gets a new cache, as with Streamlit).
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
  async load(): Promise<LoadedScript> {
    const imported = new Set<string>();
    const url = `${pathToFileURL(this.#file).href}?v=${++this.#version}`;
    try {
      const mod = (await tsImport(url, {
        parentURL: import.meta.url,
        onImport: (u) => {
          if (u.startsWith("file:") && !u.includes("/node_modules/")) imported.add(fileURLToPath(u.replace(/\?.*$/, "")));
        },
      })) as { default?: unknown };
      const script = scriptOf(mod);
      this.#current = script !== undefined ? { ok: true, script } : { ok: false, error: new NoScriptError(this.#file) };
    } catch (error) {
      this.#current = { ok: false, error: syntaxErrorOf(error, this.#file) ?? error };
    }
    imported.add(this.#file);
    this.#watchedFiles = imported;
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
