import { createHash } from "node:crypto";
import { CacheResourceError } from "cache-resource";
import type { WidgetKind } from "../protocol.js";
import { TextMemo } from "../text-memo.js";

/**
 * Widget identity. A widget keeps its value across reruns because it gets the same id on every
 * run: from its kind and its explicit `key` when it has one (so its label may change from run to
 * run), otherwise from its kind and label. Two widgets with the same id in one run would share
 * one value, so the second raises {@link DuplicateWidgetIdError}.
 */

/** The id of a widget of `kind` with `label` and optional `key`. Deterministic across processes. */
export function widgetId(kind: WidgetKind, label: string, key: string | undefined): string {
  return `${kind}-${digests.get(key === undefined ? `label\u0000${label}` : `key\u0000${key}`)}`;
}

// Every rerun of every session asks again for the same few ids: recent ones are hashed once.
// The full digest: ids travel to the page and back, and labels can be long.
const digests = new TextMemo((basis) => createHash("sha256").update(basis).digest("hex"), 4096, 1024);

/** Two widgets in one run would share an id (and so a value). */
export class DuplicateWidgetIdError extends CacheResourceError {
  override name = "DuplicateWidgetIdError";
  readonly kind: WidgetKind;
  readonly label: string;
  readonly key: string | undefined;

  constructor(kind: WidgetKind, label: string, key: string | undefined, otherKind?: WidgetKind) {
    const call = `st.${kind}(${JSON.stringify(label)}, { key: "a-unique-key" })`;
    super(
      key === undefined
        ? `There are two \`${kind}\` widgets with the label ${JSON.stringify(label)} in this run, so they ` +
            `would share one value. Give each a unique \`key\`, e.g. \`${call}\`.`
        : `The key ${JSON.stringify(key)} is used by two widgets in this run ` +
            `(\`${otherKind ?? kind}\` and \`${kind}\`); a key names one widget (and its \`st.sessionState\` entry). ` +
            `Give each widget its own key.`,
    );
    this.kind = kind;
    this.label = label;
    this.key = key;
  }
}

/** The widgets seen in one run; raises on a duplicate id or key. */
export class RunWidgetIds {
  readonly #ids = new Set<string>();
  readonly #keys = new Map<string, WidgetKind>();

  /** Registers a widget and returns its id. */
  register(kind: WidgetKind, label: string, key: string | undefined): string {
    if (key !== undefined) {
      const other = this.#keys.get(key);
      if (other !== undefined) throw new DuplicateWidgetIdError(kind, label, key, other);
      this.#keys.set(key, kind);
    }
    const id = widgetId(kind, label, key);
    if (this.#ids.has(id)) throw new DuplicateWidgetIdError(kind, label, key);
    this.#ids.add(id);
    return id;
  }

  /** Ids registered so far. */
  get ids(): ReadonlySet<string> {
    return this.#ids;
  }
}
