import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { escapeHtml, renderInlineMarkdown, renderMarkdown, safeUrl } from "../src/elements/markdown.js";
import { exceptionElement, tableElement, toJsonText, writeElements } from "../src/elements/build.js";

describe("markdown", () => {
  test("formats markdown", () => {
    assert.equal(renderMarkdown("**bold** and `code`"), "<p><strong>bold</strong> and <code>code</code></p>\n");
    assert.equal(renderInlineMarkdown("Running `getDb()`."), "Running <code>getDb()</code>.");
  });

  test("raw HTML is shown as text, block and inline", () => {
    const block = renderMarkdown("<script>alert(1)</script>");
    assert.ok(!block.includes("<script"), block);
    assert.match(block, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    const inline = renderMarkdown("hi <img src=x onerror=alert(1)> there");
    assert.ok(!inline.includes("<img"), inline);
    assert.match(inline, /&lt;img src=x onerror=alert\(1\)&gt;/);
    assert.ok(!renderMarkdown("| a |\n|---|\n| <b>x</b> |").includes("<b>"));
  });

  test("links keep only safe schemes and open without an opener", () => {
    assert.equal(renderMarkdown("[x](javascript:alert(1))"), "<p>x</p>\n");
    assert.ok(!renderMarkdown("[x](JaVaScRiPt:alert(1))").includes("href"));
    assert.ok(!renderMarkdown("![x](javascript:alert(1))").includes("<img"));
    const ok = renderMarkdown('[docs](https://example.com/?q="a")');
    assert.match(ok, /href="https:\/\/example\.com\/\?q=&quot;a&quot;"/);
    assert.match(ok, /rel="noopener noreferrer"/);
    assert.equal(safeUrl("java\tscript:alert(1)", "link"), undefined);
    assert.equal(safeUrl("/relative/path", "link"), "/relative/path");
    assert.equal(safeUrl("data:text/html,<b>", "image"), undefined);
    assert.equal(safeUrl("data:image/png;base64,AAAA", "image"), "data:image/png;base64,AAAA");
  });

  test("escapeHtml escapes the five special characters", () => {
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  });
});

describe("st.write and friends", () => {
  test("strings join into one markdown element; other values get their own", () => {
    const out = writeElements(["Rows:", "**3**", 42, { a: 1 }, new Error("boom"), [{ x: 1 }, { y: 2 }]]);
    assert.deepEqual(out.map((e) => e.kind), ["markdown", "markdown", "json", "exception", "table"]);
    assert.equal(out[0]!.kind === "markdown" && out[0]!.html, "<p>Rows: <strong>3</strong></p>\n");
  });

  test("tables take the union of row keys and stringify cells", () => {
    const t = tableElement([{ a: 1, b: null }, { b: "x", c: true }]);
    assert.deepEqual(t, { kind: "table", columns: ["a", "b", "c"], rows: [["1", "", ""], ["", "x", "true"]] });
  });

  test("JSON shows maps, sets, bigints and cycles", () => {
    const cyclic: Record<string, unknown> = { n: 1n, m: new Map([["k", new Set([1])]]) };
    cyclic.self = cyclic;
    assert.deepEqual(JSON.parse(toJsonText(cyclic)), { n: "1n", m: { k: [1] }, self: "[Circular]" });
  });

  test("exceptions carry name, message and stack frames; non-errors are described", () => {
    const e = exceptionElement(new TypeError("bad"));
    assert.equal(e.kind === "exception" && e.name, "TypeError");
    assert.ok(e.kind === "exception" && e.stack.startsWith("at "));
    const s = exceptionElement("just a string");
    assert.match(s.kind === "exception" ? s.message : "", /non-Error value was thrown: "just a string"/);
  });
});
