import { test, describe, mock, beforeEach, afterEach } from "node:test";
import assert from "node:assert/strict";
import { cacheResource, createTerminalHost, setHost, type MissInfo } from "../../src/index.js";
import { formatElapsed } from "../../src/hosts/elapsed.js";
import { deferred } from "../support/manual-clock.js";

function fakeTty() {
  const writes: string[] = [];
  return { output: { isTTY: true, write: (s: string) => writes.push(s) }, writes };
}

const miss = (overrides: Partial<MissInfo> = {}): MissInfo => ({
  functionName: "loadModel",
  spinnerText: "Running `loadModel(...)`.",
  showTime: false,
  outermost: true,
  startedAt: 0,
  allowWidgets: false,
  refresh: false,
  ...overrides,
});

describe("terminal spinner", () => {
  beforeEach(() => mock.timers.enable({ apis: ["setTimeout", "setInterval"] }));
  afterEach(() => mock.timers.reset());

  test("a fast miss never draws; a slow one draws after 0.5 s and is erased at the end", () => {
    const { output, writes } = fakeTty();
    const host = createTerminalHost({ output, enabled: true, now: () => 0 });
    host.beginMiss(miss()).end({ ok: true });
    mock.timers.tick(1_000);
    assert.deepEqual(writes, [], "fast miss: nothing drawn");

    const scope = host.beginMiss(miss());
    mock.timers.tick(499);
    assert.deepEqual(writes, []);
    mock.timers.tick(1);
    assert.match(writes.at(-1)!, /Running `loadModel\(\.\.\.\)`\./);
    scope.end({ ok: false, error: new Error("failed") });
    assert.equal(writes.at(-1), "\r\x1b[2K", "the line is erased, also on errors");
    const count = writes.length;
    mock.timers.tick(2_000);
    assert.equal(writes.length, count, "no drawing after the end");
  });

  test("only the outermost miss, and never without text", () => {
    const { output, writes } = fakeTty();
    const host = createTerminalHost({ output, enabled: true });
    host.beginMiss(miss({ outermost: false }));
    host.beginMiss(miss({ spinnerText: undefined }));
    mock.timers.tick(1_000);
    assert.deepEqual(writes, []);
  });

  test("showTime adds the elapsed time counted from the start of the miss", () => {
    const { output, writes } = fakeTty();
    let now = 0;
    const host = createTerminalHost({ output, enabled: true, now: () => now });
    host.beginMiss(miss({ showTime: true, startedAt: 0 }));
    now = 1_300;
    mock.timers.tick(500);
    assert.match(writes.at(-1)!, /\(1\.3 seconds\)$/);
  });

  test("disabled when not a TTY or when CI is set", () => {
    const writes: string[] = [];
    const notTty = createTerminalHost({ output: { isTTY: false, write: (s: string) => writes.push(s) } });
    notTty.beginMiss(miss());
    const previous = process.env.CI;
    process.env.CI = "true";
    try {
      createTerminalHost({ output: { isTTY: true, write: (s: string) => writes.push(s) } }).beginMiss(miss());
    } finally {
      if (previous === undefined) delete process.env.CI;
      else process.env.CI = previous;
    }
    mock.timers.tick(1_000);
    assert.deepEqual(writes, []);
  });
});

describe("the core drives the host", () => {
  test("spinner text, outermost flag and end on every miss; nothing on hits", async () => {
    const seen: { info: MissInfo; ended: boolean }[] = [];
    const previous = setHost({
      beginMiss(info) {
        const record = { info, ended: false };
        seen.push(record);
        return {
          run: (compute) => compute(),
          end: () => {
            record.ended = true;
            return undefined;
          },
        };
      },
      replay() {},
    });
    try {
      const inner = cacheResource(async function innerModel(n: number) {
        return n;
      });
      const outer = cacheResource(async function outerPipeline() {
        return inner(1);
      }, { showTime: true });
      const hidden = cacheResource(function hiddenSpinner() {
        return 1;
      }, { showSpinner: false });
      const custom = cacheResource(function customText() {
        return 1;
      }, { showSpinner: "Warming up..." });
      await outer();
      await outer();
      hidden();
      custom();
      assert.deepEqual(
        seen.map((s) => [s.info.functionName, s.info.spinnerText, s.info.outermost, s.info.showTime, s.ended]),
        [
          ["outerPipeline", "Running `outerPipeline()`.", true, true, true],
          ["innerModel", "Running `innerModel(...)`.", false, false, true],
          ["hiddenSpinner", undefined, true, false, true],
          ["customText", "Warming up...", true, false, true],
        ],
      );
    } finally {
      setHost(previous);
    }
  });

  test("a recording is replayed on every hit, waiters included", async () => {
    const replays: unknown[] = [];
    const previous = setHost({
      beginMiss: () => ({ run: (compute) => compute(), end: () => ["header: Data analysis"] }),
      replay: (recording) => void replays.push(recording),
    });
    try {
      const gate = deferred<void>();
      const load = cacheResource(async function loadWithElements() {
        await gate.promise;
        return {};
      });
      const first = load();
      const waiter = load();
      gate.resolve();
      await Promise.all([first, waiter]);
      await load();
      assert.equal(replays.length, 2, "the waiter and the later hit replay; the computing call does not");
    } finally {
      setHost(previous);
    }
  });
});

