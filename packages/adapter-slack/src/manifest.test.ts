import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { BOT_SCOPES, OAUTH_REDIRECT_PATH, SLASH_COMMAND } from "./slack-adapter.js";

interface Manifest {
  features: {
    app_home: { home_tab_enabled: boolean; messages_tab_enabled: boolean };
    slash_commands: Array<{ command: string; url: string }>;
  };
  oauth_config: { redirect_urls: string[]; scopes: { bot: string[] } };
  settings: {
    event_subscriptions: { request_url: string; bot_events: string[] };
    interactivity: { is_enabled: boolean; request_url: string };
  };
}

const manifest = JSON.parse(await readFile(new URL("../manifest.json", import.meta.url), "utf8")) as Manifest;

describe("manifest.json: what the code relies on is declared", () => {
  it("asks for exactly the scopes the OAuth installer asks for", () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...BOT_SCOPES].sort());
    for (const scope of ["chat:write", "im:history", "channels:history", "commands", "users:read"])
      expect(manifest.oauth_config.scopes.bot).toContain(scope);
  });

  it("subscribes to the events the adapter listens to, on the path it serves", () => {
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(
      expect.arrayContaining([
        "app_home_opened",
        "app_mention",
        "app_uninstalled",
        "message.channels",
        "message.groups",
        "message.im",
        "message.mpim",
      ]),
    );
    const paths = [
      manifest.settings.event_subscriptions.request_url,
      manifest.settings.interactivity.request_url,
      ...manifest.features.slash_commands.map((command) => command.url),
    ].map((url) => new URL(url).pathname);
    expect(new Set(paths)).toEqual(new Set(["/slack/events"]));
    expect(manifest.oauth_config.redirect_urls.map((url) => new URL(url).pathname)).toEqual([
      OAUTH_REDIRECT_PATH,
    ]);
  });

  it("turns on the buttons, the /lutin command and the App Home tab agents use", () => {
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.features.slash_commands.map((command) => command.command)).toEqual([SLASH_COMMAND]);
    expect(manifest.features.app_home).toMatchObject({ home_tab_enabled: true, messages_tab_enabled: true });
  });
});
