/**
 * Text limits count code points, as a person counts characters: "a😀" is two characters, though
 * JavaScript's `length` (UTF-16 units) says three. Cutting by `slice` could split the emoji and
 * leave a lone surrogate, which is not text. No Node or DOM imports: the page uses this too.
 */

/** The number of code points in `text`. */
export function codePointCount(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}

/** The first `max` code points of `text` (all of it when shorter), never half a character. */
export function cutToCodePoints(text: string, max: number): string {
  let end = 0;
  for (let count = 0; end < text.length && count < max; count++) {
    const unit = text.charCodeAt(end);
    const next = text.charCodeAt(end + 1);
    end += unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff ? 2 : 1;
  }
  return text.slice(0, end);
}
