import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { cacheResource } from "cache-resource";
import { UnsupportedCachedWidgetError, st } from "../src/index.js";
import type { Recording } from "../src/replay/recording.js";
import { widgetId } from "../src/widgets/id.js";
import { RecordingHost, driveSession, withHost } from "./replay-support.js";

/** Widgets inside cached functions, without a browser. Every cached function has its own name. */

describe("widgets in cached functions, with experimentalAllowWidgets", () => {
  test("one value per widget state: a new state is a miss, an old one hits; the widget replays with its live value", async () => {
    await withHost(new RecordingHost(), async (host) => {
      let computed = 0;
      const loadModel = cacheResource(
        function replayWidgetModel() {
          computed++;
          const pretrained = st.checkbox("Use pre-trained model");
          return { pretrained, serial: computed };
        },
        { experimentalAllowWidgets: true },
      );
      const states: (string | undefined)[] = [];
      const tab = driveSession(() => {
        const model = loadModel();
        st.text(`model #${model.serial} pretrained=${model.pretrained}`);
        states.push(host.widgetState(host.last("replayWidgetModel")));
      });
      const id = widgetId("checkbox", "Use pre-trained model", undefined);
      const toggle = async (value: boolean) => {
        assert.equal(tab.session.receive({ type: "widget", id, value }), undefined);
        return await tab.run();
      };

      let run = await tab.run();
      assert.deepEqual(tab.view(run), ["0.0 checkbox Use pre-trained model=false", "0.1 text model #1 pretrained=false"]);
      const first = host.last("replayWidgetModel") as Recording;
      assert.deepEqual(
        first.widgets.map((w) => w.id),
        [id],
        "the recording exposes the widget ids it saw",
      );
      assert.equal(states.at(-1), JSON.stringify([[id, false]]), "widgetState: the current values of those ids");

      run = await toggle(true);
      assert.deepEqual(tab.view(run), ["0.0 checkbox Use pre-trained model=true", "0.1 text model #2 pretrained=true"]);
      assert.equal(states.at(-1), JSON.stringify([[id, true]]));

      run = await toggle(false);
      assert.deepEqual(tab.view(run), ["0.0 checkbox Use pre-trained model=false", "0.1 text model #1 pretrained=false"], "the old state hits");
      run = await toggle(true);
      assert.deepEqual(tab.view(run), ["0.0 checkbox Use pre-trained model=true", "0.1 text model #2 pretrained=true"]);
      assert.equal(computed, 2);
      assert.equal(loadModel.stats().entries, 2);

      // The replayed checkbox is a live widget: it keeps its state (a complete run keeps only the
      // widgets it showed) and the page can still change it.
      assert.equal(tab.session.widgets.valueOf(id), true);
      assert.equal(tab.errors.length, 0);
    });
  });

  test("the widget state is read before the call: a keyed widget set through sessionState picks its entry", async () => {
    await withHost(new RecordingHost(), async () => {
      let computed = 0;
      const pick = cacheResource(
        function replayWidgetKeyed() {
          computed++;
          return st.checkbox("Fast mode", { key: "fast" });
        },
        { experimentalAllowWidgets: true },
      );
      let preset: boolean | undefined;
      const tab = driveSession(() => {
        if (preset !== undefined) st.sessionState.fast = preset;
        st.text(`fast=${pick()}`);
      });
      assert.deepEqual(tab.view(await tab.run()), ["0.0 checkbox Fast mode=false", "0.1 text fast=false"]);
      preset = true;
      assert.deepEqual(tab.view(await tab.run()), ["0.0 checkbox Fast mode=true", "0.1 text fast=true"]);
      preset = false;
      assert.deepEqual(tab.view(await tab.run()), ["0.0 checkbox Fast mode=false", "0.1 text fast=false"]);
      assert.equal(computed, 2);
    });
  });
});

