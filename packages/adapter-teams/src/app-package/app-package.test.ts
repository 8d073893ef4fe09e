import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { unzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { PRESENCE_COMMANDS, presenceCommandOf } from "../presence-commands.js";
import { COLOR_ICON_SIZE, OUTLINE_ICON_SIZE } from "./app-icons.js";
import { appPackageSettingsFrom, buildAppPackage, MANIFEST_TEMPLATE_URL } from "./app-package.js";
import { pngHeaderOf } from "./png-image.js";

const APP_ID = "0b7c1f2e-1111-4222-8333-944455556666";
const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

interface Manifest {
  manifestVersion: string;
  id: string;
  icons: { color: string; outline: string };
  accentColor: string;
  developer: { websiteUrl: string; privacyUrl: string };
  bots: Array<{
    botId: string;
    scopes: string[];
    commandLists: Array<{ scopes: string[]; commands: Array<{ title: string; description: string }> }>;
  }>;
  webApplicationInfo: { id: string };
  authorization: { permissions: { resourceSpecific: Array<{ name: string; type: string }> } };
}

function manifestOf(zip: Uint8Array): { files: Record<string, Uint8Array>; manifest: Manifest } {
  const files = unzipSync(zip);
  return {
    files,
    manifest: JSON.parse(Buffer.from(files["manifest.json"] ?? []).toString("utf8")) as Manifest,
  };
}

describe("Teams app package", () => {
  it("is manifest.json and two icons at the zip's root, the manifest filled with the app id", async () => {
    const { files, manifest } = manifestOf(
      await buildAppPackage(appPackageSettingsFrom({ MICROSOFT_APP_ID: APP_ID })),
    );
    expect(Object.keys(files).sort()).toEqual(["color.png", "manifest.json", "outline.png"]);
    const [major, minor] = manifest.manifestVersion.split(".").map(Number);
    expect((major ?? 0) * 100 + (minor ?? 0)).toBeGreaterThanOrEqual(117);
    expect(manifest.id).toBe(APP_ID);
    expect(manifest.bots[0]?.botId).toBe(APP_ID);
    expect(manifest.webApplicationInfo.id).toBe(APP_ID);
    expect(manifest.accentColor).toMatch(/^#[0-9A-F]{6}$/i);
    expect(JSON.stringify(manifest)).not.toMatch(/\{\{/);
    expect(manifest.icons).toEqual({ color: "color.png", outline: "outline.png" });

    expect(pngHeaderOf(files["color.png"] ?? new Uint8Array())).toEqual({
      width: COLOR_ICON_SIZE,
      height: COLOR_ICON_SIZE,
      colourType: 6,
    });
    expect(pngHeaderOf(files["outline.png"] ?? new Uint8Array())).toEqual({
      width: OUTLINE_ICON_SIZE,
      height: OUTLINE_ICON_SIZE,
      colourType: 6,
    });
  });

  it("declares the bot in personal, team and group chats, and agents' replies in channels without a mention (RSC)", async () => {
    const { manifest } = manifestOf(
      await buildAppPackage(appPackageSettingsFrom({ MICROSOFT_APP_ID: APP_ID })),
    );
    expect([...(manifest.bots[0]?.scopes ?? [])].sort()).toEqual(["groupChat", "personal", "team"]);
    expect(manifest.authorization.permissions.resourceSpecific).toContainEqual({
      name: "ChannelMessage.Read.Group",
      type: "Application",
    });
  });

  it("lists exactly the presence commands the code understands, each understood by its title", async () => {
    const template = JSON.parse(await readFile(MANIFEST_TEMPLATE_URL, "utf8")) as Manifest;
    const lists = template.bots[0]?.commandLists ?? [];
    expect(lists.map((list) => list.scopes)).toEqual([["personal"]]);
    const commands = lists[0]?.commands ?? [];
    expect(commands).toEqual(
      PRESENCE_COMMANDS.map(({ command, description }) => ({ title: command, description })),
    );
    for (const { title } of commands) expect(presenceCommandOf(title)).toBe(title);
  });

  it("refuses a missing or malformed app id and a plain-http website, naming the variable", () => {
    expect(() => appPackageSettingsFrom({})).toThrow(/MICROSOFT_APP_ID is not set/);
    expect(() => appPackageSettingsFrom({ MICROSOFT_APP_ID: "my-bot" })).toThrow(
      /MICROSOFT_APP_ID must be .* GUID/,
    );
    expect(() =>
      appPackageSettingsFrom({ MICROSOFT_APP_ID: APP_ID, TEAMS_APP_WEBSITE_URL: "http://a.example" }),
    ).toThrow(/TEAMS_APP_WEBSITE_URL must start with https/);
    expect(
      appPackageSettingsFrom({
        MICROSOFT_APP_ID: APP_ID,
        TEAMS_APP_WEBSITE_URL: "https://help.acme.example/",
      }),
    ).toMatchObject({ TEAMS_APP_WEBSITE_URL: "https://help.acme.example" });
  });

  it("npm run teams:package writes the zip where asked", { timeout: 60_000 }, async () => {
    const directory = await mkdtemp(join(tmpdir(), "lutin-teams-package-"));
    try {
      const out = join(directory, "app.zip");
      const run = await promisify(execFile)("npm", ["run", "--silent", "teams:package", "--", "--out", out], {
        cwd: ROOT,
        env: { ...process.env, MICROSOFT_APP_ID: APP_ID, TEAMS_APP_WEBSITE_URL: "https://help.acme.example" },
      });
      expect(run.stdout).toMatch(/Teams app package written to/);
      const { manifest } = manifestOf(await readFile(out));
      expect(manifest.developer.privacyUrl).toBe("https://help.acme.example/privacy");
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
