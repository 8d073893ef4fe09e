import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ChannelAdapter } from "../adapters/channel-adapter.js";
import { Assistant } from "../assistant/assistant.js";
import { fixedEnchantments } from "../assistant/enabled-enchantments.js";
import type { ProductMessages } from "../assistant/product-messages.js";
import type { Responder } from "../assistant/responder.js";
import type { TurnOutcome } from "../assistant/turn-outcome.js";
import { createBillingDirectory } from "../billing-directory.js";
import { ConversationCounter } from "../counting/counter.js";
import { DEFAULT_PLAN_CATALOG } from "../quota/catalog.js";
import { createTenant } from "../quota/subscription.js";
import { createMemoryStore, type MemoryStore } from "../store/memory-store.js";

/** A customer message as the platform would send it; the harness turns it into the platform's payload. */
export interface PlatformMessage {
  /** The platform's message id (becomes the idempotency key, C11). */
  id: string;
  /** The platform's conversation / chat / visitor session (becomes the thread). */
  thread: string;
  text: string;
  /** Dashboard test chats and admin previews, if the platform can express them (C9). */
  origin?: "live" | "test" | "preview";
}

/** What the platform can express; checks it cannot are not part of that adapter's suite. */
export interface AdapterCapabilities {
  /** Dashboard test chats and admin previews (C9). Default true. */
  origins?: boolean;
  /** Signed requests. Default true. */
  signatures?: boolean;
}

/** How the adapter answered the platform's request. */
export interface PlatformAck {
  /** The adapter took the payload (2xx, or the platform's equivalent). */
  accepted: boolean;
  /** The platform status it answered, where there is one (HTTP status). */
  status?: number;
}

/**
 * What an adapter author provides to run the suite: a way to build the adapter, to play the platform's
 * inbound side (the real payloads, signatures included) and to see what the platform received.
 * Fakes stand only where the platform's network would be (a local server on 127.0.0.1).
 */
export interface AdapterConformanceHarness {
  /** The tenant the adapter puts in its events (default "default"). */
  tenant?: string;
  /** Builds the adapter under test; the suite starts it connected to a real Assistant and stops it. */
  createAdapter(): Promise<ChannelAdapter> | ChannelAdapter;
  /** Sends a customer message the way the platform does; resolves with the adapter's answer. */
  sendCustomerMessage(message: PlatformMessage): Promise<PlatformAck>;
  /** Sends a payload the platform would never send: a broken body, a missing field, a wrong signature. */
  sendMalformed(kind: "unparsable" | "missing_fields" | "bad_signature"): Promise<PlatformAck>;
  /** Texts the platform received for a thread, in order. */
  delivered(thread: string): Promise<string[]>;
  /**
   * The thread key the adapter put in its events for a thread of the suite, where the platform rather
   * than the sender names it (the web widget's visitors are named by the server). Default: the same.
   */
  threadOf?(thread: string): string;
  /** Makes the platform refuse the next delivery (HTTP 5xx or the platform's equivalent). */
  failNextDelivery(): void;
  /**
   * @deprecated pass the capabilities as describeAdapterConformance's third argument, so checks the
   * platform cannot express are left out of the suite rather than reported as skipped.
   */
  supports?: AdapterCapabilities;
  /** Waits until the adapter has finished handling what it acknowledged (adapters that answer the platform first). */
  settled?(): Promise<void>;
  cleanup?(): Promise<void>;
}

/** Answers every message with a fixed text and its length: deterministic, so deliveries can be compared. */
const conformanceResponder: Responder = {
  name: "conformance",
  async respond(request) {
    return {
      text: `Answer to a ${request.text.length}-character message`,
      confidence: 0.9,
      source: "conformance",
    };
  },
};

const plainMessages: ProductMessages = {
  t: (_language, key) => `[${key}]`,
  dir: (language) => (language === "ar" ? "rtl" : "ltr"),
};

/**
 * The adapter conformance suite (`@lutingenie/core/testing`): every adapter, first-party or not, runs it.
 * Checks: a message is answered and counted once (C7); duplicate deliveries change nothing (C11), also
 * concurrently; threads stay apart; test and preview origins are answered but never counted (C9); a
 * refused delivery is not counted and a retry of the event answers and counts once (C7, C11); bad
 * payloads and signatures are refused without a crash or a count.
 */
