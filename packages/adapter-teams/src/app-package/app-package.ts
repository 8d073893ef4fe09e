import { readFile } from "node:fs/promises";
import { LutinError } from "@lutingenie/core";
import { zipSync } from "fflate";
import { z } from "zod";
import { ACCENT_COLOR, colorIcon, outlineIcon } from "./app-icons.js";

/** The manifest template beside the package's sources: placeholders `{{NAME}}` filled at packaging. */
export const MANIFEST_TEMPLATE_URL = new URL("../../manifest/manifest.json", import.meta.url);
/** Where `npm run teams:package` writes the zip, from the repository's root. */
export const DEFAULT_PACKAGE_PATH = "dist/teams-app/lutingenie-teams.zip";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const packageSettingsSchema = z.object({
  MICROSOFT_APP_ID: z
    .string({
      error:
        "MICROSOFT_APP_ID is not set: set it to the bot's Microsoft App ID (a GUID from the Azure Bot resource)",
    })
    .trim()
    .regex(
      GUID,
      "MICROSOFT_APP_ID must be the bot's Microsoft App ID, a GUID like 00000000-0000-0000-0000-000000000000",
    ),
  TEAMS_APP_WEBSITE_URL: z
    .string()
    .trim()
    .url("TEAMS_APP_WEBSITE_URL must be an https URL (the app's page; /privacy and /terms are appended)")
    .refine(
      (url) => url.startsWith("https://"),
      "TEAMS_APP_WEBSITE_URL must start with https:// (Teams refuses others)",
    )
    .default("https://lutingenie.example"),
});

export type AppPackageSettings = z.output<typeof packageSettingsSchema>;

/** The settings from the environment, refused with the variable and the fix when wrong. */
export function appPackageSettingsFrom(
  environment: Readonly<Record<string, string | undefined>>,
): AppPackageSettings {
  const parsed = packageSettingsSchema.safeParse({
    MICROSOFT_APP_ID: environment.MICROSOFT_APP_ID,
    ...(environment.TEAMS_APP_WEBSITE_URL === undefined || environment.TEAMS_APP_WEBSITE_URL === ""
      ? {}
      : { TEAMS_APP_WEBSITE_URL: environment.TEAMS_APP_WEBSITE_URL.replace(/\/+$/, "") }),
  });
  if (!parsed.success)
    throw new LutinError(
      "ADAPTER_CONFIG_INVALID",
      parsed.error.issues.map((issue) => issue.message).join("; "),
      {
        hint: "set the variables, then run npm run teams:package again",
      },
    );
  return parsed.data;
}

/** The manifest with its placeholders filled (a JSON object, parsed back to be sure it is one). */
export async function appManifest(settings: AppPackageSettings): Promise<Record<string, unknown>> {
  const template = await readFile(MANIFEST_TEMPLATE_URL, "utf8");
  const values: Record<string, string> = { ...settings, ACCENT_COLOR };
  const filled = template.replace(/\{\{([A-Z_]+)\}\}/g, (whole, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`manifest.json has an unknown placeholder ${whole}`);
    // Filled inside JSON strings: the values are checked above, escaped here all the same.
    return JSON.stringify(value).slice(1, -1);
  });
  return JSON.parse(filled) as Record<string, unknown>;
}

/**
 * The sideloadable app package: manifest.json and the two icons at the zip's root (Teams refuses a
 * package with folders). fflate writes it: small, no dependencies, and it reads zips back for the test.
 */
export async function buildAppPackage(settings: AppPackageSettings): Promise<Uint8Array> {
  const manifest = await appManifest(settings);
  const fixed = new Date(Date.UTC(2026, 0, 1)); // same bytes for the same inputs
  return zipSync(
    {
      "manifest.json": [Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`), { mtime: fixed }],
      "color.png": [colorIcon(), { mtime: fixed }],
      "outline.png": [outlineIcon(), { mtime: fixed }],
    },
    { level: 9 },
  );
}
