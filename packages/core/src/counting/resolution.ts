import { analyzedText } from "../util/analyzed-text.js";

/**
 * C4: a clear resolution phrase from the customer resolves the conversation, like the "That solved it"
 * button. Conservative on purpose: a missed phrase only means the conversation ends by inactivity
 * instead, while a false one could split a conversation in two.
 */
export interface ResolutionDetector {
  readonly version: string;
  isResolution(text: string): boolean;
}

const RESOLUTION_PHRASES = [
  // en
  "that solved it",
  "this solved it",
  "that solves it",
  "problem solved",
  "issue solved",
  "issue resolved",
  "problem resolved",
  "it's resolved",
  "it is resolved",
  "that fixed it",
  "this fixed it",
  "that fixes it",
  "it works now",
  "it's working now",
  "that answers my question",
  "all sorted",
  // fr
  "c'est résolu",
  "problème résolu",
  "ça a résolu",
  "ça marche maintenant",
  "ça fonctionne maintenant",
  "c'est réglé",
  "problème réglé",
  "merci, c'est bon",
  "c'est bon merci",
  // es
  "problema resuelto",
  "ya está resuelto",
  "eso lo resolvió",
  "ya funciona",
  // de
  "problem gelöst",
  "ist gelöst",
  "funktioniert jetzt",
  "hat sich erledigt",
  // it
  "problema risolto",
  "ora funziona",
  "è risolto",
  // pt
  "problema resolvido",
  "está resolvido",
  "agora funciona",
  // nl
  "probleem opgelost",
  "het werkt nu",
  "is opgelost",
  // pl
  "problem rozwiązany",
  "problem został rozwiązany",
  "już działa",
  "teraz działa",
  "sprawa załatwiona",
  // tr
  "sorun çözüldü",
  "sorunum çözüldü",
  "şimdi çalışıyor",
  "artık çalışıyor",
  "halloldu",
  // ar
  "تم حل المشكلة",
  "تم الحل",
  "انحلت المشكلة",
  "يعمل الآن",
  "اشتغل الآن",
  // zh
  "问题解决了",
  "问题已解决",
  "已经解决了",
  "现在可以了",
  "现在好了",
  // ja
  "解決しました",
  "解決できました",
  "直りました",
  "動くようになりました",
  "問題なくなりました",
];

/**
 * A negation just before the phrase ("it's not resolved", "pas résolu", "nie działa", "لم يتم حل",
 * "还没 …") cancels it. Turkish and Japanese negate inside the verb, so their phrases never match negated.
 */
const NEGATION_BEFORE = new RegExp(
  [
    String.raw`(?:\bnot|n't|\bnever|\bpas|\bjamais|\bno|\bnicht|\bnon|\bniet|\bnão|\bnie|\bwcale)\W*(?:\w+\W+)?$`,
    String.raw`(?:^|\s)(?:لم|لا|ما|ليس)\s*\S*\s*$`,
    "(?:没有|没|未|不|还没|還沒)\\s*$",
  ].join("|"),
  "u",
);

function normalize(text: string): string {
  return text.normalize("NFC").toLowerCase().replace(/[’`]/g, "'").replace(/\s+/g, " ");
}

export function createDefaultResolutionDetector(): ResolutionDetector {
  return {
    // default@3: reads the part of the message every per-message analysis reads (analyzed-text.ts).
    version: "default@3",
    isResolution(text) {
      const normalized = normalize(analyzedText(text));
      for (const phrase of RESOLUTION_PHRASES) {
        const index = normalized.indexOf(phrase);
        if (index === -1) continue;
        if (NEGATION_BEFORE.test(normalized.slice(Math.max(0, index - 16), index))) continue;
        return true;
      }
      return false;
    },
  };
}
