import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSmtpSender, parseSmtpConfig } from "./smtp-sender.js";
import { startLocalSmtpServer } from "./testing/local-smtp-server.js";
import {
  CLOSED_ALL_WEEK,
  recordingLogger,
  startTestServer,
  TEST_AGENT_TOKENS,
} from "./testing/test-server.js";

/**
 * Issue 17, finding 2, in real Chromium (the harness of browser.test.ts): outside business hours "Talk to
 * a human" becomes a follow-up task, the widget asks for a contact in the customer's language, the task
 * reaches the console with contact, transcript, language and emotion, the agent answers by e-mail (a real
 * SMTP server on 127.0.0.1 receives it) or in the chat (kept until the visitor is back), and Done says who
 * and when.
 */
const CHROMIUM = process.env.LUTIN_CHROMIUM ?? "/usr/bin/chromium";
const WAIT = { timeout: 30_000 } as const;
const skipBrowserTests = !existsSync(CHROMIUM) && process.env.CI !== "true";
/** LUTIN_SCREENSHOTS=1 also refreshes the follow-up pictures in docs/screenshots/. */
const SCREENSHOTS = fileURLToPath(new URL("../../../docs/screenshots/", import.meta.url));
const saveScreenshots = process.env.LUTIN_SCREENSHOTS === "1";

