import type { LanguageCode } from "../assistant/language.js";

/** How many letters of a text belong to each writing system the detector tells apart. */
export interface ScriptProfile {
  latin: number;
  arabic: number;
  han: number;
  /** Hiragana and katakana: only Japanese uses them. */
  kana: number;
  /** Letters of any other script (Cyrillic, Greek, Hangul, Hebrew, Thai, …): none of the 12 languages. */
  other: number;
  letters: number;
}

const LATIN = /\p{Script=Latin}/u;
const ARABIC = /\p{Script=Arabic}/u;
const HAN = /\p{Script=Han}/u;
const KANA = /[\p{Script=Hiragana}\p{Script=Katakana}]/u;
const LETTER = /\p{L}/u;

export function profileScripts(text: string): ScriptProfile {
  const profile: ScriptProfile = { latin: 0, arabic: 0, han: 0, kana: 0, other: 0, letters: 0 };
  for (const character of text) {
    // ASCII's only letters are A–Z and a–z, all Latin: no regular expression needed for most characters.
    const code = character.charCodeAt(0);
    if (code < 128) {
      if ((code >= 65 && code <= 90) || (code >= 97 && code <= 122)) {
        profile.letters++;
        profile.latin++;
      }
      continue;
    }
    if (!LETTER.test(character)) continue;
    profile.letters++;
    if (LATIN.test(character)) profile.latin++;
    else if (ARABIC.test(character)) profile.arabic++;
    else if (HAN.test(character)) profile.han++;
    else if (KANA.test(character)) profile.kana++;
    else profile.other++;
  }
  return profile;
}

/**
 * Below this many Han characters, a text with no kana is read as Chinese but not reliably: Japanese
 * writes many short support words in kanji alone (返金 "refund", 領収書 "receipt"), and such a word must
 * not switch a Japanese conversation to Chinese.
 */
export const MINIMUM_HAN_FOR_RELIABLE_CHINESE = 4;

/** A CJK character carries about a syllable or a word, a Latin letter a sound: weigh them accordingly. */
const CJK_WEIGHT = 2;

export type ScriptDecision =
  | { kind: "no-letters" }
  | { kind: "unsupported-script" }
  | { kind: "latin" }
  | { kind: "decided"; language: LanguageCode; confidence: number; reliable: boolean };

/**
 * The writing system settles Arabic, Japanese and Chinese without any statistics: Arabic script is
 * Arabic (the only Arabic-script language among the 12), kana is Japanese, Han without kana is
 * Chinese. Latin-script text is left to the n-gram detector. The script with most (weighted) letters
 * wins, so a Japanese message quoting "iPhone" is still Japanese.
 */
export function decideByScript(profile: ScriptProfile): ScriptDecision {
  if (profile.letters === 0) return { kind: "no-letters" };
  const cjk = (profile.han + profile.kana) * CJK_WEIGHT;
  const largest = Math.max(profile.latin, profile.arabic, cjk, profile.other);
  if (profile.latin === largest) return { kind: "latin" };
  if (profile.arabic === largest) {
    return { kind: "decided", language: "ar", confidence: profile.arabic / profile.letters, reliable: true };
  }
  if (cjk === largest) {
    const share = (profile.han + profile.kana) / profile.letters;
    if (profile.kana > 0) return { kind: "decided", language: "ja", confidence: share, reliable: true };
    return {
      kind: "decided",
      language: "zh",
      confidence: share,
      reliable: profile.han >= MINIMUM_HAN_FOR_RELIABLE_CHINESE,
    };
  }
  return { kind: "unsupported-script" };
}
