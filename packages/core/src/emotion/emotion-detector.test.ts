import { describe, expect, it } from "vitest";
import type { LanguageCode } from "../assistant/language.js";
import { LutinError } from "../errors.js";
import { CUE_FAMILIES, type CueFamily, createRulesEmotionDetector } from "./emotion-detector.js";

const detector = createRulesEmotionDetector();
const read = (text: string, language: LanguageCode | null = null) => detector.read(text, language);
const without = (family: CueFamily) => createRulesEmotionDetector({ cueFamilies: { [family]: false } });

describe("lexicon", () => {
  it.each([
    ["en", "this is ridiculous", "frustrated"],
    ["fr", "c'est inadmissible", "frustrated"],
    ["es", "es inaceptable", "frustrated"],
    ["de", "das ist eine Frechheit", "frustrated"],
    ["en", "awesome, thanks", "happy"],
    ["fr", "parfait merci", "happy"],
    ["es", "perfecto, gracias", "happy"],
    ["de", "wunderbar, danke", "happy"],
    ["en", "I'm confused", "confused"],
    ["de", "ich bin verwirrt", "confused"],
    ["en", "urgent: please call", "urgent"],
    ["de", "dringend bitte", "urgent"],
  ] as const)("%s: %s → %s", (language, text, emotion) => {
    expect(read(text, language).emotion).toBe(emotion);
    expect(read(text, null).emotion).toBe(emotion);
  });

  it("is accent-insensitive and stems by prefix", () => {
    expect(read("tres decue", "fr").emotion).toBe("frustrated");
    expect(read("très déçue", "fr").emotion).toBe("frustrated");
    expect(read("ich bin enttauscht", "de").cues).toContain("lexicon:frustrated");
    expect(read("muy decepcionados", "es").cues).toContain("lexicon:frustrated");
  });

  it("reads anger as frustration with a high score", () => {
    const angry = read("I am furious", "en");
    const annoyed = read("this is annoying", "en");
    expect(angry).toMatchObject({ emotion: "frustrated", cues: expect.arrayContaining(["lexicon:angry"]) });
    expect(angry.score).toBeGreaterThanOrEqual(0.8);
    expect(annoyed.emotion).toBe("frustrated");
    expect(annoyed.score).toBeLessThan(angry.score);
  });

  it("keeps plain questions, data and greetings neutral with score 0", () => {
    for (const text of [
      "What are your opening hours?",
      "order #12345",
      "Bonjour",
      "¿Hacen envíos a Chile?",
      "ok",
    ]) {
      expect(read(text)).toMatchObject({ emotion: "neutral", score: 0 });
    }
  });

  it("does not read a request phrased with 'merci de' or a refusal 'no thanks' as happiness", () => {
    expect(read("Merci de me rappeler demain", "fr").emotion).toBe("neutral");
    expect(read("Merci de votre aide", "fr").emotion).toBe("happy");
    expect(read("No thanks, that's all", "en").emotion).toBe("neutral");
    expect(read("Nein danke", "de").emotion).toBe("neutral");
  });
});

describe("negation", () => {
  it.each([
    ["en", "I'm not happy with this"],
    ["fr", "je ne suis pas content"],
    ["fr", "pas satisfait du tout"],
    ["es", "no estoy nada contento"],
    ["de", "ich bin nicht zufrieden"],
    ["it", "non sono soddisfatto"],
    ["nl", "ik ben niet tevreden"],
    ["en", "this is not acceptable"],
    ["fr", "c'est pas normal"],
  ] as const)("%s: %s → frustrated, and happy without the negation family", (language, text) => {
    expect(read(text, language)).toMatchObject({
      emotion: "frustrated",
      cues: expect.arrayContaining(["negation"]),
    });
    expect(without("negation").read(text, language).emotion).not.toBe("frustrated");
  });

  it("cancels a negated complaint word", () => {
    expect(read("not bad at all", "en").emotion).toBe("neutral");
  });
});

describe("intensifiers", () => {
  it("raise the score of the word they modify", () => {
    const plain = read("I am disappointed", "en");
    const intensified = read("I am extremely disappointed", "en");
    expect(intensified.cues).toContain("intensifier");
    expect(intensified.score).toBeGreaterThan(plain.score);
    expect(read("je suis vraiment déçu", "fr").score).toBeGreaterThan(read("je suis déçu", "fr").score);
  });
});

