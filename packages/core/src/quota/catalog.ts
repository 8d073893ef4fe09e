import { z } from "zod";
import { LutinError } from "../errors.js";
import { describeValue, formatPath, valueAt } from "../validation/issue-text.js";
import { ENCHANTMENTS, type EnchantmentName, type Plan } from "./types.js";

/**
 * The plan catalog: which plans exist, what they include, what enchantments cost, which alert thresholds
 * apply by default. It is configuration (COUNTING.md "Catalog defaults"): the guide fixes enchantment prices,
 * not plan quotas, so DEFAULT_PLAN_CATALOG's plans are examples a deployment is expected to replace.
 */

export interface EnchantmentOffer {
  /** Price of the add-on per month, in cents; 0 = free for every plan. */
  monthlyPriceCents: number;
  /** Paid plans (monthlyPriceCents > 0) include it unless their own list says otherwise. */
  includedInPaidPlans: boolean;
}

/** A pack of prepaid AI conversations the dashboard offers (Q3, Q6), at its price. */
export interface PackOffer {
  /** Conversations the pack adds. */
  size: number;
  /** What the pack costs, once, in cents. */
  priceCents: number;
}

export interface PlanCatalog {
  /** Sorted by rank, smallest plan first. */
  plans: Plan[];
  /** Packs on sale, smallest first; a pack is bought at one of these sizes. */
  packs: PackOffer[];
  enchantments: Record<EnchantmentName, EnchantmentOffer>;
  /** Q5: default alert thresholds, whole percentages of the AI allowance, ascending. */
  alertThresholds: number[];
}

/**
 * Enchantment prices per month. The French guide is the newer edition and wins where the two differ
 * (COUNTING.md): Emotion free (EN said 5 €), Escalation 5 € (EN said 8 €), both Escalation and Polyglot
 * included in paid plans.
 */
export const DEFAULT_ENCHANTMENT_OFFERS: Readonly<Record<EnchantmentName, EnchantmentOffer>> = Object.freeze({
  memory: Object.freeze({ monthlyPriceCents: 300, includedInPaidPlans: false }),
  emotion: Object.freeze({ monthlyPriceCents: 0, includedInPaidPlans: false }),
  escalation: Object.freeze({ monthlyPriceCents: 500, includedInPaidPlans: true }),
  polyglot: Object.freeze({ monthlyPriceCents: 500, includedInPaidPlans: true }),
});

/**
 * EXAMPLE pack prices (the guide prices no packs): a deployment sets its own `packs` in its catalog. A pack
 * costs less per conversation than the plans' overage, which is why one buys it.
 */
export const DEFAULT_PACK_OFFERS: readonly PackOffer[] = Object.freeze([
  Object.freeze({ size: 100, priceCents: 400 }),
  Object.freeze({ size: 500, priceCents: 1750 }),
  Object.freeze({ size: 1000, priceCents: 3000 }),
]);

/** Q5 defaults. */
export const DEFAULT_ALERT_THRESHOLDS: readonly number[] = Object.freeze([80, 90, 100]);

const PLAN_FIELDS = [
  "id",
  "name",
  "rank",
  "aiAllowance",
  "humanAllowance",
  "monthlyPriceCents",
  "overagePriceCents",
  "humanOveragePriceCents",
  "includedEnchantments",
];

function wholeNumber(message: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return z
    .number({ error: message })
    .int({ error: message })
    .min(min, { error: message })
    .max(max, { error: message });
}

const THRESHOLD_MESSAGE = "must be a whole percentage from 1 to 1000";
const thresholdsSchema = z.array(wholeNumber(THRESHOLD_MESSAGE, 1, 1000), {
  error: "must be a list of whole percentages",
});

const enchantmentNameSchema = z.enum(ENCHANTMENTS, { error: `must be one of ${ENCHANTMENTS.join(", ")}` });

