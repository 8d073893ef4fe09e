/** Characters as a person counts them: code points, so an emoji or a CJK extension character is one. */
export function characterCount(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** Whether `text` has more than `limit` characters, and how many it has then. */
export function overLimit(text: string, limit: number): number | null {
  // A code point is at least one UTF-16 unit: a text of at most `limit` units is within it, uncounted.
  if (text.length <= limit) return null;
  const count = characterCount(text);
  return count > limit ? count : null;
}

const grouped = new Intl.NumberFormat("en-US");

/**
 * The reply to a message over the limit, in the thread it was written in. English like the adapter's other
 * Slack wording (its buttons) until the product messages have Slack keys.
 */
export function tooLongNotice(length: number, limit: number): string {
  return (
    `Sorry, your message is too long for me to read: it has ${grouped.format(length)} characters and I ` +
    `can take up to ${grouped.format(limit)}. Could you shorten it (the question and the details that ` +
    "matter, an order number for example) and send it again?"
  );
}
