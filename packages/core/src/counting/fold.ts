import { MINUTE } from "../clock.js";
import { copyConversation, copyFoldState } from "../store/copy.js";
import { analyzedText } from "../util/analyzed-text.js";
import type {
  ConversationMode,
  ConversationRecord,
  EndReason,
  OpenReason,
  RelatednessVerdict,
} from "./conversation.js";
import { contextHashOf, conversationIdOf } from "./ids.js";
import type { ResolutionDetector } from "./resolution.js";
import type { CachedVerdict, FoldState, StoredEvent } from "./thread-state.js";

/** C2: more than this between a customer message and the thread's last activity starts a new conversation. */
export const INACTIVITY_MS = 30 * MINUTE;
/** C4: a related follow-up within this time after a resolution reopens the conversation. */
export const REOPEN_WINDOW_MS = 30 * MINUTE;
/** How many recent customer messages the C6 detector sees of the resolved conversation. */
export const RELATEDNESS_CONTEXT_SIZE = 5;

/** The tenant's billing calendar as counting needs it (Q1, Q2, Q8); must be cheap, it runs per count. */
export interface BillingView {
  periodOf(at: number): string;
  planAt(at: number): string;
}

export interface FoldContext {
  threadKey: string;
  tenant: string;
  channel: string;
  thread: string;
  billing: BillingView;
  resolution: ResolutionDetector;
  /** C6 verdicts already decided for (message, context); undefined = ask the detector. */
  verdicts: Readonly<Record<string, CachedVerdict>>;
  /** Record which conversation each event landed in (needed to name merge targets, C13). */
  trackPlacements?: boolean;
}

/** The fold needs a C6 verdict it does not have yet: the caller asks the detector and folds again. */
export interface VerdictRequest {
  event: StoredEvent;
  previous: string[];
  contextHash: string;
}

export type FoldOutcome =
  | {
      kind: "done";
      state: FoldState;
      /** Every conversation the fold created or changed, keyed by id. */
      touched: Map<string, ConversationRecord>;
      /** `placementKey(mode, event key)` → id of the conversation it landed in (only with trackPlacements). */
      placements: Map<string, string>;
    }
  | { kind: "needs-verdict"; request: VerdictRequest };

/**
 * The heart of counting: a pure fold of a thread's events, sorted by (at, key), over a FoldState.
 * Everything C1–C10 says about one thread happens here; the live engine and the batch function both
 * call it, which is what makes their results equal (C13).
 */
export function foldEvents(
  start: FoldState,
  events: readonly StoredEvent[],
  context: FoldContext,
): FoldOutcome {
  const fold = new ThreadFold(start, context);
  for (const event of events) {
    const request = fold.apply(event);
    if (request) return { kind: "needs-verdict", request };
  }
  return { kind: "done", state: fold.snapshot(), touched: fold.touched, placements: fold.placements };
}

export function placementKey(mode: ConversationMode, eventKey: string): string {
  return `${mode}\u0000${eventKey}`;
}

