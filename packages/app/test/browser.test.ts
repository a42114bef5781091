import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import type { AppServer } from "../src/server/app-server.js";
import { WAIT, fixture, launchChromium, skipBrowser, openPage, withServer } from "./browser-support.js";
import { gate, shared, waitUntil } from "./support.js";

/**
 * The app runtime end to end: a real server (in this process, random port) and Debian's
 * Chromium. Waits are bounded polls (playwright's `waitFor`, {@link waitUntil}), never sleeps.
 */

let browser: Browser;
before(async () => {
  if (!skipBrowser) browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

const open = (server: AppServer) => openPage(browser, server);

describe("app runtime in the browser", { skip: skipBrowser }, () => {
  test("the app renders, escapes raw HTML, and a widget interaction reruns", async () => {
    await withServer(fixture("basic"), async (server) => {
      const page = await open(server);
      await page.getByRole("heading", { name: "Basic fixture" }).waitFor(WAIT);
      // Raw HTML in markdown is text, not markup.
      await page.getByText("Some markdown with <b>raw html</b>.").waitFor(WAIT);
      assert.equal(await page.locator(".el-markdown b").count(), 0);
      await page.getByText("right column").waitFor(WAIT);
      await page.getByText("Sidebar").waitFor(WAIT);

      await page.getByRole("button", { name: "Click me" }).click();
      await page.getByText("clicks: 1").waitFor(WAIT);
      await page.getByRole("button", { name: "Click me" }).click();
      await page.getByText("clicks: 2").waitFor(WAIT);

      await page.getByLabel("Name").fill("Ada");
      await page.getByLabel("Name").press("Enter");
      await page.getByText("Hello, Ada!").waitFor(WAIT);

      await page.getByLabel("Count").fill("4");
      await page.getByText("row 3").waitFor(WAIT);
      await page.getByLabel("Count").fill("1");
      await page.getByText("row 1").waitFor({ state: "detached", ...WAIT });

      await page.getByLabel("Show extra").check();
      await page.getByText("extra shown").waitFor(WAIT);
      await page.context().close();
    });
  });

  test("two tabs share a global resource but not widget state; a tab's session resource is released when it closes", async () => {
    const counters = shared("shared-fixture", () => ({ created: 0, released: [] as string[] }));
    await withServer(
      fixture("shared"),
      async (server) => {
        const a = await open(server);
        const b = await open(server);
        for (const page of [a, b]) await page.getByText("shared #1, created 1 time(s)").waitFor(WAIT);
        const tabA = (await a.getByText(/^tab resource /).textContent())!.replace("tab resource ", "");
        const tabB = (await b.getByText(/^tab resource /).textContent())!.replace("tab resource ", "");
        assert.notEqual(tabA, tabB, "each tab has its own session-scoped resource");

        await a.getByLabel("Mine").check();
        await a.getByText("state: checked").waitFor(WAIT);
        await b.keyboard.press("r"); // rerun tab B: its checkbox is its own
        await b.getByText("state: unchecked").waitFor(WAIT);
        await b.getByText("shared #1, created 1 time(s)").waitFor(WAIT);
        assert.equal(counters.created, 1);

        await a.context().close();
        await waitUntil(() => counters.released.includes(tabA), "tab A's resource released after close + grace");
        assert.ok(!counters.released.includes(tabB), "tab B's resource is still alive");
        await b.context().close();
      },
      { sessionGraceMs: 100 },
    );
  });

  test("the spinner appears for a slow miss, counts time, and is gone after (also after an error)", async () => {
    const control = shared("slow-fixture", () => ({ gate: gate<string>() }));
    control.gate = gate<string>();
    await withServer(fixture("slow"), async (server) => {
      const page = await open(server);
      const spinner = page.locator(".cache-spinner");
      await spinner.waitFor(WAIT);
      assert.match((await spinner.textContent()) ?? "", /^Running slowResource\(\)\.\(\d+\.\d seconds\)$/);
      // The overlay is outside the element tree: it takes no layout slot.
      assert.equal(await page.locator("#main-root .cache-spinner").count(), 0);
      // One indicator: the run has been going for longer than the "Running…" status waits, but
      // the spinner says what it waits for, so the status stays hidden.
      assert.equal(await page.locator(".status").isHidden(), true);
      control.gate.resolve("yes");
      await page.getByText("resource ready: yes").waitFor(WAIT);
      await spinner.waitFor({ state: "detached", ...WAIT });

      // A failing miss removes its spinner too.
      // The app's modules are one bundle: importing the fixture here would wrap its function at
      // another place (another cache). Clearing every cache clears the app's too.
      const { st } = await import("../src/index.js");
      await st.cacheResource.clear();
      control.gate = gate<string>();
      await page.keyboard.press("r");
      await spinner.waitFor(WAIT);
      control.gate.reject(new Error("could not connect"));
      await page.getByText("resource failed: could not connect").waitFor(WAIT);
      await spinner.waitFor({ state: "detached", ...WAIT });
      await page.context().close();
    });
  });

  test("an app exception is shown with its stack, and the next rerun works; duplicate widgets explain the fix", async () => {
    await withServer(fixture("throws"), async (server) => {
      const page = await open(server);
      await page.getByText("all good").waitFor(WAIT);
      await page.getByLabel("Fail").check();
      const exception = page.locator(".el-exception");
      await exception.waitFor(WAIT);
      assert.match((await exception.textContent()) ?? "", /Error: kaboom from the app/);
      assert.match((await exception.locator("pre").textContent()) ?? "", /throws\.ts/);
      await page.getByText("all good").waitFor({ state: "detached", ...WAIT });

      await page.getByLabel("Fail").uncheck();
      await page.getByText("all good").waitFor(WAIT);
      await exception.waitFor({ state: "detached", ...WAIT });

      await page.getByLabel("Duplicate").check();
      await exception.waitFor(WAIT);
      assert.match((await exception.textContent()) ?? "", /DuplicateWidgetIdError: There are two `button` widgets with the label "Same label"/);
      await page.getByLabel("Duplicate").uncheck();
      await page.getByText("all good").waitFor(WAIT);
      await page.context().close();
    });
  });
});
