import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { cacheResource, createTerminalHost } from "cache-resource";
import { CacheReplayClosureError, st } from "../src/index.js";
import { isRecording, type Recording } from "../src/replay/recording.js";
import { RecordingHost, driveSession, withHost } from "./replay-support.js";
import { gate, waitUntil } from "./support.js";
import { deferred, flush, ManualClock } from "../../core/test/support/manual-clock.js";

/**
 * Element replay without a browser: sessions are driven by hand, the deltas they send are
 * compared run by run. Every cached function here has its own name (the registry is global).
 */

describe("element replay: recording and replay", () => {
  test("Streamlit's load_model example: the first run shows the elements, reruns and other sessions replay them in place", async () => {
    await withHost(new RecordingHost(), async (host) => {
      let computed = 0;
      const loadModel = cacheResource(function replayLoadModel() {
        computed++;
        st.header("Data analysis");
        st.success("Loaded model!");
        st.write("Turning on evaluation mode...");
        st.write("Here's the model:");
        return { name: "resnet50" };
      });
      const script = () => {
        st.title("App");
        const model = loadModel();
        st.text(`model ${model.name}`);
      };
      const tab1 = driveSession(script);
      const expected = [
        "0.0 h1 App",
        "0.1 h2 Data analysis",
        "0.2 success Loaded model!",
        "0.3 markdown Turning on evaluation mode...",
        "0.4 markdown Here's the model:",
        "0.5 text model resnet50",
      ];
      assert.deepEqual(tab1.view(await tab1.run()), expected);
      assert.deepEqual(tab1.view(await tab1.run()), expected, "a rerun replays the same elements in the same place");
      const tab2 = driveSession(script);
      assert.deepEqual(tab2.view(await tab2.run()), expected, "another session replays them too");
      assert.equal(computed, 1);
      const recording = host.last("replayLoadModel") as Recording;
      assert.ok(isRecording(recording));
      assert.deepEqual(
        recording.items.map((i) => [i.kind, i.target.kind]),
        [
          ["element", "call"],
          ["element", "call"],
          ["element", "call"],
          ["element", "call"],
        ],
      );
    });
  });

  test("nested cached calls: the outer recording holds what the inner call emitted, on its miss and on its hits", async () => {
    await withHost(new RecordingHost(), async () => {
      const runs = { inner: 0, outer: 0 };
      const inner = cacheResource(function replayInner() {
        runs.inner++;
        st.info("inner says hi");
        return 2;
      });
      const outer = cacheResource(function replayOuter() {
        runs.outer++;
        st.subheader("outer before");
        const two = inner();
        st.text(`outer after ${two}`);
        return two * 2;
      });
      const tab = driveSession(() => st.text(`result ${outer()}`));
      const expected = ["0.0 h3 outer before", "0.1 info inner says hi", "0.2 text outer after 2", "0.3 text result 4"];
      assert.deepEqual(tab.view(await tab.run()), expected);
      assert.deepEqual(tab.view(await tab.run()), expected, "an outer hit replays the inner elements too");
      assert.deepEqual(runs, { inner: 1, outer: 1 });

      // Recompute the outer only: the inner call hits, and its replay is recorded by the outer.
      await outer.clear();
      assert.deepEqual(tab.view(await tab.run()), expected);
      assert.deepEqual(runs, { inner: 1, outer: 2 });
      assert.deepEqual(tab.view(await tab.run()), expected);
      assert.deepEqual(runs, { inner: 1, outer: 2 });
    });
  });

  test("containers created inside the function are re-created on replay, with their contents", async () => {
    await withHost(new RecordingHost(), async () => {
      let computed = 0;
      const panel = cacheResource(function replayPanel() {
        computed++;
        const [a, b] = st.columns(2);
        a!.metric("Rows", 10);
        b!.with(() => st.text("in column b"));
        const more = st.expander("Details");
        more.write("inside the expander");
        st.sidebar.caption("from the sidebar");
        const box = st.sidebar.container();
        box.text("in a sidebar box");
        return "ok";
      });
      const tab = driveSession(() => {
        st.text("top");
        panel();
        st.text("bottom");
      });
      const expected = [
        "0.0 text top",
        "0.1 columns 2",
        "0.1.0.0 metric",
        "0.1.1.0 text in column b",
        "0.2 expander Details",
        "0.2.0 markdown inside the expander",
        "1.0 caption from the sidebar",
        "1.1 container",
        "1.1.0 text in a sidebar box",
        "0.3 text bottom",
      ];
      assert.deepEqual(tab.view(await tab.run()), expected);
      assert.deepEqual(tab.view(await tab.run()), expected);
      assert.equal(computed, 1);
    });
  });

  test("replay lands in the caller's current container: a column, the sidebar, or main", async () => {
    await withHost(new RecordingHost(), async () => {
      let computed = 0;
      const greet = cacheResource(function replayGreet() {
        computed++;
        st.success("hello from the cache");
        return 1;
      });
      let where: "main" | "column" | "sidebar" = "main";
      const tab = driveSession(() => {
        const [, right] = st.columns(2);
        if (where === "main") greet();
        else if (where === "column") right!.with(() => greet());
        else st.sidebar.with(() => greet());
      });
      assert.deepEqual(tab.view(await tab.run()).slice(1), ["0.1 success hello from the cache"]);
      where = "column";
      assert.deepEqual(tab.view(await tab.run()).slice(1), ["0.0.1.0 success hello from the cache"]);
      where = "sidebar";
      assert.deepEqual(tab.view(await tab.run()).slice(1), ["1.0 success hello from the cache"]);
      assert.equal(computed, 1);
    });
  });

  test("a waiter of a shared computation (another session) gets the elements replayed", async () => {
    await withHost(new RecordingHost(), async () => {
      const work = gate();
      let computed = 0;
      const slow = cacheResource(async function replaySlowShared() {
        computed++;
        st.text("made while computing");
        await work.promise;
        st.text("done computing");
        return 5;
      });
      const script = async () => st.text(`value ${await slow()}`);
      const a = driveSession(script);
      const b = driveSession(script);
      const ranA = a.run();
      await waitUntil(() => computed === 1, "the miss started");
      const ranB = b.run();
      await waitUntil(() => b.session.runsInFlight === 1, "b is waiting");
      work.resolve();
      const expected = ["0.0 text made while computing", "0.1 text done computing", "0.2 text value 5"];
      assert.deepEqual(a.view(await ranA), expected);
      assert.deepEqual(b.view(await ranB), expected);
      assert.equal(computed, 1);
    });
  });

  test("an error discards the recording: the next call computes again and only its own elements replay", async () => {
    await withHost(new RecordingHost(), async (host) => {
      let attempt = 0;
      const flaky = cacheResource(function replayFlaky() {
        attempt++;
        st.text(`attempt ${attempt}`);
        if (attempt === 1) throw new Error("first attempt fails");
        return attempt;
      });
      const tab = driveSession(() => {
        try {
          flaky();
        } catch (error) {
          st.text(`caught ${(error as Error).message}`);
        }
      });
      assert.deepEqual(tab.view(await tab.run()), ["0.0 text attempt 1", "0.1 text caught first attempt fails"]);
      assert.equal(host.last("replayFlaky"), undefined, "the failed miss left no recording");
      assert.deepEqual(tab.view(await tab.run()), ["0.0 text attempt 2"]);
      assert.deepEqual(tab.view(await tab.run()), ["0.0 text attempt 2"]);
      assert.equal(attempt, 2);
    });
  });

  test("a function without elements leaves no recording (hits pay nothing for replay)", async () => {
    await withHost(new RecordingHost(), async (host) => {
      const plain = cacheResource(function replayPlain() {
        return 3;
      });
      const tab = driveSession(() => st.text(`v ${plain()}`));
      await tab.run();
      assert.equal(host.recordings.length, 1);
      assert.equal(host.last("replayPlain"), undefined);
    });
  });
});

