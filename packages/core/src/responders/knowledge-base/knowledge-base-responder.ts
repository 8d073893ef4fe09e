import type { LanguageCode } from "../../assistant/language.js";
import {
  LOW_CONFIDENCE,
  type Responder,
  type ResponderReply,
  type ResponderRequest,
} from "../../assistant/responder.js";
import { LutinError } from "../../errors.js";
import { analyzedText } from "../../util/analyzed-text.js";
import {
  type CompiledFlow,
  compileFlows,
  extractSlots,
  type FlowLookup,
  type FlowState,
  fillTemplate,
  findTriggeredFlowNormalized,
  inLanguage,
  readFlowState,
  runLookup,
} from "./flows.js";
import type { KnowledgeBase, KnowledgeBaseEntry, QuickReply } from "./knowledge-base-file.js";
import { QuickReplyMatcher } from "./quick-replies.js";
import { RecentSearches } from "./recent-searches.js";
import { KnowledgeBaseIndex, type SearchHit } from "./search-index.js";
import { normalizeText } from "./text.js";

export interface KnowledgeBaseResponderOptions {
  knowledgeBase: KnowledgeBase;
  /** One function per `lookup` name used by the file's flows. */
  lookups?: Record<string, FlowLookup>;
  /** The "I don't know" text in a language; the pipeline wires it to its translated messages. */
  dontKnow: (language: LanguageCode) => string;
  /** How long a lookup may take before the customer gets the flow's apology. Default 5 000 ms. */
  lookupTimeoutMs?: number;
  /**
   * Least search confidence for an answer taken from the base; below it the reply is "I don't know".
   * Default {@link KNOWLEDGE_BASE_CONFIDENCE}.answer, calibrated on the demo shop (answer-calibration.jsonl).
   */
  answerConfidence?: number;
}

/** Confidences of the replies that do not come from the search (see README "Confidence"). */
export const KNOWLEDGE_BASE_CONFIDENCE = {
  /**
   * A search hit must reach this to be given as the answer (issue 17: "Ça fait trois fois que je demande,
   * j'en ai marre !!!" got the payment-methods entry at 0.39). Chosen on labelled messages for the demo
   * shop in en/fr/es/de (data/answer-calibration.jsonl, a tuning set) as the threshold that maximises
   * right answers minus twice the wrong-topic ones (a withheld answer still gets the offer of a person; a
   * wrong one misleads), in the middle of the gap between the last wrong answer (0.570) and the next
   * right one (0.587). On that set: precision 100 %, coverage 73.8 %; at the former 0.35, 78.8 % and
   * 85.2 % (answer-calibration.test.ts).
   */
  answer: 0.58,
  quickReply: 1,
  flowTrigger: 0.9,
  flowQuestion: 0.9,
  flowAnswer: 0.95,
  flowNotFound: 0.8,
  /** The customer did not get the answer: below LOW_CONFIDENCE so that Escalation can offer a person. */
  flowUnavailable: 0.3,
  /** Ceiling of every "I don't know". */
  dontKnow: 0.2,
  /** A search hit must reach this to pull the customer out of a flow that waits for a slot. */
  leaveFlow: 0.6,
} as const;

/** Invalid answers to a slot question that are re-asked before the flow gives up. */
export const MAX_SLOT_REASKS = 2;

const SOURCE = "knowledge-base";

/** Distinct recent (language, message) searches remembered, and the longest normalized message remembered. */
const RECENT_SEARCHES = 1_000;
const RECENT_SEARCH_MAX_LENGTH = 200;

/**
 * The embedded default Responder: Quick Replies (exact match), multi-step flows with slots and a pluggable
 * lookup, and MiniSearch full-text search over the FAQ; "I don't know" with low confidence otherwise.
 */
