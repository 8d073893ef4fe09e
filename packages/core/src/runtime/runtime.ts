import { Assistant } from "../assistant/assistant.js";
import type { EmotionDetector } from "../assistant/emotion.js";
import { enchantmentsByPlan, fixedEnchantments } from "../assistant/enabled-enchantments.js";
import type { Enchantment } from "../assistant/enchantment.js";
import type { LanguageDetector } from "../assistant/language.js";
import type { Responder } from "../assistant/responder.js";
import type { AssistantTenant } from "../assistant/tenant-profile.js";
import { createInMemoryThreadMemory, type ThreadMemory } from "../assistant/thread-memory.js";
import { createBillingDirectory } from "../billing-directory.js";
import { type Clock, systemClock } from "../clock.js";
import { type ConversationLog, createMemoryConversationLog } from "../conversation-log/index.js";
import { ConversationCounter } from "../counting/counter.js";
import { createEmotionDetector } from "../emotion/index.js";
import { emotion } from "../enchantments/emotion.js";
import { escalation } from "../enchantments/escalation.js";
import { memory } from "../enchantments/memory.js";
import { polyglot } from "../enchantments/polyglot.js";
import { LutinError } from "../errors.js";
import { EscalationService } from "../escalation/escalation-service.js";
import { createMemoryEscalationStore, type EscalationStore } from "../escalation/escalation-store.js";
import type { OutboundSender } from "../escalation/outbound-sender.js";
import { createProductMessages, type ProductMessages } from "../i18n/index.js";
import { createLanguageDetector } from "../language/index.js";
import { errorFields, type Logger, silentLogger } from "../logging/logger.js";
import { DEFAULT_PLAN_CATALOG, findPlan, type PlanCatalog } from "../quota/catalog.js";
import { createTenant, planAt } from "../quota/subscription.js";
import { createKnowledgeBaseResponder } from "../responders/knowledge-base/index.js";
import { createLlmResponder } from "../responders/llm/index.js";
import type { Store } from "../store/store.js";
import type { LoadedTenant } from "./tenant-file.js";

export interface LutinRuntimeOptions {
  store: Store;
  tenants: readonly LoadedTenant[];
  catalog?: PlanCatalog;
  clock?: Clock;
  logger?: Logger;
  memory?: ThreadMemory;
  /** Each conversation's messages and readings for the dashboard; default: in memory (a restart forgets). */
  conversationLog?: ConversationLog;
  escalationStore?: EscalationStore;
  /** The same enchantments for every tenant (`lutin chat --enchantments`); default: by plan and add-ons. */
  enchantments?: readonly string[];
  /** Third-party enchantments to offer beside the four built-ins. */
  extraEnchantments?: readonly Enchantment[];
  messages?: ProductMessages;
  languageDetector?: LanguageDetector;
  emotionDetector?: EmotionDetector;
  acceptTimeoutMs?: number;
  /** Carries agents' e-mail answers to follow-up tasks (lutin serve: SMTP from LUTIN_SMTP_*). */
  outboundSender?: OutboundSender;
}

/** Everything a server or the CLI needs, wired: counting, quota, the assistant, its enchantments and Escalation. */
export interface LutinRuntime {
  assistant: Assistant;
  escalation: EscalationService;
  counter: ConversationCounter;
  store: Store;
  /** What the dashboard shows of a conversation: its messages, language and emotion. */
  conversationLog: ConversationLog;
  catalog: PlanCatalog;
  /** The clock counting reads; the admin API reads usage at it too, so a test's manual clock is everyone's. */
  clock: Clock;
  messages: ProductMessages;
  languageDetector: LanguageDetector;
  emotionDetector: EmotionDetector;
  tenant(id: string): AssistantTenant | undefined;
  /**
   * Adds a tenant while running (a Slack workspace that installs the app). Its subscription starts now
   * unless the store already has one; adding the same tenant again replaces its settings.
   */
  addTenant(tenant: LoadedTenant): Promise<void>;
}

export const BUILT_IN_ENCHANTMENTS = ["memory", "emotion", "escalation", "polyglot"] as const;