describe("element replay: containers from outside the function", () => {
  test("writing into a container created outside raises CacheReplayClosureError at once, on the miss", async () => {
    await withHost(new RecordingHost(), async () => {
      let computed = 0;
      let outside: ReturnType<typeof st.container> | undefined;
      const leaky = cacheResource(function replayLeaky() {
        computed++;
        st.text("fine: current container");
        st.sidebar.text("fine: the sidebar");
        outside!.write("not fine: a block made outside");
        return 1;
      });
      const caught: unknown[] = [];
      const tab = driveSession(() => {
        outside = st.container();
        try {
          leaky();
        } catch (error) {
          caught.push(error);
          throw error;
        }
      });
      const view = tab.view(await tab.run());
      assert.deepEqual(view.slice(0, 3), ["0.0 container", "0.1 text fine: current container", "1.0 text fine: the sidebar"]);
      assert.equal(view.length, 4, "the outside write was not sent");
      assert.match(view[3]!, /^0\.2 exception CacheReplayClosureError: The cached function `replayLeaky\(\)` writes into a container/);
      const error = caught[0];
      assert.ok(error instanceof CacheReplayClosureError);
      assert.equal(error.functionName, "replayLeaky");
      for (const fix of [/may not exist/, /create the container inside `replayLeaky\(\)`/, /move the call that writes into it out of/, /stop caching `replayLeaky\(\)`/]) {
        assert.match(error.message, fix);
      }
      await tab.run();
      assert.equal(computed, 2, "errors are not cached: the next run computes again");
    });
  });

  test("an inner cached call writing into a block its outer caller created is refused too", async () => {
    await withHost(new RecordingHost(), async () => {
      let box: ReturnType<typeof st.container> | undefined;
      const innerUsesOuterBox = cacheResource(function replayInnerUsesOuterBox() {
        box!.text("into the outer's box");
      });
      const outerMakesBox = cacheResource(function replayOuterMakesBox() {
        box = st.container();
        box.text("the outer may write here");
        try {
          innerUsesOuterBox();
        } catch (error) {
          st.text(`inner refused: ${(error as Error).name}`);
        }
      });
      const tab = driveSession(() => outerMakesBox());
      const expected = ["0.0 container", "0.0.0 text the outer may write here", "0.1 text inner refused: CacheReplayClosureError"];
      assert.deepEqual(tab.view(await tab.run()), expected);
      assert.deepEqual(tab.view(await tab.run()), expected);
    });
  });

  test("called inside a with-block, the function's own writes to that block are its current container", async () => {
    await withHost(new RecordingHost(), async () => {
      const intoCurrent = cacheResource(function replayIntoCurrent() {
        st.text("here");
      });
      let inColumn = true;
      const tab = driveSession(() => {
        const [left] = st.columns(1);
        if (inColumn) left!.with(() => intoCurrent());
        else intoCurrent();
      });
      assert.deepEqual(tab.view(await tab.run()), ["0.0 columns 1", "0.0.0.0 text here"]);
      inColumn = false;
      assert.deepEqual(tab.view(await tab.run()), ["0.0 columns 1", "0.1 text here"]);
    });
  });
});

