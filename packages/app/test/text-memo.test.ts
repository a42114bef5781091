import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { TextMemo } from "../src/text-memo.js";
import { renderInlineMarkdown, renderMarkdown } from "../src/elements/markdown.js";
import { widgetId } from "../src/widgets/id.js";

describe("TextMemo", () => {
  test("computes an input once, and again only after it was forgotten", () => {
    const seen: string[] = [];
    const memo = new TextMemo((input) => (seen.push(input), input.toUpperCase()), 2, 10);
    assert.equal(memo.get("a"), "A");
    assert.equal(memo.get("a"), "A");
    assert.deepEqual(seen, ["a"]);
    memo.get("b");
    memo.get("c"); // full: "a", the oldest, is forgotten
    assert.equal(memo.size, 2);
    memo.get("b");
    memo.get("a");
    assert.deepEqual(seen, ["a", "b", "c", "a"]);
  });

  test("long inputs are computed every time, never kept", () => {
    let calls = 0;
    const memo = new TextMemo((input) => (calls++, input.length), 8, 4);
    assert.equal(memo.get("12345"), 5);
    assert.equal(memo.get("12345"), 5);
    assert.equal(calls, 2);
    assert.equal(memo.size, 0);
  });
});

describe("memoized rendering and ids", () => {
  test("markdown renders the same HTML the second time", () => {
    const source = "Stock levels per **SKU** and [docs](https://example.com)";
    const first = renderMarkdown(source);
    assert.equal(renderMarkdown(source), first);
    assert.match(first, /<strong>SKU<\/strong>/);
    assert.equal(renderInlineMarkdown("`x`"), "<code>x</code>");
    assert.equal(renderInlineMarkdown("`x`"), "<code>x</code>");
  });

  test("widget ids are the SHA-256 of kind-less basis, as before, whether remembered or not", () => {
    const digest = (basis: string) => createHash("sha256").update(basis).digest("hex");
    for (let i = 0; i < 2; i++) {
      assert.equal(widgetId("slider", "Minimum stock", undefined), `slider-${digest("label\u0000Minimum stock")}`);
      assert.equal(widgetId("button", "Go", "go-key"), `button-${digest("key\u0000go-key")}`);
    }
    const long = "x".repeat(5000);
    assert.equal(widgetId("textInput", long, undefined), `textInput-${digest(`label\u0000${long}`)}`);
    // Same label, different kinds: different ids.
    assert.notEqual(widgetId("checkbox", "On", undefined), widgetId("toggle", "On", undefined));
  });
});
