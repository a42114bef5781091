import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { setImmediate as nextTurn } from "node:timers/promises";
import WebSocket from "ws";
import type { ServerFrame, ServerMessage } from "../src/protocol.js";
import { Outbox, type FrameSink } from "../src/server/outbox.js";
import { fixture, withServer } from "./browser-support.js";
import { heavy } from "./fixtures/heavy.js";
import { waitUntil } from "./support.js";

/** A socket whose writes complete only when the test says so (`release`), as with a page that stops reading. */
function stuckSink() {
  const frames: ServerFrame[] = [];
  const waiting: (() => void)[] = [];
  const overflows: number[] = [];
  const sink: FrameSink = {
    send(frame, written) {
      frames.push(JSON.parse(frame) as ServerFrame);
      waiting.push(() => written());
    },
    overflow: (bytes) => void overflows.push(bytes),
  };
  const release = () => waiting.splice(0).forEach((done) => done());
  return { sink, frames, overflows, release };
}

const delta = (runId: number, i: number, text = "x"): ServerMessage => ({ type: "delta", runId, path: [0, i], element: { kind: "text", text } });

/** One run's messages: start, `count` texts, finish. */
function run(outbox: Outbox, runId: number, count: number, text = "x"): void {
  outbox.push({ type: "runStarted", runId });
  for (let i = 0; i < count; i++) outbox.push(delta(runId, i, text));
  outbox.push({ type: "runFinished", runId, counts: { "0": count } });
}

describe("the outbox", () => {
  test("a run's messages written in one go travel in one frame, in order", async () => {
    const { sink, frames } = stuckSink();
    const outbox = new Outbox(sink);
    run(outbox, 1, 20);
    await nextTurn();
    assert.equal(frames.length, 1);
    assert.deepEqual(frames[0]!.map((m) => m.type), ["runStarted", ...Array<string>(20).fill("delta"), "runFinished"]);
  });

  test("one frame in flight: what is pushed meanwhile waits and leaves in one frame once it is written", async () => {
    const { sink, frames, release } = stuckSink();
    const outbox = new Outbox(sink);
    run(outbox, 1, 2);
    await nextTurn();
    outbox.push(delta(1, 5));
    await nextTurn();
    outbox.push(delta(1, 6));
    await nextTurn();
    assert.equal(frames.length, 1, "nothing more is written while a frame is in flight");
    release();
    assert.equal(frames.length, 2);
    assert.deepEqual(frames[1]!.map((m) => (m.type === "delta" ? m.path[1] : m.type)), [5, 6]);
  });

  test("bounded for a page that never reads: queued output of superseded runs is dropped (300 runs of 300 KB hold one run)", async () => {
    const { sink, frames, overflows, release } = stuckSink();
    const outbox = new Outbox(sink);
    const text = "y".repeat(10_000); // 30 of these: about 300 KB per run, as in the report
    run(outbox, 1, 30, text);
    await nextTurn(); // run 1 is now the frame in flight, and the page never takes it
    const runBytes = outbox.backlogBytes;
    let peak = 0;
    for (let runId = 2; runId <= 300; runId++) {
      run(outbox, runId, 30, text);
      peak = Math.max(peak, outbox.backlogBytes);
      await nextTurn();
    }
    // The bound: the frame in flight plus one run's output (without pruning: 300 runs, ~90 MB).
    assert.ok(peak <= 2 * runBytes + 1024, `peak backlog ${peak} B, one run ${runBytes} B`);
    assert.deepEqual(overflows, []);
    assert.equal(frames.length, 1);
    release();
    const next = frames[1]!;
    assert.deepEqual([...new Set(next.map((m) => ("runId" in m ? m.runId : -1)))], [300], "only the newest run is sent");
  });

  test("a spinner that starts and ends while queued is never sent; one already sent gets its end", async () => {
    const { sink, frames, release } = stuckSink();
    const outbox = new Outbox(sink);
    outbox.push({ type: "spinner", id: 1, html: "a", showTime: false, elapsedMs: 0 });
    await nextTurn();
    outbox.push({ type: "spinner", id: 2, html: "b", showTime: false, elapsedMs: 0 });
    outbox.push({ type: "spinnerEnd", id: 2 });
    outbox.push({ type: "spinnerEnd", id: 1 });
    release();
    assert.deepEqual(frames.flat(), [
      { type: "spinner", id: 1, html: "a", showTime: false, elapsedMs: 0 },
      { type: "spinnerEnd", id: 1 },
    ]);
  });

  test("a run that keeps writing to a page that never reads overflows once, past the bound, and nothing more is sent", async () => {
    const { sink, frames, overflows } = stuckSink();
    const outbox = new Outbox(sink, 100_000);
    run(outbox, 1, 1);
    await nextTurn();
    for (let i = 0; i < 50 && overflows.length === 0; i++) outbox.push(delta(1, i, "z".repeat(10_000)));
    assert.equal(overflows.length, 1);
    assert.ok(overflows[0]! > 100_000 && overflows[0]! <= 100_000 + 10_100, `overflowed at ${overflows[0]} B`);
    outbox.push(delta(1, 99));
    await nextTurn();
    assert.equal(outbox.backlogBytes, 0);
    assert.equal(frames.length, 1);
  });

  test("a large run to a page that reads is not an overflow", async () => {
    const { sink, frames, overflows } = stuckSink();
    const outbox = new Outbox(sink, 100_000);
    run(outbox, 1, 50, "z".repeat(10_000)); // 500 KB written at once, nothing in flight
    await nextTurn();
    assert.deepEqual(overflows, []);
    assert.equal(frames[0]!.length, 52);
  });
});

