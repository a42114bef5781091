/**
 * README.md's TypeScript examples, type-checked by `npm run typecheck` (tsc over test/). They sit
 * in functions that are never called: the helpers they use are only declared.
 */
import { test } from "node:test";
import { readFileSync } from "node:fs";
import assert from "node:assert/strict";
import { cacheResource, runInSession, endSession } from "cache-resource";
import { st } from "../src/index.js";
import winkNLP from "wink-nlp";
import model from "wink-eng-lite-web-model";

// Minimal declarations for the helpers the README leaves undefined.
declare const pg: { Pool: new (config: { connectionString: string }) => { end(): Promise<void> } };
declare class Pool {
  constructor(config: { url: string });
  ended: boolean;
  end(): Promise<void>;
}
declare class Client {
  constructor(region: string);
  isAlive(): boolean;
}
declare class ApiClient {
  constructor(config: { region: string; token: string });
  orders(): Promise<unknown[]>;
  close(): void;
}
interface Session { url: string }
interface SessionMaker { connect(url: string): Session }
interface Factory { open(url: string): Session }
interface Model { dispose(): void; eval(): void }
declare function createSession(url: string): Session;
declare function createSessionmaker(): SessionMaker;
declare function loadModel(name: string): Promise<Model>;
declare function downloadAndLoad(name: string): Promise<Model>;
declare function loadResnet(): Model;
declare function currentUserToken(): string;
declare function connect(url: string): Pool;
declare function makeClient(): Client;
declare function onSessionDestroyed(callback: (id: string) => void): void;
declare const SESSION_URL_1: string;
declare const SESSION_URL_2: string;
declare const DATA_URL_1: string;
declare const sessionmaker: SessionMaker;
declare const requests: unknown[];
declare const client: { connect(url: string): Pool };
declare const app: {
  use(handler: (req: { session: { id: string } }, res: unknown, next: () => void) => void): void;
  get(path: string, handler: (req: unknown, res: { json(body: unknown): void }) => Promise<void>): void;
};

export async function intro() {
  const getDb = cacheResource(
    function getDb(url: string) {
      return new pg.Pool({ connectionString: url });
    },
    { onRelease: (pool) => pool.end() },
  );

  const db = getDb(process.env.DATABASE_URL!); // created on the first call
  getDb(process.env.DATABASE_URL!) === db;    // true: the same pool, every time
}

export async function streamlitDocExamples() {
  {
    const getDatabaseSession = cacheResource(function getDatabaseSession(url: string) {
      return createSession(url);
    });
    const s1 = getDatabaseSession(SESSION_URL_1);
    const s2 = getDatabaseSession(SESSION_URL_1);
    const s3 = getDatabaseSession(SESSION_URL_2);
    void [s1, s2, s3];
  }
  const getDatabaseSession = cacheResource(function getDatabaseSession(_sessionmaker: SessionMaker, url: string) {
    return _sessionmaker.connect(url);
  });
  const s1 = getDatabaseSession(createSessionmaker(), DATA_URL_1);
  const s2 = getDatabaseSession(createSessionmaker(), DATA_URL_1);
  void [s1, s2];

  await getDatabaseSession.clear(sessionmaker, "https://streamlit.io/");
  await getDatabaseSession.clear();
  await cacheResource.clear();

  class Person {
    constructor(readonly name: string) {}
    toString() {
      return this.name;
    }
  }
  const getPersonName = cacheResource((person: Person) => person.name, {
    hashFuncs: new Map([[Person, (p: Person) => String(p)]]),
  });
  const getPersonName2 = cacheResource((person: Person) => person.name, {
    hashFuncs: new Map([["Person", (p: Person) => String(p)]]),
  });
  void [getPersonName, getPersonName2];

  const getModel = cacheResource(async (name: string) => loadModel(name), { ttl: "1h", maxEntries: 4 });
  await Promise.all(requests.map(() => getModel("sentiment")));
}

export function callForms() {
  const getDb = cacheResource(function getDb(url: string) { return new Pool({ url }); });
  const getModel = cacheResource(async (name: string) => loadModel(name), { ttl: "1h", maxEntries: 4 });

  const withOpts = cacheResource({ ttl: 3600, validate: (c: Client) => c.isAlive() }); // a decorator
  const getClient = withOpts(function getClient(region: string) { return new Client(region); });

  class Services {
    @cacheResource({ ttl: "10m" })
    connect(url: string) {
      return new Pool({ url });
    }
  }
  void [getDb, getModel, getClient, Services];
}

