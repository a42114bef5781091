/**
 * Parameter names read from a function's source text, so that a parameter called `_conn` can be
 * left out of the cache key (as Streamlit does with `_sessionmaker`).
 *
 * Minifiers rename parameters, which is why the keyer also accepts explicit `exclude` positions.
 */
import { Lexer, type Token } from "./scan.js";

/** What {@link parameterNames} found. */
export interface ParameterNames {
  /**
   * Name of each declared parameter by position; `undefined` for destructured parameters and for
   * the rest parameter (whose name, if any, is in `restName`).
   */
  names: (string | undefined)[];
  /** Position of the `...rest` parameter, if there is one. */
  restIndex: number | undefined;
  /** Name of the rest parameter when it is a plain identifier (`...args` → `"args"`). */
  restName?: string | undefined;
}

const NO_PARAMS: ParameterNames = Object.freeze({ names: [], restIndex: undefined });

const NATIVE_SOURCE = /\{\s*\[native code\]\s*\}\s*$/;

/**
 * Reads the parameter names of `fn` from `Function.prototype.toString`.
 *
 * Handles function declarations and expressions (async, generator), arrows with and without
 * parentheses, object and class methods (getters, computed names), class constructors, default
 * values of any complexity, destructuring, rest parameters and comments. Native and bound
 * functions print no parameters, so they report none (every argument is then unnamed).
 *
 * @example
 * parameterNames((a, { b }, ...rest) => 0)
 * // → { names: ["a", undefined, undefined], restIndex: 2, restName: "rest" }
 */
export function parameterNames(fn: Function): ParameterNames {
  let source: string;
  try {
    source = Function.prototype.toString.call(fn);
  } catch {
    return { names: [], restIndex: undefined };
  }
  if (NATIVE_SOURCE.test(source)) return { names: [], restIndex: undefined };
  try {
    return parseSource(source);
  } catch {
    // Unreadable source (should not happen for engine-printed functions): treat every
    // argument as unnamed, which hashes them all — the safe default.
    return { names: [], restIndex: undefined };
  }
}

function parseSource(source: string): ParameterNames {
  const lexer = new Lexer(source);
  const first = lexer.next();
  if (first.kind === "ident" && first.value === "class") return classConstructorParams(lexer);
  let previous: Token | undefined;
  for (let t: Token = first; t.kind !== "eof"; t = lexer.next()) {
    if (t.kind === "punct") {
      if (t.value === "(") return readParamList(lexer);
      if (t.value === "=>") {
        // `a => …` or `async a => …`: the identifier right before the arrow is the parameter.
        return previous?.kind === "ident" ? { names: [previous.value], restIndex: undefined } : NO_PARAMS;
      }
      if (t.value === "[") skipBalanced(lexer, "[", "]"); // computed method name
    }
    previous = t;
  }
  return { names: [], restIndex: undefined };
}

/** Skips tokens until the closer matching an opener the lexer just returned. */
function skipBalanced(lexer: Lexer, open: string, close: string): void {
  let depth = 1;
  for (let t = lexer.next(); t.kind !== "eof"; t = lexer.next()) {
    if (t.kind !== "punct") continue;
    if (t.value === open) depth++;
    else if (t.value === close && --depth === 0) return;
  }
}

/** Reads the parameters after the `(` the lexer just returned, up to its matching `)`. */
function readParamList(lexer: Lexer): ParameterNames {
  const { closed: _, ...params } = scanParams(lexer, false);
  return params;
}

/** TypeScript's parameter modifiers: they come before the name (`constructor(private db: Db)`). */
const MODIFIERS = new Set(["public", "private", "protected", "readonly", "override"]);

/**
 * Scans a parameter list after its `(` up to the matching `)`: the name of each parameter (or
 * undefined when it is a pattern), and which one is the rest parameter. `typed`: the list is
 * TypeScript source, where types may hold commas inside `<…>` and decorators and modifiers come
 * before a name; in JavaScript `<` is a comparison (`a = b < c ? 1 : 2`) and `readonly` may be
 * a name. `closed` is false when the text ended before the list did.
 */
