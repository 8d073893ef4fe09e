import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DEMO_TENANT_FILE, loadTenantFile } from "./tenant-file.js";

const directories: string[] = [];
afterEach(async () => {
  for (const directory of directories.splice(0)) await rm(directory, { recursive: true, force: true });
});

async function tenantFile(content: string): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), "lutin-tenant-"));
  directories.push(directory);
  const path = join(directory, "tenant.json");
  await writeFile(path, content);
  return path;
}

describe("tenant files", () => {
  it("loads the demo tenant with its knowledge base, orders and agents", async () => {
    const tenant = await loadTenantFile(DEMO_TENANT_FILE);
    expect(tenant.settings).toMatchObject({
      id: "demo-shop",
      defaultLanguage: "en",
      timeZone: "Europe/Paris",
    });
    expect(tenant.plan).toBe("professional");
    expect(tenant.knowledgeBase.entries.length).toBeGreaterThan(5);
    expect(Object.keys(tenant.lookups)).toEqual(["orderStatus"]);
    expect(tenant.agents.map((agent) => [agent.id, agent.tenant])).toEqual([
      ["ana", "demo-shop"],
      ["bruno", "demo-shop"],
    ]);
  });

  it("names every problem and the fix: unknown fields, bad values, bad hours", async () => {
    const path = await tenantFile(
      JSON.stringify({
        id: "acme",
        knowledgeBase: "kb.json",
        defaultLanguage: "xx",
        contact: { email: "not-an-email" },
        businessHours: { mon: [{ from: "18:00", to: "09:00" }] },
        colour: "blue",
      }),
    );
    const error = (await loadTenantFile(path).then(
      () => undefined,
      (caught: unknown) => caught,
    )) as (Error & { hint?: string }) | undefined;
    expect(error?.message).toMatch(/unknown field "colour"/);
    expect(error?.message).toMatch(/defaultLanguage: must be one of en, fr/);
    expect(error?.message).toMatch(/contact\.email: must be an e-mail address/);
    expect(error?.message).toMatch(/businessHours\.mon\[0\]: must end after it starts/);
    expect(error?.hint).toMatch(/demo-shop\.tenant\.json/);
  });

  it("says which file is not JSON, and which one is missing", async () => {
    await expect(loadTenantFile(await tenantFile("{ nope"))).rejects.toThrow(/is not valid JSON/);
    await expect(loadTenantFile("/nowhere/tenant.json")).rejects.toThrow(
      /cannot read the tenant file \/nowhere\/tenant\.json: ENOENT/,
    );
  });
});
