import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import { textRequest } from "../src/api/widget-requests.js";
import { acceptWire, reconcile } from "../src/widgets/specs.js";
import { fixture, launchChromium, openPage, skipBrowser, WAIT, withServer } from "./browser-support.js";
import { finishedRuns, rawConnect } from "./socket-support.js";
import { waitUntil } from "./support.js";

/** `maxChars` counts code points and never cuts a character in half (an emoji is one character). */

let browser: Browser;
before(async () => {
  if (!skipBrowser) browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

const texts = (messages: { type: string; element?: { kind: string; text?: string } }[]) =>
  messages.flatMap((m) => (m.type === "delta" && m.element?.kind === "text" ? [m.element.text ?? ""] : []));

describe("text input maxChars", () => {
  test("counts and cuts by code points on the server", () => {
    const req = textRequest("Short", { maxChars: 2 });
    assert.deepEqual(acceptWire(req, "a😀"), { ok: true, value: "a😀" });
    assert.equal(acceptWire(req, "a😀b").ok, false);
    assert.equal(reconcile(req, "a😀"), "a😀");
    assert.equal(reconcile(req, "😀😀😀"), "😀😀");
    assert.equal(textRequest("Initial", { value: "a😀😀", maxChars: 2 }).initial, "a😀");
  });

  test("a page sending \"a😀\" to a maxChars 2 field: the script gets \"a😀\", never a lone surrogate", async () => {
    await withServer(fixture("text"), async (server) => {
      const client = await rawConnect(server);
      await waitUntil(() => finishedRuns(client) === 1, "first run");
      assert.ok(texts(client.messages).includes('initial: "a😀" [61 1f600]'));
      const field = client.messages.find((m) => m.type === "delta" && m.element.kind === "widget" && m.element.label === "Short");
      const id = field?.type === "delta" && field.element.kind === "widget" ? field.element.id : "";
      client.send(JSON.stringify({ type: "widget", id, value: "a😀" }));
      await waitUntil(() => finishedRuns(client) === 2, "second run");
      assert.ok(texts(client.messages).includes('short: "a😀" [61 1f600]'), texts(client.messages).join("\n"));
      client.destroy();
    });
  });

  test("in Chromium, \"a😀\" fits in a maxChars 2 field and a third character is cut off", { skip: skipBrowser }, async () => {
    await withServer(fixture("text"), async (server) => {
      const page = await openPage(browser, server);
      await page.getByText('initial: "a😀" [61 1f600]').waitFor(WAIT);
      const field = page.getByLabel("Short");
      await field.fill("a😀");
      await field.press("Enter");
      await page.getByText('short: "a😀" [61 1f600]').waitFor(WAIT);
      await field.fill("");
      await field.pressSequentially("b😀c");
      assert.equal(await field.inputValue(), "b😀");
      await field.press("Enter");
      await page.getByText('short: "b😀" [62 1f600]').waitFor(WAIT);
      await page.context().close();
    });
  });
});
