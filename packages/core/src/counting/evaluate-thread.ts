import type { ConversationRecord } from "./conversation.js";
import { type FoldContext, foldEvents } from "./fold.js";
import { RELATED_ON_DOUBT, type RelatednessDetector } from "./relatedness.js";
import type { CachedVerdict, FoldState, StoredEvent } from "./thread-state.js";

export interface ThreadEvaluation {
  state: FoldState;
  touched: Map<string, ConversationRecord>;
  placements: Map<string, string>;
  /** The verdict cache after this evaluation (the given one plus any new decisions). */
  verdicts: Record<string, CachedVerdict>;
}

/**
 * Folds a thread's events, asking the C6 detector for each verdict the fold needs and folding again
 * with it. Verdicts are cached per (message, context), so a later refold asks again only when a late
 * event changed what the message follows.
 */
export async function evaluateThread(
  start: FoldState,
  events: readonly StoredEvent[],
  context: FoldContext,
  detector: RelatednessDetector,
): Promise<ThreadEvaluation> {
  const verdicts: Record<string, CachedVerdict> = { ...context.verdicts };
  // Each round adds one verdict; a runaway detector cannot loop forever.
  const maxRounds = 2 * events.length + 8;
  for (let round = 0; ; round++) {
    const outcome = foldEvents(start, events, { ...context, verdicts });
    if (outcome.kind === "done") {
      return { state: outcome.state, touched: outcome.touched, placements: outcome.placements, verdicts };
    }
    const { event, previous, contextHash } = outcome.request;
    const decision =
      round < maxRounds ? await detector.decide({ text: event.text ?? "", previous }) : RELATED_ON_DOUBT;
    verdicts[event.key] = {
      related: decision.related,
      score: decision.score,
      version: round < maxRounds ? detector.version : "fallback",
      contextHash,
    };
  }
}
