import { type AdapterConformanceHarness, describeAdapterConformance } from "@lutingenie/core/testing";
import { createTeamsAdapter, type TeamsAdapter } from "./teams-adapter.js";
import { personalMessage } from "./testing/teams-activities.js";
import { startTeamsNetwork } from "./testing/teams-network.js";

describeAdapterConformance(
  "Teams (botbuilder CloudAdapter, authentication ON, fake Bot Connector)",
  async () => {
    const network = await startTeamsNetwork();
    let adapter: TeamsAdapter;
    const endpoint = () => `${adapter.url}${adapter.path}`;
    return {
      createAdapter: () => {
        adapter = createTeamsAdapter(network.adapterConfig(), {});
        return adapter;
      },
      // The suite's thread is the Teams conversation (a personal chat); its message id is the activity id.
      async sendCustomerMessage(message) {
        const response = await network.post(
          endpoint(),
          personalMessage(network.parties, message.thread, message.text, { id: message.id }),
        );
        return { accepted: response.status === 200, status: response.status };
      },
      async sendMalformed(kind) {
        if (kind === "unparsable") {
          const response = await fetch(endpoint(), {
            method: "POST",
            headers: { "content-type": "application/json", authorization: "Bearer x.y.z" },
            body: "{ not json",
          });
          return { accepted: response.status === 200, status: response.status };
        }
        if (kind === "missing_fields") {
          const response = await network.post(endpoint(), { type: "message", text: "hi" });
          return { accepted: response.status === 200, status: response.status };
        }
        const response = await network.post(endpoint(), personalMessage(network.parties, "a:forged", "hi"), {
          options: { forged: true },
        });
        return { accepted: response.status === 200, status: response.status };
      },
      delivered: async (thread) => network.connector.texts(thread),
      failNextDelivery: () => network.connector.script("sendToConversation", { status: 500 }),
      settled: () => adapter.idle(),
      cleanup: () => network.close(),
    } satisfies AdapterConformanceHarness;
  },
  // Teams cannot say "this is a dashboard test chat": C9 origins are the web channel's.
  { origins: false },
);
