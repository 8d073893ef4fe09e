import { expectLutinError } from "@lutingenie/core/testing";
import { describe, expect, it } from "vitest";
import { parseTeamsConfig } from "./config.js";
import { teamsChannelFromEnvironment } from "./teams-environment.js";

/** The LutinError a synchronous call throws, checked by core's helper. */
const refused = (run: () => unknown, code: "ADAPTER_CONFIG_INVALID") =>
  expectLutinError((async () => run())(), code);

const problemsOf = (run: () => unknown): string[] => {
  try {
    run();
  } catch (error) {
    return ((error as { details?: { problems?: string[] } }).details?.problems ?? []) as string[];
  }
  throw new Error("expected the config to be refused");
};

describe("Teams config (zod, environment)", () => {
  it("reads the variables: MultiTenant by default, SingleTenant with its tenant id, the LutinGénie tenant", () => {
    const settings = parseTeamsConfig(
      {},
      { MICROSOFT_APP_ID: "app-1", MICROSOFT_APP_PASSWORD: "secret", TEAMS_TENANT: "acme" },
    );
    expect(settings).toMatchObject({
      appId: "app-1",
      appType: "MultiTenant",
      tenant: "acme",
      path: "/api/messages",
      port: 3978,
    });
    expect(
      parseTeamsConfig(
        {},
        {
          MICROSOFT_APP_ID: "app-1",
          MICROSOFT_APP_PASSWORD: "s",
          MICROSOFT_APP_TYPE: "singletenant",
          MICROSOFT_APP_TENANT_ID: "t-1",
        },
      ),
    ).toMatchObject({ appType: "SingleTenant", appTenantId: "t-1" });
    expect(
      parseTeamsConfig(
        {},
        { MICROSOFT_APP_ID: "app-1", MICROSOFT_APP_TYPE: "UserAssignedMSI", MICROSOFT_APP_TENANT_ID: "t-1" },
      ),
    ).toMatchObject({ appType: "UserAssignedMSI" });
    expect(
      parseTeamsConfig(
        {},
        {
          MICROSOFT_APP_ID: "app-1",
          MICROSOFT_APP_CERTIFICATE_THUMBPRINT: "AB12",
          MICROSOFT_APP_CERTIFICATE_KEY: "-----BEGIN PRIVATE KEY-----",
        },
      ),
    ).toMatchObject({ certificateThumbprint: "AB12" });
  });

  it("refuses with every problem named by its variable and fix, never a value", async () => {
    const error = await refused(
      () => parseTeamsConfig({}, { MICROSOFT_APP_PASSWORD: "hunter2-secret" }),
      "ADAPTER_CONFIG_INVALID",
    );
    expect(error.message).toMatch(/MICROSOFT_APP_ID: is missing/);
    expect(error.message).not.toContain("hunter2-secret");
    expect(problemsOf(() => parseTeamsConfig({ appId: "" }, { MICROSOFT_APP_PASSWORD: "s" }))).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^MICROSOFT_APP_ID: must not be empty: an empty app id turns authentication off/,
        ),
      ]),
    );
    expect(problemsOf(() => parseTeamsConfig({}, { MICROSOFT_APP_ID: "a" }))).toEqual([
      expect.stringMatching(/^MICROSOFT_APP_PASSWORD: is missing/),
    ]);
    expect(
      problemsOf(() =>
        parseTeamsConfig(
          {},
          { MICROSOFT_APP_ID: "a", MICROSOFT_APP_PASSWORD: "s", MICROSOFT_APP_TYPE: "SingleTenant" },
        ),
      ),
    ).toEqual([
      expect.stringMatching(/^MICROSOFT_APP_TENANT_ID: is required with MICROSOFT_APP_TYPE=SingleTenant/),
    ]);
    expect(
      problemsOf(() =>
        parseTeamsConfig(
          {},
          { MICROSOFT_APP_ID: "a", MICROSOFT_APP_PASSWORD: "s", MICROSOFT_APP_TYPE: "Anyone" },
        ),
      ),
    ).toEqual([
      expect.stringMatching(/^MICROSOFT_APP_TYPE: must be one of MultiTenant, SingleTenant, UserAssignedMSI/),
    ]);
    expect(
      problemsOf(() =>
        parseTeamsConfig(
          {},
          {
            MICROSOFT_APP_ID: "a",
            MICROSOFT_APP_PASSWORD: "s",
            MICROSOFT_APP_TYPE: "UserAssignedMSI",
            MICROSOFT_APP_TENANT_ID: "t",
          },
        ),
      ),
    ).toEqual([
      expect.stringMatching(/^MICROSOFT_APP_PASSWORD: unset it with MICROSOFT_APP_TYPE=UserAssignedMSI/),
    ]);
    expect(
      problemsOf(() =>
        parseTeamsConfig({}, { MICROSOFT_APP_ID: "a", MICROSOFT_APP_CERTIFICATE_THUMBPRINT: "AB" }),
      ),
    ).toEqual([expect.stringMatching(/^MICROSOFT_APP_CERTIFICATE_KEY: is required/)]);
    expect(
      problemsOf(() =>
        parseTeamsConfig(
          {},
          {
            MICROSOFT_APP_ID: "a",
            MICROSOFT_APP_PASSWORD: "s",
            TEAMS_TENANT: "no spaces",
            TEAMS_MAX_MESSAGE_LENGTH: "lots",
          },
        ),
      ),
    ).toEqual([
      expect.stringMatching(/^TEAMS_TENANT: must be a tenant id/),
      expect.stringMatching(/^TEAMS_MAX_MESSAGE_LENGTH: must be a whole number/),
    ]);
    expect(
      problemsOf(() =>
        parseTeamsConfig({ appId: "a", appPassword: "s", openIdMetadataUrl: "http://127.0.0.1:1/x" }, {}),
      ),
    ).toEqual([expect.stringMatching(/set both/)]);
  });

  it("leaves Teams off when no variable is set, and refuses a half configuration", async () => {
    expect(teamsChannelFromEnvironment({ PORT: "3000", SLACK_BOT_TOKEN: "xoxb-1" }, {})).toBeNull();
    await refused(
      () => teamsChannelFromEnvironment({ MICROSOFT_APP_PASSWORD: "s" }, {}),
      "ADAPTER_CONFIG_INVALID",
    );
    expect(
      teamsChannelFromEnvironment({ MICROSOFT_APP_ID: "a", MICROSOFT_APP_PASSWORD: "s" }, {})?.channel,
    ).toBe("teams");
  });
});
