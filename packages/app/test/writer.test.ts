import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { DeltaWriter, StaleContainerError } from "../src/elements/writer.js";
import type { ServerMessage } from "../src/protocol.js";
import { MAIN_CONTAINER, SIDEBAR_CONTAINER } from "../src/script/context.js";
import { signalOf } from "../src/script/signals.js";

function writer(runId = 1) {
  const sent: ServerMessage[] = [];
  let live = true;
  const w = new DeltaWriter(runId, (m) => sent.push(m), () => live);
  return { w, sent, stop: () => (live = false) };
}

const text = (t: string) => ({ kind: "text", text: t }) as const;

describe("delta writer", () => {
  test("elements take consecutive indices per block and are sent at once", () => {
    const { w, sent } = writer();
    assert.deepEqual(w.write(MAIN_CONTAINER, text("a")), [0, 0]);
    assert.deepEqual(w.write(SIDEBAR_CONTAINER, text("s")), [1, 0]);
    assert.deepEqual(w.write(MAIN_CONTAINER, text("b")), [0, 1]);
    assert.deepEqual(
      sent.map((m) => (m.type === "delta" ? m.path : null)),
      [[0, 0], [1, 0], [0, 1]],
    );
    assert.deepEqual(w.counts(), { "0": 2, "1": 1 });
  });

  test("blocks get their own cursor; a columns row creates one block per column", () => {
    const { w } = writer(7);
    const row = w.write(MAIN_CONTAINER, { kind: "columns", weights: [2, 1], gap: "small" });
    assert.deepEqual(row, [0, 0]);
    const second = { runId: 7, path: [...row, 1] };
    assert.deepEqual(w.write(second, text("in column 1")), [0, 0, 1, 0]);
    const box = w.write(MAIN_CONTAINER, { kind: "container", border: false });
    assert.deepEqual(w.write({ runId: 7, path: box }, text("inside")), [0, 1, 0]);
    assert.deepEqual(w.counts(), { "0": 2, "1": 0, "0.0": 2, "0.0.0": 0, "0.0.1": 1, "0.1": 1 });
  });

  test("a stale run's commands throw the superseded signal and send nothing", () => {
    const { w, sent, stop } = writer();
    w.write(MAIN_CONTAINER, text("a"));
    stop();
    assert.throws(() => w.write(MAIN_CONTAINER, text("late")), (e) => signalOf(e) === "superseded");
    assert.equal(sent.length, 1);
  });

  test("quiet writes of a stale run (cached computations) neither throw nor send", () => {
    const { w, sent, stop } = writer();
    stop();
    assert.deepEqual(w.write(MAIN_CONTAINER, text("recorded"), true), [0, 0]);
    w.rewrite([0, 0], text("again"));
    assert.equal(sent.length, 0);
  });

  test("a container from another run is refused with a clear error", () => {
    const { w } = writer(2);
    assert.throws(() => w.write({ runId: 1, path: [0, 0] }, text("x")), StaleContainerError);
    assert.throws(() => w.write({ runId: 2, path: [0, 9] }, text("x")), /earlier run/);
  });
});
