import { mkdir, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { LutinError } from "@lutingenie/core";
import { appPackageSettingsFrom, buildAppPackage, DEFAULT_PACKAGE_PATH } from "./app-package.js";

/**
 * `npm run teams:package [-- --out <file.zip>]`: writes the Teams app package to sideload (Teams → Apps →
 * Manage your apps → Upload an app). Reads MICROSOFT_APP_ID (and TEAMS_APP_WEBSITE_URL) from the environment.
 */
async function main(argv: readonly string[]): Promise<number> {
  const at = argv.indexOf("--out");
  // The default is under the repository's root (where npm runs a root script); --out is where the user is.
  const out =
    at >= 0
      ? resolve(process.env.INIT_CWD ?? process.cwd(), argv[at + 1] ?? "")
      : resolve(process.cwd(), DEFAULT_PACKAGE_PATH);
  if (at >= 0 && (argv[at + 1] ?? "") === "") {
    process.stderr.write("--out needs a file name, e.g. --out teams-app.zip\n");
    return 2;
  }
  try {
    const zip = await buildAppPackage(appPackageSettingsFrom(process.env));
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, zip);
    process.stdout.write(
      `Teams app package written to ${out} (${zip.length} bytes): upload it in Teams → Apps → Manage your apps → Upload an app.\n`,
    );
    return 0;
  } catch (error) {
    if (!LutinError.isInstance(error)) throw error;
    process.stderr.write(`${error.message}\n${error.hint === undefined ? "" : `fix: ${error.hint}\n`}`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