const planSchema = z.strictObject(
  {
    id: z
      .string({ error: "must be a text id" })
      .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, { error: 'must be lowercase letters, digits, "-" or "_"' }),
    name: z.string({ error: "must be a text" }).trim().min(1, { error: "must not be empty" }),
    rank: wholeNumber("must be a whole number ≥ 0", 0),
    aiAllowance: wholeNumber("must be a whole number ≥ 0", 0),
    // Q9: null = unlimited, 0 = none included.
    humanAllowance: wholeNumber("must be a whole number ≥ 0, or null for unlimited", 0).nullable(),
    monthlyPriceCents: wholeNumber("must be a whole number of cents ≥ 0", 0),
    // Q4, Q9: the price of one conversation past the allowance (and packs); null or absent = not priced.
    overagePriceCents: wholeNumber("must be a whole number of cents ≥ 0, or null for no price", 0)
      .nullable()
      .optional(),
    humanOveragePriceCents: wholeNumber("must be a whole number of cents ≥ 0, or null for no price", 0)
      .nullable()
      .optional(),
    includedEnchantments: z
      .array(enchantmentNameSchema, { error: "must be a list of enchantment names" })
      .optional(),
  },
  { error: "must be an object describing a plan" },
);

const offerSchema = z.strictObject(
  {
    monthlyPriceCents: wholeNumber("must be a whole number of cents ≥ 0", 0),
    includedInPaidPlans: z.boolean({ error: "must be true or false" }).optional(),
  },
  { error: "must be an object { monthlyPriceCents, includedInPaidPlans? }" },
);

const packOfferSchema = z.strictObject(
  {
    size: wholeNumber("must be a whole number of conversations from 1 to 1000000", 1, 1_000_000),
    priceCents: wholeNumber("must be a whole number of cents ≥ 0", 0),
  },
  { error: "must be an object { size, priceCents }" },
);

const catalogSchema = z
  .strictObject(
    {
      packs: z.array(packOfferSchema, { error: "must be a list of pack offers" }).optional(),
      plans: z
        .array(planSchema, { error: "must be a list of plans" })
        .min(1, { error: "must list at least one plan" }),
      enchantments: z
        .strictObject(
          {
            memory: offerSchema.optional(),
            emotion: offerSchema.optional(),
            escalation: offerSchema.optional(),
            polyglot: offerSchema.optional(),
          },
          { error: "must be an object keyed by enchantment name" },
        )
        .optional(),
      alertThresholds: thresholdsSchema.optional(),
    },
    { error: "must be an object { plans, enchantments?, alertThresholds? }" },
  )
  .superRefine((catalog, context) => {
    // Ids name plans in tenants and ledger rows; ranks decide upgrade versus downgrade (Q7): both must be unique.
    const ids = new Map<string, number>();
    const ranks = new Map<number, number>();
    catalog.plans.forEach((plan, index) => {
      const sameId = ids.get(plan.id);
      if (sameId !== undefined) {
        context.addIssue({
          code: "custom",
          path: ["plans", index, "id"],
          message: `duplicate id "${plan.id}" (already used by plans[${sameId}])`,
        });
      } else ids.set(plan.id, index);
      const sameRank = ranks.get(plan.rank);
      if (sameRank !== undefined) {
        context.addIssue({
          code: "custom",
          path: ["plans", index, "rank"],
          message: `duplicate rank ${plan.rank} (already used by plans[${sameRank}])`,
        });
      } else ranks.set(plan.rank, index);
    });
    const sizes = new Set<number>();
    (catalog.packs ?? []).forEach((pack, index) => {
      if (sizes.has(pack.size))
        context.addIssue({
          code: "custom",
          path: ["packs", index, "size"],
          message: `duplicate pack size ${pack.size}`,
        });
      sizes.add(pack.size);
    });
    const thresholds = catalog.alertThresholds ?? [];
    if (new Set(thresholds).size !== thresholds.length) {
      context.addIssue({ code: "custom", path: ["alertThresholds"], message: "lists a threshold twice" });
    }
  });

export type PlanCatalogInput = z.input<typeof catalogSchema>;

