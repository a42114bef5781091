import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import type { Browser } from "playwright-core";
import { WAIT, launchChromium, skipBrowser, openPage, repoFile, withServer } from "./browser-support.js";

/**
 * The demo (`npm start`) in Chromium. Its own file, so its process holds only the demo's cached
 * functions (the sidebar's stats list them) when the screenshot is taken.
 */

let browser: Browser;
before(async () => {
  if (!skipBrowser) browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

test("the demo renders and answers its widgets (and provides docs/demo.png)", { skip: skipBrowser }, async () => {
  await withServer(repoFile("examples/demo/app.ts"), async (server) => {
    const page = await openPage(browser, server);
    const slowWait = { timeout: 90_000 }; // PGlite compiles its WebAssembly on first use
    await page.getByText(/rows in .* ms from the cached database connection/).waitFor(slowWait);
    await page.getByRole("heading", { name: "Review explorer" }).waitFor(WAIT);
    // Emitted inside the cached getNlp(), replayed on hits.
    const loaded = page.getByText("Loaded the NLP model (wink-nlp).");
    await loaded.waitFor(WAIT);
    await page.locator(".sidebar").getByRole("cell", { name: "getDb()" }).waitFor(WAIT);

    await page.getByLabel("Rating").selectOption({ label: "★★★★★" });
    await page.getByRole("cell", { name: "★★★★☆" }).first().waitFor({ state: "detached", ...WAIT });
    await page.getByLabel("Rating").selectOption({ label: "Any rating" });
    await page.getByRole("cell", { name: "★★★★☆" }).first().waitFor(WAIT);

    const target = repoFile("docs/demo.png");
    if (process.env.UPDATE_SCREENSHOT === "1" || !existsSync(target)) {
      await page.locator(".cache-spinner").waitFor({ state: "detached", ...WAIT });
      await page.locator(".status").waitFor({ state: "hidden", ...WAIT });
      mkdirSync(repoFile("docs"), { recursive: true });
      await page.screenshot({ path: target, fullPage: true });
    }

    // "Clear all" releases every resource; the next run creates them again.
    await page.getByRole("button", { name: "Clear all" }).click();
    await page.locator(".sidebar").getByText("getDb() released (clear-all)").waitFor(slowWait);
    await page.getByText(/rows in .* ms from the cached database connection/).waitFor(slowWait);
    assert.equal(await loaded.count(), 1);
    await page.context().close();
  });
});