export function createKnowledgeBaseResponder(options: KnowledgeBaseResponderOptions): Responder {
  if (typeof options.dontKnow !== "function") {
    throw new LutinError("CONFIG_INVALID", "knowledge base responder: dontKnow is missing", {
      hint: 'pass dontKnow: (language) => text, wired to the translated "I don\'t know" message',
    });
  }
  const knowledgeBase = options.knowledgeBase;
  const lookups = options.lookups ?? {};
  knowledgeBase.flows.forEach((flow, index) => {
    if (flow.lookup !== undefined && typeof lookups[flow.lookup] !== "function") {
      const known = Object.keys(lookups);
      throw new LutinError(
        "KNOWLEDGE_BASE_INVALID",
        `flows[${index}].lookup: "${flow.lookup}" is not among the lookups given (${known.length > 0 ? known.join(", ") : "none"})`,
        {
          hint: `pass lookups: { ${flow.lookup}: async (slots, { tenant, language, signal }) => fields or null } to createKnowledgeBaseResponder, or fix the name in the file`,
          details: { flow: flow.id, lookup: flow.lookup, known },
        },
      );
    }
  });
  const timeoutMs = options.lookupTimeoutMs ?? 5_000;
  const answerConfidence = options.answerConfidence ?? KNOWLEDGE_BASE_CONFIDENCE.answer;
  if (!(answerConfidence >= 0 && answerConfidence <= 1)) {
    throw new LutinError(
      "CONFIG_INVALID",
      `knowledge base responder: answerConfidence must be a number from 0 to 1, got ${String(answerConfidence)}`,
      { hint: `omit it for the calibrated default (${KNOWLEDGE_BASE_CONFIDENCE.answer})` },
    );
  }
  const fallback = knowledgeBase.defaultLanguage;
  const index = new KnowledgeBaseIndex(knowledgeBase);
  const quickReplies = new QuickReplyMatcher(knowledgeBase);
  const flows = compileFlows(knowledgeBase);
  const entries = new Map(knowledgeBase.entries.map((entry) => [entry.id, entry]));
  const quickRepliesById = new Map(knowledgeBase.quickReplies.map((reply) => [reply.id, reply]));

  const recentSearches = new RecentSearches<SearchHit | null>(RECENT_SEARCHES, RECENT_SEARCH_MAX_LENGTH);
  const languages = index.languages;

  /** Best hit in the reply language; if it is not good enough, the best in any language. */
  const searchAll = (normalized: string, language: LanguageCode): SearchHit | null => {
    const own = index.searchNormalized(normalized, language);
    if (own !== null && own.confidence >= answerConfidence) return own;
    let best = own;
    for (const other of languages) {
      if (other === language) continue;
      const hit = index.searchNormalized(normalized, other);
      if (hit !== null && (best === null || hit.confidence > best.confidence)) best = hit;
    }
    return best;
  };

  // The search is a pure function of the normalized message and the language (the index is immutable),
  // and its fuzzy and cross-language passes are the responder's most expensive step.
  const search = (normalized: string, language: LanguageCode): SearchHit | null =>
    recentSearches.getOrCompute(`${language}\u0000${normalized}`, () => searchAll(normalized, language));

  const dontKnow = (language: LanguageCode, confidence: number, topic?: string): ResponderReply => ({
    text: options.dontKnow(language),
    confidence: Math.min(KNOWLEDGE_BASE_CONFIDENCE.dontKnow, confidence),
    source: `${SOURCE}:none`,
    state: undefined,
    topic,
    unanswered: true,
  });

  const answerEntry = (entry: KnowledgeBaseEntry, language: LanguageCode, confidence: number) => ({
    text: (entry.variants[language] ?? entry.variants[fallback])?.answer ?? "",
    confidence,
    source: `${SOURCE}:entry:${entry.id}`,
    state: undefined,
    topic: entry.topic,
  });

  const answerQuickReply = (reply: QuickReply, language: LanguageCode, confidence: number) => ({
    text: (reply.variants[language] ?? reply.variants[fallback])?.answer ?? "",
    confidence,
    source: `${SOURCE}:quick-reply:${reply.id}`,
    state: undefined,
    topic: reply.topic,
  });

  const flowReply = (
    compiled: CompiledFlow,
    text: string,
    confidence: number,
    state: FlowState | undefined,
    outcome?: string,
  ): ResponderReply => ({
    text,
    confidence,
    source: `${SOURCE}:flow:${compiled.flow.id}${outcome === undefined ? "" : `:${outcome}`}`,
    state: state === undefined ? undefined : { ...state },
    topic: compiled.flow.topic,
  });

  const ask = (compiled: CompiledFlow, state: FlowState, language: LanguageCode, invalid: boolean) => {
    const slot = compiled.slots.find((candidate) => candidate.name === state.awaiting)?.slot;
    const question =
      (invalid ? inLanguage(slot?.invalid, language, fallback) : undefined) ??
      inLanguage(slot?.ask, language, fallback) ??
      "";
    return flowReply(compiled, question, KNOWLEDGE_BASE_CONFIDENCE.flowQuestion, state);
  };

  /** Asks for the next missing slot, or runs the lookup and answers when every slot is filled. */
  const advance = async (
    compiled: CompiledFlow,
    slots: Record<string, string>,
    attempts: number,
    request: ResponderRequest,
  ): Promise<ResponderReply> => {
    const { language } = request;
    const missing = compiled.slots.find((slot) => slots[slot.name] === undefined);
    if (missing !== undefined) {
      return ask(
        compiled,
        { flow: compiled.flow.id, slots, awaiting: missing.name, attempts },
        language,
        false,
      );
    }
    const flow = compiled.flow;
    const unavailable = (reason: string) =>
      flowReply(
        compiled,
        fillTemplate(inLanguage(flow.unavailable, language, fallback) ?? "", slots) ??
          options.dontKnow(language),
        KNOWLEDGE_BASE_CONFIDENCE.flowUnavailable,
        undefined,
        `unavailable:${reason}`,
      );
    let fields: Record<string, string> = {};
    if (flow.lookup !== undefined) {
      const lookup = lookups[flow.lookup] as FlowLookup;
      const outcome = await runLookup(
        lookup,
        slots,
        { tenant: request.tenant, language },
        request.signal,
        timeoutMs,
      );
      if (outcome.kind === "failed") return unavailable(outcome.reason);
      if (outcome.kind === "not-found") {
        const text = fillTemplate(inLanguage(flow.notFound, language, fallback) ?? "", slots) ?? "";
        // Probably a typo in the number: ask again within the same re-ask budget.
        if (attempts >= MAX_SLOT_REASKS) {
          return flowReply(compiled, text, KNOWLEDGE_BASE_CONFIDENCE.flowNotFound, undefined, "not-found");
        }
        const first = compiled.slots[0] as (typeof compiled.slots)[number];
        const state = { flow: flow.id, slots: {}, awaiting: first.name, attempts: attempts + 1 };
        return flowReply(compiled, text, KNOWLEDGE_BASE_CONFIDENCE.flowNotFound, state, "not-found");
      }
      fields = outcome.fields;
    }
    const answer = fillTemplate(inLanguage(flow.answer, language, fallback) ?? "", { ...fields, ...slots });
    // A placeholder the lookup did not fill is a broken contract with the lookup: apologise, never show "{{…}}".
    if (answer === null) return unavailable("missing-field");
    return flowReply(compiled, answer, KNOWLEDGE_BASE_CONFIDENCE.flowAnswer, undefined);
  };

  const startFlow = (compiled: CompiledFlow, request: ResponderRequest, confidence: number) => {
    const slots = extractSlots(analyzedText(request.text), compiled, {});
    return advance(compiled, slots, 0, request).then((reply) =>
      reply.state !== undefined ? { ...reply, confidence: Math.min(reply.confidence, confidence) } : reply,
    );
  };

  /**
   * A message outside any flow, or one that leaves a flow: Quick Reply, flow trigger, search. Without an
   * answer, returns the best search confidence (for the "I don't know" reply).
   */
  const answerFresh = async (
    request: ResponderRequest,
    minimum: number,
  ): Promise<ResponderReply | number> => {
    const { language } = request;
    // Folded once for the three matchers (Quick Replies, flow triggers, search) instead of once each, and
    // only the part a per-message analysis reads (analyzed-text.ts): folding is linear, the search is not.
    const normalized = normalizeText(analyzedText(request.text));
    const quickReply = quickReplies.matchNormalized(normalized, language);
    if (quickReply !== null)
      return answerQuickReply(quickReply, language, KNOWLEDGE_BASE_CONFIDENCE.quickReply);
    const triggered = findTriggeredFlowNormalized(normalized, language, flows);
    if (triggered !== null) return startFlow(triggered, request, KNOWLEDGE_BASE_CONFIDENCE.flowTrigger);
    const hit = search(normalized, language);
    // Quick Replies found by search are courtesies ("thanks", "hello"), not a topic to get wrong: they keep
    // the "I don't know" bound; entries and flows need the calibrated answer confidence.
    const needed = hit?.kind === "quick-reply" ? Math.min(minimum, LOW_CONFIDENCE) : minimum;
    if (hit === null || hit.confidence < needed) return hit?.confidence ?? 0;
    if (hit.kind === "entry") {
      const entry = entries.get(hit.id);
      if (entry !== undefined) return answerEntry(entry, language, hit.confidence);
    } else if (hit.kind === "quick-reply") {
      const reply = quickRepliesById.get(hit.id);
      if (reply !== undefined) return answerQuickReply(reply, language, hit.confidence);
    } else {
      const compiled = flows.get(hit.id);
      if (compiled !== undefined) return startFlow(compiled, request, hit.confidence);
    }
    return 0;
  };

  const continueFlow = async (state: FlowState, request: ResponderRequest): Promise<ResponderReply> => {
    const compiled = flows.get(state.flow) as CompiledFlow;
    // The slots' patterns come from the tenant's file: they read the analysed part only.
    const found = extractSlots(analyzedText(request.text), compiled, state.slots);
    if (found[state.awaiting] !== undefined) {
      return advance(compiled, { ...state.slots, ...found }, state.attempts, request);
    }
    // No value: maybe the customer moved on to another question.
    const elsewhere = await answerFresh(request, KNOWLEDGE_BASE_CONFIDENCE.leaveFlow);
    if (typeof elsewhere !== "number") {
      if (!elsewhere.source.startsWith(`${SOURCE}:flow:${state.flow}`)) return elsewhere;
      return ask(compiled, state, request.language, false); // the customer asked the same thing again
    }
    if (state.attempts >= MAX_SLOT_REASKS) {
      return dontKnow(request.language, KNOWLEDGE_BASE_CONFIDENCE.dontKnow, compiled.flow.topic);
    }
    return ask(compiled, { ...state, attempts: state.attempts + 1 }, request.language, true);
  };

  return {
    name: "knowledge-base",
    async respond(request: ResponderRequest): Promise<ResponderReply> {
      const state = readFlowState(request.state, flows);
      if (state !== null) return continueFlow(state, request);
      // A hit below the calibrated confidence is a guess at another topic: withheld, "I don't know".
      const reply = await answerFresh(request, answerConfidence);
      return typeof reply === "number" ? dontKnow(request.language, reply) : reply;
    },
  };
}
