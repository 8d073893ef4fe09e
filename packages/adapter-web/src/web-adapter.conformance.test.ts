import { type AdapterConformanceHarness, describeAdapterConformance } from "@lutingenie/core/testing";
import { WidgetTestClient } from "./testing/widget-test-client.js";
import { createWebAdapter, type WebAdapter } from "./web-adapter.js";
import { createWebServer, type WebServer } from "./web-server.js";

const KEY = "conformance-widget-key";
const ADMIN = "conformance-admin-token-0123456789";

describeAdapterConformance("web widget (WebSocket)", async () => {
  let adapter: WebAdapter;
  let web: WebServer;
  let url = "";
  const clients = new Map<string, WidgetTestClient>();
  const testReplies = new Map<string, string[]>();
  const pending = new Set<Promise<unknown>>();
  let refuseNext = false;
  const clientFor = async (thread: string) => {
    let client = clients.get(thread);
    if (client === undefined) {
      client = await WidgetTestClient.connect({ url, key: KEY });
      clients.set(thread, client);
    }
    return client;
  };
  const track = <T>(promise: Promise<T>) => {
    pending.add(promise);
    void promise.finally(() => pending.delete(promise)).catch(() => undefined);
    return promise;
  };
  return {
    async createAdapter() {
      adapter = createWebAdapter({ tenant: "default", receiptTimeoutMs: 5_000 });
      web = createWebServer({ adapter, tenant: "default", widgetKey: KEY, adminToken: ADMIN });
      url = (await web.listen(0)).url;
      return adapter;
    },
    async sendCustomerMessage(message) {
      if (message.origin === "test" || message.origin === "preview") {
        // The platform's way to send test and preview messages: the dashboard's admin endpoint (C9).
        const response = await track(
          fetch(`${url}/api/admin/test-chat`, {
            method: "POST",
            headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN}` },
            body: JSON.stringify({
              session: message.thread,
              id: message.id,
              text: message.text,
              origin: message.origin,
            }),
          }),
        );
        const body = (await response.json()) as { reply: string | null };
        if (body.reply !== null)
          testReplies.set(message.thread, [...(testReplies.get(message.thread) ?? []), body.reply]);
        return { accepted: response.ok, status: response.status };
      }
      const client = await clientFor(message.thread);
      if (refuseNext) {
        refuseNext = false;
        client.refuseNextReply();
      }
      const answer = await track(client.message(message.id, message.text));
      return { accepted: answer.type === "ack" };
    },
    async sendMalformed(kind) {
      if (kind === "bad_signature") {
        // The widget's credential is its tenant key: a wrong one is refused at the upgrade.
        const refused = await WidgetTestClient.connect({ url, key: "wrong-key" }).then(
          async (client) => {
            await client.close();
            return false;
          },
          () => true,
        );
        return { accepted: !refused, status: 401 };
      }
      const client = await clientFor("malformed");
      const answer = client.next((frame) => frame.type === "error" || frame.type === "ack");
      client.send(kind === "unparsable" ? "{ not json" : { type: "message" });
      return { accepted: (await answer).type === "ack" };
    },
    async delivered(thread) {
      const test = testReplies.get(thread);
      if (test !== undefined) return test;
      return (clients.get(thread)?.replies ?? []).map((reply) => String(reply.text));
    },
    // The server names each visitor (its thread); the suite's thread names map to them.
    threadOf: (thread) => clients.get(thread)?.visitor ?? thread,
    failNextDelivery() {
      refuseNext = true;
    },
    async settled() {
      await Promise.allSettled([...pending]);
    },
    async cleanup() {
      for (const client of clients.values()) await client.close();
      await web.close();
    },
  } satisfies AdapterConformanceHarness;
});
