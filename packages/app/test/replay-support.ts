/** Helpers of the element-replay tests: sessions driven without a browser, a host that keeps recordings. */
import { setHost } from "cache-resource";
import { installedHost } from "cache-resource/host";
import type { CacheHost, MissInfo, MissScope } from "cache-resource/host";
import { st } from "../src/index.js";
import { AppHost } from "../src/host.js";
import type { Element, ServerMessage } from "../src/protocol.js";
import type { LoadedScript } from "../src/script/runner.js";
import { AppSession } from "../src/server/session.js";
import { waitUntil } from "./support.js";

/** The app host, plus every recording its misses returned (in order), for inspection. */
export class RecordingHost implements CacheHost {
  readonly app = new AppHost();
  readonly recordings: { functionName: string; recording: unknown }[] = [];

  beginMiss(miss: MissInfo): MissScope {
    const scope = this.app.beginMiss(miss);
    return {
      run: (compute) => scope.run(compute),
      end: (outcome) => {
        const recording = scope.end(outcome);
        this.recordings.push({ functionName: miss.functionName, recording });
        return recording;
      },
    };
  }

  replay(recording: unknown, functionName: string): void {
    this.app.replay(recording, functionName);
  }

  widgetState(recording: unknown): string | undefined {
    return this.app.widgetState(recording);
  }

  /** The last recording `functionName` returned. */
  last(functionName: string): unknown {
    return this.recordings.filter((r) => r.functionName === functionName).at(-1)?.recording;
  }
}

/** Runs `body` with `host` installed for every cached function, then restores the previous host. */
export async function withHost<T extends CacheHost>(host: T, body: (host: T) => Promise<void> | void): Promise<void> {
  const previous = installedHost();
  setHost(host);
  try {
    await body(host);
  } finally {
    setHost(previous);
  }
}

/** A short, readable description of an element, e.g. `h2 Data analysis` or `checkbox Pretrained=true`. */
export function describeElement(element: Element): string {
  const text = (html: string) =>
    html
      .replace(/<[^>]*>/g, "")
      .replace(/&#39;/g, "'")
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&amp;/g, "&")
      .trim();
  switch (element.kind) {
    case "heading":
      return `h${element.level} ${text(element.html)}`;
    case "markdown":
    case "caption":
      return `${element.kind} ${text(element.html)}`;
    case "alert":
      return `${element.variant} ${text(element.html)}`;
    case "text":
      return `text ${element.text}`;
    case "exception":
      return `exception ${element.name}: ${element.message}`;
    case "widget":
      return `${element.widget} ${element.label}${"value" in element ? `=${JSON.stringify(element.value)}` : ""}`;
    case "columns":
      return `columns ${element.weights.length}`;
    case "expander":
      return `expander ${element.label}`;
    default:
      return element.kind;
  }
}

/** A session without server or browser: runs are started by hand and their deltas collected. */
export function driveSession(script: () => unknown) {
  const sent: ServerMessage[] = [];
  const errors: unknown[] = [];
  const loaded: LoadedScript = { ok: true, script: script as (st: never) => unknown };
  const session = new AppSession({ send: (m) => sent.push(m), script: () => loaded, st, report: (e) => errors.push(e) });
  const finishedRuns = () => sent.flatMap((m) => (m.type === "runFinished" ? [m.runId] : []));
  return {
    session,
    sent,
    errors,
    /** Starts a run and waits until a run finishes. Returns the id of the finished run. */
    async run(): Promise<number> {
      const before = finishedRuns().length;
      session.requestRerun();
      await waitUntil(() => finishedRuns().length > before, "a run finished");
      return finishedRuns().at(-1)!;
    },
    /** What run `runId` wrote: `path element` lines in the order they were sent. */
    view(runId: number): string[] {
      return sent.flatMap((m) => (m.type === "delta" && m.runId === runId ? [`${m.path.join(".")} ${describeElement(m.element)}`] : []));
    },
    /** The widget element run `runId` sent with `label`. */
    widget(runId: number, label: string) {
      for (const m of sent) {
        if (m.type === "delta" && m.runId === runId && m.element.kind === "widget" && m.element.label === label) return m.element;
      }
      return undefined;
    },
  };
}
