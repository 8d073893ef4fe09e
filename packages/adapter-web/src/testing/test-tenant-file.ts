import { writeFile } from "node:fs/promises";
import { join } from "node:path";

/** What the second test tenant answers to "When are you open?": nothing in the demo shop says this. */
export const BIKE_SHOP_HOURS_ANSWER =
  "The bike workshop is open Tuesday to Sunday from 7:00 to 13:00; repairs are picked up in the afternoon.";

/**
 * Writes a second tenant beside the demo shop, in `directory`: its own id, knowledge base and agents.
 * Its agents reuse the demo shop's id "ana" on purpose, so tests show that an agent id is its tenant's own.
 * Returns the tenant file's path.
 */
export async function writeBikeShopTenant(directory: string): Promise<string> {
  const knowledgeBase = {
    defaultLanguage: "en",
    entries: [
      {
        id: "opening-hours",
        topic: "opening-hours",
        variants: {
          en: {
            questions: ["When are you open?", "What are your opening hours?"],
            keywords: ["open", "hours", "workshop"],
            answer: BIKE_SHOP_HOURS_ANSWER,
          },
        },
      },
    ],
  };
  const tenant = {
    id: "bike-shop",
    name: "Vélo Lutin",
    plan: "professional",
    timeZone: "Europe/Paris",
    defaultLanguage: "en",
    contact: { email: "workshop@velo-lutin.example" },
    knowledgeBase: "./bike-shop.knowledge-base.json",
    agents: [
      { id: "ana", name: "Ana of the workshop", channels: ["web"], languages: ["en"] },
      { id: "carla", name: "Carla", channels: ["web"], languages: ["en"] },
    ],
  };
  await writeFile(join(directory, "bike-shop.knowledge-base.json"), JSON.stringify(knowledgeBase));
  const file = join(directory, "bike-shop.tenant.json");
  await writeFile(file, JSON.stringify(tenant));
  return file;
}
