import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import type { Browser } from "playwright-core";
import type { ServerMessage } from "../src/protocol.js";
import type { AppServer } from "../src/server/app-server.js";
import { fixture, launchChromium, openPage, skipBrowser, WAIT, withServer } from "./browser-support.js";
import { connect, finishedRuns } from "./socket-support.js";
import { waitUntil } from "./support.js";

/**
 * `st.fileUploader({ maxBytes: 1_000_000 })`: a file of exactly the limit arrives intact; one byte
 * more is refused with a message, and the session (its socket, its state) carries on.
 */

const LIMIT = 1_000_000;
/** Bytes that are not all alike, so a truncated or re-encoded upload shows in the digest. */
const bytesOf = (size: number): Uint8Array<ArrayBuffer> => Uint8Array.from({ length: size }, (_, i) => (i * 31 + (i >> 8)) & 0xff);
const digest = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex").slice(0, 16);

let browser: Browser;
before(async () => {
  if (!skipBrowser) browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

const texts = (messages: ServerMessage[]) => messages.flatMap((m) => (m.type === "delta" && m.element.kind === "text" ? [m.element.text] : []));

/** Posts `body` as an upload for widget `id`, as the page does. */
function post(server: AppServer, token: string, id: string, body: BodyInit, extra: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.url}/upload?widget=${encodeURIComponent(id)}`, {
    method: "POST",
    headers: { origin: server.url, "x-upload-token": token, "x-file-name": encodeURIComponent("data ✓.bin"), "content-type": "application/octet-stream", ...extra },
    body,
    duplex: "half",
  } as RequestInit);
}

describe("file uploads", () => {
  test("over HTTP with the session's token: up to maxBytes arrives, one byte more is refused with 413, and the socket stays open", async () => {
    await withServer(fixture("upload"), async (server) => {
      const page = connect(server);
      await waitUntil(() => finishedRuns(page) === 1, "first run");
      const hello = page.messages.find((m) => m.type === "hello");
      const token = hello?.type === "hello" ? hello.uploadToken : "";
      const uploader = page.messages.find((m) => m.type === "delta" && m.element.kind === "widget");
      const id = uploader?.type === "delta" && uploader.element.kind === "widget" ? uploader.element.id : "";

      const exact = bytesOf(LIMIT);
      assert.equal((await post(server, token, id, exact)).status, 204);
      await waitUntil(() => texts(page.messages).includes(`got data ✓.bin: ${LIMIT} bytes, sha256 ${digest(exact)}`), "the file reached the script");

      const declared = await post(server, token, id, bytesOf(LIMIT + 1));
      assert.equal(declared.status, 413);
      assert.equal(await declared.text(), "data ✓.bin is larger than the limit of 976.6 KiB.");
      // No content-length: the server counts while the body arrives.
      const streamed = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < 5; i++) controller.enqueue(bytesOf(LIMIT / 4));
          controller.close();
        },
      });
      assert.equal((await post(server, token, id, streamed)).status, 413);

      assert.equal((await post(server, "not-the-token", id, exact)).status, 403);
      assert.equal((await post(server, token, id, exact, { origin: "http://evil.example" })).status, 403);
      assert.equal((await post(server, token, `checkbox-${"0".repeat(64)}`, exact)).status, 409);

      assert.equal(page.closed, undefined, "the socket was never closed");
      const runs = finishedRuns(page);
      page.ws.send(JSON.stringify({ type: "rerun" }));
      await waitUntil(() => finishedRuns(page) === runs + 1, "the session still reruns");
      const [runsText, fileText] = texts(page.messages).slice(-3);
      assert.match(runsText ?? "", /^session runs: \d+$/);
      assert.equal(fileText, `got data ✓.bin: ${LIMIT} bytes, sha256 ${digest(exact)}`, "the refused uploads changed nothing");
      page.ws.close();
      await waitUntil(() => server.sessionCount === 0, "closed");
      assert.equal((await post(server, token, id, exact)).status, 403, "a closed socket's token is void");
    });
  });

  test("in Chromium: a 1,000,000-byte file arrives; a 1,000,001-byte one shows an error under the widget and the session is kept", { skip: skipBrowser }, async () => {
    await withServer(fixture("upload"), async (server) => {
      const page = await openPage(browser, server);
      await page.getByText("no file").waitFor(WAIT);
      const input = page.locator("input[type=file]");
      const exact = bytesOf(LIMIT);
      await input.setInputFiles({ name: "exact.bin", mimeType: "application/octet-stream", buffer: Buffer.from(exact) });
      await page.getByText(`got exact.bin: ${LIMIT} bytes, sha256 ${digest(exact)}`).waitFor(WAIT);
      await page.getByText("exact.bin (976.6 KiB)").waitFor(WAIT);
      await page.getByText('type: "application/octet-stream"').waitFor(WAIT);
      const runs = Number(((await page.getByText(/^session runs: \d+$/).textContent()) ?? "").replace("session runs: ", ""));

      await input.setInputFiles({ name: "big.bin", mimeType: "application/octet-stream", buffer: Buffer.from(bytesOf(LIMIT + 1)) });
      await page.getByRole("alert").getByText("big.bin is larger than the limit of 976.6 KiB.").waitFor(WAIT);
      await page.keyboard.press("r");
      await page.getByText(`session runs: ${runs + 1}`).waitFor(WAIT);
      await page.getByText(`got exact.bin: ${LIMIT} bytes`, { exact: false }).waitFor(WAIT);
      assert.equal(await page.getByText("Connection lost").count(), 0);
      await page.context().close();
    });
  });
});
