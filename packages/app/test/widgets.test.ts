import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { DuplicateWidgetIdError, RunWidgetIds, widgetId } from "../src/widgets/id.js";
import { acceptWire, reconcile, type WidgetRequest } from "../src/widgets/specs.js";
import { WidgetStore } from "../src/widgets/state.js";
import { plainCodec, selectRequest, sliderRequest, textRequest } from "../src/api/widget-requests.js";

const common = { key: undefined, help: undefined, disabled: false };
const checkbox = (label: string, key?: string): WidgetRequest => ({ kind: "checkbox", ...common, label, key, initial: false });

describe("widget ids", () => {
  test("stable: same kind and label (or key) give the same id, in any process", () => {
    assert.equal(widgetId("checkbox", "Show", undefined), widgetId("checkbox", "Show", undefined));
    assert.match(widgetId("checkbox", "Show", undefined), /^checkbox-[0-9a-f]{64}$/);
    assert.notEqual(widgetId("checkbox", "Show", undefined), widgetId("toggle", "Show", undefined));
    assert.notEqual(widgetId("checkbox", "Show", undefined), widgetId("checkbox", "Show", "k"));
    // With a key, the label may change without losing the widget's state.
    assert.equal(widgetId("slider", "Rows: 5", "rows"), widgetId("slider", "Rows: 6", "rows"));
  });

  test("two widgets with one id in a run raise a clear error", () => {
    const ids = new RunWidgetIds();
    ids.register("button", "Save", undefined);
    ids.register("checkbox", "Save", undefined); // another kind: fine
    assert.throws(
      () => ids.register("button", "Save", undefined),
      (e: unknown) => e instanceof DuplicateWidgetIdError && /two `button` widgets with the label "Save"/.test(e.message) && /key/.test(e.message),
    );
  });

  test("a key names one widget, whatever its kind", () => {
    const ids = new RunWidgetIds();
    ids.register("slider", "A", "shared");
    assert.throws(() => ids.register("checkbox", "B", "shared"), /The key "shared" is used by two widgets/);
  });
});

describe("widget values", () => {
  test("the page's values are checked against the widget", () => {
    const slider = sliderRequest("Rows", { min: 1, max: 10 });
    assert.deepEqual(acceptWire(slider, 5), { ok: true, value: 5 });
    assert.equal(acceptWire(slider, 11).ok, false);
    assert.equal(acceptWire(slider, "5").ok, false);
    assert.equal(acceptWire(slider, Number.NaN).ok, false);
    const text = textRequest("Name", { maxChars: 3 });
    assert.equal(acceptWire(text, "abcd").ok, false);
    const select = selectRequest("selectbox", "Pick", ["a", "b"], {});
    assert.deepEqual(acceptWire(select, 1), { ok: true, value: 1 });
    assert.equal(acceptWire(select, 2).ok, false);
    assert.equal(acceptWire({ ...checkbox("x"), disabled: true }, true).ok, false);
  });

  test("a stored value is kept valid when the script changes the widget", () => {
    assert.equal(reconcile(sliderRequest("Rows", { min: 1, max: 5 }), 9), 5);
    assert.equal(reconcile(selectRequest("radio", "Pick", ["a"], {}), 3), 0);
  });

  test("store: values persist, buttons trigger once, unseen widgets are forgotten", () => {
    const store = new WidgetStore();
    const state: Record<string, unknown> = {};
    const id = widgetId("checkbox", "Show", undefined);
    assert.equal(store.resolve(id, checkbox("Show"), new Set(), state, plainCodec), false);
    assert.equal(store.receive(id, true), "rerun");
    assert.equal(store.resolve(id, checkbox("Show"), new Set(), state, plainCodec), true);
    assert.equal(store.receive("checkbox-unknown", true), "ignored");
    assert.deepEqual(store.receive(id, "yes"), { problem: 'widget checkbox "Show": expected a boolean' });

    const button: WidgetRequest = { kind: "button", ...common, label: "Go", primary: false };
    const bid = widgetId("button", "Go", undefined);
    store.resolve(bid, button, new Set(), state, plainCodec);
    store.receive(bid, true);
    const triggers = store.takeTriggers();
    assert.equal(store.resolve(bid, button, triggers, state, plainCodec), true);
    assert.equal(store.resolve(bid, button, store.takeTriggers(), state, plainCodec), false);

    store.collect(new Set([bid]), state);
    assert.equal(store.valueOf(id), undefined);
  });

  test("keyed widgets mirror into sessionState, and a script assignment wins", () => {
    const store = new WidgetStore();
    const state: Record<string, unknown> = {};
    const req = checkbox("Agree", "agree");
    const id = widgetId("checkbox", "Agree", "agree");
    store.resolve(id, req, new Set(), state, plainCodec);
    assert.equal(state.agree, false);
    state.agree = true; // the script sets it
    assert.equal(store.resolve(id, req, new Set(), state, plainCodec), true);
    store.receive(id, false); // the user unticks it
    assert.equal(store.resolve(id, req, new Set(), state, plainCodec), false);
    assert.equal(state.agree, false);
    store.collect(new Set(), state);
    assert.equal("agree" in state, false);
  });
});
