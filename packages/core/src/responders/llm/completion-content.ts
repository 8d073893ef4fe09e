/** What a 200 response's body gave: the assistant's text, or why there is none (never the body itself). */
export type CompletionContent =
  | { ok: true; content: string; finishReason: string | undefined }
  | { ok: false; problem: "malformed JSON" | "no choices" | "empty content" };

/** Reads `choices[0].message.content` from a chat-completions response body. */
export function readCompletionContent(body: string): CompletionContent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { ok: false, problem: "malformed JSON" };
  }
  if (!isRecord(parsed)) return { ok: false, problem: "malformed JSON" };
  const choices = parsed.choices;
  if (!Array.isArray(choices) || choices.length === 0) return { ok: false, problem: "no choices" };
  const first: unknown = choices[0];
  const message = isRecord(first) ? first.message : undefined;
  const content = isRecord(message) ? message.content : undefined;
  if (typeof content !== "string" || content.trim() === "") return { ok: false, problem: "empty content" };
  const finishReason =
    isRecord(first) && typeof first.finish_reason === "string" ? first.finish_reason : undefined;
  return { ok: true, content, finishReason };
}

export interface InterpretedReply {
  text: string;
  /** The model wrote the unsure marker. */
  unsure: boolean;
}

/**
 * The text to send the customer: without the unsure marker (any case, anywhere) and without the
 * `<think>…</think>` block that reasoning models served by local servers put before their answer.
 * Undefined when nothing is left to send.
 */
export function interpretReply(content: string, unsureMarker: string): InterpretedReply | undefined {
  const withoutThinking = content.replace(/^\s*<think>[\s\S]*?<\/think>/i, "");
  const marker = escapeRegExp(unsureMarker);
  const unsure = new RegExp(marker, "i").test(withoutThinking);
  // The spaces before the marker go with it, so "I think [[unsure]] it is" reads "I think it is".
  const text = withoutThinking.replace(new RegExp(`[ \\t]*${marker}`, "gi"), "").trim();
  return text === "" ? undefined : { text, unsure };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
