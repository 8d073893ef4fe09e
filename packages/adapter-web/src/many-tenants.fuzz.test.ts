import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEMO_TENANT_FILE } from "@lutingenie/core";
import { fuzzRuns } from "@lutingenie/core/testing";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { startTestServer } from "./testing/test-server.js";
import { writeBikeShopTenant } from "./testing/test-tenant-file.js";

/**
 * Credentials near the real ones (one character changed, cut, extended, case flipped, padded) and
 * random ones, on a two-tenant server: a credential opens exactly the tenant it was given to, or nothing.
 */
const TENANTS = [
  {
    id: "demo-shop",
    key: "demo-shop-widget",
    admin: "admin-token-of-demo-shop-0123456789",
    agent: "agent-token-ana-of-demo-shop-0123",
  },
  {
    id: "bike-shop",
    key: "bike-shop-widget",
    admin: "admin-token-of-bike-shop-0123456789",
    agent: "agent-token-ana-of-bike-shop-0123",
  },
] as const;

/** A real credential, or one that looks like it, or any text. */
const credentialNear = (real: readonly string[]) =>
  fc.oneof(
    fc.constantFrom(...real),
    fc
      .tuple(fc.constantFrom(...real), fc.nat(), fc.string({ minLength: 1, maxLength: 1 }))
      .map(([text, at, character]) => {
        const index = at % text.length;
        return `${text.slice(0, index)}${character}${text.slice(index + 1)}`;
      }),
    fc.tuple(fc.constantFrom(...real), fc.nat()).map(([text, cut]) => text.slice(0, cut % text.length)),
    fc.tuple(fc.constantFrom(...real), fc.string({ maxLength: 4 })).map(([text, tail]) => `${text}${tail}`),
    fc.constantFrom(...real).map((text) => text.toUpperCase()),
    fc.constantFrom(...real).map((text) => ` ${text}`),
    fc.string({ maxLength: 60 }),
  );

describe("many tenants, fuzzed: a credential opens its own tenant or nothing", () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let directory = "";
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "lutin-tenants-fuzz-"));
    const bike = await writeBikeShopTenant(directory);
    server = await startTestServer({
      limits: {
        maxMessageLength: 2_000,
        visitorMessagesPerMinute: 30,
        ipMessagesPerMinute: 300,
        ipConnectionsPerMinute: 1_000_000,
        ipOpenSockets: 50,
        requestTimeoutMs: 15_000,
      },
      tenants: TENANTS.map((tenant, index) => ({
        tenantFile: index === 0 ? DEMO_TENANT_FILE : bike,
        widgetKey: tenant.key,
        adminToken: tenant.admin,
        agentTokens: { ana: tenant.agent },
      })),
    });
  });
  afterAll(async () => {
    await server?.cleanup();
    await rm(directory, { recursive: true, force: true });
  });
  const owner = (field: "key" | "admin" | "agent", value: string) =>
    TENANTS.find((tenant) => tenant[field] === value)?.id;

  it("admin API: a bearer token reads its own tenant's usage, or gets 401", async () => {
    await fc.assert(
      fc.asyncProperty(
        credentialNear(TENANTS.flatMap((tenant) => [tenant.admin, tenant.agent])),
        async (token) => {
          let response: Response;
          try {
            response = await fetch(`${server.url}/api/admin/usage`, {
              headers: { authorization: `Bearer ${token}` },
            });
          } catch {
            // fetch itself refuses a header value with control characters: nothing reached the server.
            return;
          }
          // HTTP strips a header value's trailing spaces and tabs (RFC 9110 §5.5) before the server sees
          // it: "Bearer token " arrives as "Bearer token", the same credential, not a near one.
          const expected = owner("admin", token.replace(/[ \t]+$/, ""));
          if (expected === undefined) expect(response.status).toBe(401);
          else expect(((await response.json()) as { tenant: { id: string } }).tenant.id).toBe(expected);
          if (expected === undefined) await response.body?.cancel();
        },
      ),
      { numRuns: fuzzRuns(400) },
    );
  });

  it("widget: a key opens its own tenant's settings, or gets 401", async () => {
    await fc.assert(
      fc.asyncProperty(credentialNear(TENANTS.map((tenant) => tenant.key)), async (key) => {
        const response = await fetch(`${server.url}/api/widget/config?key=${encodeURIComponent(key)}`);
        const expected = owner("key", key);
        if (expected === undefined) {
          expect(response.status).toBe(401);
          await response.body?.cancel();
        } else expect(((await response.json()) as { tenant: string }).tenant).toBe(expected);
      }),
      { numRuns: fuzzRuns(400) },
    );
  });

  it("console: a token signs in as its own tenant's agent (whose snapshot lists that tenant's agents), or is refused", async () => {
    const agentNames: Record<string, string> = { "demo-shop": "Ana", "bike-shop": "Ana of the workshop" };
    await fc.assert(
      fc.asyncProperty(
        credentialNear(TENANTS.flatMap((tenant) => [tenant.agent, tenant.admin])).filter(
          (token) => token.length > 0 && token.length <= 200,
        ),
        async (token) => {
          const socket = new WebSocket(`${server.url.replace(/^http/, "ws")}/ws/agent`, {
            origin: server.url,
          });
          const frames: Array<{ type: string; [field: string]: unknown }> = [];
          socket.on("message", (data) => frames.push(JSON.parse(data.toString())));
          await new Promise((resolve, reject) => {
            socket.once("open", resolve);
            socket.once("error", reject);
          });
          socket.send(JSON.stringify({ type: "auth", token }));
          await expect
            .poll(() => frames.some((frame) => frame.type === "snapshot" || frame.type === "error"), {
              interval: 5,
            })
            .toBe(true);
          const expected = owner("agent", token);
          const snapshot = frames.find((frame) => frame.type === "snapshot");
          if (expected === undefined) expect(snapshot).toBeUndefined();
          else
            expect(
              ((snapshot?.agents ?? []) as Array<{ name: string }>).map((agent) => agent.name),
            ).toContain(agentNames[expected]);
          socket.terminate();
        },
      ),
      { numRuns: fuzzRuns(120) },
    );
  });
});