describe("element replay outside the app runtime", () => {
  test("with the app host but no run: st.* inside a cached function is inert and nothing is recorded", async () => {
    await withHost(new RecordingHost(), (host) => {
      const quiet = cacheResource(function replayInertApp() {
        st.header("nobody sees this");
        st.columns(2)[0]!.write("nor this");
        return st.checkbox("Flag", { value: true });
      });
      assert.equal(quiet(), true);
      assert.equal(quiet(), true);
      assert.deepEqual(host.recordings, [{ functionName: "replayInertApp", recording: undefined }]);
    });
  });

  test("with the terminal host: the same, and hits replay nothing", async () => {
    const terminal = createTerminalHost({ enabled: false });
    let replays = 0;
    const recordings: unknown[] = [];
    await withHost(
      {
        beginMiss: (miss) => {
          const scope = terminal.beginMiss(miss);
          return { run: scope.run, end: (o) => (recordings.push(scope.end(o)), undefined) };
        },
        replay: () => void replays++,
      },
      () => {
        const inert = cacheResource(function replayInertTerminal() {
          st.success("nobody sees this either");
          return 7;
        });
        assert.equal(inert(), 7);
        assert.equal(inert(), 7);
        assert.deepEqual(recordings, [undefined]);
        assert.equal(replays, 0);
      },
    );
  });
});

describe("element replay and background refresh", () => {
  test("a refresh never writes into the run that triggered it; hits keep replaying the miss's elements", async () => {
    await withHost(new RecordingHost(), async () => {
      const clock = new ManualClock();
      let computed = 0;
      const loadModel = cacheResource(
        function replayRefreshedModel() {
          computed++;
          st.success(`Loaded model v${computed}`);
          return { version: computed };
        },
        { ttl: 60, refreshMode: "background", clock },
      );
      let open = deferred<void>();
      const script = async () => {
        loadModel();
        await open.promise; // the run stays open while the refresh runs
        st.text("end");
      };
      const tab = driveSession(script);
      const first = tab.run();
      open.resolve();
      assert.deepEqual(tab.view(await first), ["0.0 success Loaded model v1", "0.1 text end"]);
      clock.advance(61_000);
      open = deferred<void>();
      const second = tab.run();
      await waitUntil(() => computed === 2, "the background refresh ran");
      await flush();
      open.resolve();
      assert.deepEqual(tab.view(await second), ["0.0 success Loaded model v1", "0.1 text end"], "the stale hit replays; the refresh wrote nothing here");
      open.resolve();
      const third = tab.run();
      assert.deepEqual(tab.view(await third), ["0.0 success Loaded model v1", "0.1 text end"]);
      assert.equal(computed, 2);
    });
  });
});
