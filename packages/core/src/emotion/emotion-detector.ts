import { z } from "zod";
import type { Emotion, EmotionDetector, EmotionReading } from "../assistant/emotion.js";
import type { LanguageCode } from "../assistant/language.js";
import { LutinError } from "../errors.js";
import { analyzedText } from "../util/analyzed-text.js";
import {
  EXPRESSIONS,
  type ExpressionKind,
  LEXICONS,
  type LexiconLanguage,
  type WordKind,
} from "./lexicons.js";
import { type FoldedText, foldCase, foldCasedText, foldText } from "./normalize-text.js";
import { SUPPORT_PHRASES, type SupportPhrase } from "./support-phrases.js";
import { countEmoji, hasPunctuationBurst, readCaps } from "./surface-cues.js";
import { buildWordIndex, type WordIndex } from "./word-index.js";

/**
 * The families of cues the detector reads. Each can be switched off, which is how the benchmark
 * measures what the rules add over a bare word list (only `lexicon` on).
 */
export const CUE_FAMILIES = [
  "lexicon",
  "negation",
  "intensifier",
  "caps",
  "punctuation",
  "emoji",
  "phrase",
  "sarcasm",
] as const;
export type CueFamily = (typeof CUE_FAMILIES)[number];

export interface RulesEmotionDetectorOptions {
  /** Families to switch on or off; all are on by default. */
  cueFamilies?: Partial<Record<CueFamily, boolean>>;
}

export const cueFamiliesSchema = z
  .strictObject(Object.fromEntries(CUE_FAMILIES.map((family) => [family, z.boolean().optional()])))
  .optional();
const optionsSchema = z.strictObject({ cueFamilies: cueFamiliesSchema });

/**
 * How much evidence makes a mood, in units of one emotional word. Below it the message is neutral: a
 * lone "???" or "where is my order?" is a question, not a complaint.
 */
const THRESHOLD = 1;
const WEIGHT = {
  word: 1,
  angryWord: 2,
  annoyedWord: 0.5,
  problemWord: 0.5,
  problemWordsMaximum: 1,
  problemAgain: 0.6,
  negatedPositive: 1.2,
  urgentWord: 1.2,
  confusedWord: 1.2,
  intensified: 1.5,
  angryEmoji: 1.5,
  moreEmoji: 0.5,
  emojiMaximum: 3,
  sadEmoji: 1,
  eyeRoll: 1,
  happyEmoji: 1,
  confusedEmoji: 1,
  shouting: 0.8,
  emphasis: 0.5,
  punctuationBurst: 0.5,
  rhetoricalOpener: 1,
  againAlone: 1,
  nothingAfter: 0.6,
  thoughtQuestion: 0.6,
  puzzledOpener: 1,
  asksAboutTerm: 0.6,
  intensifiedNegatable: 1,
} as const;
/** Anger (angry words, angry emoji) is frustration Escalation must see first: its score never reads low. */
const ANGER_MINIMUM_SCORE = 0.8;
/** A negator reaches this many words ahead: "not very happy", "pas du tout content" needs 3. */
const NEGATION_REACH = 3;
const INTENSIFIER_REACH = 2;

/** "No thanks" / "nein danke" is a refusal, not gratitude. */
const REFUSALS = new Set(["no", "non", "nein", "nee", "nao"]);
/** "Merci de me rappeler" asks for something; "merci de votre aide" / "merci d avoir" thanks for it. */
const THANKED_AFTER_MERCI_DE = new Set([
  "votre",
  "vos",
  "ta",
  "ton",
  "tes",
  "la",
  "l",
  "cette",
  "ce",
  "avoir",
  "etre",
  "tout",
]);
/** Interjections before the praise word that opens a sarcastic message ("oh great", "na super"). */
const SARCASM_LEAD_INS = new Set([
  "oh",
  "ah",
  "na",
  "wow",
  "vaya",
  "ben",
  "eh",
  "tiens",
  "ach",
  "yeah",
  "yay",
]);

