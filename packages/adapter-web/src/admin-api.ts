import { randomUUID } from "node:crypto";
import {
  type ConversationRecord,
  computeInvoice,
  computeUsage,
  ENCHANTMENTS,
  type EnchantmentName,
  findPackOffer,
  findPlan,
  type LastAudit,
  LutinError,
  type LutinRuntime,
  planAt,
  requestPlanChange,
  tenantAuditOf,
  usageHistory,
} from "@lutingenie/core";
import { type NextFunction, type Request, type Response, Router } from "express";
import { z } from "zod";
import { conversationDetailOf, conversationIdSchema } from "./conversation-detail.js";
import { filterHistory, historyCsv, historyQuerySchema, historyRowOf } from "./history.js";
import { sendProblem, validate } from "./http-problems.js";
import { pastPeriodsOf, periodQuerySchema, usagePeriod } from "./usage-periods.js";
import type { WebAdapter } from "./web-adapter.js";

export const invoiceQuerySchema = z.object({
  period: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, "period must be the month the period starts in, YYYY-MM"),
});

export const packRequestSchema = z
  .object({
    size: z.number().int().min(1, "size must be at least 1").max(1_000_000),
    /**
     * A pack is bought, not clicked: the caller shows the price first (GET /usage `packOffers`) and says
     * yes here. The dashboard's dialog sends it only from its "Buy" button.
     */
    confirm: z.literal(true, {
      error:
        "confirm must be true: show the pack's price (GET /api/admin/usage, packOffers) and send confirm: true to buy it",
    }),
    /** ISO 8601; absent = never expires (Q6's default). */
    expiresAt: z.iso.datetime({ offset: true, error: "expiresAt must be an ISO 8601 date-time" }).optional(),
  })
  .strict();

export const planRequestSchema = z.object({ plan: z.string().min(1, "plan must name a plan") }).strict();

export const enchantmentRequestSchema = z
  .object({
    name: z.enum(ENCHANTMENTS, { error: `name must be one of ${ENCHANTMENTS.join(", ")}` }),
    enabled: z.boolean(),
  })
  .strict();

export const testChatRequestSchema = z
  .object({
    session: z.string().regex(/^[A-Za-z0-9_-]{4,64}$/, "session must be 4–64 letters, digits, '_' or '-'"),
    /** The message id; a retry with the same id is not answered twice (C11). Default: a new id. */
    id: z
      .string()
      .regex(/^[A-Za-z0-9:_-]{1,128}$/)
      .optional(),
    text: z.string().min(1, "text must not be empty").max(2_000, "text is longer than 2000 characters"),
    /** test: the dashboard's test chat; preview: an admin preview. Neither is ever counted (C9). */
    origin: z.enum(["test", "preview"]).default("test"),
  })
  .strict();

/** GET /test-chat/messages: what reached a test chat after its answers (an agent's replies). */
export const testChatMessagesQuerySchema = z
  .object({
    session: testChatRequestSchema.shape.session,
    origin: z.enum(["test", "preview"]).default("test"),
    after: z.coerce
      .number({ error: "after must be the last sequence number received, 0 at first" })
      .int("after must be a whole number")
      .min(0, "after must be 0 or more")
      .max(Number.MAX_SAFE_INTEGER)
      .default(0),
  })
  .strict();

/**
 * The admin REST API behind the dashboard (documented in README.md): usage, history, packs, plan,
 * enchantments and the test chat. Every route needs an admin token (Authorization: Bearer …); the token
 * names its tenant, and every route reads and changes that tenant only.
 */
