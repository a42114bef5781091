import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { transformSync } from "esbuild";
import { parameterNames } from "../../src/keys/keyer.js";

/** Builds a function from source text, exactly as written (no TypeScript transform in between). */
function fromSource(source: string): Function {
  return new Function(`return (${source});`)() as Function;
}

/** Gets a method (or accessor) from an object literal written in source. */
function methodFromSource(objectSource: string, key: string | symbol, kind: "value" | "get" | "set" = "value"): Function {
  const object = new Function(`return (${objectSource});`)() as object;
  const descriptor = Object.getOwnPropertyDescriptor(object, key)!;
  return descriptor[kind] as Function;
}

type Row = [label: string, fn: Function, names: (string | undefined)[], restIndex?: number, restName?: string];

const rows: Row[] = [
  ["function declaration", fromSource("function f(a, b) { return a + b; }"), ["a", "b"]],
  ["no parameters", fromSource("function f() {}"), []],
  ["anonymous function", fromSource("function (a) {}"), ["a"]],
  ["async function", fromSource("async function f(a, b) {}"), ["a", "b"]],
  ["generator", fromSource("function* gen(a, b) {}"), ["a", "b"]],
  ["async generator", fromSource("async function * gen(a) {}"), ["a"]],
  ["arrow with parens", fromSource("(a, b) => a + b"), ["a", "b"]],
  ["arrow without parens", fromSource("a => a * 2"), ["a"]],
  ["async arrow without parens", fromSource("async a => a"), ["a"]],
  ["async arrow with parens", fromSource("async (a, b) => a"), ["a", "b"]],
  ["arrow whose parameter is named async", fromSource("async => async"), ["async"]],
  ["arrow with no parameters", fromSource("() => 1"), []],
  ["object method shorthand", methodFromSource("{ get(a) { return a; } }", "get"), ["a"]],
  ["async generator method", methodFromSource("{ async *gen(a, b) {} }", "gen"), ["a", "b"]],
  ["computed method name", methodFromSource("{ [('x' + (1)) ](a) {} }", "x1"), ["a"]],
  ["computed name with an arrow inside", methodFromSource("{ [((q) => 'k')(0)](a, b) {} }", "k"), ["a", "b"]],
  ["quoted method name", methodFromSource("{ 'a(b'(c) {} }", "a(b"), ["c"]],
  ["getter", methodFromSource("{ get value() { return 1; } }", "value", "get"), []],
  ["setter", methodFromSource("{ set value(v) {} }", "value", "set"), ["v"]],
  [
    "defaults with parens, commas, strings, templates and nested arrows",
    fromSource("(a = (x, y) => x, b = \"),(\", c = `${\"(\"}`, d = ')', e = `a${`b${'}'}`}`) => 0"),
    ["a", "b", "c", "d", "e"],
  ],
  ["default with a regex", fromSource("(a = /\\)[,(]/g, b = 1 / 2, c = [/]/]) => 0"), ["a", "b", "c"]],
  ["default with an object and a call", fromSource("function f(a = { x: [1, 2], y: g(3, 4) }, b) {}"), ["a", "b"]],
  ["destructuring", fromSource("({ a, b }, [c, d], e) => 0"), [undefined, undefined, "e"]],
  ["destructuring with defaults", fromSource("function f({ a = (1, 2) } = {}, [b] = [], c) {}"), [undefined, undefined, "c"]],
  ["rest", fromSource("function f(a, ...args) {}"), ["a", undefined], 1, "args"],
  ["destructured rest", fromSource("(a, ...[b, c]) => 0"), ["a", undefined], 1, undefined],
  [
    "comments anywhere",
    fromSource("function /* ( */ f /* ) */ (a /* , x */, // b, c )\n b /* ) */ = /* , */ 1, c) {}"),
    ["a", "b", "c"],
  ],
  ["trailing comma", fromSource("function f(a, b,) {}"), ["a", "b"]],
  ["unicode and $ names", fromSource("function f($a, _b, ünï, a$1) {}"), ["$a", "_b", "ünï", "a$1"]],
  ["class constructor", fromSource("class A { static x = 1; method(q) {} constructor(a, b) {} }"), ["a", "b"]],
  ["class without constructor", fromSource("class A { m(x) {} }"), []],
  ["derived class without constructor", fromSource("class B extends Object { m(x) {} }"), [undefined], 0],
  ["class with a field containing braces", fromSource("class A { f = { constructor: 1 }; 'constructor'(a) {} }"), ["a"]],
  ["class with a static constructor method", fromSource("class A { static constructor(x) {} constructor(y) {} }"), ["y"]],
  ["class extending a call", fromSource("class A extends (function () { return Object; })() { constructor(a) { super(); } }"), ["a"]],
];

