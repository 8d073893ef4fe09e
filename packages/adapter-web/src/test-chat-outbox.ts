import type { OutboundMessage } from "@lutingenie/core";

/** One message for a test chat that came outside its request: an agent's reply, a handoff notice. */
export interface TestChatMessage {
  /** Increasing per test chat: the dashboard asks for what came after the last one it has. */
  sequence: number;
  key: string;
  author: "assistant" | "agent" | "system";
  text: string;
  direction: "ltr" | "rtl";
  at: number;
}

export interface TestChatOutbox {
  /** Keeps a message for the test chat `session` (a tenant and a thread); a key given twice is kept once. */
  put(session: string, message: OutboundMessage, at: number): void;
  /** The messages after `after` (a sequence number), oldest first, and the sequence to ask after next. */
  after(session: string, after: number): { messages: TestChatMessage[]; next: number };
}

/**
 * The dashboard's test chat is HTTP: a message's answer goes back in its response. What comes later (the
 * agent who took the test handoff, their replies, "the request became a task") waits here until the
 * dashboard asks for it. Bounded: the last `perChat` messages of the last `chats` test chats.
 */
export function createTestChatOutbox(limits: { perChat?: number; chats?: number } = {}): TestChatOutbox {
  const perChat = limits.perChat ?? 100;
  const chats = limits.chats ?? 1_000;
  const outbox = new Map<string, { next: number; messages: TestChatMessage[] }>();
  return {
    put(session, message, at) {
      const chat = outbox.get(session) ?? { next: 1, messages: [] };
      // The most recently used chat is last in the map: the first one is the one to forget.
      outbox.delete(session);
      outbox.set(session, chat);
      if (outbox.size > chats) outbox.delete(outbox.keys().next().value as string);
      if (chat.messages.some((kept) => kept.key === message.key)) return;
      chat.messages.push({
        sequence: chat.next,
        key: message.key,
        author: message.author ?? "system",
        text: message.text,
        direction: message.direction,
        at,
      });
      chat.next += 1;
      if (chat.messages.length > perChat) chat.messages.splice(0, chat.messages.length - perChat);
    },
    after(session, after) {
      const chat = outbox.get(session);
      if (chat === undefined) return { messages: [], next: 0 };
      return {
        messages: chat.messages.filter((message) => message.sequence > after),
        next: chat.next - 1,
      };
    },
  };
}
