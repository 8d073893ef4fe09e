import { randomBytes } from "node:crypto";
import { chmod, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { LutinError } from "@lutingenie/core";

/** Where `lutin serve` keeps the key that signs visitor tokens when the config gives none. */
export const VISITOR_SECRET_FILE = "visitor-secret";
const SECRET_PATTERN = /^[0-9a-f]{64}$/;

/**
 * The server's visitor-token key, kept in the data directory (mode 0600) so a restart does not sign every
 * widget out of its chat. Made on first start with O_EXCL, so two starts cannot write two different keys;
 * a file that is not 64 hex characters (a crash while writing it) is made again.
 */
export async function loadVisitorSecret(dataDir: string): Promise<string> {
  const file = join(dataDir, VISITOR_SECRET_FILE);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const text = (await readFile(file, "utf8")).trim();
      if (SECRET_PATTERN.test(text)) {
        // Tighten a copy restored with looser permissions.
        if (((await stat(file)).mode & 0o077) !== 0) await chmod(file, 0o600);
        return text;
      }
      await writeFile(file, `${randomBytes(32).toString("hex")}\n`, { mode: 0o600 });
      continue;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT")
        throw new LutinError(
          "CONFIG_INVALID",
          `cannot read ${file}: ${(error as NodeJS.ErrnoException).code}`,
          {
            hint: "give the server's user read and write access to the data directory, or set LUTIN_VISITOR_SECRET",
          },
        );
    }
    try {
      await writeFile(file, `${randomBytes(32).toString("hex")}\n`, { mode: 0o600, flag: "wx" });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  return (await readFile(file, "utf8")).trim();
}
