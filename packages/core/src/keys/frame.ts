/**
 * Frames of the encoder's explicit stack: one per container being encoded, plus the root (the
 * argument list). Each frame can say which child it is visiting, which is how error messages get
 * their path.
 */
import * as P from "./path.js";

/** The argument list itself. */
export const F_ROOT = 0;
/** An array's elements. */
export const F_ARRAY = 1;
/** An object's (or instance's, or error's) properties. */
export const F_OBJECT = 2;
/** A Map's keys and values. */
export const F_MAP = 3;
/** A Set's elements. */
export const F_SET = 4;
/** The result of a `hashFuncs` entry. */
export const F_HASH = 5;

/** One container being encoded. All frames share one shape (they are reused). */
export class Frame {
  kind = F_ROOT;
  /** The container (an ancestor, for cycle detection); the original value for hash frames. */
  value: unknown = undefined;
  /** Next child to visit, and one past the last. */
  index = 0;
  end = 0;
  /** Object keys: string keys (sorted), then enumerable symbol keys (sorted by token). */
  keys: (string | symbol)[] | undefined = undefined;
  stringKeys = 0;
  /** Map entries flattened as key, value, key, value…; Set elements; the root's arguments. */
  items: readonly unknown[] | undefined = undefined;
  /** Map/Set: the output before this container and its header; finished entries. */
  saved = "";
  parts: string[] | undefined = undefined;
  /** Sparse arrays: the indices that hold elements, ascending (read once, at the first hole). */
  present: number[] | undefined = undefined;
  /** Hash frames: the function applied, and the type it was looked up for. */
  hashFn: Function | undefined = undefined;
  typeName = "";

  reset(kind: number, value: unknown, end: number): this {
    this.kind = kind;
    this.value = value;
    this.index = 0;
    this.end = end;
    return this;
  }

  clear(): void {
    this.value = undefined;
    this.keys = undefined;
    this.items = undefined;
    this.parts = undefined;
    this.present = undefined;
    this.hashFn = undefined;
    this.saved = "";
  }
}

/** The path segment of the child frame `f` is visiting (`""` for the root). */
export function childSegment(f: Frame): string {
  const i = f.index - 1;
  switch (f.kind) {
    case F_ARRAY:
      return P.indexSegment(i);
    case F_OBJECT:
      return P.propertySegment(f.keys![i]!);
    case F_MAP:
      return (i & 1) === 0 ? P.mapKeySegment(i >> 1) : P.mapValueSegment(f.items![i - 1]);
    case F_SET:
      return P.setSegment(i);
    case F_HASH:
      return P.hashFuncSegment(f.typeName);
    default:
      return "";
  }
}