describe("send backpressure on a real socket", () => {
  test("a page that never reads, driving 300 reruns of ~300 KB each: the server holds at most two runs' output for it", async () => {
    await withServer(
      fixture("heavy"),
      async (server) => {
        heavy.runs = 0;
        const ws = new WebSocket(`${server.url.replace("http:", "ws:")}/ws`, { origin: server.url });
        await new Promise((resolve) => ws.once("open", resolve));
        ws.pause(); // never reads again: the kernel's buffers fill, then the server's writes stall
        const runBytes = 30 * 10_020;
        let peak = 0;
        for (let i = 0; i < 300; i++) {
          ws.send('{"type":"rerun"}');
          await new Promise((resolve) => setTimeout(resolve, 2));
          peak = Math.max(peak, server.sendBacklogBytes);
        }
        await waitUntil(() => heavy.runs >= 50, "the reruns ran");
        peak = Math.max(peak, server.sendBacklogBytes);
        // Stated bound: a frame in flight plus the newest run (~2 × 300 KB); without pruning the
        // 300 runs would hold ~90 MB.
        assert.ok(peak <= 2 * runBytes + 16_384, `peak backlog ${peak} B for runs of ~${runBytes} B`);
        assert.equal(server.sessionCount, 1, "a slow page within the bound keeps its session");
        ws.terminate();
      },
      { rateLimit: { burst: 1e6, perSecond: 1e6 } },
    );
  });

  test("a live-updating run to a page that never reads: the connection is dropped past maxSendBacklogBytes", async () => {
    const lines: string[] = [];
    await withServer(
      fixture("heavy"),
      async (server) => {
        heavy.live = true;
        try {
          const ws = new WebSocket(`${server.url.replace("http:", "ws:")}/ws`, { origin: server.url });
          let closed = false;
          ws.on("close", () => (closed = true));
          ws.on("error", () => {});
          await new Promise((resolve) => ws.once("open", resolve));
          ws.pause();
          await waitUntil(() => server.sessionCount === 0, "the slow page was dropped");
          assert.equal(server.sendBacklogBytes, 0);
          assert.match(lines.join("\n"), /stopped reading/);
          ws.resume();
          await waitUntil(() => closed, "the client saw its connection end");
        } finally {
          heavy.live = false;
        }
      },
      { maxSendBacklogBytes: 1_000_000, log: (line) => lines.push(line) },
    );
  });
});
