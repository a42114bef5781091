import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { startAppServer, type AppServer, type AppServerOptions } from "../src/server/app-server.js";
import { findChromium, skipWithout } from "../../core/test/support/programs.js";

/** Chromium where users have it, or undefined. */
export const CHROMIUM = findChromium();

/** `skip` option of every browser test: a loud reason when no Chromium was found (a failure under CI). */
export const skipBrowser = skipWithout(CHROMIUM, "Chromium", "apt-get install chromium (or set CHROMIUM_PATH to a Chrome or Chromium binary)");

/** Bounded waits for page conditions: generous, the machine may be busy. */
export const WAIT = { timeout: 15_000 };

/** Path of a fixture app in `test/app/fixtures/`. */
export const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}.ts`, import.meta.url));

/** Path of a file in the repository. */
export const repoFile = (path: string): string => fileURLToPath(new URL(`../${path}`, import.meta.url));

/** Chromium, headless, with nothing that talks to the network on its own. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
}

/** Starts an app server for `file` on a random port, runs `body`, always closes the server. */
export async function withServer(file: string, body: (server: AppServer) => Promise<void>, options: Partial<AppServerOptions> = {}): Promise<void> {
  const server = await startAppServer({ file, port: 0, watch: false, log: () => {}, ...options });
  try {
    await body(server);
  } finally {
    await server.close();
  }
}

/** Opens the app in a fresh browser context (its own tab, so its own session). */
export async function openPage(browser: Browser, server: AppServer): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(server.url);
  return page;
}
