import type { CustomerFollowUp, HandoffRequest } from "@lutingenie/core";

/**
 * What the agent console shows of the escalation store: light cards for its lists (every snapshot goes to
 * every console of the tenant, so a card never carries a conversation's messages or notes), a search
 * over the kept handoffs, and one conversation in full with its customer's panel. Pure functions.
 */

const DAY_MS = 24 * 60 * 60 * 1000;
/** Cards per list: the active ones and the recently closed ones. */
const LIST_LIMIT = 50;
/** Results of one search, and previous conversations shown in the customer's panel. */
const SEARCH_LIMIT = 50;
const PREVIOUS_LIMIT = 20;
/** Moods shown in the customer's trend, the latest last. */
const TREND_LENGTH = 10;

export type ConversationCard = Omit<HandoffRequest, "history" | "messages" | "notes"> & {
  messageCount: number;
  noteCount: number;
  /** The last time anything was said or done in it. */
  lastAt: number;
};

export function cardOf(request: HandoffRequest): ConversationCard {
  const { history, messages = [], notes = [], ...card } = request;
  const lastAt = Math.max(
    request.createdAt,
    request.endedAt ?? 0,
    messages.at(-1)?.at ?? 0,
    history.at(-1)?.at ?? 0,
  );
  return { ...card, messageCount: messages.length, noteCount: notes.length, lastAt };
}

/**
 * The console's list for one agent: what is offered to them or held by them (waiting, mine), and the
 * tenant's conversations closed in the last 24 hours (the console keeps those of its own today).
 */
export function listFor(requests: readonly HandoffRequest[], agent: string, now: number): ConversationCard[] {
  const newestFirst = [...requests].sort((left, right) => right.createdAt - left.createdAt);
  const active = newestFirst.filter(
    (request) =>
      (request.status === "pending" || request.status === "accepted") &&
      request.createdAt >= now - DAY_MS &&
      request.offeredTo.includes(agent),
  );
  const closed = newestFirst.filter(
    (request) =>
      (request.status === "ended" || request.status === "follow_up") &&
      (request.endedAt ?? request.createdAt) >= now - DAY_MS,
  );
  return [...active.slice(0, LIST_LIMIT), ...closed.slice(0, LIST_LIMIT)].map(cardOf);
}

/**
 * Conversations whose id, customer, language or customer text holds `query` (case and accents ignored),
 * newest first; an empty query gives the latest ones.
 */
export function search(requests: readonly HandoffRequest[], query: string): ConversationCard[] {
  const wanted = folded(query.trim());
  const matches = (request: HandoffRequest) =>
    wanted.length === 0 ||
    [request.id, request.thread, request.language, request.summary]
      .concat(
        request.lastMessages.filter((message) => message.from === "customer").map((message) => message.text),
      )
      .concat(
        (request.messages ?? [])
          .filter((message) => message.from === "customer")
          .map((message) => message.text),
      )
      .some((text) => folded(text).includes(wanted));
  return [...requests]
    .sort((left, right) => right.createdAt - left.createdAt)
    .filter(matches)
    .slice(0, SEARCH_LIMIT)
    .map(cardOf);
}

export interface ConversationDetail {
  conversation: ConversationCard & Pick<HandoffRequest, "messages" | "notes">;
  /** Who gave it to whom, and when. */
  transfers: Array<{ at: number; from: string; to: string }>;
  customer: {
    channel: string;
    language: string;
    /** The moods read, oldest first: the request's, then each customer message's since. */
    emotionTrend: string[];
    /** What the customer left to be reached (a follow-up task's contact), if anything beyond the thread. */
    contact: string | null;
    /** The same customer's other conversations (same thread), newest first. */
    previous: ConversationCard[];
  };
}

export function detailOf(
  request: HandoffRequest,
  tenantRequests: readonly HandoffRequest[],
  tenantFollowUps: readonly CustomerFollowUp[],
): ConversationDetail {
  const moods = [
    request.emotion,
    ...(request.messages ?? []).flatMap((message) =>
      message.from === "customer" && message.emotion !== undefined ? [message.emotion] : [],
    ),
  ];
  // A task's contact is the thread itself ("web:visitor") unless the customer gave one.
  const contact =
    tenantFollowUps
      .filter((task) => task.threadKey === request.threadKey)
      .sort((left, right) => right.updatedAt - left.updatedAt)
      .map((task) => task.contact)
      .find((given) => given !== `${request.channel}:${request.thread}`) ?? null;
  return {
    conversation: { ...cardOf(request), messages: request.messages ?? [], notes: request.notes ?? [] },
    transfers: request.history.flatMap((entry) =>
      entry.result === "transferred" && entry.agent !== undefined && entry.to !== undefined
        ? [{ at: entry.at, from: entry.agent, to: entry.to }]
        : [],
    ),
    customer: {
      channel: request.channel,
      language: request.language,
      emotionTrend: moods.slice(-TREND_LENGTH),
      contact,
      previous: tenantRequests
        .filter((other) => other.threadKey === request.threadKey && other.id !== request.id)
        .sort((left, right) => right.createdAt - left.createdAt)
        .slice(0, PREVIOUS_LIMIT)
        .map(cardOf),
    },
  };
}

function folded(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{Mn}/gu, "")
    .toLocaleLowerCase("en");
}
