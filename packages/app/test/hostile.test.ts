import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { before, after } from "node:test";
import type { Browser } from "playwright-core";
import WebSocket from "ws";
import { fixture, launchChromium, openPage, skipBrowser, WAIT, withServer } from "./browser-support.js";
import { connect, finishedRuns, rawConnect } from "./socket-support.js";
import { shared, waitUntil } from "./support.js";

/** Clients that break the protocol on purpose: the server must stay in charge of its sockets. */

const counts = shared("counts-fixture", () => ({ runs: 0 }));

let browser: Browser;
before(async () => {
  if (!skipBrowser) browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

describe("a socket the server closes", () => {
  test("after close 1007 the server handles nothing more from it, even from a client that ignores the close", async () => {
    await withServer(fixture("counts"), async (server) => {
      const client = await rawConnect(server);
      await waitUntil(() => finishedRuns(client) === 1, "first run");
      const runsBefore = counts.runs;
      const checkbox = client.messages.find((m) => m.type === "delta" && m.element.kind === "widget");
      const id = checkbox?.type === "delta" && checkbox.element.kind === "widget" ? checkbox.element.id : "";
      const valid = [JSON.stringify({ type: "rerun" }), JSON.stringify({ type: "widget", id, value: true })];
      // Bad JSON, then valid messages in the same chunk, then more valid messages as if nothing happened.
      client.send("{not json", ...valid);
      for (let i = 0; i < 20 && !client.ended; i++) {
        await new Promise((r) => setTimeout(r, 50));
        client.send(...valid);
      }
      assert.equal(counts.runs, runsBefore, "no rerun after the server decided to close");
      await waitUntil(() => client.ended, "the server drops the connection of a client that never answers its close");
      assert.equal(client.closeCode, 1007);
      assert.equal(server.sessionCount, 0);
    });
  });

  test("a frame over the size limit closes with 1009, also while the client is still sending it", async () => {
    await withServer(fixture("counts"), async (server) => {
      const big = connect(server);
      await waitUntil(() => finishedRuns(big) === 1, "first run");
      big.ws.send(JSON.stringify({ type: "rerun", pad: "x".repeat(3 * 1024 * 1024) }));
      await waitUntil(() => big.closed !== undefined, "oversized message closes");
      assert.equal(big.closed?.code, 1009);
      assert.equal(big.ws.readyState, WebSocket.CLOSED);
    });
  });

  test("Chromium sees close 1009 for an oversized message, whatever its size", { skip: skipBrowser }, async () => {
    await withServer(fixture("counts"), async (server) => {
      const page = await openPage(browser, server);
      await page.getByText(/^run \d+$/).waitFor(WAIT);
      const codes = await page.evaluate(async (sizes) => {
        const out: number[] = [];
        for (const size of sizes) {
          const ws = new WebSocket(`ws://${location.host}/ws`);
          await new Promise((resolve) => ws.addEventListener("open", resolve));
          ws.send(JSON.stringify({ type: "rerun", pad: "x".repeat(size) }));
          out.push(await new Promise<number>((resolve) => ws.addEventListener("close", (e) => resolve(e.code))));
        }
        return out;
      }, [1_100_000, 1_600_000, 4_000_000, 16_000_000]);
      assert.deepEqual(codes, [1009, 1009, 1009, 1009]);
      await page.context().close();
    });
  });
});
