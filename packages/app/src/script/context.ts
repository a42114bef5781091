import { AsyncLocalStorage } from "node:async_hooks";
import type { BlockElement, LeafElement } from "../protocol.js";
import type { Capture } from "../replay/capture.js";
import type { WidgetCodec } from "../widgets/state.js";
import type { WidgetRequest, WidgetValue } from "../widgets/specs.js";
import { globalSingleton } from "cache-resource/host";

/**
 * The script context: which run a command belongs to and which container it writes into.
 *
 * It travels with `AsyncLocalStorage`, so every `await` in the script (and in cached functions
 * it calls) keeps it, and two sessions running at once never see each other's. The storage sits
 * on `globalThis` under a `Symbol.for` key because the app module imports its own copy of this
 * library (each load of the app gets a fresh module graph); every copy must find the same store.
 * For the same reason the store holds objects with methods (the run), and the `st` façade in
 * whatever copy only forwards to them.
 */

/** Where elements go: a block on the page, by path. */
export interface ContainerRef {
  /** The run that created the block; roots (main, sidebar) belong to every run (`-1`). */
  readonly runId: number;
  /** Path of the block: `[root, index, ...]`. */
  readonly path: readonly number[];
}

/** A position reserved in a container, to be filled (and refilled) later: `st.spinner`'s slot. */
export interface SlotRef {
  readonly runId: number;
  readonly path: readonly number[];
}

/**
 * Everything a command can ask of the current run. Implemented by `ScriptRun`; kept as an
 * interface so copies of the façade from other module graphs depend on its shape only.
 */
export interface RunPort {
  readonly runId: number;
  readonly sessionId: string;
  /** The session's `st.sessionState`. */
  readonly sessionState: Record<string, unknown>;
  /** Writes a leaf element at the next position of `container`. */
  emit(container: ContainerRef, element: LeafElement): void;
  /** Writes a block at the next position of `container`; returns the block (columns: the row). */
  openBlock(container: ContainerRef, block: BlockElement): ContainerRef;
  /** Reserves the next position of `container` (filled with an empty element for now). */
  reserveSlot(container: ContainerRef): SlotRef;
  /** Replaces what a reserved slot shows. Never throws for a stale run (used in `finally`). */
  fillSlot(slot: SlotRef, element: LeafElement): void;
  /**
   * Shows a widget in `container` and returns its current value. `replayed` is set when a cache
   * hit shows it again (`warned`: its recording already showed the cached-widget warning).
   */
  widget(container: ContainerRef, req: WidgetRequest, codec: WidgetCodec, replayed?: { readonly warned: boolean }): WidgetValue;
  /**
   * The value widget `req` has in this run (the one it was shown with, or the one it would get),
   * without showing it: what picks the entry of a function with `experimentalAllowWidgets`.
   */
  widgetValue(req: WidgetRequest, codec: WidgetCodec): WidgetValue;
  /** Stops the run and starts a new one (`st.rerun()`). */
  requestRerun(): never;
  /**
   * Shows the cache's spinner overlay for a miss that started at `startedAt` (clock ms) once it
   * has lasted 0.5 s; returns the function that removes it.
   */
  startCacheSpinner(text: string, showTime: boolean, startedAt: number): () => void;
}

/** What the script context holds. */
export interface ScriptStore {
  readonly run: RunPort;
  /** The container `st.*` writes into (changed by `with`-style blocks). */
  readonly container: ContainerRef;
  /**
   * Set while a cached function computes a miss (by the app host): the capture that records what
   * it emits, for replay on hits. Such a computation may be shared with other sessions, so it must
   * never fail because the run that started it was superseded: its commands write quietly instead
   * of throwing.
   */
  readonly capture?: Capture;
}

// On globalThis: each load of an app imports its own copy of the library.
const storage = globalSingleton("app.script-context", () => new AsyncLocalStorage<ScriptStore>());

/** The context of the script run the caller belongs to, or `undefined` outside the app runtime. */
export function currentScript(): ScriptStore | undefined {
  return storage.getStore();
}

/** The capture of the cached computation the caller runs inside, if any. */
export function currentCapture(): Capture | undefined {
  return storage.getStore()?.capture;
}

/** Runs `fn` (and everything it awaits) with `store` as the script context. */
export function runWithScript<T>(store: ScriptStore, fn: () => T): T {
  return storage.run(store, fn);
}

/** Runs `fn` (and everything it awaits) outside any script run: `st.*` inside it does nothing. */
export function runOutsideScript<T>(fn: () => T): T {
  return storage.exit(fn);
}

/** The main column of the page. */
export const MAIN_CONTAINER: ContainerRef = { runId: -1, path: [0] };
/** The sidebar. */
export const SIDEBAR_CONTAINER: ContainerRef = { runId: -1, path: [1] };