/** Multi-word praise that opens sarcasm as well as one praise word does ("qué bien, otra vez…"). */
const SARCASTIC_OPENINGS = [" que bien ", " que maravilla ", " how nice ", " how lovely ", " na toll "];

// The patterns below read the message with its punctuation, folded like the words (lower case, no
// accents), because what they look for is a word standing alone as a question or a sentence.
/** "Seriously??", "Sérieux ?", "¿En serio?", "Ernsthaft?": an exasperated question opening the message. */
const RHETORICAL_OPENER =
  /^\W*(?:seriously|are you serious|serieux|serieusement|vous etes serieux|en serio|ernsthaft|echt jetzt|im ernst)\s*[?!]/;
/** "Nobody called. Again." / "Encore ?" / "¿Otra vez?": repetition said as a sentence of its own. */
// After a sentence's end, only what is neither a word nor another sentence end: the last end before the
// word is the one that counts, and each run of punctuation is read once. `[.!?…]\s*\W*` tried the rest of
// the message from every "!" of a run: 40,000 "!" took 1 s.
const AGAIN_ALONE =
  /(?:^\W*|[.!?…][^\w.!?…]*)(?:again|yet again|encore|encore une fois|otra vez|de nuevo|schon wieder|wieder mal)\s*[.!?…]+\s*(?:$|\p{Extended_Pictographic})/u;
/** "Nobody called. Nothing.", "Personne.": a curt sentence after another one, the silence complained of. */
const NOTHING_AFTER =
  /[.!?…]\s*(?:nothing|nobody|no one|rien|personne|nada|nadie|nichts|niemand|keiner)\s*[.!?…]+\s*$/;
/** "Huh?", "Hein ?", "Hä?", "¿Cómo?": puzzlement opening the message. */
const PUZZLED_OPENER = /^\W*(?:huh|hein|ha|hae|hah|como|wie bitte)\s*\?/;
/** "C'est quoi un « identifiant marchand » ?": asking what a quoted term means; a second cue makes it confusion. */
const ASKS_ABOUT_TERM =
  /(?:what (?:is|s|are|does)|what do you mean by|c est quoi|qu est ce qu|que (?:es|son|significa|quiere decir)|was (?:ist|sind|bedeutet|heisst))\s+(?:[\p{L}\p{N}]+\s+){0,3}['‘"“«„]/u;
/**
 * Words in scare quotes ("my 'next day delivery'", "le « express »") are mentioned, not meant: their
 * mood words are not read, and the quotes themselves are a sign of sarcasm next to a complaint.
 */
const SCARE_QUOTED =
  /(?<![\p{L}\p{N}])(?:'([^'\n]{1,40})'|‘([^’\n]{1,40})’|"([^"\n]{1,40})"|“([^”\n]{1,40})”|«([^»\n]{1,40})»|„([^“”\n]{1,40})[“”])(?![\p{L}\p{N}])/gu;
const SCARE_QUOTED_MAXIMUM_WORDS = 4;

