/**
 * Small helpers of the encoder that need no encoder state.
 */

/**
 * Sorts strings by UTF-16 code units, like `Array.prototype.sort()`; insertion sort for the few
 * keys a typical object has, because the built-in sort costs ~200 ns even for five keys.
 */
export function sortKeys(keys: string[]): void {
  const n = keys.length;
  if (n > 24) {
    keys.sort();
    return;
  }
  for (let i = 1; i < n; i++) {
    const key = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]! > key) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = key;
  }
}

const hasOwn = Object.prototype.hasOwnProperty;

/** The extra keys an Error contributes: `name`, `message` and an own `cause`; never `stack`. */
export function errorExtraKeys(error: object): string[] {
  return hasOwn.call(error, "cause") ? ["name", "message", "cause"] : ["name", "message"];
}

/** `Name: message` of something thrown, for error messages. */
export function describeThrown(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  try {
    return String(error);
  } catch {
    return "an unprintable value";
  }
}

