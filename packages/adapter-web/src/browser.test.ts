import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminCall, startTestServer, TEST_ADMIN_TOKEN, TEST_AGENT_TOKENS } from "./testing/test-server.js";

/**
 * Real Chromium (Debian's package, installed by scripts/ensure-chromium.sh before `npm test`) driven by
 * playwright-core. LUTIN_SCREENSHOTS=1 also refreshes docs/screenshots/.
 */
const CHROMIUM = process.env.LUTIN_CHROMIUM ?? "/usr/bin/chromium";
const SCREENSHOTS = fileURLToPath(new URL("../../../docs/screenshots/", import.meta.url));
const saveScreenshots = process.env.LUTIN_SCREENSHOTS === "1";

describe.skipIf(!existsSync(CHROMIUM))("in a real browser (Chromium)", () => {
  let browser: Browser;
  let server: Awaited<ReturnType<typeof startTestServer>>;

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
    server = await startTestServer();
    if (saveScreenshots) await mkdir(SCREENSHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.cleanup();
  });

  const openWidget = async (page: Page) => {
    await page.goto(`${server.url}/demo`);
    await page.waitForSelector('.lutin-widget[data-connected="true"]');
  };
  const ask = async (page: Page, text: string) => {
    await page.getByLabel("Your message").fill(text);
    await page.getByRole("button", { name: "Send", exact: true }).click();
  };
  const usage = async () => (await adminCall<{ used: number; human: { used: number } }>(server.url, "/usage")).body;

  it("a customer chats in the widget and gets a knowledge-base answer; a reload mid-conversation duplicates nothing", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await openWidget(page);
    expect(await page.getByRole("log", { name: "Conversation" }).count()).toBe(1);
    await ask(page, "What are your opening hours?");
    await expect.poll(() => page.locator(".lutin-assistant").count()).toBe(1);
    expect(await page.locator(".lutin-assistant").textContent()).toContain("Monday to Friday");

    // Reload right after sending: the outbox is resent with the same client id (C11).
    await ask(page, "Where is my order 12345?");
    await page.reload();
    await page.waitForSelector('.lutin-widget[data-connected="true"]');
    await expect.poll(() => page.locator(".lutin-assistant").count()).toBe(2);
    await page.waitForTimeout(500);
    expect(await page.locator(".lutin-customer").count()).toBe(2);
    expect(await page.locator(".lutin-assistant").count()).toBe(2);
    expect(await page.locator(".lutin-assistant").nth(1).textContent()).toMatch(/12345/);
    expect((await usage()).used).toBe(1);
    if (saveScreenshots) await page.screenshot({ path: `${SCREENSHOTS}widget.png` });
    await context.close();
  });

  it("shows customer text as text, never as markup", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await openWidget(page);
    await ask(page, '<img src=x onerror="window.hacked=1"> hello');
    await expect.poll(() => page.locator(".lutin-assistant").count()).toBe(1);
    expect(await page.locator(".lutin-customer img").count()).toBe(0);
    expect(await page.evaluate(() => (window as { hacked?: number }).hacked)).toBeUndefined();
    await context.close();
  });

  it("an agent accepts a handoff in a second browser context and they exchange messages", async () => {
    const agentContext = await browser.newContext();
    const agent = await agentContext.newPage();
    await agent.goto(`${server.url}/console`);
    await agent.getByLabel("Agent token").fill(TEST_AGENT_TOKENS.ana);
    await agent.getByRole("button", { name: "Sign in" }).click();
    await agent.waitForSelector('body[data-online="true"]');

    const customerContext = await browser.newContext();
    const customer = await customerContext.newPage();
    await openWidget(customer);
    await customer.getByRole("button", { name: "Talk to a human" }).click();
    await expect.poll(() => customer.locator(".lutin-assistant").count()).toBe(1);
    expect(await customer.locator(".lutin-assistant").textContent()).toMatch(/connecting you/);

    await agent.getByRole("button", { name: "Accept" }).click();
    await customer.waitForSelector(".lutin-system >> text=Ana has joined the conversation.");
    await agent.getByLabel("Reply to the customer").fill("Hi, Ana here. How can I help?");
    await agent.getByRole("button", { name: "Send" }).click();
    await customer.waitForSelector(".lutin-agent >> text=Hi, Ana here. How can I help?");
    await ask(customer, "My parcel never arrived");
    await agent.waitForSelector("[data-chat] li >> text=Customer: My parcel never arrived");
    if (saveScreenshots) {
      await agent.screenshot({ path: `${SCREENSHOTS}console.png`, fullPage: true });
      await customer.screenshot({ path: `${SCREENSHOTS}widget-handoff.png` });
    }
    await agent.getByRole("button", { name: "Resolve" }).click();
    await customer.waitForSelector(".lutin-system >> text=/has left the conversation/");
    await expect.poll(async () => (await usage()).human.used).toBe(1);
    await agentContext.close();
    await customerContext.close();
  });

  it("the dashboard shows the conversation counted with its reason, and its test chat leaves the count unchanged", async () => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 1400 } });
    const page = await context.newPage();
    await page.goto(`${server.url}/dashboard`);
    await page.getByLabel("Admin token").fill(TEST_ADMIN_TOKEN);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForSelector('body[data-loaded="true"]');
    const before = (await usage()).used;
    expect(before).toBeGreaterThanOrEqual(1);
    expect(await page.locator("#used").textContent()).toMatch(new RegExp(`^${before} / `));
    // The widget conversation: counted, with why it opened; the handoff's AI part had no assistant
    // reply, so it shows as cancelled (C8, C10: 0 AI + 1 human).
    const counted = page.locator("#history tr", { hasText: "first_message" }).filter({ hasText: "yes, at" });
    expect(await counted.count()).toBe(before);
    expect(await page.locator("#history tr .counted", { hasText: "no: cancelled" }).count()).toBeGreaterThan(0);
    expect(await page.locator("#chart canvas").count()).toBe(1);

    await page.getByLabel("Test message").fill("When are you open?");
    await page.getByRole("button", { name: "Send" }).click();
    await page.waitForSelector("#test-log li >> text=/Monday/");
    await page.waitForSelector('#history tr[data-origin="test"]');
    expect(await page.locator('#history tr[data-origin="test"] .counted').textContent()).toBe("no: test");
    expect((await usage()).used).toBe(before);
    expect(await page.locator("#used").textContent()).toMatch(new RegExp(`^${before} / `));

    await page.getByLabel("Language", { exact: true }).selectOption("fr");
    await page.waitForSelector("h1 >> text=Tableau de bord");
    if (saveScreenshots) await page.screenshot({ path: `${SCREENSHOTS}dashboard.png`, fullPage: true });
    await context.close();
  });
});