/** Every scare quote above opens with one of these: a message without any has nothing to take out. */
const OPENING_QUOTES = /['‘"“«„]/;

function withoutScareQuotes(text: string): { text: string; quoted: boolean } {
  if (!OPENING_QUOTES.test(text)) return { text, quoted: false };
  let quoted = false;
  const stripped = text.replace(SCARE_QUOTED, (match, ...groups: unknown[]) => {
    const inner = groups.slice(0, 6).find((group) => typeof group === "string") as string | undefined;
    if (inner === undefined || inner.trim().split(/\s+/).length > SCARE_QUOTED_MAXIMUM_WORDS) return match;
    quoted = true;
    return " ";
  });
  return { text: stripped, quoted };
}

interface CompiledRule {
  kind: ExpressionKind | SupportPhrase["emotion"];
  cue: string;
  weight: number;
  patterns: Partial<Record<LexiconLanguage, RegExp>>;
}

const LEXICON_LANGUAGES = Object.keys(LEXICONS) as LexiconLanguage[];
const hasLexicon = (language: string): language is LexiconLanguage => language in LEXICONS;

const WRAPPED_SOURCE_START = " (?:".length;
const WRAPPED_SOURCE_END = ")(?= )".length;
/** The source a pattern was compiled from, without the wrapping `compile` added. */
const sourceOf = (pattern: RegExp) => pattern.source.slice(WRAPPED_SOURCE_START, -WRAPPED_SOURCE_END);

/**
 * Patterns must match whole words: each is wrapped between the spaces of the joined text. The leading
 * space is matched rather than looked behind for: `test` answers the same (a lookbehind inside a pattern
 * still sees the whole text), and a literal first character lets the engine skip ahead, about 3 times
 * faster than a lookbehind tried at every position.
 */
const compile = (source: string) => new RegExp(` (?:${source})(?= )`);

let compiled: {
  indexes: Record<LexiconLanguage, WordIndex>;
  expressions: CompiledRule[];
  phrases: CompiledRule[];
};

function compiledRules() {
  if (compiled !== undefined) return compiled;
  const indexes = Object.fromEntries(
    LEXICON_LANGUAGES.map((language) => [language, buildWordIndex(language)]),
  );
  const expressions: CompiledRule[] = [];
  for (const language of LEXICON_LANGUAGES) {
    for (const [kind, source] of EXPRESSIONS[language]) {
      expressions.push({
        kind,
        cue: expressionCue(kind),
        weight: expressionWeight(kind),
        patterns: { [language]: compile(source) },
      });
    }
  }
  const phrases = SUPPORT_PHRASES.map((phrase) => ({
    kind: phrase.emotion,
    cue: `phrase:${phrase.id}`,
    weight: phrase.weight,
    patterns: Object.fromEntries(
      Object.entries(phrase.patterns).map(([language, source]) => [language, compile(source)]),
    ),
  }));
  compiled = { indexes: indexes as Record<LexiconLanguage, WordIndex>, expressions, phrases };
  return compiled;
}

function expressionCue(kind: ExpressionKind): string {
  if (kind === "angry") return "lexicon:angry";
  if (kind === "gratitude" || kind === "praise" || kind === "satisfaction") return "lexicon:happy";
  return `lexicon:${kind}`;
}

function expressionWeight(kind: ExpressionKind): number {
  if (kind === "angry") return WEIGHT.angryWord;
  if (kind === "urgent") return WEIGHT.urgentWord;
  if (kind === "confused") return WEIGHT.confusedWord;
  return WEIGHT.word;
}

/**
 * With a known conversation language: its lists plus English, which customers mix in everywhere
 * ("ok", "thx", "asap"). Without one, or for a language with no lists yet, every list: the cost is a
 * few false friends, the gain is not missing a complaint.
 */
function languagesFor(language: LanguageCode | null | undefined): readonly LexiconLanguage[] {
  if (language === null || language === undefined || !hasLexicon(language)) return LEXICON_LANGUAGES;
  return LANGUAGE_LISTS[language];
}

// One list per conversation language, built once: readEmotion's rule plans are kept per list.
const LANGUAGE_LISTS = Object.fromEntries(
  LEXICON_LANGUAGES.map((language): [LexiconLanguage, readonly LexiconLanguage[]] => [
    language,
    language === "en" ? ["en"] : [language, "en"],
  ]),
) as Record<LexiconLanguage, readonly LexiconLanguage[]>;

/** A rule with its patterns in the order of one language list, rules with none for the list left out. */
interface RulePlan {
  rule: CompiledRule;
  patterns: RegExp[];
}

interface RulePlans {
  expressions: RulePlan[];
  phrases: RulePlan[];
  /**
   * Every pattern of the list in one alternation: it matches exactly when one of them does (each source
   * sits in its own group at the same place, and none refers back to a group), so a message it does
   * not match skips the rules in one test rather than one per rule, the common case.
   */
  anyExpression: RegExp;
  anyPhrase: RegExp;
}

const rulePlans = new Map<readonly LexiconLanguage[], RulePlans>();

/**
 * What applying every rule for these languages comes down to, computed once per language list: most
 * rules have a pattern in one language only, so a message in English tests a fraction of them, without
 * looking each rule's languages up on every message.
 */
function rulePlanFor(languages: readonly LexiconLanguage[], rules: ReturnType<typeof compiledRules>) {
  let plan = rulePlans.get(languages);
  if (plan === undefined) {
    const planOf = (list: readonly CompiledRule[]): RulePlan[] =>
      list
        .map((rule) => ({
          rule,
          patterns: languages.flatMap((language) => rule.patterns[language] ?? []),
        }))
        .filter((entry) => entry.patterns.length > 0);
    const anyOf = (entries: readonly RulePlan[]) =>
      compile(
        entries.flatMap((entry) => entry.patterns.map((pattern) => `(?:${sourceOf(pattern)})`)).join("|"),
      );
    const expressions = planOf(rules.expressions);
    const phrases = planOf(rules.phrases);
    plan = { expressions, phrases, anyExpression: anyOf(expressions), anyPhrase: anyOf(phrases) };
    rulePlans.set(languages, plan);
  }
  return plan;
}

const strength = (evidence: number) => Math.round((1 - Math.exp(-evidence / 2)) * 100) / 100;

/**
 * The rules-based Emotion detector (issue 3): multilingual word lists plus the cues word lists miss.
 *
 * Precedence, when several moods have enough evidence:
 * 1. frustrated — a grievance must be handled first, even when the customer also asks for speed or
 *    says thanks ("thanks for nothing"), unless happiness outweighs it;
 *    except a bare fault report ("the payment page is down", no emotion, no grievance phrase) that also
 *    carries urgency words reads as urgent: what that customer needs is speed;
 * 2. urgent; 3. confused (a lost customer needs guidance more than a "glad to help"); 4. happy;
 * 5. neutral.
 */
export function createRulesEmotionDetector(options: RulesEmotionDetectorOptions = {}): EmotionDetector {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new LutinError(
      "CONFIG_INVALID",
      `emotion detector options: ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}`,
      { hint: `cueFamilies takes booleans for ${CUE_FAMILIES.join(", ")}; omit it to keep every family on` },
    );
  }
  const families = new Set<CueFamily>(CUE_FAMILIES.filter((family) => options.cueFamilies?.[family] ?? true));
  const allOn = families.size === CUE_FAMILIES.length;
  const rules = compiledRules();
  return {
    name: allOn ? "lutingenie-emotion-rules" : `lutingenie-emotion-rules(${[...families].join("+")})`,
    version: "rules@3",
    read(text, language) {
      const { emotion, score, cues } = readEmotion(text, languagesFor(language), families, rules);
      return { emotion, score, cues };
    },
  };
}

