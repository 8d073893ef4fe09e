import { LEXICONS, type LexiconLanguage, type WordKind } from "./lexicons.js";

/**
 * Looks a folded word up in one language's lists: exact words in a map, "prefix*" entries bucketed by
 * their first four letters, so a lookup costs two map reads whatever the size of the lists.
 */
export interface WordIndex {
  kindsOf(token: string, into: Set<WordKind>): void;
}

const PREFIX_KEY_LENGTH = 4;

export function buildWordIndex(language: LexiconLanguage): WordIndex {
  const exact = new Map<string, WordKind[]>();
  const prefixes = new Map<string, Array<[string, WordKind]>>();
  for (const [kind, words] of Object.entries(LEXICONS[language]) as Array<[WordKind, readonly string[]]>) {
    for (const word of words) {
      if (word.endsWith("*")) {
        const prefix = word.slice(0, -1);
        if (prefix.length < PREFIX_KEY_LENGTH) {
          throw new Error(
            `emotion lexicon ${language}: prefix "${word}" is shorter than ${PREFIX_KEY_LENGTH} letters`,
          );
        }
        const key = prefix.slice(0, PREFIX_KEY_LENGTH);
        const bucket = prefixes.get(key) ?? [];
        bucket.push([prefix, kind]);
        prefixes.set(key, bucket);
      } else {
        const kinds = exact.get(word) ?? [];
        kinds.push(kind);
        exact.set(word, kinds);
      }
    }
  }
  return {
    kindsOf(token, into) {
      for (const kind of exact.get(token) ?? []) into.add(kind);
      if (token.length < PREFIX_KEY_LENGTH) return;
      for (const [prefix, kind] of prefixes.get(token.slice(0, PREFIX_KEY_LENGTH)) ?? []) {
        if (token.startsWith(prefix)) into.add(kind);
      }
    },
  };
}
