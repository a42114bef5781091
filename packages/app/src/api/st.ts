import { cacheResource } from "cache-resource";
import { renderInlineMarkdown } from "../elements/markdown.js";
import { SIDEBAR_CONTAINER, currentScript } from "../script/context.js";
import { DeltaGenerator } from "./generator.js";
import { SPINNER_DELAY_MS } from "cache-resource/host"; // `st.spinner` waits as long as the cache spinner

/**
 * `st.sessionState`: one object per browser tab, kept across reruns. Declare your own fields by
 * augmenting this interface:
 * @example
 * declare module "@cache-resource/app" {
 *   interface SessionState { count?: number }
 * }
 */
export interface SessionState {
  [key: string]: unknown;
}


/** Used when `st.sessionState` is read outside the app runtime (plain Node, tests). */
const detachedState: SessionState = {};

/**
 * The app API. Element and widget commands write into the current container (see
 * {@link DeltaGenerator.with}); this object adds the page-wide parts.
 */
export class StreamlitApi extends DeltaGenerator {
  /** The sidebar on the left of the page; write to it like to `st`. */
  readonly sidebar: DeltaGenerator = new DeltaGenerator(SIDEBAR_CONTAINER);

  /**
   * The caching API, the same one `cache-resource` exports. In the app runtime a slow miss shows a
   * spinner on the page, and session-scoped entries live as long as the browser tab.
   */
  readonly cacheResource = cacheResource;

  /** Per-tab state kept across reruns. Keyed widgets mirror their value here under their key. */
  get sessionState(): SessionState {
    return (currentScript()?.run.sessionState as SessionState | undefined) ?? detachedState;
  }

  /**
   * Stops this run and starts the script again from the top (e.g. after changing
   * `st.sessionState`). Throws outside the app runtime.
   */
  rerun(): never {
    const store = currentScript();
    if (store === undefined) throw new Error("st.rerun() only works while the app runtime runs a script.");
    return store.run.requestRerun();
  }

  /**
   * Shows `text` (markdown) with a spinner in the current container while `fn` runs; it appears
   * only once `fn` has taken 0.5 s and leaves an empty slot behind.
   * @example
   * const data = await st.spinner("Fetching...", () => fetchData());
   */
  async spinner<T>(text: string, fn: () => T | PromiseLike<T>): Promise<Awaited<T>> {
    const at = this.resolve();
    if (at === undefined) return await fn();
    const { run } = at.store;
    const slot = run.reserveSlot(at.container);
    const timer = setTimeout(() => run.fillSlot(slot, { kind: "spinner", html: renderInlineMarkdown(String(text)) }), SPINNER_DELAY_MS);
    timer.unref?.();
    try {
      return await fn();
    } finally {
      clearTimeout(timer);
      run.fillSlot(slot, { kind: "empty" });
    }
  }
}
