/**
 * Readable paths from an argument to a nested value, for error messages:
 * `opts.client.socket`, `list[3]`, `headers["content-type"]`, `cache.get("k")`,
 * `cache.keys()[0]`, `tags.values()[2]`, `person{hashFuncs(Person)}.name`.
 */

const IDENTIFIER = /^[\p{ID_Start}$_][\p{ID_Continue}$\u200c\u200d]*$/u;

/** Segment for a property key. */
export function propertySegment(key: string | symbol): string {
  if (typeof key === "symbol") return `[${String(key)}]`;
  return IDENTIFIER.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/** Segment for an array index. */
export function indexSegment(index: number): string {
  return `[${index}]`;
}

/** Segment for the key of the `entry`-th Map entry. */
export function mapKeySegment(entry: number): string {
  return `.keys()[${entry}]`;
}

/** Segment for the value stored under `key` in a Map. */
export function mapValueSegment(key: unknown): string {
  return `.get(${describeKey(key)})`;
}

/** Segment for the `index`-th element of a Set, in iteration order. */
export function setSegment(index: number): string {
  return `.values()[${index}]`;
}

/** Segment for the result of a `hashFuncs` entry. */
export function hashFuncSegment(typeName: string): string {
  return `{hashFuncs(${typeName})}`;
}

/** Root of a path: the parameter's name, or `args[i]` for an unnamed position. */
export function rootSegment(name: string | undefined, position: number): string {
  return name ?? `args[${position}]`;
}

/** Joins segments, eliding the middle of very deep paths so messages stay readable. */
export function joinPath(segments: readonly string[]): string {
  if (segments.length <= 24) return segments.join("");
  const hidden = segments.length - 16;
  return segments.slice(0, 11).join("") + `…(${hidden} more)…` + segments.slice(-5).join("");
}

function describeKey(key: unknown): string {
  switch (typeof key) {
    case "string":
      return JSON.stringify(key.length > 40 ? key.slice(0, 37) + "..." : key);
    case "bigint":
      return `${key}n`;
    case "symbol":
      return String(key);
    case "function":
      return `[Function ${(key as { name?: string }).name || "(anonymous)"}]`;
    case "object":
      if (key === null) return "null";
      return `<${typeNameOf(key)}>`;
    default:
      return String(key);
  }
}

/** The type name of a value for messages: constructor name, `typeof`, or `Proxy`. */
export function typeNameOf(value: unknown): string {
  if (value === null) return "null";
  if (typeof value !== "object" && typeof value !== "function") return typeof value;
  try {
    const proto = Object.getPrototypeOf(value) as { constructor?: unknown } | null;
    if (proto === null) return "Object (null prototype)";
    const ctor = proto.constructor;
    const name = typeof ctor === "function" ? (ctor as { name?: unknown }).name : undefined;
    if (typeof name === "string" && name !== "") return name;
    const tag = (value as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag];
    return typeof tag === "string" ? tag : "Object";
  } catch {
    return "Proxy";
  }
}