const HINTS: Record<string, string> = {
  id: 'give each plan a short unique id such as "starter" (lowercase letters, digits, "-" or "_")',
  name: 'give the plan a display name such as "Starter"',
  rank: "give each plan a distinct whole rank ≥ 0, higher = bigger plan; it decides upgrade (at once) vs downgrade (at period end), Q7",
  aiAllowance: "set the AI conversations included per period as a whole number ≥ 0, e.g. 1000",
  humanAllowance:
    "set the human conversations per period as a whole number ≥ 0 (0 = none included) or null for unlimited (Q9)",
  monthlyPriceCents: "give the price in cents as a whole number ≥ 0, e.g. 2900 for 29 €",
  overagePriceCents:
    "give the price of one AI conversation past the allowance and packs in cents (e.g. 5), or null to leave overage unpriced (Q4)",
  humanOveragePriceCents:
    "give the price of one human conversation past the plan's human allowance in cents (e.g. 50), or null to leave it unpriced (Q9)",
  includedEnchantments: `list enchantments among ${ENCHANTMENTS.join(", ")}, or leave the field out to use the defaults`,
  includedInPaidPlans: "use true or false",
  alertThresholds:
    "use distinct whole percentages of the AI allowance from 1 to 1000, e.g. [80, 90, 100] (Q5)",
  plans: "list at least one plan; see DEFAULT_PLAN_CATALOG for a complete example",
  packs: "list pack offers as { size, priceCents } with distinct sizes, e.g. { size: 500, priceCents: 1750 }",
  size: "give the pack's size in conversations, a whole number from 1 to 1000000, once per catalog",
  priceCents: "give the pack's price in cents as a whole number ≥ 0, e.g. 1750 for 17.50 €",
  enchantments: `key offers by enchantment name (${ENCHANTMENTS.join(", ")}), each { monthlyPriceCents, includedInPaidPlans? }`,
};

/**
 * Validates a catalog from configuration. Throws LutinError QUOTA_CONFIG_INVALID whose message names every
 * wrong field by path (`plans[1].aiAllowance: must be a whole number ≥ 0 (got -3)`) and whose hint says how
 * to fix it. Omitted enchantments and thresholds take the defaults; a plan without `includedEnchantments`
 * gets the free enchantments, plus those included in paid plans when it is paid.
 */
export function parsePlanCatalog(input: unknown): PlanCatalog {
  const result = catalogSchema.safeParse(input);
  if (!result.success) throw catalogError(result.error.issues, input);
  const parsed = result.data;

  const enchantments = {} as Record<EnchantmentName, EnchantmentOffer>;
  for (const name of ENCHANTMENTS) {
    const given = parsed.enchantments?.[name];
    const fallback = DEFAULT_ENCHANTMENT_OFFERS[name];
    enchantments[name] = {
      monthlyPriceCents: given?.monthlyPriceCents ?? fallback.monthlyPriceCents,
      includedInPaidPlans: given?.includedInPaidPlans ?? fallback.includedInPaidPlans,
    };
  }

  const plans: Plan[] = parsed.plans
    .map((plan) => {
      const included = new Set<EnchantmentName>(
        plan.includedEnchantments ??
          ENCHANTMENTS.filter(
            (name) =>
              enchantments[name].monthlyPriceCents === 0 ||
              (plan.monthlyPriceCents > 0 && enchantments[name].includedInPaidPlans),
          ),
      );
      return {
        id: plan.id,
        name: plan.name,
        rank: plan.rank,
        aiAllowance: plan.aiAllowance,
        humanAllowance: plan.humanAllowance,
        monthlyPriceCents: plan.monthlyPriceCents,
        overagePriceCents: plan.overagePriceCents ?? null,
        humanOveragePriceCents: plan.humanOveragePriceCents ?? null,
        includedEnchantments: ENCHANTMENTS.filter((name) => included.has(name)),
      };
    })
    .sort((left, right) => left.rank - right.rank);

  const alertThresholds = [...(parsed.alertThresholds ?? DEFAULT_ALERT_THRESHOLDS)].sort((a, b) => a - b);
  const packs = (parsed.packs ?? DEFAULT_PACK_OFFERS)
    .map((pack) => ({ size: pack.size, priceCents: pack.priceCents }))
    .sort((left, right) => left.size - right.size);
  return { plans, packs, enchantments, alertThresholds };
}

/** The plan with this id; throws PLAN_UNKNOWN listing the known ids. */
export function findPlan(catalog: PlanCatalog, id: string): Plan {
  for (const plan of catalog.plans) if (plan.id === id) return plan;
  const known = catalog.plans.map((plan) => plan.id);
  throw new LutinError("PLAN_UNKNOWN", `unknown plan ${JSON.stringify(id)}`, {
    hint: `use one of the catalog's plans: ${known.join(", ")}`,
    details: { plan: id, known },
  });
}

/**
 * Validates alert thresholds given outside a catalog (a tenant's own, Q5) the same way; returns them sorted.
 * `field` names them in the error, e.g. "tenant.alertThresholds".
 */