export function optionExamples() {
  cacheResource(connect, { ttl: "1h" });
  cacheResource(loadModel, { maxEntries: 4 });
  cacheResource(loadModel, { showSpinner: "Loading the model...", showTime: true });
  cacheResource(connect, { validate: (pool) => !pool.ended });
  cacheResource(connect, { onRelease: (pool, reason) => pool.end() });
  cacheResource((factory: Factory, url: string) => factory.open(url), { exclude: [0] });
  cacheResource(makeClient, { scope: "session" });
  cacheResource(loadModel, { ttl: "10m", refreshMode: "background" });
  cacheResource(client.connect.bind(client), { name: "connect" });
}

export function argumentKeys() {
  const query = cacheResource(function query(_pool: Pool, sql: string) { /* ... */ });
  const getFile = cacheResource((path: string) => readFileSync(path), { sizeOf: (buffer) => buffer.byteLength });
  const bytes: number | undefined = getFile.stats().bytes;
  void bytes;
  const queryMin = cacheResource((pool: Pool, sql: string) => { /* ... */ }, { exclude: [0] }); // survives minification
  const queryByName = cacheResource((pool: Pool, sql: string) => { /* ... */ }, { exclude: ["pool"] }); // unminified code only
  void [query, queryMin, queryByName];
}

export function sessions() {
  const getApiClient = cacheResource(
    (region: string) => new ApiClient({ region, token: currentUserToken() }),
    { scope: "session", maxEntries: 3, onRelease: (client) => client.close() },
  );

  app.use((req, res, next) => runInSession(req.session.id, next));
  app.get("/orders", async (req, res) => res.json(await getApiClient("eu").orders()));
  onSessionDestroyed((id) => endSession(id));
}

export function backgroundRefresh() {
  const getModel = cacheResource(async (name: string) => downloadAndLoad(name), {
    ttl: "10m",
    refreshMode: "background",
    onRelease: (model) => model.dispose(),
  });
  void getModel;
}

export function eventsAndStats() {
  const getModel = cacheResource(async (name: string) => loadModel(name), { name: "readme-events-getModel" });
  const stop = cacheResource.events.subscribe((event) => {
    if (event.type === "computed") console.log(`${event.functionName} built in ${event.durationMs.toFixed(0)} ms`);
    if (event.type === "release") console.log(`${event.functionName} released (${event.reason})`);
    if (event.type === "error") console.error(`${event.functionName} ${event.phase} failed`, event.error);
  });
  getModel.stats();
  cacheResource.stats();
  stop();
}

export function appRuntime() {
  const loadModel = st.cacheResource(function loadModel() {
    return winkNLP(model);
  });

  return async function app() {
    st.title("Sentiment");
    const nlp = loadModel();
    const text = st.textInput("Text", { value: "What a lovely day" });
    const [score, mood] = st.columns(2);
    const s = nlp.readDoc(text).out(nlp.its.sentiment) as unknown as number;
    // The README omits the `!`s: `columns()` returns an array, so with `noUncheckedIndexedAccess`
    // (this repo's setting) the elements are possibly undefined.
    score.metric("Sentiment", s.toFixed(2));
    mood.with(() => st.write(s > 0 ? "**positive**" : "**negative**"));
  };
}

export function commandsInCachedFunctions() {
  const loadModel = st.cacheResource(function loadModel() {
    st.header("Data analysis");
    const model = loadResnet();
    st.success("Loaded model!");
    st.write("Turning on evaluation mode...");
    model.eval();
    st.write("Here's the model:");
    return model;
  });
  void loadModel;
}

export async function leasesAndShutdown(url: string, server: { close(): void }) {
  const getDb = cacheResource(async (dbUrl: string) => new Pool({ url: dbUrl }), { onRelease: (pool) => pool.end() });
  const getConfig = cacheResource((env: string) => ({ env }));
  {
    await using lease = await getDb.acquire(url); // async function: Promise<Lease>
    using cfg = getConfig.acquire("prod"); // sync function: a Lease, at once
    void lease.value;
    lease.release();
    void cfg;
  }
  cacheResource.releaseOnExit();
  server.close();
  await cacheResource.shutdown({ timeout: "10s" });
  // Options examples.
  const openDb = (path: string) => ({ path, async [Symbol.asyncDispose]() {} });
  cacheResource(openDb, { onRelease: "dispose" });
  cacheResource(connect, { onRelease: (pool) => pool.end(), drainTimeout: "2m" });
}

test("README examples type-check (checked by tsc, not run)", () => {
  assert.ok(true);
});
