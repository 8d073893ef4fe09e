/**
 * What is removed before a message is read for its language: parts that are the same in every
 * language and would only add noise (an order number or a link says nothing about the customer's
 * language, and the n-grams of "https" or "gmail" lean towards English).
 *
 * Each pattern comes with a text every match must contain ("@" for an address, "." for a domain): a
 * message without it is left as it is without running the pattern, which most messages are.
 *
 * The patterns that match a run of letters start only where such a run starts (a lookbehind): a match
 * found from inside a run is found from its start too, and without it a failed attempt from every
 * position of a long run rescanned the rest of it (a 1,500-letter token with a digit after it: 22 ms).
 */
const NON_LANGUAGE_PATTERNS: ReadonlyArray<readonly [RegExp, RegExp]> = [
  // Slack and Teams markup: <@U123>, <#C123|general>, <!here>, <https://…|label>, <at>Name</at>
  // Never a "<" inside (Slack escapes it): each attempt stops at the next "<", not at the text's end.
  [/<[@#!][^<>]*>/g, /<[@#!]/],
  [/<at>[^<]*<\/at>/gi, /<at>/i],
  [/<https?:[^<>]*>/gi, /<http/i],
  [/\b(?:https?:\/\/|www\.)\S+/gi, /https?:\/\/|www\./i],
  [/(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.\p{L}{2,}/gu, /@/],
  // Bare domains ("example.com", "shop.fr/cart"): letters, a dot, a short top-level domain.
  [
    /(?<![\p{L}\p{N}.-])\b[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.(?:com|net|org|io|co|fr|de|es|it|pt|nl|pl|tr|uk|eu|be|ch|br|jp|cn)\b\S*/giu,
    /\./,
  ],
  [/(?:^|\s)@[\p{L}\p{N}._-]+/gu, /@/],
  // Order numbers, tracking codes, amounts, dates: any token that contains a digit. Chinese and Japanese
  // write without spaces, so there a "token" may be the whole sentence: only the run of Latin letters,
  // digits and signs around the digit goes ("订单4471" keeps "订单").
  [
    /(?<![^\s\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}])[^\s\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]*\p{N}[^\s\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]*/gu,
    /\p{N}/u,
  ],
];

export function stripNonLanguage(text: string): string {
  let remaining = text;
  for (const [pattern, mustContain] of NON_LANGUAGE_PATTERNS) {
    if (mustContain.test(remaining)) remaining = remaining.replace(pattern, " ");
  }
  return remaining.replace(/\s+/g, " ").trim();
}