export function createAdminRouter(options: {
  runtime: LutinRuntime;
  adapter: WebAdapter;
  /** The tenant the request's admin token names; undefined: refused. */
  authorize: (request: Request) => string | undefined;
  /** The last `lutin audit` of the server's data (null: none yet); absent: this server keeps none. */
  lastAudit?: () => Promise<LastAudit | { damaged: true } | null>;
}): Router {
  const { runtime, adapter } = options;
  const router = Router();
  const now = () => runtime.clock.now();

  router.use(requireAdmin(options.authorize));

  /**
   * Language and emotion of a history row: the conversation log's (kept across restarts), else the
   * adapter's. A human conversation reads its customer through its AI half (C10): the assistant stays
   * quiet during a handoff, so only the AI half has a reading.
   */
  const readingsOf = async (conversations: readonly ConversationRecord[]) => {
    const ids = new Set<string>();
    for (const conversation of conversations) {
      ids.add(conversation.id);
      if (conversation.linkedConversationId !== null) ids.add(conversation.linkedConversationId);
    }
    // One read of the log for the whole list (a shared log answers over the network).
    const logged = await runtime.conversationLog.readings([...ids]);
    const of = (conversationId: string) => logged.get(conversationId) ?? adapter.readingOf(conversationId);
    return (conversation: ConversationRecord) => {
      const own = of(conversation.id);
      if (own?.language != null || own?.emotion != null || conversation.linkedConversationId === null)
        return own;
      return of(conversation.linkedConversationId);
    };
  };
  const historyRowsOf = async (conversations: readonly ConversationRecord[]) => {
    const readingOf = await readingsOf(conversations);
    return conversations.map((conversation) => historyRowOf(conversation, readingOf(conversation)));
  };

  const billing = async (tenant: string) => {
    const record = await runtime.store.getTenant(tenant);
    if (record === undefined) throw new Error(`tenant ${tenant} has no billing record`);
    return record;
  };

  // ?period=YYYY-MM-DD: a past period as it stood at its end (its rows are read from the archives too).
  router.get("/usage", async (request, response) => {
    const tenant = tenantOf(response);
    const query = validate(periodQuerySchema, request.query, response);
    if (query === undefined) return;
    const record = await billing(tenant);
    const chosen = usagePeriod(record, query.period, now());
    if ("problem" in chosen) return sendProblem(response, 400, "PERIOD_UNKNOWN", chosen.problem);
    const at = chosen.at;
    const [ledger, packs, alerts] = await Promise.all([
      runtime.store.listLedger({ tenant }),
      runtime.store.listPacks(tenant),
      runtime.store.listAlerts(tenant),
    ]);
    const usage = computeUsage({ tenant: record, catalog: runtime.catalog, ledger, packs, alerts, at });
    const history = usageHistory({ tenant: record, ledger, at });
    const plan = findPlan(runtime.catalog, usage.plan);
    const settings = runtime.tenant(tenant);
    const pending = record.subscription.planChanges.find((change) => change.effectiveAt > at) ?? null;
    response.json({
      tenant: { id: tenant, name: record.name, timeZone: record.timeZone },
      plan: {
        id: plan.id,
        name: plan.name,
        aiAllowance: plan.aiAllowance,
        humanAllowance: plan.humanAllowance,
        monthlyPriceCents: plan.monthlyPriceCents,
        // Q4, Q9: null = not priced (counted and shown, not billed).
        overagePriceCents: plan.overagePriceCents,
        humanOveragePriceCents: plan.humanOveragePriceCents,
      },
      // Example prices unless the deployment's catalog sets its own (DEFAULT_PACK_OFFERS).
      packOffers: runtime.catalog.packs.map((offer) => ({ size: offer.size, priceCents: offer.priceCents })),
      current: chosen.current,
      pendingPlanChange: pending,
      plans: runtime.catalog.plans.map((candidate) => ({
        id: candidate.id,
        name: candidate.name,
        rank: candidate.rank,
        aiAllowance: candidate.aiAllowance,
        humanAllowance: candidate.humanAllowance,
        monthlyPriceCents: candidate.monthlyPriceCents,
        overagePriceCents: candidate.overagePriceCents,
        humanOveragePriceCents: candidate.humanOveragePriceCents,
      })),
      period: { label: usage.period.label, start: usage.period.start, end: usage.period.end },
      allowance: usage.allowance,
      used: usage.used,
      remaining: usage.remaining,
      overage: usage.overage,
      packUsed: usage.packUsed,
      packsRemaining: usage.packsRemaining,
      packs: usage.packs,
      human: usage.human,
      // Q5, C13: every alert of the period with its state; `at` is the count moment of the crossing.
      alerts: usage.alerts.map((alert) => ({
        threshold: alert.threshold,
        state: alert.state ?? "fired",
        at: alert.at,
        withdrawnAt: alert.withdrawnAt ?? null,
        used: alert.used,
        allowance: alert.allowance,
      })),
      thresholds: usage.thresholds,
      days: history.days.map((day) => ({ date: day.date, ai: day.ai, human: day.human })),
      enchantments: ENCHANTMENTS.map((name) => {
        const offer = runtime.catalog.enchantments[name];
        const included = plan.includedEnchantments.includes(name) || offer.monthlyPriceCents === 0;
        const bought = record.addOns.includes(name);
        return {
          name,
          monthlyPriceCents: offer.monthlyPriceCents,
          included,
          addOn: bought,
          enabled: (included || bought) && !(settings?.disabledEnchantments ?? []).includes(name),
        };
      }),
    });
  });

  // The invoice of a closed period (Q3, Q4, Q6, Q8, Q9): each line lists the conversations it counts.
  router.get("/invoice", async (request, response) => {
    const tenant = tenantOf(response);
    const query = validate(invoiceQuerySchema, request.query, response);
    if (query === undefined) return;
    const record = await billing(tenant);
    const [ledger, packs] = await Promise.all([
      runtime.store.listLedger({ tenant }),
      runtime.store.listPacks(tenant),
    ]);
    try {
      response.json(
        computeInvoice({
          tenant: record,
          catalog: runtime.catalog,
          ledger,
          packs,
          month: query.period,
          now: now(),
        }),
      );
    } catch (error) {
      // A period not closed yet, or none starting that month: the caller's to fix, said with the hint.
      if (!LutinError.isInstance(error, "QUOTA_CONFIG_INVALID")) throw error;
      sendProblem(response, 409, "PERIOD_NOT_INVOICEABLE", `${error.message}; ${error.hint ?? ""}`.trim());
    }
  });

  // The last audit's verdict for this tenant only (issue 14): another tenant's differences are not shown.
  router.get("/audit", async (_request, response) => {
    const tenant = tenantOf(response);
    const record = options.lastAudit === undefined ? null : await options.lastAudit();
    if (record !== null && "damaged" in record) {
      response.json({
        audit: null,
        problem: "last-audit.json is damaged or from another version; run lutin audit again to replace it",
      });
      return;
    }
    response.json({ audit: record === null ? null : tenantAuditOf(record, tenant) });
  });

  router.get("/history", async (request, response) => {
    const tenant = tenantOf(response);
    const query = validate(historyQuerySchema, request.query, response);
    if (query === undefined) return;
    const rows = await historyRowsOf(await runtime.store.listConversations({ tenant }));
    response.json(filterHistory(rows, query));
  });

  // The periods the picker offers: the subscription's, newest first (closed ones are read from the archives).
  router.get("/periods", async (_request, response) => {
    const record = await billing(tenantOf(response));
    response.json({ periods: pastPeriodsOf(record, now()) });
  });

  // One conversation with its messages and counting trail. Another tenant's id answers exactly as an
  // unknown one: a token never learns whether a conversation exists elsewhere.
  router.get("/conversations/:id", async (request, response) => {
    const tenant = tenantOf(response);
    const id = conversationIdSchema.safeParse(request.params.id);
    if (!id.success)
      return sendProblem(response, 400, "CONVERSATION_ID_INVALID", id.error.issues[0]?.message ?? "bad id");
    const conversation = await runtime.store.getConversation(id.data);
    if (conversation === undefined || conversation.tenant !== tenant)
      return sendProblem(
        response,
        404,
        "CONVERSATION_NOT_FOUND",
        `no conversation ${id.data} in this tenant's history: open one from the history list`,
      );
    const linkedId = conversation.linkedConversationId;
    const linked = linkedId === null ? undefined : await runtime.store.getConversation(linkedId);
    const sameTenant = linked?.tenant === tenant ? linked : undefined;
    // Ids are derived from tenant-scoped thread keys; the tenant check keeps it so if that ever changes.
    const logOf = async (conversationId: string | undefined) => {
      if (conversationId === undefined) return undefined;
      const logged = await runtime.conversationLog.get(conversationId);
      return logged?.tenant === tenant ? logged : undefined;
    };
    const [own, other, readingOf] = await Promise.all([
      logOf(conversation.id),
      logOf(sameTenant?.id),
      readingsOf([conversation]),
    ]);
    response.json(
      conversationDetailOf({
        conversation,
        linked: sameTenant,
        own,
        other,
        reading: readingOf(conversation),
      }),
    );
  });

  router.get("/history.csv", async (request, response) => {
    const tenant = tenantOf(response);
    const query = validate(historyQuerySchema, { ...request.query, page: 1, pageSize: 500 }, response);
    if (query === undefined) return;
    const rows = await historyRowsOf(await runtime.store.listConversations({ tenant }));
    const all = filterHistory(rows, { ...query, pageSize: Number.MAX_SAFE_INTEGER });
    response.type("text/csv").attachment(`lutingenie-history-${tenant}.csv`).send(historyCsv(all.rows));
  });

  // Q6: a pack bought during overage absorbs this period's overage first (computeUsage applies it).
  router.post("/packs", async (request, response) => {
    const tenant = tenantOf(response);
    const body = validate(packRequestSchema, request.body, response);
    if (body === undefined) return;
    const offer = findPackOffer(runtime.catalog, body.size);
    if (offer === undefined)
      return sendProblem(
        response,
        400,
        "PACK_UNKNOWN",
        `size: no pack of ${body.size} conversations is on sale; choose among ${runtime.catalog.packs.map((candidate) => candidate.size).join(", ")}`,
      );
    const pack = {
      id: `pack_${randomUUID()}`,
      tenant,
      size: body.size,
      purchasedAt: now(),
      expiresAt: body.expiresAt === undefined ? null : Date.parse(body.expiresAt),
      // Kept with the pack: the invoice of the period it was bought in charges what was paid, even if the
      // catalog's price changes later.
      priceCents: offer.priceCents,
    };
    await runtime.store.addPack(pack);
    response.status(201).json(pack);
  });

  // Q7: an upgrade applies at once, a downgrade at the period's end (requestPlanChange decides).
  router.post("/plan", async (request, response) => {
    const tenant = tenantOf(response);
    const body = validate(planRequestSchema, request.body, response);
    if (body === undefined) return;
    if (!runtime.catalog.plans.some((plan) => plan.id === body.plan))
      return sendProblem(
        response,
        400,
        "PLAN_UNKNOWN",
        `plan: unknown plan "${body.plan}"; choose among ${runtime.catalog.plans.map((plan) => plan.id).join(", ")}`,
      );
    const record = await billing(tenant);
    const at = now();
    const changed = requestPlanChange(record, runtime.catalog, body.plan, at);
    await runtime.store.putTenant(changed);
    const last = changed.subscription.planChanges.at(-1);
    response.json({
      plan: planAt(changed, at),
      requested: body.plan,
      effectiveAt: last?.plan === body.plan ? last.effectiveAt : at,
    });
  });

  /**
   * Enchantments the plan includes (or that are free) are switched on and off in the tenant settings;
   * the others are add-ons: switching one on buys it, off cancels it.
   */
  router.post("/enchantments", async (request, response) => {
    const tenant = tenantOf(response);
    const body = validate(enchantmentRequestSchema, request.body, response);
    if (body === undefined) return;
    const record = await billing(tenant);
    const plan = findPlan(runtime.catalog, planAt(record, now()));
    const name: EnchantmentName = body.name;
    const included =
      plan.includedEnchantments.includes(name) || runtime.catalog.enchantments[name].monthlyPriceCents === 0;
    const settings = runtime.tenant(tenant);
    if (settings !== undefined) {
      // The runtime reads these settings on every turn (enchantmentsByPlan): the change applies at once.
      const disabled = new Set(settings.disabledEnchantments);
      if (body.enabled) disabled.delete(name);
      else if (included) disabled.add(name);
      settings.disabledEnchantments = [...disabled];
    }
    if (!included) {
      const addOns = new Set(record.addOns);
      if (body.enabled) addOns.add(name);
      else addOns.delete(name);
      await runtime.store.putTenant({
        ...record,
        addOns: ENCHANTMENTS.filter((candidate) => addOns.has(candidate)),
      });
    }
    response.json({ name, enabled: body.enabled, included });
  });

  return router;
}

