import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEMO_TENANT_FILE, LutinError } from "@lutingenie/core";
import { afterEach, describe, expect, it } from "vitest";
import { DEMO_WIDGET_KEY, loadServerConfig, parseServerConfig } from "./config.js";
import { loadServedTenants } from "./served-tenants.js";
import { writeBikeShopTenant } from "./testing/test-tenant-file.js";
import { createWebAdapter } from "./web-adapter.js";
import { createWebServer } from "./web-server.js";

const ADMIN_A = "admin-token-a-0123456789abcdef";
const ADMIN_B = "admin-token-b-0123456789abcdef";
const AGENT_A = "agent-token-a-0123456789abcdef";
const AGENT_B = "agent-token-b-0123456789abcdef";
const entry = (overrides: Record<string, unknown> = {}) => ({
  tenantFile: "./a.tenant.json",
  widgetKey: "widget-key-a",
  adminToken: ADMIN_A,
  agentTokens: { ana: AGENT_A },
  ...overrides,
});
const second = (overrides: Record<string, unknown> = {}) =>
  entry({
    tenantFile: "./b.tenant.json",
    widgetKey: "widget-key-b",
    adminToken: ADMIN_B,
    agentTokens: { ana: AGENT_B },
    ...overrides,
  });
/** The refusal's message (a LutinError CONFIG_INVALID), to match and to check it quotes no token. */
const refusal = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    expect(LutinError.isInstance(error, "CONFIG_INVALID")).toBe(true);
    return (error as Error).message;
  }
  throw new Error("the config was accepted");
};

describe("server config: many tenants", () => {
  const directories: string[] = [];
  afterEach(async () => {
    for (const directory of directories.splice(0)) await rm(directory, { recursive: true, force: true });
  });

  it("reads a tenants list, each entry with its own file, key, origins, tokens and identity secret", () => {
    const config = parseServerConfig({
      tenants: [
        entry({ allowedOrigins: ["https://Shop-A.example:443"], identitySecret: "s".repeat(32) }),
        second(),
      ],
    });
    expect(config.tenants).toEqual([
      {
        tenantFile: "./a.tenant.json",
        widgetKey: "widget-key-a",
        allowedOrigins: ["https://shop-a.example"],
        identitySecret: "s".repeat(32),
        adminToken: ADMIN_A,
        agentTokens: { ana: AGENT_A },
        generated: { adminToken: false, agentTokens: [] },
        field: "tenants[0]",
      },
      {
        tenantFile: "./b.tenant.json",
        widgetKey: "widget-key-b",
        allowedOrigins: [],
        identitySecret: undefined,
        adminToken: ADMIN_B,
        agentTokens: { ana: AGENT_B },
        generated: { adminToken: false, agentTokens: [] },
        field: "tenants[1]",
      },
    ]);
    expect(config).not.toHaveProperty("adminToken");
  });

  it("makes a list of one from the one-tenant fields and variables, as before", async () => {
    const config = await loadServerConfig({
      environment: { LUTIN_ADMIN_TOKEN: ADMIN_A, LUTIN_AGENT_TOKENS: `ana=${AGENT_A}` },
    });
    expect(config.tenants).toEqual([
      expect.objectContaining({
        tenantFile: undefined,
        widgetKey: DEMO_WIDGET_KEY,
        allowedOrigins: [],
        adminToken: ADMIN_A,
        agentTokens: { ana: AGENT_A },
        field: "",
      }),
    ]);
  });

  it("refuses tenants beside a one-tenant field, naming the field or its variable and the fix", async () => {
    expect(refusal(() => parseServerConfig({ tenants: [entry()], adminToken: ADMIN_B }))).toMatch(
      /tenants cannot be mixed with the one-tenant fields adminToken: move them into each entry of tenants/,
    );
    const directory = await mkdtemp(join(tmpdir(), "lutin-config-"));
    directories.push(directory);
    const file = join(directory, "lutin.config.json");
    await writeFile(file, JSON.stringify({ tenants: [entry()] }));
    await expect(
      loadServerConfig({
        file,
        environment: { LUTIN_WIDGET_KEY: "widget-key-env", LUTIN_TENANT_FILE: "x.json" },
      }),
    ).rejects.toThrow(/one-tenant fields tenantFile \(LUTIN_TENANT_FILE\), widgetKey \(LUTIN_WIDGET_KEY\)/);
  });

  it("refuses a widget key given to two tenants", () => {
    expect(
      refusal(() => parseServerConfig({ tenants: [entry(), second({ widgetKey: "widget-key-a" })] })),
    ).toMatch(
      /tenants\[1\]\.widgetKey: the widget key "widget-key-a" is already tenants\[0\]\.widgetKey's; give each tenant its own widget key/,
    );
  });

  it("refuses a token that would name two tenants or two roles, without quoting it", () => {
    const cases: Array<[unknown, RegExp]> = [
      [
        { tenants: [entry(), second({ adminToken: ADMIN_A })] },
        /tenants\[1\]\.adminToken: the same token as tenants\[0\]\.adminToken/,
      ],
      [
        { tenants: [entry(), second({ agentTokens: { ana: AGENT_A } })] },
        /tenants\[1\]\.agentTokens\.ana: the same token as tenants\[0\]\.agentTokens\.ana/,
      ],
      [
        { tenants: [entry(), second({ agentTokens: { carla: ADMIN_A } })] },
        /tenants\[1\]\.agentTokens\.carla: the same token as tenants\[0\]\.adminToken/,
      ],
      [
        { tenants: [entry({ agentTokens: { ana: AGENT_A, bruno: AGENT_A } })] },
        /tenants\[0\]\.agentTokens\.bruno: the same token as tenants\[0\]\.agentTokens\.ana/,
      ],
      [
        { adminToken: AGENT_A, agentTokens: { ana: AGENT_A } },
        /agentTokens\.ana \(LUTIN_AGENT_TOKENS\): the same token as adminToken \(LUTIN_ADMIN_TOKEN\)/,
      ],
    ];
    for (const [input, expected] of cases) {
      const message = refusal(() => parseServerConfig(input));
      expect(message).toMatch(expected);
      expect(message).toMatch(/a token must name exactly one tenant/);
      for (const token of [ADMIN_A, AGENT_A]) expect(message).not.toContain(token);
    }
  });

  it("names each entry's bad field: an empty list, a missing file or key, an unknown field", () => {
    expect(refusal(() => parseServerConfig({ tenants: [] }))).toMatch(/tenants: list at least one tenant/);
    expect(refusal(() => parseServerConfig({ tenants: [entry(), { widgetKey: "widget-key-b" }] }))).toMatch(
      /tenants\[1\]\.tenantFile: /,
    );
    expect(refusal(() => parseServerConfig({ tenants: [{ tenantFile: "a.json" }] }))).toMatch(
      /tenants\[0\]\.widgetKey: /,
    );
    expect(refusal(() => parseServerConfig({ tenants: [entry({ adminToken: "short" })] }))).toMatch(
      /tenants\[0\]\.adminToken: must be at least 16 characters/,
    );
    expect(refusal(() => parseServerConfig({ tenants: [entry({ colour: "blue" })] }))).toMatch(
      /unknown field "colour" in tenants\[0\]/,
    );
    expect(
      refusal(() => parseServerConfig({ tenants: [entry({ allowedOrigins: ["https://a.example/x"] })] })),
    ).toMatch(/tenants\[0\]\.allowedOrigins\[0\]: must be an origin/);
  });

  it("production refuses any tenant's missing token, by its place; development generates them per tenant", () => {
    const tenants = [entry({ agentTokens: {} }), second({ adminToken: undefined })];
    const agents = (index: number) => (index === 0 ? ["ana"] : ["ana", "carla"]);
    expect(refusal(() => parseServerConfig({ mode: "production", tenants }, agents))).toMatch(
      /production mode needs tenants\[0\]\.agentTokens\.ana, tenants\[1\]\.adminToken, tenants\[1\]\.agentTokens\.carla/,
    );
    const config = parseServerConfig({ tenants }, agents);
    expect(config.tenants.map((tenant) => tenant.generated)).toEqual([
      { adminToken: false, agentTokens: ["ana"] },
      { adminToken: true, agentTokens: ["carla"] },
    ]);
    const [first, other] = config.tenants;
    // Generated tokens are new random ones: never another tenant's.
    expect(
      new Set([first?.agentTokens.ana, other?.adminToken, other?.agentTokens.carla, ADMIN_A, AGENT_B]).size,
    ).toBe(5);
  });

  it("loads each entry's tenant file and refuses one tenant served twice", async () => {
    const directory = await mkdtemp(join(tmpdir(), "lutin-config-"));
    directories.push(directory);
    const bike = await writeBikeShopTenant(directory);
    const config = parseServerConfig({
      tenants: [entry({ tenantFile: DEMO_TENANT_FILE }), second({ tenantFile: bike })],
    });
    expect((await loadServedTenants(config)).map((tenant) => tenant.settings.id)).toEqual([
      "demo-shop",
      "bike-shop",
    ]);
    const twice = parseServerConfig({
      tenants: [entry({ tenantFile: bike }), second({ tenantFile: bike })],
    });
    await expect(loadServedTenants(twice)).rejects.toThrow(
      /tenants\[1\]\.tenantFile: .*bike-shop\.tenant\.json is the tenant "bike-shop", as tenants\[0\]\.tenantFile is; serve each tenant once/,
    );
  });
});

