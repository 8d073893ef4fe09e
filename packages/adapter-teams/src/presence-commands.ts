/**
 * What an agent types to the bot in personal chat to set their presence. The manifest's command list
 * (manifest/manifest.json) shows the English titles; the French words (and a few everyday synonyms) work
 * the same, since agents type rather than pick from the list.
 */
export const PRESENCE_COMMANDS = [
  {
    command: "available",
    description: "Agents: receive handoff requests in the agents' channel",
    words: ["available", "online", "disponible", "dispo", "en ligne"],
  },
  {
    command: "away",
    description: "Agents: stop receiving handoff requests",
    words: ["away", "offline", "absent", "absente", "hors ligne"],
  },
  {
    command: "status",
    description: "Agents: am I available or away?",
    words: ["status", "statut", "état", "etat"],
  },
] as const;

export type PresenceCommand = (typeof PRESENCE_COMMANDS)[number]["command"];

/**
 * The command in a personal chat message, or null when it is none (then the message is a customer's).
 * Teams puts `<at>Bot</at>` before a command picked from the list in some clients, and people add a
 * slash or punctuation: all are stripped. Only a message that is the command alone counts, so a
 * customer's "I am not available tomorrow" is never taken for one.
 */
export function presenceCommandOf(text: string | undefined): PresenceCommand | null {
  if (text === undefined || text.length > 200) return null;
  const word = text
    .replace(/<at>[^<]*<\/at>/gi, " ")
    .replace(/&nbsp;/gi, " ")
    .replace(/<[^>]+>/g, " ")
    .normalize("NFC")
    .toLowerCase()
    .replace(/^[\s/!]+|[\s.!?]+$/g, "")
    .replace(/\s+/g, " ");
  for (const entry of PRESENCE_COMMANDS)
    if ((entry.words as readonly string[]).includes(word)) return entry.command;
  return null;
}

/** The answers, in the agent's language when their message was French, English otherwise. */
export type AgentLanguage = "en" | "fr";

export function agentLanguageOf(text: string | undefined, locale: string | undefined): AgentLanguage {
  const word = (text ?? "").toLowerCase();
  if (/(disponible|dispo|en ligne|absent|hors ligne|statut|état|etat)/.test(word)) return "fr";
  if (/^(available|online|away|offline|status)\b/.test(word.replace(/<at>[^<]*<\/at>/g, "").trim()))
    return "en";
  return locale?.toLowerCase().startsWith("fr") === true ? "fr" : "en";
}

const ANSWERS = {
  en: {
    available:
      "You are available: handoff requests will be posted for you in the agents' channel. Say **away** to stop.",
    away: "You are away: no new handoff request will be offered to you. Handoffs you hold go back to the queue.",
    statusAvailable: "You are available.",
    statusAway: "You are away.",
    statusNone:
      "You have not set yourself available yet: say **available** (agents only; to ask me something, write your question in a sentence).",
    refused: (problem: string) => `You cannot be made available: ${problem}.`,
    notAnAgent:
      "**available**, **away** and **status** are for the support team's agents. To ask me something, write your question in a sentence.",
  },
  fr: {
    available:
      "Vous êtes disponible : les demandes de prise en charge vous seront proposées dans le canal des agents. Dites **absent** pour arrêter.",
    away: "Vous êtes absent : aucune nouvelle demande ne vous sera proposée. Les conversations que vous teniez retournent dans la file.",
    statusAvailable: "Vous êtes disponible.",
    statusAway: "Vous êtes absent.",
    statusNone:
      "Vous ne vous êtes pas encore déclaré disponible : dites **disponible** (agents seulement ; pour me poser une question, écrivez-la en une phrase).",
    refused: (problem: string) => `Impossible de vous rendre disponible : ${problem}.`,
    notAnAgent:
      "**disponible**, **absent** et **statut** sont réservés aux agents du support. Pour me poser une question, écrivez-la en une phrase.",
  },
} as const;

export function presenceAnswers(language: AgentLanguage) {
  return ANSWERS[language];
}