export function scanParams(lexer: Lexer, typed: boolean): ParameterNames & { readonly closed: boolean } {
  const names: (string | undefined)[] = [];
  let restIndex: number | undefined;
  let restName: string | undefined;
  let depth = 0;
  let angles = 0;
  let inType = false;
  let atStart = true; // at the first token of a parameter
  let isRest = false;
  let t: Token;
  for (t = lexer.next(); t.kind !== "eof"; t = lexer.next()) {
    if (atStart) {
      if (t.kind === "punct" && t.value === ")") break; // `()` or a trailing comma
      if (t.kind === "punct" && t.value === "...") {
        isRest = true;
        continue;
      }
      if (typed && t.kind === "punct" && t.value === "@") {
        skipDecorator(lexer);
        continue;
      }
      if (typed && t.kind === "ident" && MODIFIERS.has(t.value)) continue;
      atStart = false;
      const name = t.kind === "ident" ? t.value : undefined;
      if (isRest) {
        restIndex = names.length;
        restName = name;
        names.push(undefined);
      } else {
        names.push(name);
      }
    }
    if (t.kind !== "punct") continue;
    const p = t.value;
    if (p === "(" || p === "[" || p === "{") depth++;
    else if (p === "]" || p === "}") depth--;
    else if (p === ")") {
      if (depth === 0) break;
      depth--;
    } else if (typed && depth === 0 && p === ":") inType = true;
    else if (typed && depth === 0 && p === "=") inType = false;
    else if (depth === 0 && inType && p === "<") angles++;
    else if (depth === 0 && inType && p === ">") angles = Math.max(0, angles - 1);
    else if (p === "," && depth === 0 && angles === 0) {
      atStart = true;
      isRest = false;
      inType = false;
    }
  }
  const closed = t.kind !== "eof";
  return restIndex === undefined ? { names, restIndex, closed } : { names, restIndex, restName, closed };
}

/** Skips `@name`, `@a.b` or `@name(…)` after the `@` the lexer just returned. */
function skipDecorator(lexer: Lexer): void {
  for (;;) {
    const saved = lexer.pos;
    const t = lexer.next();
    if (t.kind === "ident" || (t.kind === "punct" && t.value === ".")) continue;
    if (t.kind === "punct" && t.value === "(") {
      let depth = 1;
      for (let u = lexer.next(); u.kind !== "eof" && depth > 0; u = lexer.next()) {
        if (u.kind === "punct" && u.value === "(") depth++;
        else if (u.kind === "punct" && u.value === ")") depth--;
      }
      return;
    }
    lexer.pos = saved;
    return;
  }
}

/** A class prints its whole body: find `constructor(` among the members at body depth. */
function classConstructorParams(lexer: Lexer): ParameterNames {
  let hasHeritage = false;
  // Header: `class Name extends Expr {` — the heritage expression may hold brackets.
  for (let t = lexer.next(); ; t = lexer.next()) {
    if (t.kind === "eof") return NO_PARAMS;
    if (t.kind === "ident" && t.value === "extends") hasHeritage = true;
    if (t.kind !== "punct") continue;
    if (t.value === "{") break;
    if (t.value === "(") skipBalanced(lexer, "(", ")");
    else if (t.value === "[") skipBalanced(lexer, "[", "]");
  }
  let depth = 1;
  let previous: Token | undefined;
  let beforePrevious: Token | undefined;
  for (let t = lexer.next(); t.kind !== "eof"; t = lexer.next()) {
    if (t.kind === "punct") {
      if (t.value === "{" || t.value === "(" || t.value === "[") {
        const isCtor =
          depth === 1 &&
          t.value === "(" &&
          (previous?.kind === "ident" || previous?.kind === "string") &&
          previous.value.replace(/^["']|["']$/g, "") === "constructor" &&
          // `static constructor() {}` is an ordinary static method.
          !(beforePrevious?.kind === "ident" && beforePrevious.value === "static");
        if (isCtor) return readParamList(lexer);
        depth++;
      } else if (t.value === "}" || t.value === ")" || t.value === "]") {
        if (--depth === 0) break;
      }
    }
    beforePrevious = previous;
    previous = t;
  }
  // No explicit constructor: a derived class forwards `...args`, a base class takes none.
  return hasHeritage ? { names: [undefined], restIndex: 0 } : { names: [], restIndex: undefined };
}
