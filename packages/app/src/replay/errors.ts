import { CacheResourceError } from "cache-resource";

/**
 * A cached function wrote into a block (a column, container or expander) that was created outside
 * it. Its elements are recorded and replayed on every later call, and at that point the outside
 * block may not exist (it belongs to one run), so the command fails at once, on the miss, instead
 * of leaving a recording that cannot be replayed.
 *
 * `st.*` (the current container) and `st.sidebar` are fine: they are roots, present on every run.
 */
export class CacheReplayClosureError extends CacheResourceError {
  override name = "CacheReplayClosureError";
  /** The cached function whose recording would point outside it. */
  readonly functionName: string;

  constructor(functionName: string) {
    const fn = `\`${functionName}()\``;
    super(
      `The cached function ${fn} writes into a container (a column, container or expander) that was ` +
        `created outside it. Elements emitted inside a cached function are recorded and replayed on every ` +
        `later call, where that block may not exist any more, so this is not allowed.\n` +
        `To fix this, do one of:\n` +
        `  - create the container inside ${fn}, so that every replay creates it again;\n` +
        `  - move the call that writes into it out of ${fn} (or call ${fn} inside \`container.with(() => ...)\` ` +
        `and write with plain \`st.*\`, which goes to the current container);\n` +
        `  - stop caching ${fn} (call the plain function instead of the st.cacheResource wrapper).`,
    );
    this.functionName = functionName;
  }
}

/**
 * `st.fileUploader` or `st.cameraInput` was called inside a cached function. A file is neither a
 * value the cache can key its entries on nor an element it can replay, with or without
 * `experimentalAllowWidgets`.
 */
export class UnsupportedCachedWidgetError extends CacheResourceError {
  override name = "UnsupportedCachedWidgetError";
  /** `"fileUploader"` or `"cameraInput"`. */
  readonly widget: string;
  /** The cached function that called it. */
  readonly functionName: string;

  constructor(widget: string, label: string, functionName: string) {
    super(
      `st.${widget}(${JSON.stringify(label)}) cannot be called inside the cached function \`${functionName}()\`: ` +
        `an uploaded file can neither be part of the cache key nor be replayed on later calls. ` +
        `Call st.${widget} outside the function and pass what the function needs as an argument, ` +
        `e.g. \`${functionName}(file.bytes)\` (arguments are hashed in full, so each file gets its own entry).`,
    );
    this.widget = widget;
    this.functionName = functionName;
  }
}
