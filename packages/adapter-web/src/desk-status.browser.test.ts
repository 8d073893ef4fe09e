import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ManualClock } from "@lutingenie/core";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testServersPerTest } from "./testing/per-test.js";
import { adminCall, TEST_ADMIN_TOKEN, TEST_AGENT_TOKENS } from "./testing/test-server.js";

/** LUTIN_SCREENSHOTS=1 also refreshes the closed-desk pictures in docs/screenshots/ (English run). */
const SCREENSHOTS = fileURLToPath(new URL("../../../docs/screenshots/", import.meta.url));
const saveScreenshots = process.env.LUTIN_SCREENSHOTS === "1";

/**
 * Issue 17, findings 1 and 4, in real Chromium (see browser.test.ts): the desk status in the widget and
 * the console, in English and French, pushed as it changes; the dashboard's test chat reaching an agent
 * as a test and getting the agent's reply back, without counting.
 */
const CHROMIUM = process.env.LUTIN_CHROMIUM ?? "/usr/bin/chromium";
const WAIT = { timeout: 30_000 } as const;
const skipBrowserTests = !existsSync(CHROMIUM) && process.env.CI !== "true";

const weekdays = {
  mon: [{ from: "09:00", to: "18:00" }],
  tue: [{ from: "09:00", to: "18:00" }],
  wed: [{ from: "09:00", to: "18:00" }],
  thu: [{ from: "09:00", to: "18:00" }],
  fri: [{ from: "09:00", to: "18:00" }],
};
/** Monday 12 January 2026 in Paris (UTC+1 in winter). */
const mondayParis = (hour: number, minute = 0, second = 0) => Date.UTC(2026, 0, 12, hour - 1, minute, second);
const SATURDAY_EVENING = Date.UTC(2026, 0, 17, 19, 0); // 20:00 in Paris

