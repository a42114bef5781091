import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { cacheResource, setHost } from "cache-resource";
import { installedHost } from "cache-resource/host";
import { st } from "../src/index.js";
import { AppHost } from "../src/host.js";
import type { ServerMessage } from "../src/protocol.js";
import type { LoadedScript } from "../src/script/runner.js";
import { AppSession } from "../src/server/session.js";
import { gate, waitUntil } from "./support.js";

/** A session driven without a server or a browser: messages are collected. */
function session(script: () => unknown, spinnerDelayMs = 500) {
  const sent: ServerMessage[] = [];
  const errors: unknown[] = [];
  const loaded: LoadedScript = { ok: true, script: script as (st: never) => unknown };
  const s = new AppSession({ send: (m) => sent.push(m), script: () => loaded, st, spinnerDelayMs, report: (e) => errors.push(e) });
  const finished = () => sent.filter((m) => m.type === "runFinished").length;
  const texts = (runId?: number) =>
    sent.flatMap((m) => (m.type === "delta" && (runId === undefined || m.runId === runId) && m.element.kind === "text" ? [m.element.text] : []));
  return { s, sent, errors, finished, texts };
}

describe("script runs", () => {
  test("a newer run supersedes the one in flight; the old run's later output is dropped", async () => {
    const slow = gate();
    let calls = 0;
    const { s, sent, finished, texts } = session(async () => {
      const call = ++calls;
      st.text(`start ${call}`);
      if (call === 1) await slow.promise;
      st.text(`end ${call}`);
    });
    s.requestRerun();
    await waitUntil(() => texts().includes("start 1"), "run 1 started");
    s.requestRerun();
    await waitUntil(() => finished() === 1, "run 2 finished");
    slow.resolve();
    await waitUntil(() => s.runsInFlight === 0, "run 1 unwound");
    assert.deepEqual(texts(), ["start 1", "start 2", "end 2"]);
    const finishedRun = sent.find((m) => m.type === "runFinished");
    assert.equal(finishedRun?.type === "runFinished" && finishedRun.runId, 2);
  });

  test("an exception is shown and the next run works", async () => {
    let fail = true;
    const { s, sent, finished, texts } = session(() => {
      st.text("before");
      if (fail) throw new Error("kaboom");
      st.text("after");
    });
    s.requestRerun();
    await waitUntil(() => finished() === 1, "run 1 finished");
    const exc = sent.find((m) => m.type === "delta" && m.element.kind === "exception");
    assert.ok(exc?.type === "delta" && exc.element.kind === "exception" && exc.element.message === "kaboom");
    fail = false;
    s.requestRerun();
    await waitUntil(() => finished() === 2, "run 2 finished");
    assert.deepEqual(texts(), ["before", "before", "after"]);
  });

  test("st.rerun() restarts from the top without finishing the first run", async () => {
    const { s, finished, texts } = session(() => {
      const n = ((st.sessionState.n as number | undefined) ?? 0) + 1;
      st.sessionState.n = n;
      st.text(`n=${n}`);
      if (n === 1) st.rerun();
    });
    s.requestRerun();
    await waitUntil(() => finished() === 1, "a run finished");
    assert.deepEqual(texts(), ["n=1", "n=2"]);
  });

  test("a click whose run was superseded still counts in the next run", async () => {
    const slow = gate();
    const seen: boolean[] = [];
    let first = true;
    const { s, sent, finished } = session(async () => {
      const clicked = st.button("Go");
      seen.push(clicked);
      if (clicked && first) {
        first = false;
        await slow.promise;
      }
      st.text("done");
    });
    s.requestRerun();
    await waitUntil(() => finished() === 1, "first run");
    const button = sent.find((m) => m.type === "delta" && m.element.kind === "widget");
    const id = button?.type === "delta" && button.element.kind === "widget" ? button.element.id : "";
    assert.equal(s.receive({ type: "widget", id, value: true }), undefined);
    await waitUntil(() => seen.length === 2, "clicked run started");
    s.receive({ type: "rerun" });
    await waitUntil(() => finished() === 2, "superseding run finished");
    slow.resolve();
    assert.deepEqual(seen, [false, true, true]);
  });

  test("st.spinner holds a slot, shows after its delay and leaves an empty slot", async () => {
    const work = gate();
    const { s, sent, finished, texts } = session(async () => {
      await st.spinner("Crunching...", () => work.promise);
      st.text("after");
    });
    const at = (kind: string) => sent.filter((m) => m.type === "delta" && m.path.join() === "0,0" && m.element.kind === kind).length;
    s.requestRerun();
    await waitUntil(() => at("spinner") === 1, "spinner shown in its slot");
    assert.equal(at("empty"), 1, "the slot was reserved (empty) at once");
    work.resolve();
    await waitUntil(() => finished() === 1, "run finished");
    assert.equal(at("empty"), 2, "the slot is emptied when the work is done");
    assert.deepEqual(texts(), ["after"]);
  });

  test("a malformed widget value is reported, not applied", async () => {
    const { s, sent, finished } = session(() => st.checkbox("Tick"));
    s.requestRerun();
    await waitUntil(() => finished() === 1, "first run");
    const box = sent.find((m) => m.type === "delta" && m.element.kind === "widget");
    const id = box?.type === "delta" && box.element.kind === "widget" ? box.element.id : "";
    assert.match(s.receive({ type: "widget", id, value: "yes" }) ?? "", /expected a boolean/);
  });
});