describe("capitals and punctuation", () => {
  it("shouting with a question burst makes an ordinary question a complaint", () => {
    expect(read("where is my order?", "en").emotion).toBe("neutral");
    expect(read("WHERE IS MY ORDER???", "en")).toMatchObject({
      emotion: "frustrated",
      cues: expect.arrayContaining(["caps", "exclamation"]),
    });
    expect(read("WO IST MEIN PAKET???", "de").emotion).toBe("frustrated");
    expect(without("caps").read("¿DÓNDE ESTÁ MI PEDIDO?", "es").emotion).toBe("neutral");
    expect(read("¿DÓNDE ESTÁ MI PEDIDO?", "es").emotion).toBe("frustrated");
  });

  it("amplify the mood already read instead of turning it into frustration", () => {
    expect(read("THANK YOU SO MUCH!!!", "en").emotion).toBe("happy");
    expect(read("danke!!", "de").score).toBeGreaterThan(read("danke", "de").score);
  });

  it("ignore acronyms and codes", () => {
    expect(read("Please send the PDF ASAP", "en").cues).not.toContain("caps");
    expect(read("Tracking 1Z999AA10123456784", "en").cues).toEqual([]);
  });
});

describe("emoji and emoticons", () => {
  it.each([
    ["😡", "frustrated", "emoji:angry"],
    ["🤬🤬", "frustrated", "emoji:angry"],
    ["😤", "frustrated", "emoji:angry"],
    ["😠", "frustrated", "emoji:angry"],
    ["😢", "frustrated", "emoji:sad"],
    ["🙄", "frustrated", "emoji:eye-roll"],
    [":(", "frustrated", "emoji:sad"],
    ["😊", "happy", "emoji:happy"],
    ["🙏", "happy", "emoji:happy"],
    ["👍", "happy", "emoji:happy"],
    ["❤️", "happy", "emoji:happy"],
    ["🎉", "happy", "emoji:happy"],
    [":)", "happy", "emoji:happy"],
    ["🤔", "confused", "emoji:confused"],
  ] as const)("%s → %s", (text, emotion, cue) => {
    expect(read(text)).toMatchObject({ emotion, cues: [cue] });
    expect(without("emoji").read(text).emotion).toBe("neutral");
  });

  it("does not read times or links as emoticons", () => {
    expect(read("See https://example.test/a at 12:30 (tomorrow)").cues).toEqual([]);
  });

  it("angry emoji score high", () => {
    expect(read("😡").score).toBeGreaterThanOrEqual(0.8);
  });
});

describe("support phrases carry frustration without emotional words", () => {
  it.each([
    ["en", "This is the third time I write about this", "repeated-contact"],
    ["fr", "ça fait trois fois que j'appelle", "repeated-contact"],
    ["es", "es la segunda vez que pasa", "repeated-contact"],
    ["en", "still waiting for the parcel", "still-waiting"],
    ["es", "sigo esperando el paquete", "still-waiting"],
    ["de", "Das Paket ist immer noch nicht angekommen", "still-waiting"],
    ["en", "I've been waiting for 2 weeks", "waiting-long"],
    ["fr", "j'attends depuis lundi", "waiting-long"],
    ["de", "ich warte seit drei Tagen", "waiting-long"],
    ["en", "nobody answers the phone", "nobody-answers"],
    ["fr", "personne ne répond", "nobody-answers"],
    ["fr", "je vais porter plainte", "complaint"],
    ["de", "ich werde mich beschweren", "complaint"],
    ["en", "refund now", "refund-now"],
    ["en", "please cancel my subscription", "cancel-subscription"],
    ["es", "me cobraron dos veces", "double-charge"],
    ["es", "no funciona", "not-working"],
    ["de", "es funktioniert nicht", "not-working"],
  ] as const)("%s: %s → phrase:%s", (language, text, phrase) => {
    expect(read(text, language)).toMatchObject({
      emotion: "frustrated",
      cues: expect.arrayContaining([`phrase:${phrase}`]),
    });
    expect(without("phrase").read(text, language).emotion).toBe("neutral");
  });

  it("does not read an ordinary cancellation or a plain duration as frustration", () => {
    expect(read("Can you cancel the order before it ships?", "en").emotion).toBe("neutral");
    expect(read("Je suis client depuis 3 ans", "fr").emotion).toBe("neutral");
    expect(read("Me voy de vacaciones el lunes, ¿llegará antes?", "es").emotion).toBe("neutral");
  });
});

describe("sarcasm", () => {
  it.each([
    ["en", "Great, another delay."],
    ["fr", "Génial, encore un retard"],
    ["es", "Genial, otra vez perdieron el paquete"],
    ["de", "Toll, schon wieder verspätet"],
    ["en", "Lovely service 🙄"],
  ] as const)("%s: %s → frustrated", (language, text) => {
    expect(read(text, language)).toMatchObject({
      emotion: "frustrated",
      cues: expect.arrayContaining(["sarcasm"]),
    });
  });

  it("decides when the praise words outweigh the complaint", () => {
    for (const [text, language] of [
      ["Great, thanks a lot, another delay.", "en"],
      ["Super, encore un retard. Merci bien.", "fr"],
    ] as const) {
      expect(read(text, language).emotion).toBe("frustrated");
      expect(without("sarcasm").read(text, language).emotion).toBe("happy");
    }
  });

  it("leaves sincere praise alone", () => {
    expect(read("Great, it works now", "en").emotion).toBe("happy");
    expect(read("Super, merci !", "fr").emotion).toBe("happy");
  });
});