export async function createLutinRuntime(options: LutinRuntimeOptions): Promise<LutinRuntime> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const catalog = options.catalog ?? DEFAULT_PLAN_CATALOG;
  const store = options.store;
  const messages = options.messages ?? createProductMessages();
  const languageDetector = options.languageDetector ?? (await createLanguageDetector());
  const emotionDetector = options.emotionDetector ?? createEmotionDetector();
  const settings = new Map<string, AssistantTenant>();
  const responders = createTenantResponders(messages, logger);
  const counter = new ConversationCounter({
    store,
    clock,
    billing: createBillingDirectory({ store, catalog }),
  });
  const tenantSettings = (id: string): AssistantTenant => {
    const found = settings.get(id);
    if (found === undefined)
      throw new LutinError("TENANT_UNKNOWN", `no assistant settings for tenant "${id}"`, {
        hint: "load a tenant file for it (see packages/core/demo/demo-shop.tenant.json)",
      });
    return found;
  };
  const enchantmentPolicy =
    options.enchantments === undefined
      ? enchantmentsByPlan(store, catalog)
      : fixedEnchantments(options.enchantments);
  const service = new EscalationService({
    store: options.escalationStore ?? createMemoryEscalationStore(),
    messages,
    clock,
    logger,
    tenants: async (id) => tenantSettings(id),
    planRank: async (id, at) => {
      const tenant = await store.getTenant(id);
      return tenant === undefined ? null : findPlan(catalog, planAt(tenant, at)).rank;
    },
    ...(options.acceptTimeoutMs === undefined ? {} : { acceptTimeoutMs: options.acceptTimeoutMs }),
    emotion: emotionDetector,
    ...(options.outboundSender === undefined ? {} : { outboundSender: options.outboundSender }),
    // The same policy the assistant applies to each turn: a plan without Escalation has no live desk.
    escalationEnabled: async (id, at) => (await enchantmentPolicy(tenantSettings(id), at)).has("escalation"),
  });
  const conversationLog = options.conversationLog ?? createMemoryConversationLog(clock);
  const assistant = new Assistant({
    counter,
    store,
    conversationLog,
    clock,
    logger,
    messages,
    memory: options.memory ?? createInMemoryThreadMemory(),
    responder: responders.responder,
    enchantments: [
      polyglot({ detector: languageDetector }),
      emotion({ detector: emotionDetector }),
      escalation({ service }),
      memory(),
      ...(options.extraEnchantments ?? []),
    ],
    policy: enchantmentPolicy,
    tenants: (id) => settings.get(id),
    takeovers: service,
    desk: service,
    followUpDesk: service,
  });
  service.attach(assistant);

  /** Registers a tenant: its subscription (kept if the store has one), settings, responder and agents. */
  const addTenant = async (tenant: LoadedTenant): Promise<void> => {
    findPlan(catalog, tenant.plan); // PLAN_UNKNOWN names the plans that exist
    const id = tenant.settings.id;
    if ((await store.getTenant(id)) === undefined)
      await store.putTenant(
        createTenant(
          {
            id,
            name: tenant.settings.name ?? id,
            timeZone: tenant.settings.timeZone,
            plan: tenant.plan,
            startedAt: clock.now(),
            addOns: tenant.addOns,
          },
          catalog,
        ),
      );
    settings.set(id, tenant.settings);
    responders.add(tenant);
    const known = new Set((await service.agentsOf(id)).map((agent) => agent.id));
    for (const agent of tenant.agents) if (!known.has(agent.id)) await service.putAgent(agent);
  };
  for (const tenant of options.tenants) await addTenant(tenant);

  return {
    assistant,
    escalation: service,
    counter,
    store,
    conversationLog,
    catalog,
    clock,
    messages,
    languageDetector,
    emotionDetector,
    tenant: (id) => settings.get(id),
    addTenant,
  };
}

/** Each tenant's own knowledge base (and LLM, when configured, falling back to it). */
function createTenantResponders(
  messages: ProductMessages,
  logger: Logger,
): { responder: Responder; add(tenant: LoadedTenant): void } {
  const responders = new Map<string, Responder>();
  const add = (tenant: LoadedTenant): void => {
    const knowledgeBase = createKnowledgeBaseResponder({
      knowledgeBase: tenant.knowledgeBase,
      lookups: tenant.lookups,
      dontKnow: (language) => messages.t(language, "assistant.dontKnow"),
    });
    const responder =
      tenant.llm === undefined
        ? knowledgeBase
        : createLlmResponder(tenant.llm, {
            fallback: knowledgeBase,
            onError: (error) =>
              logger.warn("LLM failed; the knowledge base answered", {
                tenant: tenant.settings.id,
                ...errorFields(error),
              }),
          });
    responders.set(tenant.settings.id, responder);
  };
  const responder: Responder = {
    name: "tenant",
    respond(request) {
      const tenantResponder = responders.get(request.tenant);
      if (tenantResponder === undefined)
        return Promise.reject(
          new LutinError("TENANT_UNKNOWN", `no responder for tenant "${request.tenant}"`),
        );
      return tenantResponder.respond(request);
    },
  };
  return { responder, add };
}
