/** Characters as a person counts them: code points. */
export function characterCount(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** Whether `text` has more than `limit` characters, and how many it has then. */
export function overLimit(text: string, limit: number): number | null {
  if (text.length <= limit) return null;
  const count = characterCount(text);
  return count > limit ? count : null;
}

const grouped = new Intl.NumberFormat("en-US");

/** The answer to a customer message over the limit (English like the adapter's other Teams words). */
export function tooLongNotice(length: number, limit: number): string {
  return (
    `Sorry, your message is too long for me to read: it has ${grouped.format(length)} characters and I ` +
    `can take up to ${grouped.format(limit)}. Could you shorten it (the question and the details that ` +
    "matter, an order number for example) and send it again?"
  );
}

/** Bytes a text takes inside an activity's JSON (escapes included). */
const jsonBytes = (text: string) => Buffer.byteLength(JSON.stringify(text));

/**
 * An answer cut into messages Teams takes (each text at most `budget` bytes of JSON), at a paragraph,
 * line or word boundary where one is near, never inside a character; nothing is dropped: the parts joined
 * are the text. One part when it fits.
 */
export function splitForTeams(text: string, budget: number): string[] {
  if (jsonBytes(text) <= budget) return [text];
  const points = Array.from(text);
  const parts: string[] = [];
  let start = 0;
  while (start < points.length) {
    // The longest prefix that fits, by binary search over code points.
    let low = start + 1;
    let high = points.length;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if (jsonBytes(points.slice(start, middle).join("")) <= budget) low = middle;
      else high = middle - 1;
    }
    let end = low;
    if (end < points.length) {
      // Prefer a boundary in the last fifth of the part: a paragraph, then a line, then a space.
      const floor = start + Math.floor((end - start) * 0.8);
      for (const boundary of ["\n\n", "\n", " "]) {
        const found = lastIndexOf(points, boundary, floor, end);
        if (found !== -1) {
          end = found;
          break;
        }
      }
    }
    parts.push(points.slice(start, end).join(""));
    start = end;
  }
  return parts;
}

/** The index just after the last `needle` (one or two code points) in points[floor, end), or -1. */
function lastIndexOf(points: string[], needle: string, floor: number, end: number): number {
  const needlePoints = Array.from(needle);
  for (let index = end - needlePoints.length; index >= floor; index--)
    if (needlePoints.every((point, offset) => points[index + offset] === point))
      return index + needlePoints.length;
  return -1;
}