const ALL_FAMILIES: ReadonlySet<CueFamily> = new Set(CUE_FAMILIES);

/**
 * The rules' full reading with every family on, evidence included: the hybrid detector feeds it to its
 * model as features and keeps the rules' verdict when it is confident.
 */
export function analyzeWithRules(text: string, language?: LanguageCode | null): RuleAnalysis {
  return readEmotion(text, languagesFor(language), ALL_FAMILIES, compiledRules());
}

export interface RuleAnalysis extends EmotionReading {
  /** Weighted evidence per mood, in units of one emotional word (the threshold is 1). */
  evidence: Readonly<Evidence>;
  /** The part of the frustration evidence that is only a fault report ("not working"). */
  faultEvidence: number;
  /** An angry word or emoji was read. */
  anger: boolean;
  /**
   * The message folded as the rules read it, when that is the whole message (no scare quotes taken
   * out): the model's features reuse it rather than fold the text a second time.
   */
  folded: FoldedText | null;
}

export interface Evidence {
  frustrated: number;
  happy: number;
  urgent: number;
  confused: number;
}

function readEmotion(
  whole: string,
  languages: readonly LexiconLanguage[],
  families: ReadonlySet<CueFamily>,
  rules: ReturnType<typeof compiledRules>,
): RuleAnalysis {
  // Bounded per message (analyzed-text.ts): the part read is the same for the rules and the model.
  const text = analyzedText(whole);
  const scare = families.has("sarcasm") ? withoutScareQuotes(text) : { text, quoted: false };
  // Folded once: the sentence patterns read it with punctuation, the words come from it unless scare
  // quotes were taken out (then the words are folded from what is left).
  const punctuated = foldCase(text);
  const { tokens, joined } = scare.quoted ? foldText(scare.text) : foldCasedText(punctuated);
  const cues = new Set<string>();
  const evidence: Evidence = { frustrated: 0, happy: 0, urgent: 0, confused: 0 };
  let anger = false;
  // Frustration that is only a fault report (problem words, "not working"): yields to urgency.
  let faultEvidence = 0;

  const kinds = tokens.map((token) => {
    const found = new Set<WordKind>();
    if (families.has("lexicon"))
      for (const language of languages) rules.indexes[language].kindsOf(token, found);
    return found;
  });
  const within = (index: number, reach: number, kind: WordKind) => {
    for (let back = 1; back <= reach; back++) if (kinds[index - back]?.has(kind)) return true;
    return false;
  };

  let problemWords = 0;
  let againSeen = false;
  for (let index = 0; index < tokens.length; index++) {
    const found = kinds[index] as Set<WordKind>;
    if (found.size === 0) continue;
    const negated = families.has("negation") && within(index, NEGATION_REACH, "negator");
    const boost =
      families.has("intensifier") && within(index, INTENSIFIER_REACH, "intensifier") ? WEIGHT.intensified : 1;
    if (
      boost > 1 &&
      (found.has("frustrated") || found.has("angry") || found.has("satisfaction") || found.has("praise"))
    ) {
      cues.add("intensifier");
    }
    if (found.has("frustrated") || found.has("angry")) {
      if (negated) {
        // "not bad", "pas nul": the negation cancels the complaint word.
        cues.add("negation");
      } else if (found.has("angry")) {
        evidence.frustrated += WEIGHT.angryWord * boost;
        anger = true;
        cues.add("lexicon:angry");
      } else {
        evidence.frustrated += WEIGHT.word * boost;
        cues.add("lexicon:frustrated");
      }
    }
    if (found.has("mild") && !negated) {
      evidence.frustrated += WEIGHT.annoyedWord;
      cues.add("lexicon:annoyed");
    }
    if (found.has("problem")) problemWords++;
    if (found.has("again")) againSeen = true;
    if (found.has("satisfaction") || found.has("praise") || found.has("negatable")) {
      if (negated) {
        evidence.frustrated += WEIGHT.negatedPositive;
        cues.add("negation");
      } else if (found.has("satisfaction") || found.has("praise")) {
        evidence.happy += WEIGHT.word * boost;
        cues.add("lexicon:happy");
      } else if (boost > 1) {
        // "richtig gut", "very good" are praise; a bare "good" or "ok" is not.
        evidence.happy += WEIGHT.intensifiedNegatable;
        cues.add("intensifier");
      }
    } else if (found.has("gratitude") && isGratitude(tokens, index)) {
      evidence.happy += WEIGHT.word;
      cues.add("lexicon:happy");
    }
    if (found.has("urgent") && !negated) {
      evidence.urgent += WEIGHT.urgentWord;
      cues.add("lexicon:urgent");
    }
    if (found.has("confused") && !negated) {
      evidence.confused += WEIGHT.confusedWord;
      cues.add("lexicon:confused");
    }
  }
  if (problemWords > 0) {
    const weight = Math.min(WEIGHT.problemWordsMaximum, problemWords * WEIGHT.problemWord);
    evidence.frustrated += weight;
    faultEvidence += weight;
    cues.add("lexicon:problem");
    if (againSeen && families.has("phrase")) {
      evidence.frustrated += WEIGHT.problemAgain;
      cues.add("phrase:again");
    }
  }

  const plan = rulePlanFor(languages, rules);
  const applyRule = ({ rule, patterns }: RulePlan) => {
    for (const pattern of patterns) {
      if (!pattern.test(joined)) continue;
      addKind(evidence, rule.kind, rule.weight);
      if (rule.kind === "angry") anger = true;
      if (rule.cue === "phrase:not-working" || rule.cue === "phrase:fault-event")
        faultEvidence += rule.weight;
      cues.add(rule.cue);
      return;
    }
  };
  if (families.has("lexicon") && plan.anyExpression.test(joined))
    for (const entry of plan.expressions) applyRule(entry);
  if (families.has("phrase")) {
    if (plan.anyPhrase.test(joined)) for (const entry of plan.phrases) applyRule(entry);
    if (RHETORICAL_OPENER.test(punctuated)) {
      evidence.frustrated += WEIGHT.rhetoricalOpener;
      cues.add("phrase:rhetorical-question");
    }
    if (AGAIN_ALONE.test(punctuated)) {
      evidence.frustrated += WEIGHT.againAlone;
      againSeen = true;
      cues.add("phrase:again");
    }
    if (NOTHING_AFTER.test(punctuated)) {
      evidence.frustrated += WEIGHT.nothingAfter;
      cues.add("phrase:nothing-after");
    }
    // "I thought the discount was automatic?": a belief put as a question is the customer unsure.
    if (cues.has("phrase:thought-you-said") && text.includes("?")) {
      evidence.confused += WEIGHT.thoughtQuestion;
    }
    if (PUZZLED_OPENER.test(punctuated)) {
      evidence.confused += WEIGHT.puzzledOpener;
      cues.add("phrase:puzzled");
    }
    if (ASKS_ABOUT_TERM.test(punctuated)) {
      evidence.confused += WEIGHT.asksAboutTerm;
      cues.add("phrase:asks-about-term");
    }
  }

  let eyeRoll = false;
  let clapping = false;
  if (families.has("emoji")) {
    const emoji = countEmoji(text);
    clapping = emoji.clapping > 0;
    if (emoji.angry > 0) {
      evidence.frustrated += Math.min(
        WEIGHT.emojiMaximum,
        WEIGHT.angryEmoji + WEIGHT.moreEmoji * (emoji.angry - 1),
      );
      anger = true;
      cues.add("emoji:angry");
    }
    if (emoji.sad > 0) {
      evidence.frustrated += Math.min(
        WEIGHT.emojiMaximum,
        WEIGHT.sadEmoji + WEIGHT.moreEmoji * (emoji.sad - 1),
      );
      cues.add("emoji:sad");
    }
    if (emoji.eyeRoll > 0) {
      evidence.frustrated += WEIGHT.eyeRoll;
      eyeRoll = true;
      cues.add("emoji:eye-roll");
    }
    if (emoji.happy > 0) {
      evidence.happy += Math.min(
        WEIGHT.emojiMaximum,
        WEIGHT.happyEmoji + WEIGHT.moreEmoji * (emoji.happy - 1),
      );
      cues.add("emoji:happy");
    }
    if (emoji.confused > 0) {
      evidence.confused += WEIGHT.confusedEmoji;
      cues.add("emoji:confused");
    }
  }

  // Sarcasm: praise that opens a complaint ("great, another delay", "bravo, encore perdu"), or that comes
  // with an eye-roll, or applause or scare quotes next to a complaint ("arrived after 9 days 👏"), is
  // the complaint's tone, not happiness: its weight moves to frustration.
  // "Vaya 'servicio técnico'": an interjection then scare quotes is sarcasm even with no praise word.
  if (
    families.has("sarcasm") &&
    scare.quoted &&
    evidence.happy === 0 &&
    SARCASM_LEAD_INS.has(tokens[0] ?? "")
  ) {
    evidence.frustrated += WEIGHT.word;
    cues.add("sarcasm");
  }
  if (families.has("sarcasm") && evidence.happy > 0) {
    const opensWithPraise =
      kinds[0]?.has("praise") === true ||
      (SARCASM_LEAD_INS.has(tokens[0] ?? "") && kinds[1]?.has("praise") === true) ||
      SARCASTIC_OPENINGS.some((opening) => joined.startsWith(opening));
    const complaint = evidence.frustrated > 0 || againSeen;
    // "Great 'customer service'": quotes around the thing praised are the sarcasm, complaint or not.
    if (
      eyeRoll ||
      (opensWithPraise && scare.quoted) ||
      (complaint && (opensWithPraise || clapping || scare.quoted))
    ) {
      evidence.frustrated += evidence.happy;
      evidence.happy = 0;
      cues.add("sarcasm");
    }
  }

  // Capitals and "!!!" say how strongly, not what: they amplify the mood already read, and alone they
  // read as exasperation ("WHERE IS MY ORDER???").
  const amplify = (weight: number, cue: string) => {
    const leading = leadingKind(evidence);
    evidence[leading] += weight;
    cues.add(cue);
  };
  if (families.has("caps")) {
    const caps = readCaps(text);
    if (caps !== null) amplify(caps === "shouting" ? WEIGHT.shouting : WEIGHT.emphasis, "caps");
  }
  if (families.has("punctuation") && hasPunctuationBurst(text))
    amplify(WEIGHT.punctuationBurst, "exclamation");

  const emotion = decide(evidence, faultEvidence);
  const score =
    emotion === "neutral"
      ? 0
      : emotion === "frustrated" && anger
        ? Math.max(ANGER_MINIMUM_SCORE, strength(evidence.frustrated))
        : strength(evidence[emotion]);
  const folded = scare.quoted ? null : { tokens, joined };
  return { emotion, score, cues: [...cues], evidence, faultEvidence, anger, folded };
}

