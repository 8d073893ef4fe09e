import {
  Assistant,
  type ChannelAdapter,
  ConversationCounter,
  createBillingDirectory,
  createMemoryStore,
  createTenant,
  DEFAULT_PLAN_CATALOG,
  fixedEnchantments,
  type MemoryStore,
  type Responder,
} from "@lutingenie/core";

/** Answers with a fixed text: what is measured and checked is the channel, not the responder. */
export const fixedResponder: Responder = {
  name: "fixed",
  async respond(request) {
    return { text: `Answer to a ${request.text.length}-character message`, confidence: 0.9, source: "fixed" };
  },
};

/** A real Assistant over the in-memory store, started with `adapter`: counting as in production. */
export async function startRealCore(adapter: ChannelAdapter, tenant = "default") {
  const store: MemoryStore = createMemoryStore();
  await store.putTenant(
    createTenant({ id: tenant, plan: "enterprise", startedAt: Date.UTC(2020, 0, 1) }, DEFAULT_PLAN_CATALOG),
  );
  const counter = new ConversationCounter({
    store,
    billing: createBillingDirectory({ store, catalog: DEFAULT_PLAN_CATALOG }),
  });
  const assistant = new Assistant({
    counter,
    store,
    responder: fixedResponder,
    messages: { t: (_language, key) => `[${key}]`, dir: () => "ltr" },
    policy: fixedEnchantments([]),
  });
  await assistant.start([adapter]);
  return {
    assistant,
    store,
    ledger: () => store.listLedger({ tenant }),
    conversations: () => store.listConversations({ tenant }),
    stop: () => assistant.stop(),
  };
}