describe("web server and adapter factories: the same refusals for callers that skip the config", () => {
  const adapter = () => createWebAdapter({ tenant: "a" });
  it("refuses a widget key, an admin token or a tenant given twice, and both forms at once", () => {
    const twice = (tenants: Parameters<typeof createWebServer>[0]["tenants"]) => () =>
      createWebServer({ adapter: adapter(), tenants });
    expect(
      twice([
        { id: "a", widgetKey: "key-1" },
        { id: "b", widgetKey: "key-1" },
      ]),
    ).toThrow(/same widget key/);
    expect(
      twice([
        { id: "a", widgetKey: "key-1", adminToken: ADMIN_A },
        { id: "b", widgetKey: "key-2", adminToken: ADMIN_A },
      ]),
    ).toThrow(/same admin token/);
    expect(
      twice([
        { id: "a", widgetKey: "key-1" },
        { id: "a", widgetKey: "key-2" },
      ]),
    ).toThrow(/same tenant twice/);
    expect(() =>
      createWebServer({
        adapter: adapter(),
        tenants: [{ id: "a", widgetKey: "key-1" }],
        adminToken: ADMIN_A,
      }),
    ).toThrow(/both tenants and/);
    expect(() =>
      createWebAdapter({
        tenants: [
          { id: "a", agentTokens: { ana: AGENT_A } },
          { id: "b", agentTokens: { ana: AGENT_A } },
        ],
        directory: { listHandoffs: async () => [], listFollowUps: async () => [], agentsOf: async () => [] },
      }),
    ).toThrow(/same console token/);
    // Several tenants need the directory: without it an agent's action could not be checked against their tenant.
    expect(() => createWebAdapter({ tenants: [{ id: "a" }, { id: "b" }] })).toThrow(/needs a directory/);
    expect(() => createWebAdapter({ tenants: [{ id: "a" }], tenant: "a" })).toThrow(/both tenants and/);
  });
});