describe.skipIf(skipBrowserTests)("desk status and test chat handoffs in a real browser", () => {
  let browser: Browser;
  const { start } = testServersPerTest();

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  });
  afterAll(async () => {
    await browser?.close();
  });

  const serve = (at: number) => {
    const clock = new ManualClock(at);
    return start(
      {},
      {
        clock,
        deskRecheckMs: 100,
        settings: { businessHours: weekdays, timeZone: "Europe/Paris" },
      },
    ).then((server) => ({ server, clock }));
  };
  /** A browser context in a language, on Paris time (the customer's clock is the one the widget shows). */
  const newPage = async (locale: "en-GB" | "fr-FR") => {
    const context = await browser.newContext({ locale, timezoneId: "Europe/Paris" });
    context.setDefaultTimeout(WAIT.timeout);
    return { context, page: await context.newPage() };
  };
  const openWidget = async (page: Page, url: string) => {
    await page.goto(`${url}/demo`);
    await page.waitForSelector('.lutin-widget[data-connected="true"]');
  };
  const openConsole = async (page: Page, url: string, token: string) => {
    await page.goto(`${url}/console`);
    // By ids: the console's words follow the browser's language.
    await page.locator("#agent-token").fill(token);
    await page.locator("#agent-token").press("Enter");
    await page.waitForSelector('body[data-online="true"]');
  };
  const deskNotice = (page: Page) => page.locator(".lutin-desk-notice");
  const deskLine = (page: Page) => page.locator("#desk-status");

  for (const [locale, widgetText, consoleText] of [
    [
      "en-GB",
      "Our team is away until Mon 09:00; you can still leave a request.",
      "Desk closed until Mon 09:00 — requests become follow-up tasks",
    ],
    [
      "fr-FR",
      "Notre équipe est absente jusqu'à lun. 09:00\u00a0; vous pouvez quand même laisser une demande.",
      "Support fermé jusqu'à lun. 09:00 — les demandes deviennent des tâches de suivi",
    ],
  ] as const)
    it(`after hours (${locale}): the widget says the team is away before anyone asks, and the console says the desk is closed`, async () => {
      const { server } = await serve(SATURDAY_EVENING);
      const { context: agentContext, page: agent } = await newPage(locale);
      await openConsole(agent, server.url, TEST_AGENT_TOKENS.ana);
      await expect.poll(() => deskLine(agent).textContent(), WAIT).toBe(consoleText);
      expect(await deskLine(agent).getAttribute("data-state")).toBe("closed");

      const { context, page } = await newPage(locale);
      await openWidget(page, server.url);
      await expect.poll(() => deskNotice(page).textContent(), WAIT).toBe(widgetText);
      expect(await deskNotice(page).isVisible()).toBe(true);
      // Nothing was asked (the tenant's greeting aside): the notice came with the connection.
      expect(await page.locator(".lutin-customer").count()).toBe(0);
      if (saveScreenshots && locale.startsWith("en")) {
        await page.screenshot({ path: `${SCREENSHOTS}widget-desk-closed.png` });
        await agent.screenshot({ path: `${SCREENSHOTS}console-desk-closed.png` });
      }
      await context.close();
      await agentContext.close();
    });

  it("is kept up to date without a reload: nobody active → an agent signs in → the hours end at 18:00", async () => {
    const { server, clock } = await serve(mondayParis(17, 59, 50));
    const { context, page } = await newPage("en-GB");
    await openWidget(page, server.url);
    await expect
      .poll(() => deskNotice(page).textContent(), WAIT)
      .toBe("Nobody from our team is available right now; you can still leave a request.");

    const { context: agentContext, page: agent } = await newPage("en-GB");
    await openConsole(agent, server.url, TEST_AGENT_TOKENS.ana);
    await expect.poll(() => deskLine(agent).textContent(), WAIT).toBe("Live requests reach you now");
    await expect.poll(() => deskNotice(page).isHidden(), WAIT).toBe(true);

    // Away: the console says nobody is active, the widget says so too.
    await agent.locator("#active").uncheck();
    await expect
      .poll(() => deskLine(agent).textContent(), WAIT)
      .toBe("Nobody active — requests become follow-up tasks");
    await expect.poll(() => deskNotice(page).isVisible(), WAIT).toBe(true);
    await agent.locator("#active").check();
    await expect.poll(() => deskLine(agent).textContent(), WAIT).toBe("Live requests reach you now");

    // The boundary passes (the server's clock moves past 18:00 Paris): pushed to both pages.
    clock.advance(15_000);
    await expect
      .poll(() => deskLine(agent).textContent(), WAIT)
      .toBe("Desk closed until Tue 09:00 — requests become follow-up tasks");
    await expect
      .poll(() => deskNotice(page).textContent(), WAIT)
      .toBe("Our team is away until Tue 09:00; you can still leave a request.");
    await context.close();
    await agentContext.close();
  });

  for (const [locale, agentSays] of [
    ["en-GB", "Agent: Ana here, this is a test reply"],
    ["fr-FR", "Conseiller : Ana here, this is a test reply"],
  ] as const)
    it(`the dashboard's test chat (${locale}) reaches the agent as a TEST handoff; the reply comes back; nothing counts`, async () => {
      const { server } = await serve(mondayParis(10));
      const usage = async () => {
        const answer = await adminCall<{ used: number; human: { used: number } }>(server.url, "/usage");
        return [answer.body.used, answer.body.human.used];
      };
      const { context: agentContext, page: agent } = await newPage(locale);
      await openConsole(agent, server.url, TEST_AGENT_TOKENS.ana);

      const { context, page: dashboard } = await newPage(locale);
      await dashboard.goto(`${server.url}/dashboard`);
      await dashboard.locator("#admin-token").fill(TEST_ADMIN_TOKEN);
      await dashboard.locator("#admin-token").press("Enter");
      await dashboard.waitForSelector('body[data-loaded="true"]');
      await dashboard.locator("#test-input").fill("I want to talk to a human");
      await dashboard.locator("#test-input").press("Enter");

      const card = agent.locator("#conversations [data-handoff]");
      await card.waitFor(WAIT);
      expect(await card.locator("[data-test-badge]").textContent()).toBe("TEST");
      await card.locator(".conversation-open").click();
      await agent.locator("#pending-actions #accept").click();
      await agent.locator("#holder-actions").waitFor(WAIT);
      expect(await agent.locator("#conversation-badges [data-test-badge]").textContent()).toBe("TEST");
      await agent.locator("#reply-input").fill("Ana here, this is a test reply");
      await agent.locator("#reply-input").press("Enter");

      await dashboard.locator("#test-log li", { hasText: agentSays }).waitFor(WAIT);
      expect(await dashboard.locator("#test-log li.from-system", { hasText: "Ana" }).count()).toBe(1);
      await agent.locator("#resolve").click();
      await expect
        .poll(async () => (await server.runtime.escalation.listHandoffs("demo-shop"))[0]?.status, WAIT)
        .toBe("ended");
      // C9: the test chat's AI conversation and its human one are never counted.
      expect(await usage()).toEqual([0, 0]);
      await context.close();
      await agentContext.close();
    });

  it("a test chat with nobody there files a follow-up task marked TEST, which the console can hide", async () => {
    const { server } = await serve(SATURDAY_EVENING);
    const asked = await adminCall(server.url, "/test-chat", {
      body: { session: "nobody-1", text: "I want to talk to a human" },
    });
    expect(asked.status).toBe(200);
    const { context, page: agent } = await newPage("en-GB");
    await openConsole(agent, server.url, TEST_AGENT_TOKENS.bruno);
    const row = agent.locator('#tasks tr[data-test="true"]');
    await row.waitFor(WAIT);
    expect(await row.locator("[data-test-badge]").textContent()).toBe("TEST");
    await agent.getByLabel("Show test tasks").uncheck();
    await expect.poll(() => row.isHidden(), WAIT).toBe(true);
    await agent.getByLabel("Show test tasks").check();
    await expect.poll(() => row.isVisible(), WAIT).toBe(true);
    const usage = await adminCall<{ used: number; human: { used: number } }>(server.url, "/usage");
    expect([usage.body.used, usage.body.human.used]).toEqual([0, 0]);
    await context.close();
  });
});