test("elapsed time format", () => {
  assert.equal(formatElapsed(0), "(0.0 seconds)");
  assert.equal(formatElapsed(1_349), "(1.3 seconds)");
  assert.equal(formatElapsed(120_000), "(2 minutes)");
  assert.equal(formatElapsed(3_661_100), "(1 hour, 1 minute, 1.1 seconds)");
  assert.equal(formatElapsed(7_200_000), "(2 hours)");
});

describe("widget-keyed values (experimentalAllowWidgets)", () => {
  test("each combination of widget values gets its own entry; clear(args) finds them all", async () => {
    const widgets = new Map<string, unknown>([["checkbox:pretrained", false]]);
    const previous = setHost({
      // The recording lists the widgets read; their state is looked up live on every call.
      beginMiss: () => ({ run: (compute) => compute(), end: () => ({ widgetIds: ["checkbox:pretrained"] }) }),
      replay() {},
      widgetState: (recording) => {
        const ids = (recording as { widgetIds: string[] }).widgetIds;
        return ids.length === 0 ? undefined : JSON.stringify(ids.map((id) => [id, widgets.get(id)]));
      },
    });
    try {
      let runs = 0;
      const released: unknown[] = [];
      const loadModel = cacheResource(
        function loadModelWithWidgets(name: string) {
          runs++;
          return { name, pretrained: widgets.get("checkbox:pretrained") };
        },
        { experimentalAllowWidgets: true, onRelease: (v) => void released.push(v) },
      );
      const off = loadModel("resnet");
      assert.equal(loadModel("resnet"), off);
      widgets.set("checkbox:pretrained", true);
      const on = loadModel("resnet");
      assert.notEqual(on, off);
      assert.equal(on.pretrained, true);
      assert.equal(loadModel("resnet"), on);
      widgets.set("checkbox:pretrained", false);
      assert.equal(loadModel("resnet"), off, "the earlier state still has its entry");
      assert.equal(runs, 2);
      await loadModel.clear("resnet");
      assert.equal(released.length, 2);
      assert.equal(loadModel.stats().entries, 0);
    } finally {
      setHost(previous);
    }
  });
});

describe("background refresh goes through the host", () => {
  test("it is marked as a refresh, shows no spinner, and its recording replaces the old one", async () => {
    const { ManualClock, flush } = await import("../support/manual-clock.js");
    const clock = new ManualClock();
    const misses: MissInfo[] = [];
    const replays: unknown[] = [];
    const previous = setHost({
      beginMiss(info) {
        misses.push(info);
        const n = misses.length;
        return { run: (compute) => compute(), end: () => `recording-${n}` };
      },
      replay: (recording) => void replays.push(recording),
    });
    try {
      let version = 0;
      const load = cacheResource(function refreshedThroughHost() {
        return { version: ++version };
      }, { ttl: 10, refreshMode: "background", clock });
      load();
      load();
      clock.advance(15_000);
      load(); // stale: served at once, refresh starts
      await flush();
      load();
      assert.deepEqual(misses.map((m) => [m.refresh, m.spinnerText === undefined]), [[false, false], [true, true]]);
      assert.deepEqual(replays, ["recording-1", "recording-1", "recording-2"]);
    } finally {
      setHost(previous);
    }
  });
});

describe("waiters and the host", () => {
  test("a call waiting on another's computation gets beginWait/end, on success and on failure", async () => {
    const events: string[] = [];
    const previous = setHost({
      beginMiss: () => ({ run: (compute) => compute(), end: () => undefined }),
      beginWait(info) {
        events.push(`wait ${info.functionName} ${info.spinnerText}`);
        return { end: () => void events.push("end") };
      },
      replay() {},
    });
    try {
      let gate = deferred<number>();
      const shared = cacheResource(function waitedOn(n: number) {
        return gate.promise.then(() => n);
      });
      const first = shared(1);
      const second = shared(1);
      assert.deepEqual(events, ["wait waitedOn Running `waitedOn(...)`."], "only the waiter waits");
      gate.resolve(0);
      assert.equal(await second, 1);
      await first;
      assert.deepEqual(events.slice(1), ["end"]);
      gate = deferred<number>();
      const failing = shared(2);
      const waiter = shared(2);
      gate.reject(new Error("down"));
      await assert.rejects(waiter, /down/);
      await assert.rejects(failing, /down/);
      assert.deepEqual(events.slice(2), ["wait waitedOn Running `waitedOn(...)`.", "end"]);
    } finally {
      setHost(previous);
    }
  });
});