export function describeAdapterConformance(
  name: string,
  makeHarness: () => AdapterConformanceHarness | Promise<AdapterConformanceHarness>,
  capabilities: AdapterCapabilities = {},
): void {
  describe(`adapter conformance: ${name}`, () => {
    let harness: AdapterConformanceHarness;
    let store: MemoryStore;
    let assistant: Assistant;
    const outcomes: TurnOutcome[] = [];
    let tenant: string;

    beforeEach(async () => {
      harness = await makeHarness();
      tenant = harness.tenant ?? "default";
      store = createMemoryStore();
      await store.putTenant(
        createTenant({ id: tenant, plan: "starter", startedAt: Date.UTC(2020, 0, 1) }, DEFAULT_PLAN_CATALOG),
      );
      const counter = new ConversationCounter({
        store,
        billing: createBillingDirectory({ store, catalog: DEFAULT_PLAN_CATALOG }),
      });
      assistant = new Assistant({
        counter,
        store,
        responder: conformanceResponder,
        messages: plainMessages,
        policy: fixedEnchantments([]),
      });
      const adapter = await harness.createAdapter();
      const handle = assistant.connect(adapter);
      // Record what core decided for each event the adapter handed in.
      await adapter.start({
        receive: async (event) => {
          const outcome = await handle.receive(event);
          outcomes.push(outcome);
          return outcome;
        },
      });
    });

    afterEach(async () => {
      await assistant.stop();
      await harness.cleanup?.();
      outcomes.length = 0;
    });

    const settled = async () => {
      await harness.settled?.();
      await assistant.counter.idle();
    };
    const ledger = () => store.listLedger({ tenant });
    const threadOf = (thread: string) => harness.threadOf?.(thread) ?? thread;
    const conversationsOf = async (thread: string) =>
      (await store.listConversations({ tenant })).filter(
        (conversation) => conversation.thread === threadOf(thread),
      );

    it("answers a customer message once and counts the conversation on delivery (C7)", async () => {
      const ack = await harness.sendCustomerMessage({ id: "m-1", thread: "t-1", text: "Where is my order?" });
      expect(ack.accepted).toBe(true);
      await settled();
      expect(await harness.delivered("t-1")).toEqual(["Answer to a 18-character message"]);
      const [conversation] = await conversationsOf("t-1");
      expect(conversation?.counted).toBe(true);
      expect((await ledger()).map((row) => row.delta)).toEqual([1]);
    });

    it("changes nothing on a duplicate delivery, in sequence or at once (C11)", async () => {
      await harness.sendCustomerMessage({ id: "m-dup", thread: "t-dup", text: "hello" });
      await harness.sendCustomerMessage({ id: "m-dup", thread: "t-dup", text: "hello" });
      await Promise.all([
        harness.sendCustomerMessage({ id: "m-dup-2", thread: "t-dup", text: "and my invoice?" }),
        harness.sendCustomerMessage({ id: "m-dup-2", thread: "t-dup", text: "and my invoice?" }),
      ]);
      await settled();
      expect(await harness.delivered("t-dup")).toHaveLength(2);
      expect(await conversationsOf("t-dup")).toHaveLength(1);
      expect((await ledger()).length).toBe(1);
    });

    it("keeps threads apart: each gets its own conversation and its own replies", async () => {
      await Promise.all([
        harness.sendCustomerMessage({ id: "a-1", thread: "t-a", text: "a" }),
        harness.sendCustomerMessage({ id: "b-1", thread: "t-b", text: "bb" }),
      ]);
      await settled();
      expect(await harness.delivered("t-a")).toEqual(["Answer to a 1-character message"]);
      expect(await harness.delivered("t-b")).toEqual(["Answer to a 2-character message"]);
      expect((await store.listConversations({ tenant })).map((c) => c.thread).sort()).toEqual(
        ["t-a", "t-b"].map(threadOf).sort(),
      );
    });

    it("does not count a refused delivery; the platform's retry answers and counts once (C7, C11)", async () => {
      harness.failNextDelivery();
      await harness.sendCustomerMessage({ id: "m-fail", thread: "t-fail", text: "hi" });
      await settled();
      expect(await harness.delivered("t-fail")).toEqual([]);
      expect(outcomes.at(-1)?.status).toBe("undelivered");
      expect(await ledger()).toEqual([]);

      await harness.sendCustomerMessage({ id: "m-fail", thread: "t-fail", text: "hi" });
      await harness.sendCustomerMessage({ id: "m-fail", thread: "t-fail", text: "hi" });
      await settled();
      expect(await harness.delivered("t-fail")).toHaveLength(1);
      expect((await ledger()).length).toBe(1);
    });

    it("refuses malformed payloads without a crash, a reply or a count", async () => {
      for (const kind of ["unparsable", "missing_fields"] as const) {
        const ack = await harness.sendMalformed(kind);
        expect(ack.accepted, kind).toBe(false);
      }
      await settled();
      expect(await store.listConversations({ tenant })).toEqual([]);
      // The adapter still works afterwards.
      expect(
        (await harness.sendCustomerMessage({ id: "m-after", thread: "t-after", text: "ok" })).accepted,
      ).toBe(true);
    });

    // Checks the platform cannot express are not registered at all (rather than reported as skipped).
    const itIf = (supported: boolean) => (supported ? it : () => undefined);

    itIf(capabilities.signatures !== false)("refuses a payload with a bad signature", async () => {
      const ack = await harness.sendMalformed("bad_signature");
      expect(ack.accepted).toBe(false);
      await settled();
      expect(await store.listConversations({ tenant })).toEqual([]);
    });

    itIf(capabilities.origins !== false)(
      "answers test and preview messages but never counts them (C9)",
      async () => {
        await harness.sendCustomerMessage({ id: "m-test", thread: "t-test", text: "test", origin: "test" });
        await harness.sendCustomerMessage({
          id: "m-prev",
          thread: "t-prev",
          text: "preview",
          origin: "preview",
        });
        await settled();
        expect(await harness.delivered("t-test")).toHaveLength(1);
        expect(await harness.delivered("t-prev")).toHaveLength(1);
        const reasons = (await store.listConversations({ tenant })).map((c) => c.notCountedReason).sort();
        expect(reasons).toEqual(["preview", "test"]);
        expect(await ledger()).toEqual([]);
      },
    );
  });
}
