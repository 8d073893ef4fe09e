import type { LanguageMessages } from "../message-types.js";

export const nl: LanguageMessages<"nl"> = {
  handoff: {
    connecting: "Perfect! We verbinden u nu met een van onze medewerkers. Die is zo bij u.",
    agentJoined: "{{agent}} neemt nu deel aan het gesprek.",
    agentLeft: "{{agent}} heeft het gesprek verlaten. Ik help u weer verder.",
    expectedWait: {
      one: "Een medewerker reageert meestal binnen {{count}} minuut.",
      other: "Een medewerker reageert meestal binnen {{count}} minuten.",
    },
    noAgentAccepted: "Op dit moment kon geen van onze medewerkers uw vraag in behandeling nemen.",
  },
  followUp: {
    created: "Een medewerker neemt binnenkort contact met u op. We hebben een taak aangemaakt voor ons team.",
    askContact: "Wat is uw e-mailadres of telefoonnummer, zodat ons team contact met u kan opnemen?",
  },
  contact: {
    details: "U kunt ons team bereiken via {{contact}}. Onze openingstijden: {{hours}}.",
    closedNow: "We zijn op dit moment gesloten. We zijn er weer {{nextOpening}}.",
  },
  assistant: {
    dontKnow: "Ik weet niet zeker of ik u goed begrijp. Kunt u uw vraag anders formuleren?",
    dontKnowWithHuman:
      "Ik weet niet zeker of ik u goed begrijp. Kunt u het anders formuleren, of zal ik u doorverbinden met een medewerker?",
    error: "Sorry, er ging bij ons iets mis. Probeer het over een moment opnieuw.",
    messageTooLong:
      "Uw bericht is te lang ({{length}} tekens; het maximum is {{limit}}). Kunt u het inkorten?",
    unsupportedContent: "Ik kan voorlopig alleen tekstberichten lezen.",
    resolved: "Fijn dat ik u kon helpen! Schrijf ons gerust als u nog iets nodig hebt.",
    conversationClosed:
      "Dit gesprek is afgesloten. Stuur ons gerust een bericht om een nieuw gesprek te beginnen.",
    stillThere: "Bent u er nog?",
  },
  tone: {
    frustrated: "Het spijt me echt en ik begrijp hoe frustrerend dit is.",
    frustratedAgain: "Het spijt me dat dit nog steeds niet is opgelost. Laten we het samen oplossen.",
    happy: "Wat fijn om te horen!",
    confused: "Geen zorgen, ik leg het u stap voor stap uit.",
    urgent: "Ik begrijp dat het dringend is, dus laten we meteen ter zake komen.",
  },
  usage: {
    conversationsRemaining: {
      one: "Nog {{count}} gesprek over",
      other: "Nog {{count}} gesprekken over",
    },
    thresholdAlert: "U hebt {{percent}}% van de gesprekken van deze periode gebruikt.",
  },
  hours: {
    closed: "gesloten",
    range: "{{from}}–{{to}}",
  },
};