describe("urgent and confused", () => {
  it.each([
    ["en", "please call me back asap"],
    ["en", "I need it right now"],
    ["fr", "rappelez-moi au plus vite"],
    ["es", "lo necesito urgente"],
    ["de", "bitte sofort zurückrufen"],
  ] as const)("%s: %s → urgent", (language, text) => {
    expect(read(text, language).emotion).toBe("urgent");
  });

  it.each([
    ["en", "I don't understand this invoice"],
    ["fr", "je ne comprends pas la facture"],
    ["es", "no entiendo la factura"],
    ["de", "ich verstehe die Rechnung nicht"],
    ["en", "How do I do this? I can't find it"],
  ] as const)("%s: %s → confused", (language, text) => {
    expect(read(text, language).emotion).toBe("confused");
  });

  it("a plain how-to question is neutral", () => {
    expect(read("How do I download the app?", "en").emotion).toBe("neutral");
  });
});

describe("precedence", () => {
  it("frustrated beats urgent, confused and polite thanks", () => {
    expect(read("This is unacceptable, I need it immediately", "en").emotion).toBe("frustrated");
    expect(read("I don't understand why nobody answers!!", "en").emotion).toBe("frustrated");
    expect(read("Thanks, but I'm still waiting for my refund", "en").emotion).toBe("frustrated");
  });

  it("a bare fault report with urgency words is urgent", () => {
    expect(read("urgent: the payment page is not working", "en").emotion).toBe("urgent");
    expect(read("the payment page is not working", "en").emotion).toBe("frustrated");
  });

  it("urgent beats confused, confused beats happy", () => {
    expect(read("I don't understand, please call me asap", "en").emotion).toBe("urgent");
    expect(read("Thanks, but I'm confused", "en").emotion).toBe("confused");
  });
});

describe("the reading", () => {
  it("never puts message text in the cues", () => {
    const text = "Ça fait trois fois que je vous écris, c'est INADMISSIBLE 😡!!";
    const reading = read(text, "fr");
    for (const cue of reading.cues) expect(cue).toMatch(/^(?:lexicon|phrase|emoji):[a-z-]+$|^[a-z-]+$/);
    for (const word of text
      .toLowerCase()
      .split(/\W+/)
      .filter((word) => word.length > 3)) {
      expect(reading.cues.join(" ")).not.toContain(word);
    }
  });

  it("scores in 0..1, rising with evidence", () => {
    const one = read("disappointed", "en").score;
    const more = read("Disappointed. Third time I write, still waiting 😡", "en").score;
    expect(one).toBeGreaterThan(0);
    expect(more).toBeGreaterThan(one);
    expect(more).toBeLessThanOrEqual(1);
  });

  it("uses every list when the language is unknown or has none", () => {
    expect(read("sigo esperando", null).emotion).toBe("frustrated");
    expect(read("sigo esperando", "pl").emotion).toBe("frustrated");
    // With a known language, only its lists and English: a French word in a German conversation is ignored.
    expect(read("inadmissible", "de").emotion).toBe("neutral");
  });

  it("basic cues in it, pt and nl", () => {
    expect(read("Sto ancora aspettando il rimborso", "it").emotion).toBe("frustrated");
    expect(read("Não estou satisfeito", "pt").emotion).toBe("frustrated");
    expect(read("Ik wacht nog steeds op mijn pakket", "nl").emotion).toBe("frustrated");
    expect(read("Grazie mille!", "it").emotion).toBe("happy");
  });
});

describe("options", () => {
  it("names the switched-off families in the detector name", () => {
    expect(detector.name).toBe("lutingenie-emotion-rules");
    expect(createRulesEmotionDetector({ cueFamilies: { emoji: false } }).name).not.toContain("emoji");
    expect(CUE_FAMILIES).toContain("emoji");
  });

  it("rejects an unknown family with a CONFIG_INVALID error naming the fix", () => {
    const attempt = () => createRulesEmotionDetector({ cueFamilies: { emojis: false } as never });
    expect(attempt).toThrow(/cueFamilies/);
    try {
      attempt();
    } catch (error) {
      expect(LutinError.isInstance(error, "CONFIG_INVALID")).toBe(true);
      expect((error as LutinError).hint).toContain("emoji");
    }
  });
});
