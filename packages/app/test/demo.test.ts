import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { Browser, Page } from "playwright-core";
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

test("the demo renders and answers its widgets at 1280 px (and provides docs/demo.png)", { skip: skipBrowser }, async () => {
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

    await screenshotFor(page, "docs/demo.png");

    // The per-function time says it includes nested cached calls (getClient() loads getNlp()).
    await page.locator(".sidebar").getByText("incl. nested cached calls").waitFor(WAIT);

    // "Clear all" releases every resource; the next run creates them again.
    await page.getByRole("button", { name: "Clear all" }).click();
    await page.locator(".sidebar").getByText("getDb() released (clear-all)").waitFor(slowWait);
    await page.getByText(/rows in .* ms from the cached database connection/).waitFor(slowWait);
    assert.equal(await loaded.count(), 1);
    await page.context().close();
  });
});

test("at 420 px the sidebar is a drawer behind a button, the page never scrolls sideways, wide tables scroll in their frame (and provides docs/demo-narrow.png)", { skip: skipBrowser }, async () => {
  await withServer(repoFile("examples/demo/app.ts"), async (server) => {
    const context = await browser.newContext({ viewport: { width: 420, height: 900 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    await page.goto(server.url);
    await page.getByText(/rows in .* ms from the cached database connection/).waitFor({ timeout: 90_000 });
    const sidebar = page.locator(".sidebar");
    const toggle = page.getByRole("button", { name: "Menu" });
    await toggle.waitFor(WAIT);
    assert.equal(await sidebar.isVisible(), false, "the sidebar starts closed");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.equal(overflow, 0, "nothing sticks out of the page sideways");
    // The reviews table is wider than the column: it scrolls inside its frame, which fits the page.
    const frame = page.locator(".el-table").filter({ hasText: "Aurora headphones" });
    const box = await frame.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth, right: el.getBoundingClientRect().right }));
    assert.ok(box.scroll > box.client, `the table scrolls inside its frame (${box.scroll} > ${box.client})`);
    assert.ok(box.right <= 420, `the frame fits the page (right edge at ${box.right})`);

    await screenshotFor(page, "docs/demo-narrow.png");
    await toggle.click();
    await sidebar.getByRole("heading", { name: "Cache" }).waitFor(WAIT);
    assert.equal(await sidebar.isVisible(), true);
    await page.waitForFunction(() => document.querySelector(".sidebar")?.getBoundingClientRect().left === 0, undefined, WAIT);
    const drawer = await sidebar.evaluate((el) => el.getBoundingClientRect().right);
    assert.ok(drawer < 420, `the open drawer leaves a strip of the page to click (right edge at ${drawer})`);
    await page.getByRole("button", { name: "Close" }).waitFor(WAIT);
    await screenshotFor(page, "docs/demo-narrow-menu.png", false);
    await page.keyboard.press("Escape");
    await sidebar.waitFor({ state: "hidden", ...WAIT });
    await context.close();
  });
});

/** Writes the screenshot `path` (under the package) when it is missing or UPDATE_SCREENSHOT=1. */
async function screenshotFor(page: Page, path: string, fullPage = true): Promise<void> {
  const target = repoFile(path);
  if (process.env.UPDATE_SCREENSHOT !== "1" && existsSync(target)) return;
  await page.locator(".cache-spinner").waitFor({ state: "detached", ...WAIT });
  await page.locator(".status").waitFor({ state: "hidden", ...WAIT });
  mkdirSync(dirname(target), { recursive: true });
  await page.screenshot({ path: target, fullPage, animations: "disabled" });
}
