import { HANDOFF_LIMITS, type HandoffMessage, type HandoffNote, type HandoffRequest } from "./handoff.js";

/**
 * What a handoff keeps besides its state machine: the messages of its conversation and the agents'
 * internal notes. Pure functions on a copy, applied in the handoff's own queue by the escalation service.
 */

/** Adds a message once (by key), in time order, keeping the last HANDOFF_LIMITS.messages of them. */
export function withMessage(request: HandoffRequest, message: HandoffMessage): HandoffRequest {
  const messages = request.messages ?? [];
  if (messages.some((kept) => kept.key === message.key)) return request;
  const added = [...messages, { ...message, text: bounded(message.text, HANDOFF_LIMITS.messageLength) }];
  // Relays and replies are applied in arrival order, which may differ from their times by a few ms.
  added.sort((left, right) => left.at - right.at);
  return { ...request, messages: added.slice(-HANDOFF_LIMITS.messages) };
}

export type NoteOutcome = { ok: true; request: HandoffRequest } | { ok: false; problem: string };

/** Adds a note once (by id); refuses an empty one, a too long one, and one past the limit. */
export function withNote(request: HandoffRequest, note: HandoffNote): NoteOutcome {
  const notes = request.notes ?? [];
  if (notes.some((kept) => kept.id === note.id)) return { ok: true, request };
  const text = note.text.trim();
  if (text.length === 0) return { ok: false, problem: "the note is empty: write something first" };
  if (text.length > HANDOFF_LIMITS.noteLength)
    return {
      ok: false,
      problem: `the note has ${text.length} characters; the limit is ${HANDOFF_LIMITS.noteLength}: shorten it`,
    };
  if (notes.length >= HANDOFF_LIMITS.notes)
    return {
      ok: false,
      problem: `this conversation already has ${HANDOFF_LIMITS.notes} notes, the most it keeps`,
    };
  return { ok: true, request: { ...request, notes: [...notes, { ...note, text }] } };
}

function bounded(text: string, limit: number): string {
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}
