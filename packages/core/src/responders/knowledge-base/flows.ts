import { z } from "zod";
import type { LanguageCode } from "../../assistant/language.js";
import type { Flow, FlowSlot, KnowledgeBase, PerLanguage } from "./knowledge-base-file.js";
import { containsPhrase, normalizeText } from "./text.js";

export interface LookupContext {
  tenant: string;
  language: LanguageCode;
  /** Aborted when the pipeline's time budget or the lookup's own timeout runs out: stop the call then. */
  signal: AbortSignal;
}

/** Fetches what a flow's answer needs (an order's status) from the slots; null means "not found". */
export type FlowLookup = (
  slots: Record<string, string>,
  context: LookupContext,
) => Promise<Record<string, string> | null>;

/** How a flow in progress is kept between turns, in ResponderRequest.state / ResponderReply.state. */
export interface FlowState {
  flow: string;
  slots: Record<string, string>;
  /** The slot the last reply asked for. */
  awaiting: string;
  /** How many times the customer's answer was not a valid value for the awaited slot. */
  attempts: number;
}

const flowStateSchema = z.object({
  flow: z.string(),
  slots: z.record(z.string(), z.string()),
  awaiting: z.string(),
  attempts: z.number().int().min(0),
});

/**
 * The flow state the pipeline handed back, or null. The pipeline stores it as plain JSON, possibly across a
 * knowledge base edit: a state that no longer fits the file is dropped rather than trusted.
 */
export function readFlowState(state: unknown, flows: ReadonlyMap<string, CompiledFlow>): FlowState | null {
  if (state === undefined) return null;
  const parsed = flowStateSchema.safeParse(state);
  if (!parsed.success) return null;
  const flow = flows.get(parsed.data.flow);
  if (flow === undefined || !flow.slots.some((slot) => slot.name === parsed.data.awaiting)) return null;
  return parsed.data;
}

export interface CompiledSlot {
  name: string;
  slot: FlowSlot;
  /** The slot's pattern, anchored so that it only matches a whole token ("12345" but not "A12345B"). */
  pattern: RegExp;
}

export interface CompiledFlow {
  flow: Flow;
  slots: CompiledSlot[];
  /** Normalized trigger phrases per language. */
  triggers: Map<LanguageCode, string[]>;
}

export function compileFlows(knowledgeBase: KnowledgeBase): Map<string, CompiledFlow> {
  const compiled = new Map<string, CompiledFlow>();
  for (const flow of knowledgeBase.flows) {
    const triggers = new Map<LanguageCode, string[]>();
    for (const [language, variant] of Object.entries(flow.variants)) {
      if (variant === undefined) continue;
      triggers.set(
        language as LanguageCode,
        variant.triggers.map((trigger) => normalizeText(trigger)).filter((trigger) => trigger !== ""),
      );
    }
    compiled.set(flow.id, {
      flow,
      triggers,
      slots: flow.slots.map((slot) => ({
        name: slot.name,
        slot,
        pattern: new RegExp(`(?<![\\p{L}\\p{N}])(?:${slot.pattern})(?![\\p{L}\\p{N}])`, "u"),
      })),
    });
  }
  return compiled;
}

/**
 * The flow whose trigger phrase occurs in the message ("where is my order #12345" contains "where is my
 * order"), looking at `language`'s triggers first; the longest trigger wins.
 */
export function findTriggeredFlow(
  text: string,
  language: LanguageCode,
  flows: ReadonlyMap<string, CompiledFlow>,
): CompiledFlow | null {
  return findTriggeredFlowNormalized(normalizeText(text), language, flows);
}

/** `findTriggeredFlow` for a text already passed through `normalizeText`. */
export function findTriggeredFlowNormalized(
  normalized: string,
  language: LanguageCode,
  flows: ReadonlyMap<string, CompiledFlow>,
): CompiledFlow | null {
  if (normalized === "") return null;
  const bestIn = (languages: (code: LanguageCode) => boolean): CompiledFlow | null => {
    let best: CompiledFlow | null = null;
    let bestLength = 0;
    for (const flow of flows.values()) {
      for (const [code, phrases] of flow.triggers) {
        if (!languages(code)) continue;
        for (const phrase of phrases) {
          if (phrase.length > bestLength && containsPhrase(normalized, phrase)) {
            best = flow;
            bestLength = phrase.length;
          }
        }
      }
    }
    return best;
  };
  return bestIn((code) => code === language) ?? bestIn((code) => code !== language);
}

/** Values found in the message for the slots still missing. */
export function extractSlots(
  text: string,
  flow: CompiledFlow,
  filled: Readonly<Record<string, string>>,
): Record<string, string> {
  const found: Record<string, string> = {};
  for (const slot of flow.slots) {
    if (filled[slot.name] !== undefined) continue;
    const match = slot.pattern.exec(text);
    if (match !== null && match[0].trim() !== "") found[slot.name] = match[0].trim();
  }
  return found;
}

/** Fills `{{name}}` placeholders; returns null when a value is missing (the caller decides what to say). */
export function fillTemplate(template: string, values: Readonly<Record<string, string>>): string | null {
  let missing = false;
  const filled = template.replace(/\{\{\s*([A-Za-z][A-Za-z0-9]*)\s*\}\}/g, (_whole, name: string) => {
    const value = values[name];
    if (value === undefined) missing = true;
    return value ?? "";
  });
  return missing ? null : filled;
}

/** The text for `language`, else the knowledge base's default language (always present: the file requires it). */
export function inLanguage(
  texts: PerLanguage<string> | undefined,
  language: LanguageCode,
  fallback: LanguageCode,
): string | undefined {
  return texts?.[language] ?? texts?.[fallback];
}

export type LookupOutcome =
  | { kind: "found"; fields: Record<string, string> }
  | { kind: "not-found" }
  | { kind: "failed"; reason: "error" | "timeout" | "aborted" | "bad-result" };

const lookupResultSchema = z.record(z.string(), z.string()).nullable();

/**
 * Runs a lookup under both the pipeline's signal and the lookup's own timeout. A lookup that ignores its
 * signal is abandoned all the same (its late answer is dropped), so a slow order system never holds a
 * reply hostage; a lookup that throws, or returns something else than string fields or null, is a failure.
 */
export async function runLookup(
  lookup: FlowLookup,
  slots: Record<string, string>,
  context: Omit<LookupContext, "signal">,
  requestSignal: AbortSignal,
  timeoutMs: number,
): Promise<LookupOutcome> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = AbortSignal.any([requestSignal, timeout]);
  const reasonOf = (): "timeout" | "aborted" => (requestSignal.aborted ? "aborted" : "timeout");
  if (signal.aborted) return { kind: "failed", reason: reasonOf() };
  let onAbort: (() => void) | undefined;
  const abandoned = new Promise<"abandoned">((resolve) => {
    onAbort = () => resolve("abandoned");
    signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    const call = Promise.resolve().then(() => lookup({ ...slots }, { ...context, signal }));
    const result = await Promise.race([call, abandoned]);
    if (result === "abandoned") {
      call.catch(() => {}); // its late failure must not become an unhandled rejection
      return { kind: "failed", reason: reasonOf() };
    }
    const parsed = lookupResultSchema.safeParse(result);
    if (!parsed.success) return { kind: "failed", reason: "bad-result" };
    return parsed.data === null ? { kind: "not-found" } : { kind: "found", fields: parsed.data };
  } catch {
    return { kind: "failed", reason: signal.aborted ? reasonOf() : "error" };
  } finally {
    if (onAbort !== undefined) signal.removeEventListener("abort", onAbort);
  }
}
