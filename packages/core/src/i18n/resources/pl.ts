import type { LanguageMessages } from "../message-types.js";

// Informal "Ty" (usual in Polish support chats) and present-tense or impersonal verbs, which carry no gender:
// the agent's and the customer's gender are unknown.
export const pl: LanguageMessages<"pl"> = {
  handoff: {
    connecting: "Świetnie! Łączymy Cię teraz z jednym z naszych konsultantów. Za chwilę się odezwie.",
    agentJoined: "{{agent}} dołącza do rozmowy.",
    agentLeft: "{{agent}} opuszcza rozmowę. Wracam, by Ci pomóc.",
    expectedWait: {
      // "w ciągu" takes the genitive: 1 minuty, 2 minut, 5 minut, 1,5 minuty.
      one: "Konsultant odpowiada zwykle w ciągu {{count}} minuty.",
      few: "Konsultant odpowiada zwykle w ciągu {{count}} minut.",
      many: "Konsultant odpowiada zwykle w ciągu {{count}} minut.",
      other: "Konsultant odpowiada zwykle w ciągu {{count}} minuty.",
    },
    noAgentAccepted: "Żaden z naszych konsultantów nie mógł teraz przyjąć Twojego zgłoszenia.",
  },
  followUp: {
    created: "Wkrótce skontaktuje się z Tobą nasz konsultant. Utworzyliśmy zadanie dla naszego zespołu.",
    askContact:
      "Żeby nasz zespół mógł się z Tobą skontaktować, podaj proszę swój adres e-mail lub numer telefonu.",
  },
  contact: {
    details: "Kontakt z naszym zespołem: {{contact}}. Nasze godziny pracy: {{hours}}.",
    closedNow: "W tej chwili jesteśmy niedostępni. Wracamy {{nextOpening}}.",
  },
  assistant: {
    dontKnow: "Chyba nie do końca rozumiem. Czy możesz inaczej sformułować pytanie?",
    dontKnowWithHuman:
      "Chyba nie do końca rozumiem. Czy możesz to inaczej sformułować, czy mam połączyć Cię z konsultantem?",
    error: "Przepraszamy, coś poszło nie tak po naszej stronie. Spróbuj ponownie za chwilę.",
    messageTooLong:
      "Twoja wiadomość jest za długa (liczba znaków: {{length}}, limit: {{limit}}). Czy możesz ją skrócić?",
    unsupportedContent: "Na razie potrafię czytać tylko wiadomości tekstowe.",
    resolved:
      "Cieszę się, że mogłem pomóc! Napisz do nas w każdej chwili, jeśli będziesz czegoś potrzebować.",
    conversationClosed:
      "Ta rozmowa została zakończona. Napisz do nas w dowolnym momencie, aby rozpocząć nową.",
    stillThere: "Jesteś tam jeszcze?",
  },
  tone: {
    frustrated: "Bardzo mi przykro i rozumiem, jakie to frustrujące.",
    frustratedAgain: "Przykro mi, że to wciąż nie zostało rozwiązane. Rozwiążmy to razem.",
    happy: "Świetnie to słyszeć!",
    confused: "Nie ma problemu, wyjaśnię to krok po kroku.",
    urgent: "Rozumiem, że to pilne, więc przejdźmy od razu do rzeczy.",
  },
  usage: {
    conversationsRemaining: {
      one: "Pozostała {{count}} rozmowa",
      few: "Pozostały {{count}} rozmowy",
      many: "Pozostało {{count}} rozmów",
      other: "Pozostało {{count}} rozmowy",
    },
    thresholdAlert: "Wykorzystano {{percent}}% rozmów z tego okresu rozliczeniowego.",
  },
  hours: {
    closed: "nieczynne",
    range: "{{from}}–{{to}}",
  },
};
