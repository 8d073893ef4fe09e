import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { type AssistantTenant, assistantTenantSchema } from "../assistant/tenant-profile.js";
import { LutinError } from "../errors.js";
import { type Agent, agentSchema } from "../escalation/agents.js";
import { ENCHANTMENTS, type EnchantmentName } from "../quota/types.js";
import { createInMemoryLookup, type FlowLookup } from "../responders/knowledge-base/index.js";
import { type KnowledgeBase, loadKnowledgeBase } from "../responders/knowledge-base/knowledge-base-file.js";
import { jsonSyntaxProblem } from "../util/json-syntax-problem.js";
import { describeIssues } from "../validation/issue-text.js";

/** The demo tenant shipped with core: `lutin chat` and `lutin serve` use it when given no tenant file. */
export const DEMO_TENANT_FILE = fileURLToPath(new URL("../../demo/demo-shop.tenant.json", import.meta.url));

/**
 * A tenant file: the assistant settings (tenant-profile.ts), the billing it starts with, its knowledge
 * base and, optionally, an LLM and its agents. Paths are relative to the file.
 */
const tenantFileSchema = assistantTenantSchema.extend({
  plan: z.string().min(1).default("starter"),
  addOns: z.array(z.enum(ENCHANTMENTS, { error: `must be one of ${ENCHANTMENTS.join(", ")}` })).default([]),
  knowledgeBase: z.string().min(1, "must be a path to a knowledge base JSON file"),
  /** Demo order records for the knowledge base's order-status flow (an in-memory lookup). */
  orders: z.string().min(1).optional(),
  /** OpenAI-compatible chat completions (validated by the LLM responder: baseUrl, model, apiKey…). */
  llm: z.record(z.string(), z.unknown()).optional(),
  agents: z.array(agentSchema.omit({ tenant: true })).default([]),
  /**
   * The web widget's greeting, by language code ({ "en": "…", "fr": "…" }); a language left out gets the
   * widget's own greeting in that language.
   */
  greeting: z
    .record(
      z.string().regex(/^[a-z]{2}$/, "greeting keys must be two-letter language codes such as en, fr"),
      z
        .string()
        .trim()
        .min(1, "a greeting must not be empty")
        .max(500, "a greeting is at most 500 characters"),
    )
    .optional(),
});

export interface LoadedTenant {
  settings: AssistantTenant;
  plan: string;
  addOns: EnchantmentName[];
  knowledgeBase: KnowledgeBase;
  lookups: Record<string, FlowLookup>;
  llm: Record<string, unknown> | undefined;
  agents: Agent[];
  /** The widget's greeting by language (tenant file `greeting`); undefined: the widget's defaults. */
  greeting?: Record<string, string> | undefined;
  source: string;
}

export async function loadTenantFile(path: string): Promise<LoadedTenant> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new LutinError(
      "CONFIG_INVALID",
      `cannot read the tenant file ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`,
      {
        hint: `check the path; ${DEMO_TENANT_FILE} is a complete example`,
      },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new LutinError(
      "CONFIG_INVALID",
      `the tenant file ${path} is not valid JSON: ${jsonSyntaxProblem(error)}`,
      {
        hint: "fix the JSON syntax (a trailing comma? a missing quote?)",
      },
    );
  }
  const parsed = tenantFileSchema.safeParse(json);
  if (!parsed.success) {
    const problems = describeIssues(parsed.error.issues);
    throw new LutinError("CONFIG_INVALID", `invalid tenant file ${path}: ${problems.join("; ")}`, {
      hint: `compare with ${DEMO_TENANT_FILE}`,
      details: { problems },
    });
  }
  const file = parsed.data;
  const base = dirname(resolve(path));
  const knowledgeBase = await loadKnowledgeBase(resolve(base, file.knowledgeBase));
  const lookups: Record<string, FlowLookup> = {};
  if (file.orders !== undefined) {
    const ordersPath = resolve(base, file.orders);
    const records = JSON.parse(await readFile(ordersPath, "utf8")) as Parameters<
      typeof createInMemoryLookup
    >[0]["records"];
    lookups.orderStatus = createInMemoryLookup({ slot: "orderNumber", records });
  }
  const { plan, addOns, knowledgeBase: _path, orders: _orders, llm, agents, greeting, ...settings } = file;
  return {
    settings: assistantTenantSchema.parse(settings),
    plan,
    addOns,
    knowledgeBase,
    lookups,
    llm,
    agents: agents.map((agent) => ({ ...agent, tenant: file.id })),
    ...(greeting === undefined ? {} : { greeting }),
    source: path,
  };
}