/**
 * The dashboard's test chat and previews (C9: answered, never counted), admin token required. Separate
 * from the rest of the admin API because it needs only the adapter (the conformance suite mounts it alone).
 */
export function createTestChatRouter(options: {
  adapter: WebAdapter;
  authorize: (request: Request) => string | undefined;
}): Router {
  const { adapter } = options;
  const router = Router();
  router.use(requireAdmin(options.authorize));
  router.post("/test-chat", async (request, response) => {
    const body = validate(testChatRequestSchema, request.body, response);
    if (body === undefined) return;
    const result = await adapter.testChat({
      tenant: tenantOf(response),
      session: body.session,
      id: body.id ?? `test-${randomUUID()}`,
      text: body.text,
      origin: body.origin,
    });
    response.json(result);
  });
  // The test chat's later messages: the dashboard polls this while a test handoff may answer (finding 4).
  router.get("/test-chat/messages", (request, response) => {
    const query = validate(testChatMessagesQuerySchema, request.query, response);
    if (query === undefined) return;
    response.json(adapter.testChatMessages({ tenant: tenantOf(response), ...query }));
  });

  return router;
}

/** Admin routes answer 401 with the fix unless the request carries an admin token; it names the tenant. */
function requireAdmin(authorize: (request: Request) => string | undefined) {
  return (request: Request, response: Response, next: NextFunction) => {
    const tenant = authorize(request);
    if (tenant !== undefined) {
      response.locals.tenant = tenant;
      return next();
    }
    sendProblem(
      response,
      401,
      "ADMIN_AUTH_FAILED",
      "missing or wrong admin token: send Authorization: Bearer <token>",
    );
  };
}

/** The tenant requireAdmin found for this request's token: the only one its route may read or change. */
function tenantOf(response: Response): string {
  const tenant: unknown = response.locals.tenant;
  if (typeof tenant !== "string") throw new Error("admin route reached without an authorized tenant");
  return tenant;
}
