import type { WindowMessage } from "../../assistant/responder.js";

/** One message of the chat-completions protocol. */
export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/**
 * The context window as chat messages, after the system prompt. A human agent's messages become assistant
 * messages prefixed "Agent: " (the model must stay consistent with what support already said); the
 * platform's own system messages (handoff notices, counters) are not for the model and are skipped.
 * `latestText` is appended when the window does not already end with it, so that the model always sees the
 * message it has to answer even if a caller passes a window that stops earlier.
 */
export function toChatMessages(
  systemPrompt: string,
  window: readonly WindowMessage[],
  latestText: string,
): ChatMessage[] {
  const messages: ChatMessage[] = [{ role: "system", content: systemPrompt }];
  for (const message of window) {
    if (message.from === "customer") messages.push({ role: "user", content: message.text });
    else if (message.from === "assistant") messages.push({ role: "assistant", content: message.text });
    else if (message.from === "agent")
      messages.push({ role: "assistant", content: `Agent: ${message.text}` });
  }
  const last = window[window.length - 1];
  if (last === undefined || last.from !== "customer" || last.text !== latestText) {
    messages.push({ role: "user", content: latestText });
  }
  return messages;
}