/** Orders events the same way everywhere: by trusted timestamp, then by key. */
export function compareEvents(
  a: Pick<StoredEvent, "at" | "key">,
  b: Pick<StoredEvent, "at" | "key">,
): number {
  if (a.at !== b.at) return a.at - b.at;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/**
 * C2 applied at a given instant: conversations whose last activity is more than 30 minutes before
 * `now` are over. Returns changed copies; the fold state itself is left alone, because a later
 * customer message must still see the same conversation to end it the same way.
 */
export function settleAt(state: FoldState, now: number): ConversationRecord[] {
  if (state.current === null || state.lastActivityAt === null) return [];
  if (now - state.lastActivityAt <= INACTIVITY_MS) return [];
  const endedAt = state.lastActivityAt + INACTIVITY_MS;
  const settled: ConversationRecord[] = [];
  for (const conversation of [state.current, state.human]) {
    if (conversation === null || conversation.endReason !== null) continue;
    const copy = copyConversation(conversation);
    endConversation(copy, "inactivity", endedAt);
    settled.push(copy);
  }
  return settled;
}

/** C8: a conversation that ends without a delivered reply is cancelled (unless C9 already excludes it). */
function endConversation(conversation: ConversationRecord, reason: EndReason, at: number): void {
  conversation.endReason = reason;
  conversation.endedAt = at;
  if (!conversation.counted && conversation.notCountedReason === null)
    conversation.notCountedReason = "cancelled";
}

/** Shared by folds that do not track placements: nothing ever adds to it. */
const NO_PLACEMENTS: Map<string, string> = new Map();

class ThreadFold {
  readonly touched = new Map<string, ConversationRecord>();
  readonly placements: Map<string, string>;
  readonly #state: FoldState;
  /**
   * `#state.failedRefs`, kept duplicate-free in first-seen order (what a Set would give). An array rather
   * than a Set beside it: it is nearly always empty, and the live engine folds one event per fold, where
   * the Set and the array rebuilt from it were two allocations per event for nothing.
   */
  readonly #failed: string[];
  readonly #context: FoldContext;

  constructor(start: FoldState, context: FoldContext) {
    const state = copyFoldState(start);
    if (state.failedRefs.length > 1) state.failedRefs = [...new Set(state.failedRefs)];
    this.#state = state;
    this.#failed = state.failedRefs;
    this.#context = context;
    this.placements = context.trackPlacements === true ? new Map() : NO_PLACEMENTS;
  }

  /** The fold's state, handed over as it is (no copy): the fold is done with it. */
  snapshot(): FoldState {
    return this.#state;
  }

  apply(event: StoredEvent): VerdictRequest | undefined {
    // C9: echoes, edits, deletions and admin actions never count and never extend a conversation.
    if (event.echo || event.kind === "admin" || event.kind === "edit" || event.kind === "delete") return;
    switch (event.kind) {
      case "delivery_failed":
        if (event.ref !== null && !this.#failed.includes(event.ref)) this.#failed.push(event.ref);
        return;
      case "close":
        this.#close(event);
        return;
      case "resolve":
        this.#resolve(event.at);
        return;
      case "handoff":
        this.#handoff(event);
        return;
      case "message":
        if (event.from === "customer") return this.#customerMessage(event);
        if (event.from === "assistant" || event.from === "agent") this.#reply(event);
        // C9: system messages never count and never extend.
        return;
    }
  }

  #customerMessage(event: StoredEvent): VerdictRequest | undefined {
    const state = this.#state;
    const current = state.current;
    let openReason: OpenReason | null = null;
    let verdict: RelatednessVerdict | null = null;

    if (current === null) {
      openReason = "first_message"; // C1
    } else if (state.closed) {
      openReason = "after_close"; // C3
    } else if (state.lastActivityAt !== null && event.at - state.lastActivityAt > INACTIVITY_MS) {
      // C2: exactly 30:00 continues, anything more splits.
      this.#endOpen("inactivity", state.lastActivityAt + INACTIVITY_MS);
      openReason = "after_inactivity";
    } else if (current.endReason === "resolved") {
      if (state.resolvedAt !== null && event.at - state.resolvedAt <= REOPEN_WINDOW_MS) {
        const decided = this.#verdictFor(event);
        if ("request" in decided) return decided.request;
        verdict = decided.verdict;
        if (verdict.related) {
          this.#reopen(event, verdict); // C4: a related follow-up reopens the same conversation
        } else {
          current.relatedness.push(verdict);
          this.#touch(current);
          openReason = "new_topic"; // C4: an unrelated question opens a new one
        }
      } else {
        // Past the reopen window but not idle for 30 minutes (replies came after the resolution):
        // the resolved conversation cannot take it any more.
        openReason = "new_topic";
      }
    }
    // C5: otherwise the conversation is in progress and the message belongs to it.

    if (openReason !== null) this.#open(event, openReason, verdict);
    const conversation = state.current as ConversationRecord;
    this.#activity(conversation, event);
    if (state.human !== null && state.human.endReason === null) this.#activity(state.human, event);
    if (event.text !== null) {
      // C6 reads the analysed part of a message only (analyzed-text.ts): the thread's record keeps no more.
      state.context.push(analyzedText(event.text));
      if (state.context.length > RELATEDNESS_CONTEXT_SIZE) state.context.shift();
      // C4: a clear resolution phrase resolves like the button does.
      if (this.#context.resolution.isResolution(event.text)) this.#resolve(event.at);
    }
  }

  /** Assistant and agent replies: activity, and the count moment when delivered (C7, C10). */
  #reply(event: StoredEvent): void {
    const state = this.#state;
    const current = state.current;
    // A reply after the conversation was resolved or closed belongs to nothing and counts nothing.
    if (current === null || state.closed || current.endReason !== null) return;
    // C7: an undelivered reply is neither activity nor a count moment.
    if (this.#failed.includes(event.key)) return;
    this.#activity(current, event);
    if (event.from === "assistant") {
      this.#countIfFirst(current, event);
      if (state.human !== null && state.human.endReason === null) this.#activity(state.human, event);
      return;
    }
    // C10: an agent's message is a takeover even without an explicit handoff event.
    const human = state.human ?? this.#openHuman(event);
    if (human.endReason !== null) return;
    this.#activity(human, event);
    this.#countIfFirst(human, event);
  }

  #handoff(event: StoredEvent): void {
    const state = this.#state;
    if (state.current === null || state.closed || state.current.endReason !== null) return;
    if (state.human !== null) {
      this.#place(event, state.human);
      return;
    }
    this.#openHuman(event);
  }

  #close(event: StoredEvent): void {
    const state = this.#state;
    if (state.current === null || state.closed) return;
    state.closed = true; // C3: a closed conversation never reopens
    this.#endOpen("closed", event.at);
    this.#place(event, state.current);
  }

  #resolve(at: number): void {
    const state = this.#state;
    if (state.current === null || state.closed || state.current.endReason !== null) return;
    state.resolvedAt = at;
    this.#endOpen("resolved", at);
  }

  /** Ends the current AI conversation and its human one, where still open. */
  #endOpen(reason: EndReason, at: number): void {
    for (const conversation of [this.#state.current, this.#state.human]) {
      if (conversation === null || conversation.endReason !== null) continue;
      endConversation(conversation, reason, at);
      this.#touch(conversation);
    }
  }

  #reopen(event: StoredEvent, verdict: RelatednessVerdict): void {
    const state = this.#state;
    const current = state.current as ConversationRecord;
    current.endReason = null;
    current.endedAt = null;
    current.reopenedAt.push(event.at);
    current.relatedness.push(verdict);
    if (current.notCountedReason === "cancelled") current.notCountedReason = null;
    state.resolvedAt = null;
    const human = state.human;
    if (human !== null && human.endReason === "resolved") {
      human.endReason = null;
      human.endedAt = null;
      if (human.notCountedReason === "cancelled") human.notCountedReason = null;
      this.#touch(human);
    }
    this.#touch(current);
  }

  #open(event: StoredEvent, openReason: OpenReason, verdict: RelatednessVerdict | null): void {
    const state = this.#state;
    // The conversations being superseded are reported too: a refold must write their final form even
    // when this fold did not otherwise change them (C13).
    if (state.current !== null) this.#touch(state.current);
    if (state.human !== null) this.#touch(state.human);
    const conversation = this.#newConversation(event, "ai", openReason, null);
    if (verdict !== null) conversation.relatedness.push(verdict);
    state.current = conversation;
    state.human = null;
    state.closed = false;
    state.resolvedAt = null;
    state.context = [];
    this.#touch(conversation);
  }

  #openHuman(event: StoredEvent): ConversationRecord {
    const state = this.#state;
    const current = state.current as ConversationRecord;
    const human = this.#newConversation(event, "human", "handoff", current);
    current.linkedConversationId = human.id;
    state.human = human;
    this.#touch(current);
    this.#touch(human);
    this.#place(event, human);
    return human;
  }

  #newConversation(
    event: StoredEvent,
    mode: ConversationMode,
    openReason: OpenReason,
    linkedTo: ConversationRecord | null,
  ): ConversationRecord {
    const context = this.#context;
    const origin = linkedTo?.origin ?? event.origin;
    return {
      id: conversationIdOf(context.threadKey, event.key, mode),
      tenant: context.tenant,
      channel: context.channel,
      thread: context.thread,
      threadKey: context.threadKey,
      mode,
      linkedConversationId: linkedTo?.id ?? null,
      origin,
      openedAt: event.at,
      openReason,
      openedBy: event.key,
      lastActivityAt: event.at,
      endedAt: null,
      endReason: null,
      reopenedAt: [],
      counted: false,
      countedAt: null,
      countedBy: null,
      // C9: test and preview conversations are never counted.
      notCountedReason: origin === "test" ? "test" : origin === "preview" ? "preview" : null,
      mergedInto: null,
      relatedness: [],
      period: context.billing.periodOf(event.at),
      plan: null,
      messageCount: 0,
      ledgerGeneration: 0,
    };
  }

  /** C7 / C10: counted once, at the first delivered reply. */
  #countIfFirst(conversation: ConversationRecord, event: StoredEvent): void {
    if (conversation.counted || conversation.notCountedReason !== null) return;
    const billing = this.#context.billing;
    conversation.counted = true;
    conversation.countedAt = event.at;
    conversation.countedBy = event.key;
    conversation.period = billing.periodOf(event.at); // Q2: the period of the count moment
    conversation.plan = billing.planAt(event.at); // Q8
  }

  #activity(conversation: ConversationRecord, event: StoredEvent): void {
    this.#state.lastActivityAt = event.at;
    conversation.lastActivityAt = event.at;
    conversation.messageCount += 1;
    this.#touch(conversation);
    this.#place(event, conversation);
  }

  #verdictFor(event: StoredEvent): { verdict: RelatednessVerdict } | { request: VerdictRequest } {
    if (event.related !== null) {
      // The input itself says (transcripts' `related`, an agent's explicit choice).
      return {
        verdict: {
          eventKey: event.key,
          related: event.related,
          score: event.related ? 1 : 0,
          version: "given",
          at: event.at,
        },
      };
    }
    const previous = [...this.#state.context];
    const contextHash = contextHashOf(previous);
    const cached = this.#context.verdicts[event.key];
    if (cached === undefined || cached.contextHash !== contextHash) {
      return { request: { event, previous, contextHash } };
    }
    return {
      verdict: {
        eventKey: event.key,
        related: cached.related,
        score: cached.score,
        version: cached.version,
        at: event.at,
      },
    };
  }

  #touch(conversation: ConversationRecord): void {
    this.touched.set(conversation.id, conversation);
  }

  #place(event: StoredEvent, conversation: ConversationRecord): void {
    if (this.#context.trackPlacements)
      this.placements.set(placementKey(conversation.mode, event.key), conversation.id);
  }
}
