import { test, describe, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { cacheResource } from "cache-resource";
import type { AppServer } from "../src/server/app-server.js";
import { WAIT, fixture, launchChromium, skipBrowser, openPage, withServer } from "./browser-support.js";
import { shared } from "./support.js";

/**
 * Element and widget replay end to end, in Chromium, on `fixtures/replay.ts`. Waits are bounded
 * polls (playwright's `waitFor`), never sleeps; each run of the fixture prints `run N`, which is
 * how a test knows a rerun has finished.
 */

const computed = shared("replay-fixture", () => ({ loadModel: 0, greeting: 0, sidebarNote: 0, pretrained: 0 }));

let browser: Browser;
before(async () => {
  if (!skipBrowser) browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});
beforeEach(async () => {
  // Every test starts from empty caches (the registry is process-wide).
  await cacheResource.clear();
  Object.assign(computed, { loadModel: 0, greeting: 0, sidebarNote: 0, pretrained: 0 });
});

const open = (server: AppServer) => openPage(browser, server);
const withReplayApp = (body: (server: AppServer) => Promise<void>) => withServer(fixture("replay"), body);

/** Waits until the page shows run `n` of its session. */
const ranTimes = (page: Page, n: number) => page.getByText(`run ${n}`, { exact: true }).waitFor(WAIT);

/** Reruns the page's script (the "r" key) and waits until that run has finished. */
async function rerun(page: Page): Promise<void> {
  const shown = (await page.getByText(/^run \d+$/).textContent()) ?? "";
  // The key is ignored while a field (a checkbox, say) has the focus.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press("r");
  await ranTimes(page, Number(shown.slice(4)) + 1);
}

/** Texts of the first `count` elements of the main column, in page order. */
const mainTexts = async (page: Page, count: number) =>
  (await page.locator("#main-root > *").allTextContents()).slice(0, count).map((t) => t.trim());

describe("commands in cached functions, in the browser", { skip: skipBrowser }, () => {
  test("Streamlit's loadModel example: header, success and writes on the first run, replayed in place on reruns and in a second tab", async () => {
    await withReplayApp(async (server) => {
      const expected = ["Replay fixture", "Data analysis", "Loaded model!", "Turning on evaluation mode...", "Here's the model:", "model resnet50, evaluating: true"];
      const page = await open(server);
      await ranTimes(page, 1);
      assert.deepEqual(await mainTexts(page, 6), expected);
      assert.equal(computed.loadModel, 1);

      // Mark the success callout: a replay sends the identical element to the same place, so the
      // page keeps the very same node.
      await page.locator("#main-root > .el-alert.alert-success").evaluate((el) => (el.dataset.kept = "yes"));
      await rerun(page);
      await rerun(page);
      assert.deepEqual(await mainTexts(page, 6), expected);
      assert.equal(await page.locator('#main-root > .el-alert.alert-success[data-kept="yes"]').count(), 1);

      const second = await open(server);
      await ranTimes(second, 1);
      assert.deepEqual(await mainTexts(second, 6), expected);
      assert.equal(computed.loadModel, 1, "computed once for every run of every tab");
      await page.context().close();
      await second.context().close();
    });
  });

  test("replay lands in the column and in the sidebar the function was called in", async () => {
    await withReplayApp(async (server) => {
      const page = await open(server);
      const inColumn = page.locator("#main-root .el-column").nth(1).getByText("Hello from a cached function");
      const inSidebar = page.locator("#sidebar-root").getByText("A cached note in the sidebar");
      await ranTimes(page, 1);
      await inColumn.waitFor(WAIT);
      await inSidebar.waitFor(WAIT);
      await rerun(page);
      await inColumn.waitFor(WAIT);
      await inSidebar.waitFor(WAIT);
      assert.equal(await page.getByText("Hello from a cached function").count(), 1);
      assert.equal(await page.getByText("A cached note in the sidebar").count(), 1);
      assert.deepEqual([computed.greeting, computed.sidebarNote], [1, 1]);
      await page.context().close();
    });
  });

  test("experimentalAllowWidgets: one cached value per checkbox state, and the checkbox replays", async () => {
    await withReplayApp(async (server) => {
      const page = await open(server);
      const box = page.getByLabel("Use pre-trained model");
      await page.getByText("build #1, pretrained: false").waitFor(WAIT);
      assert.equal(await box.isChecked(), false);

      await box.check();
      await page.getByText("build #2, pretrained: true").waitFor(WAIT);
      await box.uncheck();
      await page.getByText("build #1, pretrained: false").waitFor(WAIT);
      assert.equal(computed.pretrained, 2, "the old state hit: no recomputation");
      await box.check();
      await page.getByText("build #2, pretrained: true").waitFor(WAIT);
      assert.equal(computed.pretrained, 2);
      // Replayed on hits, the checkbox is a live widget with its current value.
      assert.equal(await box.count(), 1);
      assert.equal(await box.isChecked(), true);
      await rerun(page);
      assert.equal(await box.isChecked(), true);
      await page.context().close();
    });
  });

  test("a write into a container made outside the function, and a file uploader inside one, are shown as clear errors", async () => {
    await withReplayApp(async (server) => {
      const page = await open(server);
      const exception = page.locator(".el-exception .exc-title");
      await ranTimes(page, 1);

      await page.getByLabel("Write outside").check();
      await exception.waitFor(WAIT);
      const closure = (await exception.textContent()) ?? "";
      assert.match(closure, /^CacheReplayClosureError: The cached function `writesOutside\(\)` writes into a container/);
      assert.match(closure, /may not exist/);
      assert.equal(await page.getByText("this block may not exist on a replay").count(), 0);
      await page.getByLabel("Write outside").uncheck();
      await exception.waitFor({ state: "detached", ...WAIT });

      await page.getByLabel("Upload inside").check();
      await exception.waitFor(WAIT);
      assert.match((await exception.textContent()) ?? "", /^UnsupportedCachedWidgetError: st\.fileUploader\("Data file"\) cannot be called inside the cached function `readsUpload\(\)`/);
      await page.getByLabel("Upload inside").uncheck();
      await exception.waitFor({ state: "detached", ...WAIT });
      await page.context().close();
    });
  });
});
