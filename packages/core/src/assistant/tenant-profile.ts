import { z } from "zod";
import { LutinError } from "../errors.js";
import { weeklyHoursSchema } from "../i18n/weekly-hours.js";
import { describeIssues } from "../validation/issue-text.js";
import { SUPPORTED_LANGUAGES } from "./language.js";

/**
 * What the assistant needs to know of a tenant beyond billing: the language it answers in without
 * Polyglot, how customers reach a person, and which enchantments it switched off or added.
 * Billing (plan, add-ons, periods) stays in the store's `Tenant`; this is the assistant's settings.
 */
export const assistantTenantSchema = z
  .object({
    id: z.string().min(1, "must not be empty"),
    name: z.string().min(1).optional(),
    /** Reply language without Polyglot, and Polyglot's first guess (ISO 639-1, one of the 12). */
    defaultLanguage: z
      .enum(SUPPORTED_LANGUAGES, { error: `must be one of ${SUPPORTED_LANGUAGES.join(", ")}` })
      .default("en"),
    timeZone: z.string().default("UTC"),
    /** Shown when Escalation is off or nobody can be reached (the guide's "contact information"). */
    contact: z
      .object({
        email: z.email({ error: "must be an e-mail address" }).optional(),
        phone: z.string().min(3).optional(),
        url: z.url({ error: "must be a URL" }).optional(),
      })
      .strict()
      .default({}),
    /** When agents work, in `timeZone`; outside them nobody is available (Escalation). Absent = always. */
    businessHours: weeklyHoursSchema.optional(),
    /** How live requests reach agents (Escalation). */
    escalation: z
      .object({
        /**
         * Lets an agent who is online and active take a live chat outside the business hours (late shifts,
         * a weekend on call). Default false: outside the hours every request becomes a follow-up task.
         */
        agentsMayTakeOutsideHours: z.boolean({ error: "must be true or false" }).default(false),
      })
      .strict()
      .default({ agentsMayTakeOutsideHours: false }),
    /** Words or phrases that always escalate (a tenant rule: "lawsuit", "cancel my contract"). */
    escalationKeywords: z.array(z.string().min(2)).default([]),
    /** Channels that host the tenant's follow-up thread; default: every adapter that can host one. */
    followUpChannels: z.array(z.string()).default([]),
    /** Enchantments the tenant turned off although its plan includes them. */
    disabledEnchantments: z.array(z.string()).default([]),
    /** Third-party enchantments (by name) the tenant turned on. */
    extraEnchantments: z.array(z.string()).default([]),
  })
  .strict();

export type AssistantTenantInput = z.input<typeof assistantTenantSchema>;
export type AssistantTenant = z.output<typeof assistantTenantSchema>;

export function parseAssistantTenant(input: unknown, source = "tenant settings"): AssistantTenant {
  const result = assistantTenantSchema.safeParse(input);
  if (result.success) return result.data;
  const problems = describeIssues(result.error.issues);
  throw new LutinError("CONFIG_INVALID", `invalid ${source}: ${problems.join("; ")}`, {
    hint: "fix the tenant settings (see packages/core/demo/demo-shop.tenant.json for a complete one)",
    details: { problems },
  });
}
