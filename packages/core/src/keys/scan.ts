/**
 * A small JavaScript lexer, just enough to read a function's parameter list and to spot
 * `#private` names in a class's source text.
 *
 * It is hand-written instead of a regular expression because parameter lists can hold default
 * values with strings, template literals, regular expressions, comments and nested functions,
 * and a backtracking pattern over user source is both wrong and slow on such input. It only
 * tracks what changes the meaning of a character: strings, templates (with `${}` nesting),
 * comments, regular-expression literals and bracket depth.
 */

/** Kinds of token the lexer reports. */
export type TokenKind = "ident" | "private" | "punct" | "string" | "template" | "regex" | "number" | "eof";

/** One token: its kind and its text (`value`), and where it ends in the source. */
export interface Token {
  readonly kind: TokenKind;
  readonly value: string;
  readonly end: number;
}

const EOF: Token = { kind: "eof", value: "", end: -1 };

/** Words after which a `/` starts a regular expression rather than a division. */
const REGEX_AFTER_WORD = new Set([
  "return", "typeof", "instanceof", "in", "of", "new", "delete", "void", "throw",
  "case", "do", "else", "yield", "await",
]);

const ID_START = /[\p{ID_Start}$_\\]/u;
const ID_PART = /[\p{ID_Continue}$_\\\u200c\u200d]/u;

function isIdStart(ch: string): boolean {
  return ID_START.test(ch);
}

function isIdPart(ch: string): boolean {
  return ID_PART.test(ch);
}

/** Thrown when the source ends inside a string, comment, template or regex. */
export class LexError extends Error {
  override name = "LexError";
}

/**
 * Reads tokens from `src` starting at `pos`. Punctuators are single characters except `=>`,
 * `...`, `++` and `--`, which matter for parameter lists and for telling regexes from division.
 */
export class Lexer {
  pos: number;
  #regexAllowed = true;

  constructor(
    readonly src: string,
    pos = 0,
  ) {
    this.pos = pos;
  }

  /** The next significant token (whitespace and comments are skipped). */
  next(): Token {
    this.#skipTrivia();
    const { src } = this;
    if (this.pos >= src.length) return EOF;
    const start = this.pos;
    const ch = src[start]!;
    let token: Token;
    if (ch === '"' || ch === "'") {
      token = { kind: "string", value: src.slice(start, this.#skipQuoted(start)), end: this.pos };
      this.#regexAllowed = false;
    } else if (ch === "`") {
      this.pos = this.#skipTemplate(start);
      token = { kind: "template", value: src.slice(start, this.pos), end: this.pos };
      this.#regexAllowed = false;
    } else if (ch === "/" && this.#regexAllowed) {
      this.pos = this.#skipRegex(start);
      token = { kind: "regex", value: src.slice(start, this.pos), end: this.pos };
      this.#regexAllowed = false;
    } else if (ch === "#" && start + 1 < src.length && isIdStart(src[start + 1]!)) {
      this.pos = this.#skipIdent(start + 1);
      token = { kind: "private", value: src.slice(start, this.pos), end: this.pos };
      this.#regexAllowed = false;
    } else if (isIdStart(ch)) {
      this.pos = this.#skipIdent(start);
      const word = src.slice(start, this.pos);
      token = { kind: "ident", value: word, end: this.pos };
      this.#regexAllowed = REGEX_AFTER_WORD.has(word);
    } else if (/[0-9]/.test(ch) || (ch === "." && /[0-9]/.test(src[start + 1] ?? ""))) {
      this.pos = this.#skipNumber(start);
      token = { kind: "number", value: src.slice(start, this.pos), end: this.pos };
      this.#regexAllowed = false;
    } else {
      let value = ch;
      const two = src.slice(start, start + 2);
      if (src.startsWith("...", start)) value = "...";
      else if (two === "=>" || two === "++" || two === "--") value = two;
      this.pos = start + value.length;
      token = { kind: "punct", value, end: this.pos };
      // After a closing paren/bracket or a postfix ++/-- a slash divides; after `}` (end of a
      // block) and any other punctuator it starts a regex.
      this.#regexAllowed = !(value === ")" || value === "]" || value === "++" || value === "--");
    }
    return token;
  }

  #skipTrivia(): void {
    const { src } = this;
    for (;;) {
      const ch = src[this.pos];
      if (ch === undefined) return;
      if (ch === " " || ch === "\t" || ch === "\n" || ch === "\r" || /\s/.test(ch)) {
        this.pos++;
      } else if (ch === "/" && src[this.pos + 1] === "/") {
        const nl = src.slice(this.pos).search(/[\n\r\u2028\u2029]/);
        this.pos = nl < 0 ? src.length : this.pos + nl;
      } else if (ch === "/" && src[this.pos + 1] === "*") {
        const close = src.indexOf("*/", this.pos + 2);
        if (close < 0) throw new LexError("unterminated comment");
        this.pos = close + 2;
      } else {
        return;
      }
    }
  }

  #skipIdent(start: number): number {
    let i = start;
    while (i < this.src.length && isIdPart(this.src[i]!)) i++;
    return i;
  }