describe("parameterNames", () => {
  for (const [label, fn, names, restIndex, restName] of rows) {
    it(label, () => {
      const parsed = parameterNames(fn);
      assert.deepEqual(parsed.names, names);
      assert.equal(parsed.restIndex, restIndex);
      if (restIndex !== undefined) assert.equal(parsed.restName, restName);
    });
  }

  it("native and bound functions have no readable parameters", () => {
    assert.deepEqual(parameterNames(Math.max).names, []);
    assert.deepEqual(parameterNames(function f(a: number) { return a; }.bind(null)).names, []);
  });

  it("reads functions defined in this TypeScript file (compiled by tsx)", () => {
    function typed(a: string, _conn: { x: number }, { b }: { b: number } = { b: 1 }, ...rest: number[]): number {
      return a.length + b + rest.length;
    }
    assert.deepEqual(parameterNames(typed), { names: ["a", "_conn", undefined, undefined], restIndex: 3, restName: "rest" });
    const arrow = async <T,>(value: T, _ctx?: unknown): Promise<T> => value;
    assert.deepEqual(parameterNames(arrow).names, ["value", "_ctx"]);
    class Service {
      constructor(
        readonly url: string,
        private readonly _pool?: unknown,
      ) {}
    }
    assert.deepEqual(parameterNames(Service).names, ["url", "_pool"]);
  });

  it("reads esbuild output of typed parameters", () => {
    const source = [
      "(function load(url: string, opts: { retries?: number } = {}, _client?: Client, ...tags: string[]): Promise<void> {",
      "  return Promise.resolve();",
      "})",
    ].join("\n");
    const { code } = transformSync(source, { loader: "ts" });
    const fn = new Function(`return ${code.trim().replace(/;$/, "")}`)() as Function;
    assert.deepEqual(parameterNames(fn), { names: ["url", "opts", "_client", undefined], restIndex: 3, restName: "tags" });

    const arrowSource = "(async <T,>(a: T, b: Array<(x: number) => string> = [], c = `(${1})`): Promise<T> => a)";
    const arrow = transformSync(arrowSource, { loader: "ts" }).code;
    assert.deepEqual(parameterNames(new Function(`return ${arrow.trim().replace(/;$/, "")}`)() as Function).names, ["a", "b", "c"]);
  });

  it("reads esbuild output lowered for old targets", () => {
    const { code } = transformSync("(async function get(a: number, b = 2) { return a + b; })", { loader: "ts", target: "es2015" });
    // Lowering keeps the outer signature and moves the body into a generator.
    const fn = new Function(code.replace("(function get", "return (function get"))() as Function;
    assert.deepEqual(parameterNames(fn).names, ["a", "b"]);
  });

  it("reads minified output, where names are gone but positions remain", () => {
    const { code } = transformSync("module.exports = function connect(url, _conn, options) { return [url, _conn, options]; }", {
      minify: true,
    });
    const module = { exports: undefined as unknown };
    new Function("module", code)(module);
    const parsed = parameterNames(module.exports as Function);
    assert.equal(parsed.names.length, 3);
    assert.ok(!parsed.names[1]!.startsWith("_"), "minifiers drop the underscore: that is why `exclude` exists");
  });
});