describe("widgets in cached functions, without the flag", () => {
  test("a replayed widget is a widget of the run: showing it twice in one run is a duplicate", async () => {
    await withHost(new RecordingHost(), async () => {
      const twice = cacheResource(
        function replayWidgetTwice() {
          return st.slider("Level");
        },
        { experimentalAllowWidgets: true },
      );
      const tab = driveSession(() => {
        twice();
        twice();
      });
      const view = tab.view(await tab.run());
      assert.equal(view[0], "0.0 slider Level=0");
      assert.match(view.at(-1)!, /exception DuplicateWidgetIdError: There are two `slider` widgets with the label "Level"/);
    });
  });


  test("a warning, then the widget; both replay, the widget with its live value; the value is not part of the key", async () => {
    await withHost(new RecordingHost(), async (host) => {
      let computed = 0;
      const loadModel = cacheResource(function replayWidgetUnflagged() {
        computed++;
        return st.checkbox("Use pre-trained model");
      });
      const tab = driveSession(() => st.text(`cached value ${loadModel()}`));
      let run = await tab.run();
      const view = tab.view(run);
      assert.equal(view.length, 3);
      assert.match(view[0]!, /^0\.0 warning st\.checkbox\("Use pre-trained model"\) is called inside the cached function replayWidgetUnflagged\(\), but its value is not part of the cache key/);
      assert.match(view[0]!, /experimentalAllowWidgets: true/);
      assert.deepEqual(view.slice(1), ["0.1 checkbox Use pre-trained model=false", "0.2 text cached value false"]);

      const id = widgetId("checkbox", "Use pre-trained model", undefined);
      tab.session.receive({ type: "widget", id, value: true });
      run = await tab.run();
      assert.deepEqual(tab.view(run).slice(1), ["0.1 checkbox Use pre-trained model=true", "0.2 text cached value false"]);
      assert.equal(tab.view(run)[0], view[0], "the warning replays");
      assert.equal(computed, 1);
      assert.deepEqual(
        (host.last("replayWidgetUnflagged") as Recording).items.map((i) => i.kind),
        ["element", "widget"],
      );
    });
  });

  test("nested: the warning names the innermost function without the flag and is recorded from there outward", async () => {
    await withHost(new RecordingHost(), async (host) => {
      const flagged = cacheResource(
        function replayWidgetFlaggedInner() {
          return st.toggle("Verbose");
        },
        { experimentalAllowWidgets: true },
      );
      const plainOuter = cacheResource(function replayWidgetPlainOuter() {
        return flagged();
      });
      const tab = driveSession(() => st.text(`verbose ${plainOuter()}`));
      const expected = tab.view(await tab.run());
      assert.equal(expected.length, 3);
      assert.match(expected[0]!, /^0\.0 warning st\.toggle\("Verbose"\) is called inside the cached function replayWidgetPlainOuter\(\)/);
      assert.deepEqual(
        (host.last("replayWidgetFlaggedInner") as Recording).items.map((i) => i.kind),
        ["widget"],
        "the inner function allows widgets: no warning in its recording",
      );
      assert.deepEqual(
        (host.last("replayWidgetPlainOuter") as Recording).items.map((i) => i.kind),
        ["element", "widget"],
      );
      assert.deepEqual(tab.view(await tab.run()), expected, "the outer hit replays warning and widget once");
    });
  });
});

describe("file widgets in cached functions", () => {
  for (const allowWidgets of [false, true]) {
    test(`fileUploader and cameraInput raise UnsupportedCachedWidgetError (experimentalAllowWidgets: ${allowWidgets})`, async () => {
      await withHost(new RecordingHost(), async () => {
        const caught: unknown[] = [];
        const upload = cacheResource(
          function replayUpload(kind: "file" | "camera") {
            return kind === "file" ? st.fileUploader("Data file") : st.cameraInput("Photo");
          },
          { experimentalAllowWidgets: allowWidgets, name: `replayUpload-${allowWidgets}` },
        );
        const tab = driveSession(() => {
          for (const kind of ["file", "camera"] as const) {
            try {
              upload(kind);
            } catch (error) {
              caught.push(error);
            }
          }
          throw caught[0];
        });
        const view = tab.view(await tab.run());
        assert.equal(view.length, 1, "nothing but the error is shown");
        assert.match(view[0]!, /^0\.0 exception UnsupportedCachedWidgetError: st\.fileUploader\("Data file"\) cannot be called inside the cached function `replayUpload/);
        assert.equal(caught.length, 2);
        for (const error of caught) assert.ok(error instanceof UnsupportedCachedWidgetError);
        const [file, camera] = caught as UnsupportedCachedWidgetError[];
        assert.equal(file!.widget, "fileUploader");
        assert.equal(camera!.widget, "cameraInput");
        assert.match(file!.message, /pass what the function needs as an argument/);
      });
    });
  }
});
