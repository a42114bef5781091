/**
 * The error for an argument that cannot be hashed names what the user wrote: the parameter as it
 * is in their source (tsx/esbuild renames a parameter that shadows a module-level name, `db` →
 * `db2`: this file is itself run through tsx, so it is transformed the way users' code is), and
 * the argument's own class as the `hashFuncs` entry to add, before the path to the nested value
 * that could not be hashed (for a PGlite client, a Promise deep inside it).
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { PGlite } from "@electric-sql/pglite";
import { cacheResource, UnhashableParamError } from "../../src/index.js";

// Module-level names that the cached functions' parameters shadow, as in an app's module.
const db = new PGlite();
const opts = { region: "eu" };
after(() => db.close());

function countRowsSource(db: PGlite, table: string) {
  return db.query(`select count(*) from ${table}`);
}

function unhashable(call: () => unknown): UnhashableParamError {
  try {
    call();
  } catch (error) {
    if (error instanceof UnhashableParamError) return error;
    throw error;
  }
  assert.fail("expected an UnhashableParamError");
}

test("premise: the transform renamed the shadowing parameters", () => {
  assert.match(String(countRowsSource), /\(db2, ?table\)/);
});

test("a PGlite client argument: the source's parameter name, its class as the entry to add, then the path", () => {
  const countRows = cacheResource(async function countRows(db: PGlite, table: string) {
    return (await db.query(`select count(*) from ${table}`)).rows;
  });
  const error = unhashable(() => countRows(db, "users"));
  assert.deepEqual(error.parameter, { name: "db", position: 0 });
  // PGlite ships minified: its class is named `q` or `Q`, depending on the build loaded.
  const className = (db.constructor as Function).name;
  assert.equal(error.argumentClass, className);
  assert.ok(!error.message.includes("db2"), error.message);
  assert.ok(
    error.message.startsWith(`Cannot hash argument \`db\` (position 0) of \`countRows()\`: it is a \`${className}\`, and the value at \`db.`),
    error.message,
  );
  assert.match(error.message, /inside it is of type `Promise`/);
  assert.match(error.message, /rename the parameter to `_db`/);
  assert.ok(error.message.includes(`add a \`hashFuncs\` entry for \`${className}\`, the argument's class (keyed by the class itself`), error.message);
  assert.ok(!/entry for `Promise`/.test(error.message), "not an entry for the nested Promise");
});

test("the entry the error suggests works, and so does excluding the parameter by its source name", async () => {
  const byClass = cacheResource(async function tables(db: PGlite) {
    return (await db.query<{ n: number }>("select 1 as n")).rows[0]!.n;
  }, { hashFuncs: new Map([[PGlite, (client: PGlite) => client.dataDir ?? "memory"]]) });
  assert.equal(await byClass(db), 1);
  const byName = cacheResource(async function tables2(db: PGlite, table: string) {
    return `${table}:${(await db.query<{ n: number }>("select 2 as n")).rows[0]!.n}`;
  }, { exclude: ["db"] });
  assert.equal(await byName(db, "users"), "users:2");
  assert.equal(await byName(new PGlite(), "users"), "users:2", "a different client, the same entry");
});

test("a class instance holding something unhashable: the class is the entry to add", () => {
  class Client {
    constructor(readonly registry = new WeakMap()) {}
  }
  const connect = cacheResource(function connect(opts: Client) { return { opts }; });
  const error = unhashable(() => connect(new Client()));
  assert.equal(error.parameter.name, "opts", "the source's name, not opts2");
  assert.equal(error.typeName, "WeakMap");
  assert.equal(error.argumentClass, "Client");
  assert.match(error.message, /it is a `Client`, and the value at `opts\.registry` inside it is of type `WeakMap`/);
  assert.match(error.message, /hashFuncs` entry for `Client`/);
});

test("plain data holding something unhashable: the failing value's type is the entry to add", () => {
  const connect = cacheResource(function connect(opts: { pending: Promise<void> }) { return { opts }; });
  const error = unhashable(() => connect({ pending: Promise.resolve() }));
  assert.equal(error.argumentClass, undefined);
  assert.match(error.message, /the value at `opts\.pending` is of type `Promise`/);
  assert.match(error.message, /hashFuncs` entry for `Promise`/);
  void opts;
});

// More module-level names for the parameters below to shadow.
const conn = "module conn";
const rows = ["module rows"];
const rest = 0;
const region = "module region";

/** The name the keyer gives position `i`: read from the error for an unhashable argument there. */
function nameAt(fn: (...args: never[]) => unknown, position: number, arity: number): string | undefined {
  const args: unknown[] = Array.from({ length: arity }, () => "x");
  args[position] = new WeakMap();
  return unhashable(() => (fn as (...a: unknown[]) => unknown)(...args)).parameter.name;
}

test("TypeScript parameter lists: generics with commas, defaults, a `this` parameter, rest", () => {
  const query = cacheResource(function query(this: void, conn: Map<string, Array<[number, string]>>, rows: Record<string, number> = {}, ...rest: unknown[]) {
    return [conn, rows, rest];
  }, { exclude: ["rest"] });
  assert.match(String(Object.getOwnPropertyDescriptor(query, "name")?.value), /query/);
  assert.equal(nameAt(query as never, 0, 2), "conn");
  assert.equal(nameAt(query as never, 1, 2), "rows");
  assert.equal(query(new Map(), {}, new WeakMap()), query(new Map(), {}, new WeakSet()), "`...rest` excluded by its source name");
  void [conn, rows, rest];
});

test("a function defined elsewhere in the module and wrapped by reference", () => {
  const cached = cacheResource(definedLater);
  assert.equal(nameAt(cached as never, 0, 1), "region");
  void region;
});

function definedLater(region: string) {
  return { region };
}
