import { describe, expect, it } from "vitest";
import { EMOTIONS } from "../assistant/emotion.js";
import type { LanguageCode } from "../assistant/language.js";
import { createEmotionDetector } from "./create-emotion-detector.js";
import { createRulesEmotionDetector } from "./emotion-detector.js";
import { EMOTION_DATA_SETS, loadLabelledMessages } from "./labelled-messages.js";

/**
 * rules@2 cue families, checked on messages written for these tests (data/emotion-cue-families.jsonl),
 * not taken from the other data sets: each family must catch phrasings it was not written from, in each
 * main language, and the neutral questions that share their words (today, same, quickly, "what is",
 * "where do I find", "I thought") must stay neutral. hybrid@3 must read them the same way; since its
 * model is trained on them too (at the weight of a set the rules were tuned on), for the hybrid these
 * cases guard the product's label decisions, not generalisation (leave-one-writer-out measures that).
 */
const hybrid = createEmotionDetector();
const detector = createRulesEmotionDetector();
const read = (text: string, language: LanguageCode) => detector.read(text, language);
const readHybrid = (text: string, language: LanguageCode) => hybrid.read(text, language);
const cases = loadLabelledMessages(EMOTION_DATA_SETS.cueFamilies).map(
  (message) => [message.language, message.text, message.emotion] as const,
);

it("the cue-family set has every mood in each main language", () => {
  for (const language of ["en", "fr", "es", "de"]) {
    for (const emotion of EMOTIONS) {
      const found = cases.some(([caseLanguage, , label]) => caseLanguage === language && label === emotion);
      expect(found, `${language} ${emotion}`).toBe(true);
    }
  }
});

describe.each([
  ["rules@2", read],
  ["hybrid@3", readHybrid],
] as const)("%s: cue families on new messages", (_version, read) => {
  it.each(cases)("%s: %s → %s", (language, text, emotion) => {
    expect(read(text, language).emotion).toBe(emotion);
  });
});
describe("rules@2 mechanisms", () => {
  it("reports its version as rules@3", () => {
    expect(detector.version).toBe("rules@3");
  });

  it("does not read mood words inside scare quotes, and reads the quotes as sarcasm next to praise", () => {
    expect(read("the 'urgent' option took 10 days to arrive", "en").emotion).not.toBe("urgent");
    const sarcastic = read("Great 'support' as usual", "en");
    expect(sarcastic).toMatchObject({ emotion: "frustrated", cues: expect.arrayContaining(["sarcasm"]) });
    // Without the sarcasm family the quoted words count again.
    const literal = createRulesEmotionDetector({ cueFamilies: { sarcasm: false } });
    expect(literal.read("Great 'support' as usual", "en").emotion).toBe("happy");
    // An apostrophe is not a quote: "I'm" and "it's" leave the message as it is.
    expect(read("I'm so happy it's fixed", "en").emotion).toBe("happy");
  });

  it("reads applause as praise alone and as sarcasm next to a complaint", () => {
    expect(read("Thank you, great work 👏", "en").emotion).toBe("happy");
    expect(read("delivered after 12 days 👏👏", "en")).toMatchObject({
      emotion: "frustrated",
      cues: expect.arrayContaining(["sarcasm", "phrase:took-too-long"]),
    });
    expect(
      createRulesEmotionDetector({ cueFamilies: { sarcasm: false } }).read(
        "Bravo, livré au bout de 12 jours 👏",
        "fr",
      ).emotion,
    ).toBe("happy");
  });

  it("takes a sign-off's thanks away, but not real praise", () => {
    expect(read("thanks, that's all", "en")).toMatchObject({ emotion: "neutral", score: 0 });
    expect(read("c'est tout, merci", "fr").emotion).toBe("neutral");
    expect(read("that's all, thanks, great service!", "en").emotion).toBe("happy");
  });

  it("needs two cues for a countdown or a 'where do I find': one alone is a plain question", () => {
    expect(read("Can you deliver in 2 hours?", "en").emotion).toBe("neutral");
    expect(read("Can you deliver quickly?", "en").emotion).toBe("neutral");
    expect(read("Can you deliver quickly? My flight is in 2 hours", "en")).toMatchObject({
      emotion: "urgent",
      cues: expect.arrayContaining(["phrase:countdown", "phrase:quickly"]),
    });
    expect(read("Wo finde ich die Händler-ID?", "de").emotion).toBe("neutral");
    expect(read("Was ist eine 'Händler-ID'? Wo finde ich die?", "de").emotion).toBe("confused");
  });

  it("reads exasperated openers and one-word sentences only as sentences of their own", () => {
    expect(read("Seriously?", "en").cues).toContain("phrase:rhetorical-question");
    expect(read("Seriously good service, thanks", "en").emotion).toBe("happy");
    expect(read("Could you send the link again?", "en").emotion).toBe("neutral");
    expect(read("Le lien a expiré. Encore.", "fr").cues).toContain("phrase:again");
    expect(read("Nothing else, thanks", "en").cues).not.toContain("phrase:nothing-after");
  });

  it("does not read instalments as repeated contact", () => {
    expect(read("On peut payer en plusieurs fois ?", "fr").emotion).toBe("neutral");
    expect(read("C'est la troisième fois que j'écris", "fr").emotion).toBe("frustrated");
  });
});

describe("'again' said alone, after any run of punctuation", () => {
  // The pattern reads each run of punctuation once (it tried the rest of the message from every "!" of
  // a run: 40,000 "!" took 1 s); what it finds is unchanged.
  const detector = createRulesEmotionDetector();
  it.each([
    "Nobody called. Again.",
    "Nobody called!!!!!!!! Again.",
    "Nobody called?! — Again!",
    "Nobody called… ¿Otra vez?",
    "Again.",
  ])("%j reads as 'again'", (text) => {
    expect(detector.read(text, null).cues).toContain("phrase:again");
  });
  it.each(["Could you send the link again?", "!!!!!!!! send it again please.", "!".repeat(1_000)])(
    "%j does not",
    (text) => {
      expect(detector.read(text, null).cues).not.toContain("phrase:again");
    },
  );
});
