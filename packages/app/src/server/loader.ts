import { watch, type FSWatcher } from "node:fs";
import { basename, dirname } from "node:path";
import { register } from "node:module";
import { pathToFileURL } from "node:url";
import { MessageChannel, type MessagePort } from "node:worker_threads";
import type { LoadedScript } from "../script/runner.js";
import { syntaxErrorOf } from "./syntax-error.js";

/**
 * Loads the app module (TypeScript, no build step: see app-hooks.ts) and reloads it when one of
 * its own source files changes.
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
    const version = ++this.#version;
    const hooks = appHooks();
    const files = new Set<string>([this.#file]);
    let settled!: () => void;
    const idle = new Promise<void>((resolve) => (settled = resolve));
    const collect = (message: { loaded?: string; idle?: boolean }) => {
      if (message.loaded !== undefined) files.add(message.loaded);
      if (message.idle === true) settled();
    };
    hooks.on("message", collect);
    hooks.ref(); // until the hooks' reply: it keeps the process waiting for it
    let loaded: LoadedScript;
    try {
      // A unique version per load (across loaders too): every app file is evaluated afresh.
      const mod = (await import(`${pathToFileURL(this.#file).href}?cr=${++loads}`)) as { default?: unknown };
      const script = scriptOf(mod);
      loaded = script !== undefined ? { ok: true, script } : { ok: false, error: new NoScriptError(this.#file) };
    } catch (error) {
      loaded = { ok: false, error: syntaxErrorOf(error, this.#file) ?? error };
    } finally {
      // esbuild's service stops until the next load; the reply comes after every file report.
      hooks.postMessage("idle");
      await idle;
      hooks.off("message", collect);
      hooks.unref();
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

let loads = 0;
let hooksPort: MessagePort | undefined;

/** Registers the app hooks once per process; their port reports loaded files and takes "idle". */
function appHooks(): MessagePort {
  if (hooksPort === undefined) {
    process.setSourceMapsEnabled(true); // stack traces point into the app's sources
    const { port1, port2 } = new MessageChannel();
    register(new URL("./app-hooks.js", import.meta.url), { parentURL: import.meta.url, data: { port: port2 }, transferList: [port2] });
    port1.unref();
    hooksPort = port1;
  }
  return hooksPort;
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