describe("cached computations and superseded runs", () => {
  test("a miss that emits elements survives the run that started it being superseded", async () => {
    const previous = installedHost();
    setHost(new AppHost());
    try {
      const work = gate();
      const loadThing = cacheResource(async function sessionTestLoadThing() {
        st.text("loading inside the cache");
        await work.promise;
        st.success("loaded"); // the starting run is stale by now: this must not throw
        return 42;
      });
      const { s, finished, texts, errors } = session(async () => {
        st.text(`value ${await loadThing()}`);
      });
      s.requestRerun();
      await waitUntil(() => texts().includes("loading inside the cache"), "miss started");
      s.requestRerun(); // run 2 waits on the same computation
      await waitUntil(() => s.runsInFlight === 2, "run 2 waiting");
      work.resolve();
      await waitUntil(() => finished() === 1, "run 2 finished");
      assert.deepEqual(texts().slice(-1), ["value 42"]);
      assert.deepEqual(errors, []);
    } finally {
      setHost(previous);
    }
  });
});

describe("cache spinner through the app host", () => {
  test("shown for a slow outermost miss, removed when it ends, also on errors", async () => {
    const previous = installedHost();
    setHost(new AppHost());
    try {
      let work = gate<number>();
      const slowThing = cacheResource(async function sessionTestSlowThing() {
        return await work.promise;
      });
      const { s, sent, finished } = session(async () => {
        try {
          st.text(`value ${await slowThing()}`);
        } catch (error) {
          st.text(`failed ${(error as Error).message}`);
        }
      }, 0);
      const kinds = () => sent.filter((m) => m.type === "spinner" || m.type === "spinnerEnd").map((m) => m.type);
      s.requestRerun();
      await waitUntil(() => kinds().includes("spinner"), "spinner shown");
      const shown = sent.find((m) => m.type === "spinner");
      assert.ok(shown?.type === "spinner" && shown.html === "Running <code>sessionTestSlowThing()</code>.");
      work.resolve(7);
      await waitUntil(() => finished() === 1, "run finished");
      assert.deepEqual(kinds(), ["spinner", "spinnerEnd"]);

      await slowThing.clear();
      work = gate<number>();
      s.requestRerun();
      await waitUntil(() => kinds().length === 3, "second spinner");
      work.reject(new Error("nope"));
      await waitUntil(() => finished() === 2, "second run finished");
      assert.deepEqual(kinds(), ["spinner", "spinnerEnd", "spinner", "spinnerEnd"]);
    } finally {
      setHost(previous);
    }
  });

  test("a tab waiting on another tab's miss shows the spinner too, and it goes when the value arrives", async () => {
    const previous = installedHost();
    setHost(new AppHost());
    try {
      const work = gate<number>();
      const shared = cacheResource(async function sessionTestSharedSlow() {
        return await work.promise;
      });
      const script = async () => st.text(`value ${await shared()}`);
      const a = session(script, 0);
      const b = session(script, 0);
      const kinds = (sent: ServerMessage[]) => sent.filter((m) => m.type === "spinner" || m.type === "spinnerEnd").map((m) => m.type);
      a.s.requestRerun();
      await waitUntil(() => kinds(a.sent).includes("spinner"), "tab A computing shows the spinner");
      b.s.requestRerun();
      await waitUntil(() => kinds(b.sent).includes("spinner"), "tab B waiting shows it too");
      const shown = b.sent.find((m) => m.type === "spinner");
      assert.ok(shown?.type === "spinner" && shown.html === "Running <code>sessionTestSharedSlow()</code>.");
      work.resolve(3);
      await waitUntil(() => a.finished() === 1 && b.finished() === 1, "both runs finished");
      assert.deepEqual(kinds(b.sent), ["spinner", "spinnerEnd"]);
      assert.deepEqual(b.texts(), ["value 3"]);
    } finally {
      setHost(previous);
    }
  });
});
