import type { LanguageMessages } from "../message-types.js";

export const de: LanguageMessages<"de"> = {
  handoff: {
    connecting: "Perfekt! Wir verbinden Sie jetzt mit unserem Support-Team. Gleich ist jemand für Sie da.",
    agentJoined: "{{agent}} ist dem Gespräch beigetreten.",
    agentLeft: "{{agent}} hat das Gespräch verlassen. Ab jetzt helfe ich Ihnen wieder weiter.",
    expectedWait: {
      one: "Unser Team antwortet in der Regel innerhalb von {{count}} Minute.",
      other: "Unser Team antwortet in der Regel innerhalb von {{count}} Minuten.",
    },
    noAgentAccepted: "Im Moment konnte leider niemand aus unserem Team Ihre Anfrage übernehmen.",
  },
  followUp: {
    created:
      "Jemand aus unserem Team meldet sich in Kürze bei Ihnen. Wir haben Ihr Anliegen als Aufgabe für unser Team erfasst.",
    askContact:
      "Damit sich unser Team bei Ihnen melden kann: Wie lautet Ihre E-Mail-Adresse oder Telefonnummer?",
  },
  contact: {
    details: "Sie erreichen unser Team unter {{contact}}. Unsere Geschäftszeiten: {{hours}}.",
    closedNow: "Wir sind gerade nicht erreichbar. Ab {{nextOpening}} sind wir wieder für Sie da.",
  },
  assistant: {
    dontKnow:
      "Ich bin nicht sicher, ob ich Sie richtig verstanden habe. Könnten Sie Ihre Frage anders formulieren?",
    dontKnowWithHuman:
      "Ich bin nicht sicher, ob ich Sie richtig verstanden habe. Könnten Sie es anders formulieren, oder soll ich Sie mit jemandem aus unserem Team verbinden?",
    error: "Entschuldigung, bei uns ist etwas schiefgelaufen. Bitte versuchen Sie es gleich noch einmal.",
    messageTooLong:
      "Ihre Nachricht ist zu lang ({{length}} Zeichen, erlaubt sind {{limit}}). Könnten Sie sie kürzen?",
    unsupportedContent: "Ich kann bisher nur Textnachrichten lesen.",
    resolved: "Schön, dass ich helfen konnte! Schreiben Sie uns jederzeit, wenn Sie noch etwas brauchen.",
    conversationClosed:
      "Diese Unterhaltung ist beendet. Schreiben Sie uns jederzeit, um eine neue zu beginnen.",
    stillThere: "Sind Sie noch da?",
  },
  tone: {
    frustrated: "Das tut mir wirklich leid, und ich verstehe, wie ärgerlich das ist.",
    frustratedAgain:
      "Es tut mir leid, dass das noch immer nicht gelöst ist. Lassen Sie es uns gemeinsam angehen.",
    happy: "Das freut mich sehr!",
    confused: "Kein Problem, ich erkläre es Ihnen Schritt für Schritt.",
    urgent: "Ich verstehe, dass es dringend ist – kommen wir direkt zur Sache.",
  },
  usage: {
    conversationsRemaining: {
      one: "Noch {{count}} Konversation übrig",
      other: "Noch {{count}} Konversationen übrig",
    },
    // DIN 5008: a (no-break) space before the percent sign.
    thresholdAlert: "Sie haben {{percent}}\u00a0% der Konversationen dieses Zeitraums verbraucht.",
  },
  hours: {
    closed: "geschlossen",
    range: "{{from}}–{{to}}",
  },
};
