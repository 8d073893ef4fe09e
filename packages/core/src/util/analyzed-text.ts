/**
 * The most of a message (UTF-16 code units) that any per-message analysis reads: language detection,
 * emotion, escalation phrases and keywords, C4 resolution phrases, C6 relatedness and the knowledge base's
 * matching and search. A message may hold MAX_TEXT_LENGTH (40,000) characters, and these analyses fold,
 * split and match the whole text they are given: on 40,000 characters of one unbroken token the knowledge
 * base's fuzzy search alone blocked the event loop for about 10 s, and every channel with it; 40,000 "!"
 * took the emotion rules 1 s. 1,000 characters are a long paragraph, more than a support question needs to
 * be understood (2,000 left the worst input near the 5 ms budget: an escalation reads 20 messages); the
 * whole text is still stored, shown to agents and given to the responder.
 */
export const MAX_ANALYZED_TEXT_LENGTH = 1_000;

/**
 * A longer message is read as its start and its end: people open with the topic and close with the ask
 * ("… so can I talk to a person?", "… anyway, that solved it, thanks"), with logs or pasted mails between.
 */
const TAIL_LENGTH = 300;
/** Marks the cut as a pause between two sentences: nothing reads the two ends as one word or phrase. */
const CUT = " … ";
const HEAD_LENGTH = MAX_ANALYZED_TEXT_LENGTH - TAIL_LENGTH - CUT.length;

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/**
 * The part of `text` an analysis reads: the text itself when it has at most MAX_ANALYZED_TEXT_LENGTH code
 * units (the usual case, no copy); otherwise its start and its last 300 code units joined by " … ", that
 * many code units at most in all. Neither end is cut inside a surrogate pair (half of one would read as a
 * character of its own). The same text always
 * gives the same part: counting (C4, C6) stays a pure function of the events (C13).
 */
export function analyzedText(text: string): string {
  if (text.length <= MAX_ANALYZED_TEXT_LENGTH) return text;
  const headEnd = isHighSurrogate(text.charCodeAt(HEAD_LENGTH - 1)) ? HEAD_LENGTH - 1 : HEAD_LENGTH;
  let tailStart = text.length - TAIL_LENGTH;
  if (isLowSurrogate(text.charCodeAt(tailStart))) tailStart++;
  return `${text.slice(0, headEnd)}${CUT}${text.slice(tailStart)}`;
}
