/**
 * Small integer ids for values that can only be told apart by identity: unregistered symbols,
 * bound and native functions, prototypes without a constructor.
 *
 * Ids live in WeakMaps (Node 20 accepts unregistered symbols as WeakMap keys), so remembering a
 * value never keeps it alive. Ids are never reused: a new value always gets a new number, so a
 * collected value's id cannot be inherited by a newcomer (Streamlit's `id()` reuse bug).
 */

let nextId = 1;
const objectIds = new WeakMap<object, number>();
const symbolIds = new WeakMap<symbol, number>();

/** The identity id of an object or function. */
export function objectId(value: object): number {
  let id = objectIds.get(value);
  if (id === undefined) {
    id = nextId++;
    objectIds.set(value, id);
  }
  return id;
}

/** The identity id of an unregistered symbol (registered ones are keyed by their registry key). */
export function symbolId(value: symbol): number {
  let id = symbolIds.get(value);
  if (id === undefined) {
    id = nextId++;
    symbolIds.set(value, id);
  }
  return id;
}