describe.skipIf(skipBrowserTests)("follow-up tasks in a real browser (Chromium)", () => {
  let browser: Browser;
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let smtp: Awaited<ReturnType<typeof startLocalSmtpServer>>;
  const recorded = recordingLogger();

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
    smtp = await startLocalSmtpServer();
    server = await startTestServer(
      {},
      {
        businessHours: CLOSED_ALL_WEEK,
        logger: recorded.logger,
        outboundSender: createSmtpSender(
          parseSmtpConfig({
            host: smtp.host,
            port: String(smtp.port),
            from: "Lutin & Co <support@lutin.example>",
          }),
        ),
      },
    );
    if (saveScreenshots) await mkdir(SCREENSHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.cleanup();
    await smtp?.close();
  });

  const newPage = async (locale: string) => {
    const context = await browser.newContext({ locale, viewport: { width: 1100, height: 900 } });
    context.setDefaultTimeout(WAIT.timeout);
    return { context, page: await context.newPage() };
  };
  const openWidget = async (page: Page) => {
    await page.goto(`${server.url}/demo`);
    await page.waitForSelector('.lutin-widget[data-connected="true"]');
  };
  /** The console speaks the browser's language: its sign-in labels are French in a French browser. */
  const signInAgent = async (page: Page, token: string, french = false) => {
    await page.goto(`${server.url}/console`);
    await page.getByLabel(french ? "Jeton d'agent" : "Agent token").fill(token);
    await page.getByRole("button", { name: french ? "Se connecter" : "Sign in" }).click();
    await page.waitForSelector('body[data-online="true"]');
  };
  const taskIdOf = async (email: string) =>
    (await server.runtime.escalation.listFollowUps("demo-shop")).find(
      (task) => task.customerContact?.email === email,
    )?.id;

  it("English: outside hours the widget asks for a contact; the task reaches the console with it; the agent answers by e-mail and marks it done", async () => {
    // Ana is online and active, but the desk is closed: nobody can take the chat live.
    const { context: agentContext, page: agent } = await newPage("en-GB");
    await signInAgent(agent, TEST_AGENT_TOKENS.ana);

    const { context: customerContext, page: customer } = await newPage("en-GB");
    await openWidget(customer);
    await customer.getByRole("button", { name: "Talk to a human" }).click();
    await customer.waitForSelector(".lutin-system >> text=An agent will contact you soon.");
    const form = customer.getByRole("form", { name: /Leave us your e-mail address/ });
    await form.waitFor();
    await form.getByLabel("E-mail address").fill("dan-at-example");
    await form.getByRole("button", { name: "Send" }).click();
    await customer.waitForSelector("text=Please enter a valid e-mail address, like name@example.com.");
    await form.getByLabel("E-mail address").fill("dan@example.com");
    await form.getByLabel("Name (optional)").fill("Dan Brown");
    await form.getByRole("button", { name: "Send" }).click();
    await customer.waitForSelector(".lutin-system >> text=Thank you! We will answer you at dan@example.com.");
    expect(await form.count()).toBe(0);

    // The console: the task's row with the contact, then its details.
    const row = agent.locator("#tasks tr", { hasText: "dan@example.com" });
    await row.waitFor();
    expect(await row.locator(".task-status").textContent()).toBe("open");
    await row.getByRole("link").click();
    const details = agent.locator("#task-details");
    await details.waitFor();
    expect(await details.locator('[data-fact="Contact"]').textContent()).toBe("Dan Brown <dan@example.com>");
    expect(await details.locator('[data-fact="Language"]').textContent()).toBe("en");
    const task = (await server.runtime.escalation.listFollowUps("demo-shop")).find(
      (candidate) => candidate.customerContact?.email === "dan@example.com",
    );
    expect(await details.locator('[data-fact="Emotion"]').textContent()).toBe(task?.emotion);
    expect(await details.locator(".task-transcript").textContent()).toContain(
      "Customer: I would like to talk to a human",
    );
    expect(await details.locator('.task-states [data-state="open"]').count()).toBe(1);
    if (saveScreenshots)
      await agent.screenshot({ path: `${SCREENSHOTS}console-follow-up.png`, fullPage: true });

    // Answer by e-mail: the local SMTP server receives it.
    const mailsBefore = smtp.mails.length;
    const emailForm = details.getByRole("form", { name: "Answer by e-mail" });
    expect(await emailForm.getByLabel("Subject").inputValue()).toBe("About your request");
    await emailForm.getByLabel("Subject").fill("Your request to Lutin & Co");
    await emailForm.getByLabel(/^Message/).fill("Hello Dan, a colleague will call you back tomorrow at 10.");
    await emailForm.getByRole("button", { name: "Send" }).click();
    await agent.waitForSelector("#task-details >> text=Answer sent.");
    const [mail] = (await smtp.waitForMails(mailsBefore + 1)).slice(mailsBefore);
    expect(mail?.envelopeTo).toEqual(["dan@example.com"]);
    expect(mail?.to).toBe('"Dan Brown" <dan@example.com>');
    expect(mail?.subject).toBe("Your request to Lutin & Co");
    expect(mail?.text).toContain("Hello Dan, a colleague will call you back tomorrow at 10.");
    expect(mail?.text).toContain("Ana, Lutin & Co");
    await agent.waitForSelector('#task-details .task-answers [data-via="email"][data-answer-status="sent"]');
    // Answering an open task assigned it to the agent who answered.
    await agent.waitForSelector("#tasks tr >> text=/assigned · Ana/");

    await details.getByRole("button", { name: "Done" }).click();
    await agent.waitForSelector('#task-details .task-states [data-state="done"]');
    const doneState = await details.locator('.task-states [data-state="done"]').textContent();
    expect(doneState).toMatch(/^done — .+ — by Ana$/);
    expect(await row.locator(".task-status").textContent()).toBe("done · Ana");
    expect(
      (await server.runtime.escalation.listFollowUps("demo-shop")).find((entry) => entry.id === task?.id),
    ).toMatchObject({ status: "done", assignee: "ana" });
    // The contact never reached the log.
    expect(recorded.lines.join("\n")).not.toContain("dan@example.com");
    await customerContext.close();
    await agentContext.close();
  });

  it("French: the form is in French; the agent answers in the chat while the visitor is away; back on the page, the visitor sees it as the agent's", async () => {
    const { context: customerContext, page: customer } = await newPage("fr-FR");
    await openWidget(customer);
    await customer.getByRole("button", { name: "Parler à un humain" }).click();
    await customer.waitForSelector(".lutin-system >> text=Un agent vous contactera bientôt.");
    const form = customer.getByRole("form", { name: /Laissez-nous votre adresse e-mail/ });
    await form.getByLabel("Adresse e-mail").fill("chloe@exemple");
    await form.getByRole("button", { name: "Envoyer" }).click();
    await customer.waitForSelector(
      "text=Veuillez saisir une adresse e-mail valide, par exemple nom@exemple.fr.",
    );
    if (saveScreenshots) await customer.screenshot({ path: `${SCREENSHOTS}widget-follow-up-contact.png` });
    await form.getByLabel("Adresse e-mail").fill("chloe@exemple.fr");
    await form.getByLabel("Nom (facultatif)").fill("Chloé");
    await form.getByRole("button", { name: "Envoyer" }).click();
    await customer.waitForSelector(
      ".lutin-system >> text=Merci ! Nous vous répondrons à l'adresse chloe@exemple.fr.",
    );
    const taskId = await taskIdOf("chloe@exemple.fr");
    expect(taskId).toBeDefined();

    // The visitor leaves the page (same tab: the widget keeps its visitor token).
    await customer.goto("about:blank");
    const { context: agentContext, page: agent } = await newPage("fr-FR");
    await signInAgent(agent, TEST_AGENT_TOKENS.bruno, true);
    const row = agent.locator("#tasks tr", { hasText: "chloe@exemple.fr" });
    await row.getByRole("link").click();
    const details = agent.locator("#task-details");
    expect(await details.locator('[data-fact="Langue"]').textContent()).toBe("fr");
    const threadForm = details.getByRole("form", { name: "Répondre dans la discussion" });
    await threadForm.getByLabel(/^Message/).fill("Bonjour Chloé, votre colis part demain matin.");
    await threadForm.getByRole("button", { name: "Envoyer" }).click();
    await agent.waitForSelector("#task-details >> text=Le client est absent");
    await agent.waitForSelector(
      '#task-details .task-answers [data-via="thread"][data-answer-status="pending"]',
    );

    await openWidget(customer);
    const reply = customer.locator(".lutin-agent", {
      hasText: "Bonjour Chloé, votre colis part demain matin.",
    });
    await reply.waitFor();
    expect(await reply.locator(".lutin-visually-hidden").textContent()).toBe("Conseiller: ");
    await agent.waitForSelector(
      '#task-details .task-answers [data-via="thread"][data-answer-status="delivered"]',
    );
    // Shown once, even after a reload.
    await customer.reload();
    await customer.waitForSelector('.lutin-widget[data-connected="true"]');
    expect(await customer.locator(".lutin-agent").count()).toBe(1);
    await customerContext.close();
    await agentContext.close();
  });
});
