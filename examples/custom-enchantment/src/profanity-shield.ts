import { defineEnchantment, type Enchantment, type LanguageCode } from "@lutingenie/core";

/**
 * A third-party enchantment written with the same public SDK as the built-ins. It does two things:
 * - masks profanity in the reply (an LLM may quote the customer's words back), keeping first letters;
 * - counts abusive messages in a conversation and, from the third, answers with a calm boundary
 *   message instead of calling the responder — in the customer's language when it ships one.
 */
export interface ProfanityShieldOptions {
  /** Words to catch, lower case; default: a short list in en, fr, es, de. */
  words?: readonly string[];
  /** Abusive messages tolerated in one conversation before the boundary message. Default 2. */
  tolerance?: number;
}

const DEFAULT_WORDS = [
  "fuck",
  "fucking",
  "shit",
  "bastard",
  "idiot",
  "merde",
  "putain",
  "connard",
  "mierda",
  "idiota",
  "scheiße",
  "scheisse",
  "arschloch",
];

/** Third-party enchantments ship their own texts; a language they lack falls back to English. */
const BOUNDARY: Partial<Record<LanguageCode, string>> & { en: string } = {
  en: "I want to help you, and I'll do it best if we keep this respectful. Could you tell me again what you need?",
  fr: "Je veux vous aider, et je le ferai au mieux dans le respect mutuel. Pouvez-vous me redire ce dont vous avez besoin ?",
  es: "Quiero ayudarle, y lo haré mejor si mantenemos el respeto. ¿Puede decirme de nuevo qué necesita?",
  de: "Ich möchte Ihnen helfen, und das gelingt am besten respektvoll. Können Sie mir noch einmal sagen, was Sie brauchen?",
};

interface ShieldState {
  conversationId?: string;
  abusive?: number;
}

export function profanityShield(options: ProfanityShieldOptions = {}): Enchantment {
  const words = options.words ?? DEFAULT_WORDS;
  const tolerance = options.tolerance ?? 2;
  const pattern = new RegExp(`(?<![\\p{L}])(${words.map(escapeRegExp).join("|")})(?![\\p{L}])`, "giu");
  const contains = (text: string) => {
    pattern.lastIndex = 0;
    return pattern.test(text);
  };

  return defineEnchantment({
    name: "profanity-shield",
    version: "1.0.0",
    // After Polyglot (100) and Emotion (200) so the boundary message is in the right language.
    order: 250,
    async run(context, next) {
      const state = context.stateOf("profanity-shield") as ShieldState;
      if (state.conversationId !== context.conversation?.id) {
        state.conversationId = context.conversation?.id;
        state.abusive = 0;
      }
      if (contains(context.text)) state.abusive = (state.abusive ?? 0) + 1;
      if ((state.abusive ?? 0) > tolerance) {
        context.reply = {
          text: BOUNDARY[context.language] ?? BOUNDARY.en,
          confidence: 1,
          source: "profanity-shield:boundary",
          toned: true,
        };
        return;
      }
      await next();
      if (context.reply !== null)
        context.reply = { ...context.reply, text: mask(context.reply.text, pattern) };
    },
  });
}

function mask(text: string, pattern: RegExp): string {
  return text.replace(pattern, (word) => `${word[0]}${"*".repeat(Math.max(word.length - 1, 1))}`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
