/**
 * The hit path with and without someone watching: nothing subscribed (what every application
 * pays for the diagnostics channels it does not use), a `cache-resource:hit` subscriber (what an
 * APM such as `@cache-resource/otel` adds), and a listener on the event stream.
 *
 * A subscriber lives as long as the process, so each state is timed in its own phase, against the
 * `Map.get` floor timed alongside it; subscribing and unsubscribing between samples would make
 * the shared hit code deoptimize and measure that instead. The nothing-subscribed phase runs
 * first, in a process where nothing has subscribed yet.
 */
import diagnostics from "node:diagnostics_channel";
import { cacheResource, CHANNELS } from "cache-resource";
import { DB_URL, FakePool, type Row, type ScenarioResult } from "../fixtures.js";
import { formatValue } from "../report.js";
import { timeSync } from "../harness.js";

const OURS = "cacheResource, nothing subscribed";
const HIT = "cacheResource, `cache-resource:hit` subscribed";
const EVENTS = "cacheResource, `cacheResource.events` listener";

export function observedHit(): ScenarioResult {
  const ours = cacheResource(function benchPoolObserved(url: string) {
    return new FakePool(url);
  });
  const map = new Map([[DB_URL, new FakePool(DB_URL)]]);
  const floor = { name: "Map.get (floor)", run: () => map.get(DB_URL) };
  let hits = 0;
  const countHit = () => void hits++;

  /** Times `ours` in the current state, interleaved with the floor. */
  const phase = (name: string) => {
    const [timing, floorTiming] = timeSync([{ name, run: () => ours(DB_URL) }, floor]);
    return { timing: timing!, floorNs: floorTiming!.medianNs };
  };
  const quiet = phase(OURS);
  diagnostics.subscribe(CHANNELS.hit, countHit);
  const hit = phase(HIT);
  diagnostics.unsubscribe(CHANNELS.hit, countHit);
  const stop = cacheResource.events.subscribe(countHit);
  const events = phase(EVENTS);
  stop();
  if (hits === 0) throw new Error("hit-observed: the subscribed phases saw no hit");

  const row = (p: typeof quiet, note: string): Row => ({
    name: p.timing.name,
    value: p.timing.medianNs,
    ours: p === quiet,
    extra: { "Map.get in the same phase": `${formatValue(p.floorNs)} ns` },
    note,
  });
  return {
    id: "hit-observed",
    title: "Hit, one primitive argument, with and without a subscriber (`getPool(url)`)",
    unit: "median ns/op",
    ratios: true,
    rows: [
      row(quiet, "no subscriber on any `cache-resource:*` diagnostics channel nor on the event stream"),
      row(hit, "a subscriber counting hit messages (a message is built only because someone listens)"),
      row(events, "a listener counting events on `cacheResource.events` (each event reads the clock)"),
    ],
    notes: ["Each row is timed in its own phase (a subscriber stays for the life of a process), against `Map.get` timed alongside it."],
  };
}
