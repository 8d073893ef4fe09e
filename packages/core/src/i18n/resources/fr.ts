import type { LanguageMessages } from "../message-types.js";

// The two handoff/follow-up messages are the guide's wording, kept word for word.
export const fr: LanguageMessages<"fr"> = {
  handoff: {
    connecting: "Parfait ! Nous vous connectons à l'un de nos agents maintenant. Il sera avec vous sous peu.",
    agentJoined: "{{agent}} a rejoint la conversation.",
    agentLeft: "{{agent}} a quitté la conversation. Je suis de retour pour vous aider.",
    expectedWait: {
      one: "Un agent répond généralement en {{count}} minute.",
      // "many" is CLDR's form for round millions ("1 000 000 de minutes"); kept for completeness.
      many: "Un agent répond généralement en {{count}} de minutes.",
      other: "Un agent répond généralement en {{count}} minutes.",
    },
    noAgentAccepted: "Aucun de nos agents n'a pu prendre en charge votre demande pour le moment.",
  },
  followUp: {
    created: "Un agent vous contactera bientôt. Nous avons créé une tâche pour notre équipe.",
    askContact:
      "Pour que notre équipe puisse vous recontacter, quelle est votre adresse e-mail ou votre numéro de téléphone ?",
  },
  contact: {
    details: "Pour joindre notre équipe : {{contact}}. Nos horaires d'ouverture : {{hours}}.",
    closedNow: "Nous sommes fermés pour le moment. Nous serons de retour {{nextOpening}}.",
  },
  assistant: {
    dontKnow: "Je crains de ne pas avoir bien compris. Pourriez-vous reformuler votre question ?",
    dontKnowWithHuman:
      "Je crains de ne pas avoir bien compris. Pourriez-vous reformuler, ou préférez-vous que je vous mette en relation avec une personne ?",
    error: "Toutes nos excuses, un problème est survenu de notre côté. Veuillez réessayer dans un instant.",
    messageTooLong:
      "Votre message est trop long ({{length}} caractères ; la limite est de {{limit}}). Pourriez-vous le raccourcir ?",
    unsupportedContent: "Pour l'instant, je ne peux lire que les messages texte.",
    resolved:
      "Ravi d'avoir pu vous aider ! Écrivez-nous quand vous voulez si vous avez besoin d'autre chose.",
    conversationClosed:
      "Cette conversation est terminée. Écrivez-nous à tout moment pour en commencer une nouvelle.",
    stillThere: "Êtes-vous toujours là ?",
  },
  tone: {
    frustrated: "Toutes mes excuses pour ce désagrément, je comprends à quel point c'est frustrant.",
    frustratedAgain: "Je regrette que ce ne soit toujours pas réglé. Trouvons une solution ensemble.",
    happy: "Quelle bonne nouvelle !",
    confused: "Pas de souci, je vais vous expliquer étape par étape.",
    urgent: "Je comprends que c'est urgent, allons droit au but.",
  },
  usage: {
    conversationsRemaining: {
      one: "{{count}} conversation restante",
      many: "{{count}} de conversations restantes",
      other: "{{count}} conversations restantes",
    },
    // French typography: a narrow no-break space before the percent sign (what Intl.NumberFormat writes).
    thresholdAlert: "Vous avez utilisé {{percent}}\u202f% des conversations de cette période.",
  },
  hours: {
    closed: "fermé",
    range: "{{from}}–{{to}}",
  },
};
