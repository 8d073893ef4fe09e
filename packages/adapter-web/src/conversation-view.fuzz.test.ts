import { fuzzRuns } from "@lutingenie/core/testing";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminCall, startTestServer } from "./testing/test-server.js";
import { WidgetTestClient } from "./testing/widget-test-client.js";

/**
 * The admin API's new entries (issue 17) under hostile input: any conversation id, any period, any pack
 * body. Each is answered 2xx–4xx with a code, never 5xx; a conversation is only ever the caller's own.
 */
describe("conversation view, periods and packs: fuzzed", () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let realId = "";

  beforeAll(async () => {
    server = await startTestServer();
    const client = await WidgetTestClient.connect({ url: server.url, key: "demo-shop-widget" });
    await client.message(`${client.visitor}-1`, "What are your opening hours?");
    await client.close();
    realId =
      (await adminCall<{ rows: Array<{ id: string }> }>(server.url, "/history")).body.rows[0]?.id ?? "";
    expect(realId).toMatch(/^conv_/);
  });
  afterAll(async () => {
    await server?.cleanup();
  });

  it("any conversation id: 200 for the real one only, else 400 or 404 with a code", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ unit: "binary", maxLength: 300 }),
          fc.string({ unit: "grapheme", maxLength: 80 }),
          fc.stringMatching(/^(conv|human)_[A-Za-z0-9_-]{0,70}$/),
          fc.constant(realId).map((id) => `${id}x`),
          fc.constant(realId).map((id) => id.toUpperCase()),
        ),
        async (id) => {
          fc.pre(id !== realId && id.length > 0);
          const answer = await adminCall<{ code?: string }>(
            server.url,
            `/conversations/${encodeURIComponent(id)}`,
          );
          expect([400, 404]).toContain(answer.status);
          expect(["CONVERSATION_ID_INVALID", "CONVERSATION_NOT_FOUND", "NOT_FOUND"]).toContain(
            answer.body.code,
          );
        },
      ),
      { numRuns: fuzzRuns(300) },
    );
    expect((await adminCall(server.url, `/conversations/${realId}`)).status).toBe(200);
  });

  it("any period query: 200 or 400 PERIOD_UNKNOWN / REQUEST_INVALID", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 40 }),
          fc
            .tuple(
              fc.integer({ min: 0, max: 9999 }),
              fc.integer({ min: 0, max: 99 }),
              fc.integer({ min: 0, max: 99 }),
            )
            .map(
              ([y, m, d]) =>
                `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`,
            ),
        ),
        async (period) => {
          const answer = await adminCall<{ code?: string }>(
            server.url,
            `/usage?period=${encodeURIComponent(period)}`,
          );
          if (answer.status === 200) return;
          expect(answer.status).toBe(400);
          expect(["PERIOD_UNKNOWN", "REQUEST_INVALID"]).toContain(answer.body.code);
        },
      ),
      { numRuns: fuzzRuns(300) },
    );
  });

  it("any pack body: a pack is added only for confirm: true and a catalog size", async () => {
    const tenant = server.tenant.settings.id;
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            size: fc.oneof(fc.constantFrom(100, 500, 1000), fc.integer(), fc.jsonValue()),
            confirm: fc.oneof(fc.constant(true), fc.jsonValue()),
            expiresAt: fc.oneof(fc.constant("2031-01-01T00:00:00Z"), fc.string()),
          },
          { requiredKeys: [] },
        ),
        async (body) => {
          const before = (await server.runtime.store.listPacks(tenant)).length;
          const answer = await adminCall(server.url, "/packs", { body });
          const after = (await server.runtime.store.listPacks(tenant)).length;
          const valid =
            body.confirm === true &&
            [100, 500, 1000].includes(body.size as number) &&
            (body.expiresAt === undefined || body.expiresAt === "2031-01-01T00:00:00Z");
          expect({ status: answer.status, added: after - before }).toEqual(
            valid ? { status: 201, added: 1 } : { status: 400, added: 0 },
          );
        },
      ),
      { numRuns: fuzzRuns(200) },
    );
  });
});
