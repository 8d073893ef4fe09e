import { createHash } from "node:crypto";

/** What identifies one customer message across Teams' re-sends. */
export interface TurnIdentity {
  tenant: string;
  conversationId: string;
  replyToId: string | undefined;
  fromId: string;
  text: string;
  activityId: string;
  /** The channel's timestamp (ms), else the receive time. */
  at: number;
}

/**
 * Teams re-sends a turn it thinks unanswered (~15 s): first with the same activity id, later with a new
 * one. The first kind core collapses by key (C11); the second would be a second message and a second
 * answer. This guard gives a re-send the key of the message it repeats: the same person, conversation,
 * reply chain and text within `windowMs` of the first. Same key, so core answers and counts once and,
 * because core records a key only once processed (C11), a first attempt that failed is processed when
 * re-sent. The cost: a customer who types the very same words twice within the window gets one answer.
 * Bounded: the oldest entries go past `capacity`.
 */
export class RetryGuard {
  readonly #byFingerprint = new Map<string, { key: string; at: number }>();
  readonly #byActivity = new Map<string, string>();

  constructor(
    private readonly windowMs: number,
    private readonly capacity = 50_000,
  ) {}

  /** The idempotency key for this activity: its own id, or the id of the message it re-sends. */
  keyOf(turn: TurnIdentity): string {
    const activityKey = `${turn.tenant}\u0000${turn.conversationId}\u0000${turn.activityId}`;
    const known = this.#byActivity.get(activityKey);
    if (known !== undefined) return known;
    const fingerprint = createHash("sha256")
      .update([turn.tenant, turn.conversationId, turn.replyToId ?? "", turn.fromId, turn.text].join("\u0000"))
      .digest("base64url");
    const first = this.#byFingerprint.get(fingerprint);
    let key = turn.activityId;
    if (first !== undefined && Math.abs(turn.at - first.at) <= this.windowMs) key = first.key;
    else remember(this.#byFingerprint, fingerprint, { key, at: turn.at }, this.capacity);
    remember(this.#byActivity, activityKey, key, this.capacity);
    return key;
  }
}

function remember<T>(map: Map<string, T>, key: string, value: T, capacity: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > capacity) {
    const oldest = map.keys().next();
    if (oldest.done !== true) map.delete(oldest.value);
  }
}
