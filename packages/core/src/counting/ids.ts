import { hash } from "node:crypto";
import type { ConversationMode } from "./conversation.js";

/**
 * A conversation's id is derived from the event that opened it, so the live engine and the batch
 * function (C13) name the same conversation the same way whatever the arrival order.
 */
export function conversationIdOf(threadKey: string, openingEventKey: string, mode: ConversationMode): string {
  // One-shot hash: the same digest as createHash().update().digest(), without the Hash object (~1 µs).
  const digest = hash("sha256", `${threadKey}\u0000${openingEventKey}\u0000${mode}`, "base64url");
  return `${mode === "ai" ? "conv" : "human"}_${digest.slice(0, 22)}`;
}

/** Stable short hash of the C6 detector's context, so a cached verdict is reused only for the same question. */
export function contextHashOf(texts: readonly string[]): string {
  return hash("sha1", texts.join("\u0001"), "base64url").slice(0, 16);
}