function isGratitude(tokens: readonly string[], index: number): boolean {
  if (REFUSALS.has(tokens[index - 1] ?? "")) return false;
  if (tokens[index] === "merci" && (tokens[index + 1] === "de" || tokens[index + 1] === "d")) {
    const next = tokens[index + 2] ?? "";
    return next === "m" ? tokens[index + 3] === "avoir" : THANKED_AFTER_MERCI_DE.has(next);
  }
  return true;
}

function addKind(evidence: Evidence, kind: CompiledRule["kind"], weight: number): void {
  if (kind === "angry" || kind === "frustrated") evidence.frustrated += weight;
  else if (kind === "urgent") evidence.urgent += weight;
  else if (kind === "confused") evidence.confused += weight;
  else evidence.happy += weight;
}

/** Ties go to frustration, then urgency, then confusion: the costlier moods to miss. */
function leadingKind(evidence: Evidence): keyof Evidence {
  let leading: keyof Evidence = "frustrated";
  for (const kind of ["urgent", "confused", "happy"] as const) {
    if (evidence[kind] > evidence[leading]) leading = kind;
  }
  return leading;
}

function decide(evidence: Evidence, faultEvidence: number): Emotion {
  const { frustrated, happy, urgent, confused } = evidence;
  const onlyAFault = faultEvidence >= frustrated - 1e-9;
  if (frustrated >= THRESHOLD && frustrated >= happy && !(urgent >= THRESHOLD && onlyAFault))
    return "frustrated";
  if (urgent >= THRESHOLD) return "urgent";
  if (confused >= THRESHOLD) return "confused";
  if (happy >= THRESHOLD) return "happy";
  return "neutral";
}
