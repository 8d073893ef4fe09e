import type { LanguageMessages } from "../message-types.js";

export const it: LanguageMessages<"it"> = {
  handoff: {
    connecting:
      "Perfetto! La stiamo mettendo in contatto con uno dei nostri operatori proprio ora. Sarà con Lei tra pochi istanti.",
    agentJoined: "{{agent}} partecipa ora alla conversazione.",
    agentLeft: "{{agent}} ha lasciato la conversazione. Sono di nuovo a Sua disposizione.",
    expectedWait: {
      one: "Di solito un operatore risponde entro {{count}} minuto.",
      many: "Di solito un operatore risponde entro {{count}} di minuti.",
      other: "Di solito un operatore risponde entro {{count}} minuti.",
    },
    noAgentAccepted: "Al momento nessuno dei nostri operatori ha potuto prendere in carico la Sua richiesta.",
  },
  followUp: {
    created: "Un operatore La contatterà a breve. Abbiamo creato un'attività per il nostro team.",
    askContact:
      "Per permettere al nostro team di ricontattarLa, qual è il Suo indirizzo e-mail o numero di telefono?",
  },
  contact: {
    details: "Può contattare il nostro team tramite {{contact}}. Orari di apertura: {{hours}}.",
    closedNow: "Al momento siamo chiusi. Saremo di nuovo disponibili {{nextOpening}}.",
  },
  assistant: {
    dontKnow: "Temo di non aver capito bene. Potrebbe riformulare la domanda?",
    dontKnowWithHuman:
      "Temo di non aver capito bene. Può riformulare, oppure preferisce che La metta in contatto con una persona?",
    error: "Ci scusi, si è verificato un problema da parte nostra. Riprovi tra qualche istante.",
    messageTooLong:
      "Il Suo messaggio è troppo lungo ({{length}} caratteri; il limite è {{limit}}). Potrebbe accorciarlo?",
    unsupportedContent: "Per ora posso leggere solo messaggi di testo.",
    resolved: "Sono contento di esserle stato d'aiuto! Ci scriva quando vuole se le serve altro.",
    conversationClosed: "Questa conversazione è chiusa. Ci scriva quando vuole per iniziarne una nuova.",
    stillThere: "È ancora lì?",
  },
  tone: {
    frustrated: "Mi dispiace davvero e capisco quanto sia frustrante.",
    frustratedAgain: "Mi dispiace che il problema non sia ancora risolto. Risolviamolo insieme.",
    happy: "Che bella notizia!",
    confused: "Nessun problema, Le spiego tutto passo dopo passo.",
    urgent: "Capisco che è urgente, quindi andiamo dritti al punto.",
  },
  usage: {
    conversationsRemaining: {
      one: "{{count}} conversazione rimanente",
      many: "{{count}} di conversazioni rimanenti",
      other: "{{count}} conversazioni rimanenti",
    },
    thresholdAlert: "Ha utilizzato il {{percent}}% delle conversazioni di questo periodo.",
  },
  hours: {
    closed: "chiuso",
    range: "{{from}}–{{to}}",
  },
};