export function parseAlertThresholds(input: unknown, field = "alertThresholds"): number[] {
  const result = thresholdsSchema.safeParse(input);
  const unique = result.success && new Set(result.data).size === result.data.length;
  if (result.success && unique) return [...result.data].sort((a, b) => a - b);
  const problem = result.success
    ? "lists a threshold twice"
    : describeIssue(result.error.issues[0], input, field);
  throw new LutinError("QUOTA_CONFIG_INVALID", result.success ? `${field}: ${problem}` : problem, {
    hint: HINTS.alertThresholds,
    details: { field, value: input },
  });
}

type Issue = z.core.$ZodIssue;

function catalogError(issues: readonly Issue[], input: unknown): LutinError {
  const problems = issues.map((issue) => describeIssue(issue, input, ""));
  const hints = [...new Set(issues.map((issue) => hintFor(issue)))];
  return new LutinError("QUOTA_CONFIG_INVALID", `plan catalog is invalid: ${problems.join("; ")}`, {
    hint: hints.join("; "),
    details: {
      issues: issues.map((issue, index) => ({ path: formatPath(issue.path, ""), problem: problems[index] })),
    },
  });
}

function describeIssue(issue: Issue | undefined, input: unknown, root: string): string {
  if (issue === undefined) return `${root || "catalog"}: is invalid`;
  const where = formatPath(issue.path, root) || "catalog";
  if (issue.code === "unrecognized_keys") {
    return `${where}: unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((key) => `"${key}"`).join(", ")}`;
  }
  return `${where}: ${issue.message} (${describeValue(valueAt(input, issue.path))})`;
}

function hintFor(issue: Issue): string {
  if (issue.code === "unrecognized_keys") {
    const parent = issue.path[issue.path.length - 1];
    const fix = `remove ${issue.keys.map((key) => `"${key}"`).join(", ")} or fix the spelling`;
    if (typeof parent === "number" && issue.path[0] === "packs")
      return `${fix}; pack fields are size, priceCents`;
    if (typeof parent === "number") return `${fix}; plan fields are ${PLAN_FIELDS.join(", ")}`;
    if (parent === "enchantments") return `${fix}; enchantments are ${ENCHANTMENTS.join(", ")}`;
    if (typeof parent === "string") return `${fix}; offer fields are monthlyPriceCents, includedInPaidPlans`;
    return `${fix}; catalog fields are plans, packs, enchantments, alertThresholds`;
  }
  const field = [...issue.path].reverse().find((segment): segment is string => typeof segment === "string");
  return (
    (field === undefined ? undefined : HINTS[field]) ??
    "see DEFAULT_PLAN_CATALOG for a complete, valid example"
  );
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * EXAMPLE plans (COUNTING.md: the guide fixes no quotas). Prices and allowances are placeholders a
 * deployment replaces through its own catalog. Professional and above: unlimited human conversations (Q9).
 * Overage prices are examples too; the free plan's overage is left unpriced (counted and shown, not billed).
 */
export const DEFAULT_PLAN_CATALOG: PlanCatalog = deepFreeze(
  parsePlanCatalog({
    plans: [
      {
        id: "free",
        name: "Free",
        rank: 0,
        aiAllowance: 100,
        humanAllowance: 0,
        monthlyPriceCents: 0,
        overagePriceCents: null,
        humanOveragePriceCents: 50,
        includedEnchantments: ["emotion"],
      },
      {
        id: "starter",
        name: "Starter",
        rank: 10,
        aiAllowance: 1000,
        humanAllowance: 50,
        monthlyPriceCents: 2900,
        overagePriceCents: 5,
        humanOveragePriceCents: 50,
        includedEnchantments: ["emotion", "escalation", "polyglot"],
      },
      {
        id: "professional",
        name: "Professional",
        rank: 20,
        aiAllowance: 5000,
        humanAllowance: null,
        monthlyPriceCents: 9900,
        overagePriceCents: 4,
        humanOveragePriceCents: null,
        includedEnchantments: ["emotion", "escalation", "polyglot"],
      },
      {
        id: "enterprise",
        name: "Enterprise",
        rank: 30,
        aiAllowance: 25000,
        humanAllowance: null,
        monthlyPriceCents: 39900,
        overagePriceCents: 3,
        humanOveragePriceCents: null,
        includedEnchantments: ["memory", "emotion", "escalation", "polyglot"],
      },
    ],
  }),
);

/** The pack offer of this size, or undefined: packs are sold at the catalog's sizes only (each has a price). */
export function findPackOffer(catalog: PlanCatalog, size: number): PackOffer | undefined {
  return catalog.packs.find((offer) => offer.size === size);
}
