import { isBlock, pathKey, type Element, type WidgetElement } from "../protocol.js";
import { renderBlock, renderLeaf } from "./render.js";
import { createWidget, type WidgetActions, type WidgetView } from "./widgets.js";

/**
 * The page as a tree of blocks mirroring the server's paths. A delta puts an element at a path:
 * an identical element is left alone, a widget with the same id or a block of the same shape is
 * updated in place (keeping focus, scroll and children), anything else replaces the node. When a
 * run finishes, each block drops its children past the count the run wrote.
 */

interface Node {
  el: HTMLElement;
  /** Shape: nodes with the same signature can be updated in place. */
  sig: string;
  /** The element last applied, serialized, to skip no-op updates. */
  json: string;
  /** The run that last wrote this node. */
  runId: number;
  widget?: WidgetView;
  /** Child blocks: one for a container/expander, one per column for a columns row. */
  blocks?: Block[];
}

interface Block {
  host: HTMLElement;
  children: Node[];
}

function signature(element: Element): string {
  if (element.kind === "widget") return `widget:${element.widget}:${element.id}`;
  if (element.kind === "columns") return `columns:${element.weights.join(",")}:${element.gap}`;
  if (element.kind === "expander") return `expander:${element.label}`;
  if (element.kind === "container") return `container:${element.border}`;
  return element.kind;
}

/** The page's element tree. */
export class PageTree {
  readonly #roots: Block[];
  readonly #actions: WidgetActions;
  #runId = 0;

  constructor(roots: HTMLElement[], actions: WidgetActions) {
    this.#roots = roots.map((host) => ({ host, children: [] }));
    this.#actions = actions;
  }

  /** A new run started: its deltas are the ones applied from now on. */
  startRun(runId: number): void {
    this.#runId = runId;
  }

  get runId(): number {
    return this.#runId;
  }

  /** Applies one delta. Unknown paths (a delta for a block that is gone) are ignored. */
  apply(path: readonly number[], element: Element): void {
    const parent = this.#blockAt(path.slice(0, -1));
    const index = path[path.length - 1];
    if (parent === undefined || index === undefined) return;
    while (parent.children.length < index) this.#insert(parent, parent.children.length, { kind: "empty" });
    const existing = parent.children[index];
    const json = JSON.stringify(element);
    if (existing !== undefined && existing.sig === signature(element)) {
      existing.runId = this.#runId;
      existing.el.classList.remove("stale");
      if (existing.json === json) return;
      existing.json = json;
      if (existing.widget !== undefined) {
        existing.widget.update(element as WidgetElement);
        return;
      }
      if (existing.blocks !== undefined) return;
    }
    this.#insert(parent, index, element, json);
  }

  /** Drops what the finished run did not write (counts per block path). */
  finishRun(counts: Readonly<Record<string, number>>): void {
    this.#roots.forEach((root, i) => this.#prune(root, [i], counts));
    for (const el of document.querySelectorAll(".stale")) el.classList.remove("stale");
  }

  /** Fades elements the current run has not rewritten yet (a slow run shows what is outdated). */
  markStale(): void {
    const visit = (block: Block): void => {
      for (const node of block.children) {
        if (node.runId < this.#runId) node.el.classList.add("stale");
        node.blocks?.forEach(visit);
      }
    };
    this.#roots.forEach(visit);
  }

  /** True when the block at root `i` has any children (the sidebar shows only then). */
  hasChildren(root: number): boolean {
    return (this.#roots[root]?.children.length ?? 0) > 0;
  }

  #blockAt(path: readonly number[]): Block | undefined {
    let block = this.#roots[path[0] ?? -1];
    // Path below the root alternates: element index, then (for columns) the column index.
    let i = 1;
    while (block !== undefined && i < path.length) {
      const node: Node | undefined = block.children[path[i] ?? -1];
      if (node?.blocks === undefined) return undefined;
      if (node.blocks.length === 1 && !node.sig.startsWith("columns:")) {
        block = node.blocks[0];
        i += 1;
      } else {
        block = node.blocks[path[i + 1] ?? -1];
        i += 2;
      }
    }
    return block;
  }

  #insert(parent: Block, index: number, element: Element, json = JSON.stringify(element)): void {
    const node: Node = { el: document.createElement("div"), sig: signature(element), json, runId: this.#runId };
    if (isBlock(element)) {
      const { el, hosts } = renderBlock(element);
      node.el = el;
      node.blocks = hosts.map((host) => ({ host, children: [] }));
    } else if (element.kind === "widget") {
      node.widget = createWidget(element, this.#actions);
      node.widget.update(element);
      node.el = node.widget.el;
    } else {
      node.el = renderLeaf(element);
    }
    const old = parent.children[index];
    if (old === undefined) parent.host.append(node.el);
    else parent.host.replaceChild(node.el, old.el);
    parent.children[index] = node;
  }

  #prune(block: Block, path: number[], counts: Readonly<Record<string, number>>): void {
    const keep = counts[pathKey(path)] ?? 0;
    for (const node of block.children.splice(keep)) node.el.remove();
    block.children.forEach((node, i) => {
      if (node.blocks === undefined) return;
      if (node.sig.startsWith("columns:")) node.blocks.forEach((b, c) => this.#prune(b, [...path, i, c], counts));
      else this.#prune(node.blocks[0] as Block, [...path, i], counts);
    });
  }
}
