/**
 * Ids for values that can only be told apart by identity: unregistered symbols, bound and native
 * functions, prototypes without a constructor.
 *
 * Ids live in WeakMaps (Node 20 accepts unregistered symbols as WeakMap keys), so remembering a
 * value never keeps it alive. Ids are never reused: a new value always gets a new number, so a
 * collected value's id cannot be inherited by a newcomer (Streamlit's `id()` reuse bug).
 *
 * Every id starts with {@link IDENTITY_MARK}, random per process: an encoded key that contains
 * it names a value of this process only, and means nothing to another one (see `portable`).
 */

/** Starts every identity id; no other process (and no user string, in practice) has it. */
export const IDENTITY_MARK = "\u0001" + Math.random().toString(36).slice(2, 12) + ":";

let nextId = 1;
const objectIds = new WeakMap<object, string>();
const symbolIds = new WeakMap<symbol, string>();

/** The identity id of an object or function. */
export function objectId(value: object): string {
  let id = objectIds.get(value);
  if (id === undefined) {
    id = IDENTITY_MARK + nextId++;
    objectIds.set(value, id);
  }
  return id;
}

/** The identity id of an unregistered symbol (registered ones are keyed by their registry key). */
export function symbolId(value: symbol): string {
  let id = symbolIds.get(value);
  if (id === undefined) {
    id = IDENTITY_MARK + nextId++;
    symbolIds.set(value, id);
  }
  return id;
}
