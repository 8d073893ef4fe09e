import type { EventKind, Origin, Sender } from "../events/inbound-event.js";
import type { ConversationRecord } from "./conversation.js";

/** The part of an inbound event that counting keeps in a thread's log (texts only where C6 needs them). */
export interface StoredEvent {
  key: string;
  /** Trusted timestamp (C14). */
  at: number;
  kind: EventKind;
  from: Sender | null;
  origin: Origin;
  /** Customer message text, shortened; the C4 resolution and C6 relatedness detectors read it. */
  text: string | null;
  related: boolean | null;
  ref: string | null;
  echo: boolean;
}

/** A C6 verdict remembered for one message, valid while the context it was asked about is the same. */
export interface CachedVerdict {
  related: boolean;
  score: number;
  version: string;
  contextHash: string;
}

/** Where the fold stands after some prefix of a thread's events; plain data, persisted as JSON. */
export interface FoldState {
  /** The thread's latest AI conversation (possibly ended). */
  current: ConversationRecord | null;
  /** The human conversation linked to `current`, if an agent took over (C10). */
  human: ConversationRecord | null;
  /** Closed conversations never reopen (C3); resolved ones may (C4). */
  closed: boolean;
  resolvedAt: number | null;
  /** Last activity (customer, delivered assistant or agent message) in the thread (C2). */
  lastActivityAt: number | null;
  /** Keys of replies whose delivery failed (C7). */
  failedRefs: string[];
  /** Recent customer texts of `current`: the C6 detector's view of "the previous conversation". */
  context: string[];
}

/** A thread's counting state as the store keeps it. */
export interface ThreadRecord {
  key: string;
  tenant: string;
  channel: string;
  thread: string;
  /** Events since `horizon`, sorted by (at, key). */
  events: StoredEvent[];
  /** Fold state before `events[0]`; null when the log starts at the thread's beginning. */
  base: FoldState | null;
  /** Events before this instant were compacted into `base`; a later-arriving event older than it is too late. */
  horizon: number | null;
  /** Fold state after all of `events`: where the next in-order event starts from. */
  state: FoldState;
  /** C6 verdicts by message key. */
  verdicts: Record<string, CachedVerdict>;
}

export function initialFoldState(): FoldState {
  return {
    current: null,
    human: null,
    closed: false,
    resolvedAt: null,
    lastActivityAt: null,
    failedRefs: [],
    context: [],
  };
}
