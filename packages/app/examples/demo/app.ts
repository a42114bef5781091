/**
 * The cache-resource demo: `npm start`, then open http://localhost:8501.
 *
 * Two expensive resources, each created once by `st.cacheResource` and shared by every rerun and
 * every browser tab: a real Postgres database (PGlite, in memory, in WebAssembly) and an English
 * NLP model (wink-nlp). A third, session-scoped resource lives as long as your tab. Everything is
 * embedded: nothing to set up, no network.
 */
import { randomUUID } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import winkNLP from "wink-nlp";
import model from "wink-eng-lite-web-model";

import { st } from "@cache-resource/app";
import { REVIEWS } from "./reviews.js";
import { formatMs, recentEvents, startEventLog } from "./event-log.js";

startEventLog();

/**
 * The database "connection": created on the first run, then shared by every session. Released with
 * PGlite's own `[Symbol.asyncDispose]` (it closes the database) when it leaves the cache: "Clear
 * all", or Ctrl+C, which releases every cached resource before the process exits.
 */
const getDb = st.cacheResource(
  async function getDb() {
    const db = new PGlite(); // in memory
    await db.exec(`
      create table reviews (
        id serial primary key,
        product text not null,
        rating int not null check (rating between 1 and 5),
        body text not null
      )`);
    for (const r of REVIEWS) {
      await db.query("insert into reviews (product, rating, body) values ($1, $2, $3)", [r.product, r.rating, r.body]);
    }
    return db;
  },
  { showTime: true, validate: (db) => !db.closed, onRelease: "dispose" },
);

/**
 * The NLP model: loaded once, shared by everyone. Its callout is recorded on the miss and replayed
 * on every hit, so every run and every tab shows it in the same place.
 */
const getNlp = st.cacheResource(function getNlp() {
  const nlp = winkNLP(model);
  st.success("Loaded the NLP model (wink-nlp). This callout is replayed from the cache on every rerun.");
  return nlp;
});

type Nlp = ReturnType<typeof getNlp>;

/** A per-tab "API client": each browser tab gets its own, released when the tab closes. */
class ReviewClient {
  readonly id = randomUUID().slice(0, 8);
  readonly createdAt = new Date();
  requests = 0;

  constructor(private readonly nlp: Nlp) {}

  /** Sentiment in [-1, 1] and named entities of `text`. */
  analyse(text: string): { sentiment: number; entities: { value: string; type: string }[]; sentences: number } {
    this.requests++;
    const its = this.nlp.its;
    const doc = this.nlp.readDoc(text);
    return {
      sentiment: doc.out(its.sentiment) as unknown as number,
      entities: doc.entities().out(its.detail) as unknown as { value: string; type: string }[],
      sentences: doc.sentences().length(),
    };
  }

  close(): void {
    console.log(`demo: released client ${this.id} after ${this.requests} requests`);
  }
}

const getClient = st.cacheResource(
  function getClient() {
    return new ReviewClient(getNlp());
  },
  { scope: "session", onRelease: (client) => client.close() },
);

const STARS = ["", "★☆☆☆☆", "★★☆☆☆", "★★★☆☆", "★★★★☆", "★★★★★"];

function mood(score: number): string {
  if (score > 0.15) return "positive";
  if (score < -0.15) return "negative";
  return "neutral";
}

/** The script: rerun top to bottom for each tab on every interaction. */
export default async function app(): Promise<void> {
  st.title("Review explorer");
  st.caption(
    "A Postgres database (PGlite) and an NLP model (wink-nlp), each created **once** by " +
      "`st.cacheResource` and shared by every rerun and every browser tab.",
  );

  // A lease for the whole run: "Clear all" in another tab (or Ctrl+C) while this run queries the
  // database closes it only once the run is done with it.
  await using lease = await getDb.acquire();
  const db = lease.value;
  const client = getClient();

  st.header("Analyse a text");
  const text = st.textInput("Text to analyse", {
    value: "Love these headphones, bought on 3rd March for $199! #audio",
    maxChars: 2_000,
    help: "Press Enter to analyse.",
  });
  if (text.trim() !== "") {
    const result = client.analyse(text);
    const [score, label, sentences] = st.columns(3);
    score.metric("Sentiment", result.sentiment.toFixed(2));
    label.metric("Mood", mood(result.sentiment));
    sentences.metric("Sentences", result.sentences);
    if (result.entities.length > 0) st.table(result.entities.map((e) => ({ entity: e.value, type: e.type })));
    else st.caption("No named entities found.");
  }

  st.header("Query the reviews");
  const [left, right] = st.columns([3, 2], { gap: "medium" });
  const rating = left!.selectbox("Rating", ["any", 5, 4, 3, 2, 1] as const, {
    formatFunc: (r) => (r === "any" ? "Any rating" : STARS[r]!),
  });
  const limit = right!.slider("Rows", { min: 1, max: 20, value: 5 });
  const started = performance.now();
  const { rows } = await db.query<{ product: string; rating: number; body: string }>(
    "select product, rating, body from reviews where ($1::int is null or rating = $1) order by id limit $2",
    [rating === "any" || rating === null ? null : rating, limit],
  );
  const queryMs = performance.now() - started;
  st.table(
    rows.map((r) => {
      const sentiment = client.analyse(r.body).sentiment;
      return { product: r.product, rating: STARS[r.rating] ?? "", review: r.body, sentiment: sentiment.toFixed(2) };
    }),
  );
  st.caption(`${rows.length} rows in ${queryMs.toFixed(1)} ms from the cached database connection.`);

  st.header("Your session");
  st.markdown(
    `This tab has its own API client \`${client.id}\`, created at ${client.createdAt.toLocaleTimeString("en-GB")} ` +
      `(\`scope: "session"\`). It has handled **${client.requests}** requests. Another tab gets another ` +
      "client; closing the tab releases it.",
  );

  // Last, so the counters include this run's calls (the sidebar can be written at any time).
  sidebar();
}

function sidebar(): void {
  const side = st.sidebar;
  side.header("Cache");
  const stats = st.cacheResource.stats();
  const [entries, hits, misses] = side.columns(3);
  entries.metric("Entries", stats.entries);
  hits.metric("Hits", stats.hits);
  misses.metric("Misses", stats.misses);
  side.table(
    stats.functions.map((f) => ({
      function: `${f.functionName}()`,
      hits: f.hits,
      misses: f.misses,
      time: f.misses === 0 ? "" : formatMs(f.meanComputeMs),
    })),
  );
  side.caption("Time: mean time to compute, incl. nested cached calls (`getClient()` includes loading `getNlp()`).");
  const released = stats.releases["session-end"] ?? 0;
  if (released > 0) side.caption(`${released} session resource(s) released when their tab closed.`);
  if (side.button("Clear all", { help: "cacheResource.clear(): every entry of every cached function" })) {
    void st.cacheResource.clear();
    st.rerun();
  }
  side.subheader("Recent events");
  const events = recentEvents();
  side.caption(events.length === 0 ? "_none yet_" : events.map((e) => `- ${e}`).join("\n"));
}
