import { Marked, type Tokens } from "marked";
import { TextMemo } from "../text-memo.js";

/**
 * Markdown for the page, rendered on the server with `marked` (GitHub flavour). The output is
 * the only HTML the page inserts as HTML, so it is made safe here:
 * - raw HTML in the source is shown as text, never interpreted;
 * - links and images keep only http(s), mailto and relative URLs (no `javascript:`, `data:` links);
 * - links open in a new tab without handing it a reference to the app.
 * Everything else the page shows is plain text set with `textContent`.
 */

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes text for use in HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch] ?? ch);
}

/** Schemes a link may use; anything else is dropped (the link text stays). */
const SAFE_LINK = /^(?:https?|mailto):/i;
/** Images may also be inline data images. */
const SAFE_IMAGE = /^(?:https?:|data:image\/(?:png|gif|jpeg|webp);)/i;

/** Returns `url` when it is relative or uses an allowed scheme, else `undefined`. */
export function safeUrl(url: string, kind: "link" | "image"): string | undefined {
  // Browsers ignore control characters and spaces inside a scheme ("java\tscript:"), so strip
  // them before deciding whether there is one.
  // eslint-disable-next-line no-control-regex
  const compact = url.replace(/[\u0000-\u0020\u007f]/g, "");
  const hasScheme = /^[a-z][a-z0-9+.-]*:/i.test(compact);
  if (!hasScheme) return compact.startsWith("//") ? undefined : url.trim();
  return (kind === "link" ? SAFE_LINK : SAFE_IMAGE).test(compact) ? url.trim() : undefined;
}

const marked = new Marked({
  gfm: true,
  breaks: false,
  renderer: {
    html(token: Tokens.HTML | Tokens.Tag): string {
      const text = escapeHtml(token.text);
      return token.block ? `<p>${text}</p>\n` : text;
    },
    link(token: Tokens.Link): string {
      const inner = this.parser.parseInline(token.tokens);
      const href = safeUrl(token.href, "link");
      if (href === undefined) return inner;
      const title = token.title ? ` title="${escapeHtml(token.title)}"` : "";
      return `<a href="${escapeHtml(href)}"${title} target="_blank" rel="noopener noreferrer">${inner}</a>`;
    },
    image(token: Tokens.Image): string {
      const src = safeUrl(token.href, "image");
      if (src === undefined) return escapeHtml(token.text);
      const title = token.title ? ` title="${escapeHtml(token.title)}"` : "";
      return `<img src="${escapeHtml(src)}" alt="${escapeHtml(token.text)}"${title}>`;
    },
  },
});

// A script renders the same titles, captions and text on every rerun of every session: the HTML
// is a pure function of the source (the renderer above takes no per-call options), so recent
// short sources are rendered once.
const MEMO_ENTRIES = 256;
const MEMO_MAX_SOURCE = 2048;
const blocks = new TextMemo((source) => marked.parse(source, { async: false }), MEMO_ENTRIES, MEMO_MAX_SOURCE);
const inlines = new TextMemo((source) => marked.parseInline(source, { async: false }), MEMO_ENTRIES, MEMO_MAX_SOURCE);

/** Renders block markdown (paragraphs, lists, tables, code...) to safe HTML. */
export function renderMarkdown(source: string): string {
  return blocks.get(source);
}

/** Renders one line of inline markdown (bold, code, links...) to safe HTML, without a paragraph. */
export function renderInlineMarkdown(source: string): string {
  return inlines.get(source);
}

/** A URL-friendly anchor for a heading, e.g. "Data analysis!" → "data-analysis". */
export function anchorFor(text: string): string {
  return text
    .toLowerCase()
    .replace(/[`*_~[\]()<>#]/g, "")
    .trim()
    .replace(/[^\p{L}\p{N}]+/gu, "-")
    .replace(/^-+|-+$/g, "");
}
