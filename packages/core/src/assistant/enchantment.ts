import { LutinError } from "../errors.js";
import type { TurnContext } from "./turn-context.js";

/**
 * An enchantment is a named, versioned middleware around the responder (ARCHITECTURE.md "Contracts").
 * `run` does its work before `await next()` (read the message, set the language, the tone, the window)
 * and after it (reword `context.reply`). Not calling `next()` stops the turn there (Escalation's handoff).
 * The four built-ins (memory, emotion, escalation, polyglot) are written with this same API.
 */
export interface Enchantment {
  /** Lower-case identifier (`memory`, `profanity-shield`); enables it per tenant. */
  readonly name: string;
  /** Semantic version, stored with the turn's trace so a history row says which logic ran. */
  readonly version: string;
  /**
   * Where it runs, lower first. Built-ins: polyglot 100, emotion 200, escalation 300, memory 400; the
   * responder is last. A third-party enchantment picks its own (default 500: just before the responder).
   */
  readonly order?: number;
  run(context: TurnContext, next: () => Promise<void>): Promise<void>;
  /**
   * Optional: what tenants without this enchantment get instead, in the same place of the chain (without
   * Escalation, a customer asking for a person gets the contact details and business hours).
   */
  whenDisabled?(context: TurnContext, next: () => Promise<void>): Promise<void>;
}

const NAME_PATTERN = /^[a-z][a-z0-9-]{0,47}$/;
const VERSION_PATTERN = /^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$/;

/** Checks an enchantment's shape once, when it is registered, with an error that says what to fix. */
export function defineEnchantment(enchantment: Enchantment): Enchantment {
  const problems: string[] = [];
  if (typeof enchantment?.name !== "string" || !NAME_PATTERN.test(enchantment.name))
    problems.push(`name "${String(enchantment?.name)}" must be lower-case letters, digits and dashes`);
  if (typeof enchantment?.version !== "string" || !VERSION_PATTERN.test(enchantment.version))
    problems.push(`version "${String(enchantment?.version)}" must be a semantic version like 1.0.0`);
  if (typeof enchantment?.run !== "function") problems.push("run(context, next) must be a function");
  if (enchantment?.whenDisabled !== undefined && typeof enchantment.whenDisabled !== "function")
    problems.push("whenDisabled, when given, must be a function");
  if (enchantment?.order !== undefined && !Number.isFinite(enchantment.order))
    problems.push("order must be a finite number");
  if (problems.length > 0)
    throw new LutinError("ENCHANTMENT_INVALID", `invalid enchantment: ${problems.join("; ")}`, {
      hint: "see examples/custom-enchantment for a complete enchantment",
    });
  return enchantment;
}

export const DEFAULT_ENCHANTMENT_ORDER = 500;

/**
 * Runs the enchantments in order around `terminal`. An enchantment that throws is isolated: the error
 * goes to `onError`, and the turn goes on as if it had only called `next()` (before) or returned (after),
 * so a broken third-party plugin never leaves a customer without an answer.
 */
export async function runEnchantments(
  enchantments: readonly Enchantment[],
  context: TurnContext,
  terminal: () => Promise<void>,
  onError: (enchantment: Enchantment, error: unknown) => void,
): Promise<void> {
  const dispatch = async (index: number): Promise<void> => {
    const enchantment = enchantments[index];
    if (enchantment === undefined) return terminal();
    let nextCalled = false;
    // Errors of the enchantments after this one (and of the responder) pass through untouched.
    let downstreamError: { error: unknown } | null = null;
    const next = async () => {
      if (nextCalled) throw new LutinError("ENCHANTMENT_FAILED", `${enchantment.name} called next() twice`);
      nextCalled = true;
      try {
        await dispatch(index + 1);
      } catch (error) {
        downstreamError = { error };
        throw error;
      }
    };
    try {
      await enchantment.run(context, next);
    } catch (error) {
      if (downstreamError !== null && (downstreamError as { error: unknown }).error === error) throw error;
      onError(enchantment, error);
      if (!nextCalled) await next();
    }
  };
  await dispatch(0);
}

/** Sorts by order, then name, so the chain is the same whatever the registration order. */
export function orderEnchantments(enchantments: readonly Enchantment[]): Enchantment[] {
  return [...enchantments].sort(
    (a, b) =>
      (a.order ?? DEFAULT_ENCHANTMENT_ORDER) - (b.order ?? DEFAULT_ENCHANTMENT_ORDER) ||
      a.name.localeCompare(b.name),
  );
}