  #skipNumber(start: number): number {
    const { src } = this;
    let i = start;
    const hex = /^0[xX]/.test(src.slice(start, start + 2));
    while (i < src.length) {
      const ch = src[i]!;
      if (/[0-9A-Za-z_.]/.test(ch)) i++;
      else if (!hex && (ch === "+" || ch === "-") && /[eE]/.test(src[i - 1]!)) i++;
      else break;
    }
    return i;
  }

  /** `start` is at the opening quote; returns the index after the closing one. */
  #skipQuoted(start: number): number {
    const { src } = this;
    const quote = src[start];
    let i = start + 1;
    while (i < src.length) {
      const ch = src[i]!;
      if (ch === "\\") i += 2;
      else if (ch === quote) {
        this.pos = i + 1;
        return this.pos;
      } else i++;
    }
    throw new LexError("unterminated string");
  }

  /** `start` is at the backtick; skips `${ ... }` substitutions as code, however nested. */
  #skipTemplate(start: number): number {
    const { src } = this;
    let i = start + 1;
    while (i < src.length) {
      const ch = src[i]!;
      if (ch === "\\") i += 2;
      else if (ch === "`") return i + 1;
      else if (ch === "$" && src[i + 1] === "{") i = skipCodeToBrace(src, i + 2);
      else i++;
    }
    throw new LexError("unterminated template literal");
  }

  /** `start` is at the opening slash of a regex literal; returns the index after its flags. */
  #skipRegex(start: number): number {
    const { src } = this;
    let i = start + 1;
    let inClass = false;
    while (i < src.length) {
      const ch = src[i]!;
      if (ch === "\\") i += 2;
      else if (ch === "\n" || ch === "\r") throw new LexError("unterminated regex");
      else if (inClass) {
        if (ch === "]") inClass = false;
        i++;
      } else if (ch === "[") {
        inClass = true;
        i++;
      } else if (ch === "/") {
        i++;
        while (i < src.length && isIdPart(src[i]!)) i++;
        return i;
      } else i++;
    }
    throw new LexError("unterminated regex");
  }
}

/**
 * Skips code from `start` up to the `}` that closes a template substitution (depth 0) and
 * returns the index after it.
 */
function skipCodeToBrace(src: string, start: number): number {
  const lexer = new Lexer(src, start);
  let depth = 0;
  for (;;) {
    const t = lexer.next();
    if (t.kind === "eof") throw new LexError("unterminated template substitution");
    if (t.kind !== "punct") continue;
    if (t.value === "{" || t.value === "(" || t.value === "[") depth++;
    else if (t.value === ")" || t.value === "]") depth--;
    else if (t.value === "}") {
      if (depth === 0) return t.end;
      depth--;
    }
  }
}

/**
 * Whether a class's source declares or uses `#private` names (state the hasher cannot see).
 * If the source cannot be lexed, falls back to a conservative textual check.
 */
export function hasPrivateNames(source: string): boolean {
  if (!source.includes("#")) return false;
  try {
    const lexer = new Lexer(source);
    for (let t = lexer.next(); t.kind !== "eof"; t = lexer.next()) {
      if (t.kind === "private") return true;
    }
    return false;
  } catch {
    return /#[\p{ID_Start}$_]/u.test(source);
  }
}
