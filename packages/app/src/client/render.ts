import type { BlockElement, LeafElement } from "../protocol.js";

/**
 * Leaf elements → DOM. Text goes in with `textContent`; the only HTML inserted as HTML is the
 * markdown the server rendered (and escaped) — the `html` fields.
 */

/** Shorthand for creating an element with classes and optional text. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, className = "", text?: string): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

/** Builds the DOM of a non-widget leaf element. */
export function renderLeaf(element: Exclude<LeafElement, { kind: "widget" }>): HTMLElement {
  switch (element.kind) {
    case "heading": {
      const el = h(element.level === 1 ? "h1" : element.level === 2 ? "h2" : "h3", "el-heading");
      el.innerHTML = element.html;
      if (element.anchor) el.id = element.anchor;
      return el;
    }
    case "markdown":
      return withHtml(h("div", "el-markdown"), element.html);
    case "caption":
      return withHtml(h("div", "el-caption"), element.html);
    case "text":
      return h("div", "el-text", element.text);
    case "code": {
      const pre = h("pre", "el-code");
      const code = h("code", element.language ? `language-${element.language.replace(/[^\w-]/g, "")}` : "", element.code);
      pre.append(code);
      return pre;
    }
    case "json":
      return h("pre", "el-json", element.text);
    case "alert":
      return withHtml(h("div", `el-alert alert-${element.variant}`), element.html);
    case "exception": {
      const box = h("div", "el-exception");
      box.setAttribute("role", "alert");
      box.append(h("div", "exc-title", `${element.name}: ${element.message}`));
      if (element.stack) box.append(h("pre", "", element.stack));
      return box;
    }
    case "divider":
      return h("hr", "el-divider");
    case "table":
      return renderTable(element.columns, element.rows);
    case "metric": {
      const box = h("div", "el-metric");
      const label = h("div", "metric-label", element.label);
      if (element.help) label.title = element.help;
      box.append(label, h("div", "metric-value", element.value));
      return box;
    }
    case "spinner": {
      const box = h("div", "el-spinner");
      box.append(h("span", "spin"), withHtml(h("span"), element.html));
      return box;
    }
    case "empty":
      return h("div", "el-empty");
  }
}

/**
 * Builds a block's DOM. Returns the element to place and the elements children go into (one per
 * column for a columns row, else one).
 */
export function renderBlock(element: BlockElement): { el: HTMLElement; hosts: HTMLElement[] } {
  switch (element.kind) {
    case "container": {
      const el = h("div", `block el-container${element.border ? " bordered" : ""}`);
      return { el, hosts: [el] };
    }
    case "columns": {
      const el = h("div", `el-columns gap-${element.gap}`);
      const hosts = element.weights.map((w) => {
        const col = h("div", "block el-column");
        col.style.flexGrow = String(w);
        return col;
      });
      el.append(...hosts);
      return { el, hosts };
    }
    case "expander": {
      const el = h("details", "el-expander");
      el.open = element.expanded;
      const summary = h("summary", "", element.label);
      const body = h("div", "block");
      el.append(summary, body);
      return { el, hosts: [body] };
    }
  }
}

function withHtml<T extends HTMLElement>(el: T, html: string): T {
  el.innerHTML = html;
  return el;
}

function renderTable(columns: readonly string[], rows: readonly (readonly string[])[]): HTMLElement {
  const wrap = h("div", "el-table");
  const table = h("table");
  const head = h("thead");
  const headRow = h("tr");
  for (const c of columns) headRow.append(h("th", "", c));
  head.append(headRow);
  const body = h("tbody");
  for (const row of rows) {
    const tr = h("tr");
    for (const cell of row) tr.append(h("td", "", cell));
    body.append(tr);
  }
  table.append(head, body);
  wrap.append(table);
  return wrap;
}
