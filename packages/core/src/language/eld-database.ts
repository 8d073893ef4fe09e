import { LutinError } from "../errors.js";

/**
 * eld ships its n-gram database in four sizes. Bigger databases read short texts a little better but
 * cost far more memory once parsed. Resident memory added to a fresh Node process by creating the
 * detector and detecting once (bench/language.bench.ts; it varies between runs): extra-small ≈ 45–55 MB,
 * small ≈ 100–145 MB, medium ≈ 180 MB, large ≈ 380 MB. Only the two smaller ones stay under the
 * 150 MB budget, and `small` only just.
 */
export const ELD_DATABASE_SIZES = ["extrasmall", "small", "medium", "large"] as const;
export type EldDatabaseSize = (typeof ELD_DATABASE_SIZES)[number];

/** The version of the eld package this code was written and measured against (checked by a test). */
export const ELD_VERSION = "2.1.0";

/** The slice of eld's API the detector uses. */
export interface EldInstance {
  detect(text: string): { language: string; getScores(): Record<string, number> };
  setLanguageSubset(languages: string[] | false): unknown;
}

/**
 * Loaded databases, shared by every detector with the same size and language subset: a server that
 * creates one detector per tenant must not hold one copy of the database per tenant.
 */
const loaded = new Map<string, Promise<EldInstance>>();

/** An eld instance with `size`'s database, restricted to `languages` (all of eld's 60 when null). */
export function loadEld(size: EldDatabaseSize, languages: readonly string[] | null): Promise<EldInstance> {
  const key = `${size}|${languages?.join(",") ?? "*"}`;
  let instance = loaded.get(key);
  if (instance === undefined) {
    instance = loadFreshEld(size).then((fresh) => {
      if (languages !== null) fresh.setLanguageSubset([...languages]);
      return fresh;
    });
    // A failed load is not remembered: the next detector tries again (after `npm install`, say).
    instance.catch(() => loaded.delete(key));
    loaded.set(key, instance);
  }
  return instance;
}

async function loadFreshEld(size: EldDatabaseSize): Promise<EldInstance> {
  if (!(ELD_DATABASE_SIZES as readonly string[]).includes(size)) {
    throw new LutinError("CONFIG_INVALID", `unknown eld database size "${String(size)}"`, {
      hint: `set language detector option "database" to one of ${ELD_DATABASE_SIZES.join(", ")}`,
      details: { field: "database", value: size },
    });
  }
  try {
    // Loaded on demand: the database is tens of megabytes once parsed, and a process that never
    // detects languages (the CLI's usage report, a store migration) should not pay for it.
    const { eld } = await import("eld");
    const instance = eld.newInstance();
    // eld types its export as "static or dynamic entry"; the package root is the dynamic one.
    if (!("load" in instance) || typeof instance.load !== "function") {
      throw new Error("eld's dynamic entry did not provide load()");
    }
    await instance.load(size);
    return instance;
  } catch (cause) {
    throw new LutinError("CONFIG_INVALID", `could not load the eld "${size}" language database`, {
      hint: "reinstall dependencies (npm install) so that the eld package is present in node_modules",
      details: { field: "database", value: size },
      cause,
    });
  }
}
