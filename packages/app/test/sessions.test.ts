import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { fixture, withServer } from "./browser-support.js";
import { connect } from "./socket-support.js";
import { gate, shared, waitUntil } from "./support.js";

/** Session-scoped values and tabs that go away while their run is still going. */

const control = shared("late-session-fixture", () => ({ gate: gate(), made: 0, released: 0, outcome: "" }));

describe("a run of an ended session", () => {
  test("a tab closed while its run awaits: the run's later session-scoped call stores nothing that outlives the session", async () => {
    control.gate = gate();
    await withServer(
      fixture("late-session"),
      async (server) => {
        const tab = connect(server);
        await waitUntil(() => tab.messages.some((m) => m.type === "delta" && m.element.kind === "text"), "the run is awaiting");
        assert.equal(control.made, 1);
        tab.ws.close();
        await waitUntil(() => control.released === 1, "the session ended after its grace period, releasing its value");
        control.gate.resolve();
        await waitUntil(() => control.outcome !== "", "the run went on");
        assert.equal(control.outcome, "SessionEndedError", "the call is refused instead of storing a value nothing would release");
        assert.equal(control.made, control.released, "every value made for the session was released");
      },
      { sessionGraceMs: 0 },
    );
    assert.equal(control.made, control.released, "and nothing is left for shutdown to find");
  });
});
