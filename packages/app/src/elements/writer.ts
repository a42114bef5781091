import { CacheResourceError } from "cache-resource";
import { pathKey, type Element, type ServerMessage } from "../protocol.js";
import type { ContainerRef } from "../script/context.js";
import { RerunSuperseded } from "../script/signals.js";

/** The key of each container's path (paths are never changed once made). */
const containerKeys = new WeakMap<readonly number[], string>();

/**
 * Places the elements of one run. Each block has a cursor; an element takes the next index of its
 * block and is sent as a delta at once. When the run finishes, the cursors are the counts the page
 * uses to drop what the previous run showed past them.
 *
 * A run that is no longer live (a newer run started, the session closed, the run finished) must
 * not write: its commands throw {@link RerunSuperseded}, which unwinds the stale script. Writes made
 * on behalf of a cached computation pass `quiet` instead: the computation may be shared with other
 * sessions and must not fail because one caller went away, so its elements are just not sent.
 */
export class DeltaWriter {
  readonly runId: number;
  readonly #counts = new Map<string, number>([
    ["0", 0],
    ["1", 0],
  ]);
  readonly #send: (message: ServerMessage) => void;
  readonly #isLive: () => boolean;

  constructor(runId: number, send: (message: ServerMessage) => void, isLive: () => boolean) {
    this.runId = runId;
    this.#send = send;
    this.#isLive = isLive;
  }

  /** True while this run may still write. */
  get live(): boolean {
    return this.#isLive();
  }

  /**
   * Writes `element` at the next index of `container` and returns its path. A block gets its own
   * cursor; a `columns` row gets one column block per weight, created by the page.
   */
  write(container: ContainerRef, element: Element, quiet = false): readonly number[] {
    const live = this.#isLive();
    if (!live && !quiet) throw new RerunSuperseded();
    const parentKey = this.#parentKey(container);
    const index = this.#counts.get(parentKey) ?? 0;
    this.#counts.set(parentKey, index + 1);
    const path = [...container.path, index];
    // Only a block's own path needs its key (most elements are leaves).
    if (element.kind === "columns") {
      this.#counts.set(pathKey(path), element.weights.length);
      element.weights.forEach((_, i) => this.#counts.set(pathKey([...path, i]), 0));
    } else if (element.kind === "container" || element.kind === "expander") {
      this.#counts.set(pathKey(path), 0);
    }
    if (live) this.#send({ type: "delta", runId: this.runId, path, element });
    return path;
  }

  /** Replaces the element at `path` (an earlier write of this run). Silent when the run is stale. */
  rewrite(path: readonly number[], element: Element): void {
    if (this.#isLive()) this.#send({ type: "delta", runId: this.runId, path, element });
  }

  /** Children written per block, for the page to drop the rest. */
  counts(): Record<string, number> {
    return Object.fromEntries(this.#counts);
  }

  #parentKey(container: ContainerRef): string {
    if (container.runId !== -1 && container.runId !== this.runId) throw new StaleContainerError();
    // A container's path array lives as long as the container: its key is joined once.
    let key = containerKeys.get(container.path);
    if (key === undefined) containerKeys.set(container.path, (key = pathKey(container.path)));
    if (!this.#counts.has(key)) throw new StaleContainerError();
    return key;
  }
}

/** A container handle from an earlier run was used (containers are made anew on every run). */
export class StaleContainerError extends CacheResourceError {
  override name = "StaleContainerError";
  constructor() {
    super(
      "This container was created by an earlier run of the script. Containers (columns, containers, " +
        "expanders) live for one run: create them on every run, where you use them, instead of keeping " +
        "them in a module-level variable.",
    );
  }
}
