/**
 * Value keys as text, for clears that travel to other processes of a fleet. Only keys the keyer
 * calls `portable` are written; the text is read back into the very key the other process
 * computes for the same arguments. One tag character, then the payload:
 *
 * | tag | key |
 * |---|---|
 * | `s` | a string (the string follows) |
 * | `n` `i` | a number, a bigint (decimal) |
 * | `t` `f` `z` `u` | true, false, null, undefined |
 * | `y` | a registered symbol (its registry key follows) |
 * | `0` | the key of calls that hash no argument |
 */
import { CacheResourceError } from "../errors.js";
import { NO_HASHED_ARGUMENTS, type ValueKey } from "./keyer.js";

/** The text of a portable key. */
export function keyToWire(key: ValueKey): string {
  switch (typeof key) {
    case "string":
      return "s" + key;
    case "number":
      return "n" + String(key);
    case "bigint":
      return "i" + key.toString();
    case "boolean":
      return key ? "t" : "f";
    case "undefined":
      return "u";
    case "symbol": {
      if (key === NO_HASHED_ARGUMENTS) return "0";
      const registered = Symbol.keyFor(key);
      if (registered !== undefined) return "y" + registered;
      break;
    }
    default:
      if (key === null) return "z";
  }
  throw new CacheResourceError(`a key known only in this process cannot be sent to another one (${String(key)})`);
}

/** The key a text from {@link keyToWire} stands for. */
export function keyFromWire(text: string): ValueKey {
  const payload = text.slice(1);
  switch (text[0]) {
    case "s":
      return payload;
    case "n":
      return Number(payload);
    case "i":
      return BigInt(payload);
    case "t":
      return true;
    case "f":
      return false;
    case "z":
      return null;
    case "u":
      return undefined;
    case "y":
      return Symbol.for(payload);
    case "0":
      return NO_HASHED_ARGUMENTS;
  }
  throw new CacheResourceError(`not a key sent by cache-resource: ${JSON.stringify(text.slice(0, 40))}`);
}
