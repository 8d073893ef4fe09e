import { existsSync } from "node:fs";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, TEST_AGENT_TOKENS } from "./testing/test-server.js";

/**
 * The agent console in real Chromium (issue 17, finding 7): the conversation list with its tabs and
 * search, canned replies, typing both ways, internal notes, transfer, the new-request alert, and a closed
 * chat read again; in English and in French. Each test has a server of its own (its lists hold its own
 * conversations only). Waits are on DOM conditions, never sleeps.
 */
const CHROMIUM = process.env.LUTIN_CHROMIUM ?? "/usr/bin/chromium";
const WAIT = { timeout: 30_000 } as const;
const skipBrowserTests = !existsSync(CHROMIUM) && process.env.CI !== "true";
const KEY = "demo-shop-widget";

describe.skipIf(skipBrowserTests)("the agent console in a real browser (Chromium)", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--no-sandbox", "--autoplay-policy=no-user-gesture-required"],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });

  const newPage = async (locale: string) => {
    const context = await browser.newContext({ locale });
    context.setDefaultTimeout(WAIT.timeout);
    return { context, page: await context.newPage() };
  };
  const signIn = async (
    page: Page,
    url: string,
    token: string,
    labels: { token: string; signIn: string },
  ) => {
    await page.goto(`${url}/console`);
    await page.getByLabel(labels.token).fill(token);
    await page.getByRole("button", { name: labels.signIn }).click();
    await page.waitForSelector('body[data-online="true"]');
  };
  const openWidget = async (page: Page, url: string) => {
    await page.goto(`${url}/demo`);
    await page.waitForSelector('.lutin-widget[data-connected="true"]');
  };
  const quickReplies = async (url: string, language: string) => {
    const response = await fetch(`${url}/api/widget/config?key=${KEY}&lang=${language}`);
    return ((await response.json()) as { quickReplies: Array<{ label: string }> }).quickReplies.map(
      (reply) => reply.label,
    );
  };

  it("English: alert, accept, canned reply by keyboard, typing both ways, a note, transfer, then the closed chat read again", async () => {
    const server = await startTestServer();
    try {
      const { context: anaContext, page: ana } = await newPage("en-US");
      const { context: brunoContext, page: bruno } = await newPage("en-US");
      const { context: customerContext, page: customer } = await newPage("en-US");
      await signIn(ana, server.url, TEST_AGENT_TOKENS.ana, { token: "Agent token", signIn: "Sign in" });
      await signIn(bruno, server.url, TEST_AGENT_TOKENS.bruno, { token: "Agent token", signIn: "Sign in" });
      expect(await ana.locator("#conversations").textContent()).toContain("No request waiting.");

      await openWidget(customer, server.url);
      await customer.getByLabel("Your message").fill("I want to talk to a human about my parcel");
      await customer.getByRole("button", { name: "Send", exact: true }).click();
      // The alert: a sound (unless muted) and the title counts the new request.
      await expect.poll(() => ana.title(), WAIT).toBe("(1) New request — LutinGénie — agent console");
      await ana.waitForSelector('body[data-sounds="1"]');
      await ana.getByLabel("Sound on a new request").uncheck();
      expect(await ana.getByRole("tab", { name: /Waiting/ }).textContent()).toContain("(1)");

      // Keyboard: j moves to the request in the list, Enter opens it.
      await ana.locator("body").press("j");
      await ana.keyboard.press("Enter");
      await ana.waitForSelector(
        "[data-chat] li >> text=/Customer: I want to talk to a human about my parcel/",
      );
      await ana.locator("#pending-actions").getByRole("button", { name: "Accept" }).click();
      await customer.waitForSelector(".lutin-system >> text=Ana has joined the conversation.");
      expect(await ana.title()).toBe("LutinGénie — agent console");

      // Canned replies: the tenant's quick replies; Alt+1 inserts the first one, Enter sends it.
      const [firstCanned] = await quickReplies(server.url, "en");
      await ana.waitForSelector(`#canned button >> text=${firstCanned}`);
      await ana.getByLabel("Reply to the customer").focus();
      await ana.keyboard.press("Alt+1");
      expect(await ana.getByLabel("Reply to the customer").inputValue()).toBe(firstCanned);
      await ana.keyboard.press("Enter");
      await customer.waitForSelector(`.lutin-agent >> text=${firstCanned}`);
      await ana.waitForSelector(`[data-chat] li >> text=You: ${firstCanned}`);
      // Every message has its time.
      const times = await ana.locator("[data-chat] #chat-log li time").count();
      expect(times).toBe(await ana.locator("[data-chat] #chat-log li:not(.separator)").count());

      // Typing both ways.
      await ana.getByLabel("Reply to the customer").pressSequentially("One moment");
      await customer.waitForSelector(".lutin-typing >> text=Ana is typing…");
      await customer.getByLabel("Your message").pressSequentially("Any news?");
      await ana.waitForSelector("#customer-typing >> text=The customer is typing…");
      await customer.getByRole("button", { name: "Send", exact: true }).click();
      await ana.waitForSelector("[data-chat] li >> text=Customer: Any news?");

      // An internal note: Bruno finds the chat by searching the customer's words and reads the note.
      await ana.getByLabel("Write an internal note").fill("Parcel 12345 was sent to the wrong town");
      await ana.getByLabel("Write an internal note").press("Enter");
      await ana.waitForSelector("#notes li >> text=You: Parcel 12345 was sent to the wrong town");
      await bruno.getByLabel("Search conversations").fill("about my PARCEL");
      await bruno.waitForSelector("#conversations >> text=1 conversation found");
      await bruno.locator("#conversations .conversation-open").first().click();
      await bruno.waitForSelector("#notes li >> text=Ana: Parcel 12345 was sent to the wrong town");
      expect(await bruno.locator("#conversation-badges").textContent()).toContain("Held by Ana");

      // Transfer to Bruno: he is told and holds it; the customer sees nothing of it.
      const customerLines = await customer.locator(".lutin-log li").count();
      await ana.getByLabel("Transfer to").selectOption({ label: "Bruno" });
      await ana.getByRole("button", { name: "Transfer", exact: true }).click();
      await ana.waitForSelector("#notice >> text=Transferred to Bruno.");
      await bruno.waitForSelector("#notice >> text=A conversation was transferred to you.");
      await bruno.getByLabel("Search conversations").press("Escape");
      await bruno.getByRole("tab", { name: /Mine/ }).click();
      await bruno.locator("#conversations .conversation-open").first().click();
      await bruno.getByLabel("Reply to the customer").fill("Bruno here, I am on it.");
      await bruno.getByRole("button", { name: "Send", exact: true }).click();
      await customer.waitForSelector(".lutin-agent >> text=Bruno here, I am on it.");
      // Only Bruno's message was added: no notice interrupted the customer.
      expect(await customer.locator(".lutin-log li").count()).toBe(customerLines + 1);
      expect(await customer.locator(".lutin-log").textContent()).not.toContain("wrong town");
      await bruno.getByRole("button", { name: "Resolve" }).click();
      await customer.waitForSelector(".lutin-system >> text=/has left the conversation/");

      // The closed chat stays readable, with the customer's panel.
      await ana.getByRole("tab", { name: /Closed today/ }).click();
      await ana.waitForSelector("#tab-closed >> text=(1)");
      await ana.locator("#conversations .conversation-open").first().click();
      await ana.waitForSelector("[data-chat] li >> text=Customer: Any news?");
      await ana.waitForSelector("[data-chat] li >> text=Bruno: Bruno here, I am on it.");
      expect(await ana.locator("#conversation-badges").textContent()).toContain("resolved");
      expect(await ana.locator("#customer-facts").textContent()).toMatch(/Channelweb.*Languageen/);
      expect(await ana.locator("#holder-actions").isHidden()).toBe(true);
      // Esc goes back to the list.
      await ana.getByLabel("Write an internal note").focus();
      await ana.keyboard.press("Escape");
      expect(
        await ana.evaluate<string | null>("document.activeElement.closest('#conversations') && 'list'"),
      ).toBe("list");
      await Promise.all([anaContext.close(), brunoContext.close(), customerContext.close()]);
    } finally {
      await server.cleanup();
    }
  });

  it("French: labels from the browser's language, the flow in French (search, note, transfer, closed chat), a switch back to English", async () => {
    const server = await startTestServer();
    try {
      const { context: anaContext, page: ana } = await newPage("fr-FR");
      const { context: brunoContext, page: bruno } = await newPage("fr-FR");
      const { context: customerContext, page: customer } = await newPage("fr-FR");
      const french = { token: "Jeton d'agent", signIn: "Se connecter" };
      await signIn(ana, server.url, TEST_AGENT_TOKENS.ana, french);
      await signIn(bruno, server.url, TEST_AGENT_TOKENS.bruno, french);
      expect(await ana.locator("html").getAttribute("lang")).toBe("fr");
      expect(await ana.getByRole("tab", { name: /En attente/ }).count()).toBe(1);
      expect(await ana.locator("#conversations").textContent()).toContain("Aucune demande en attente.");
      // Muted: the request still counts in the title, without a sound.
      await ana.getByLabel("Son à chaque nouvelle demande").uncheck();

      await openWidget(customer, server.url);
      await customer
        .getByLabel("Votre message")
        .fill("Bonjour, je n'ai pas reçu ma commande, c'est inadmissible !");
      await customer.getByRole("button", { name: "Envoyer", exact: true }).click();
      await customer.getByLabel("Votre message").fill("Je voudrais parler à un humain");
      await customer.getByRole("button", { name: "Envoyer", exact: true }).click();
      await expect
        .poll(() => ana.title(), WAIT)
        .toBe("(1) Nouvelle demande — LutinGénie — console des agents");
      await ana.waitForSelector('body[data-alerts="1"]');
      expect(await ana.locator("body").getAttribute("data-sounds")).toBeNull();
      await ana.locator("#conversations").getByRole("button", { name: "Accepter" }).click();
      await ana.waitForSelector("#notice >> text=La conversation est à vous.");

      const [firstCanned] = await quickReplies(server.url, "fr");
      await ana.locator("#canned button").first().click();
      expect(await ana.getByLabel("Répondre au client").inputValue()).toBe(firstCanned);
      await ana.getByLabel("Répondre au client").fill("Bonjour, je regarde votre commande.");
      await ana.getByRole("button", { name: "Envoyer" }).click();
      await customer.waitForSelector(".lutin-agent >> text=Bonjour, je regarde votre commande.");
      await ana.waitForSelector("[data-chat] li >> text=/Vous.: Bonjour, je regarde votre commande/");
      await ana.getByLabel("Répondre au client").pressSequentially("Un instant");
      await customer.waitForSelector(".lutin-typing >> text=Ana écrit…");
      await customer
        .getByLabel("Votre message")
        .pressSequentially("Ça fait trois fois que je demande, j'en ai marre !!!");
      await ana.waitForSelector("#customer-typing >> text=Le client écrit…");
      await customer.getByRole("button", { name: "Envoyer", exact: true }).click();
      await ana.waitForSelector("[data-chat] li >> text=/Client.: Ça fait trois fois/");

      await ana.getByLabel("Écrire une note interne").fill("Client déjà relancé hier");
      await ana.getByRole("button", { name: "Ajouter la note" }).click();
      await ana.waitForSelector("#notes li >> text=/Vous.: Client déjà relancé hier/");

      // Bruno finds it by the customer's words (accents ignored) and reads Ana's note.
      await bruno.getByLabel("Chercher une conversation").fill("ca fait trois FOIS");
      await bruno.waitForSelector("#conversations >> text=1 conversation trouvée");
      await bruno.locator("#conversations .conversation-open").first().click();
      await bruno.waitForSelector("#notes li >> text=/Ana.: Client déjà relancé hier/");
      expect(await bruno.locator("#conversation-badges").textContent()).toContain("Suivie par Ana");
      // Ana transfers it to Bruno, who is told; Bruno closes it.
      await ana.getByLabel("Transférer à").selectOption({ label: "Bruno" });
      await ana.getByRole("button", { name: "Transférer", exact: true }).click();
      await ana.waitForSelector("#notice >> text=Transférée à Bruno.");
      await bruno.waitForSelector("#notice >> text=Une conversation vous a été transférée.");
      await bruno.waitForSelector("#holder-actions:not([hidden])");
      await bruno.getByRole("button", { name: "Fermer", exact: true }).click();
      await bruno.waitForSelector("#conversation-badges >> text=fermée");
      await customer.waitForSelector(".lutin-system >> text=/Bruno/");
      // Closed, still readable: its messages and the customer's panel, in French.
      await ana.getByRole("tab", { name: /Fermées aujourd'hui/ }).click();
      await ana.locator("#conversations .conversation-open").first().click();
      await ana.waitForSelector("[data-chat] li >> text=/Vous.: Bonjour, je regarde votre commande/");
      expect(await ana.locator("#customer-facts").textContent()).toMatch(/Canalweb.*Languefr/);
      // The mood trend names the customer's frustration, and so does the message it was read in.
      expect(await ana.locator("#customer-facts .trend").textContent()).toContain("agacé");
      expect(
        await ana.locator("[data-chat] li", { hasText: "trois fois" }).locator(".badge").textContent(),
      ).toBe("agacé");

      // The switch: the same page in English.
      await ana.getByLabel("Langue").selectOption("en");
      await ana.waitForSelector("h1 >> text=Agent console");
      expect(await ana.locator("html").getAttribute("lang")).toBe("en");
      await ana.waitForSelector("[data-chat] li >> text=You: Bonjour, je regarde votre commande.");
      expect(await ana.getByRole("tab", { name: /Closed today/ }).count()).toBe(1);
      await Promise.all([anaContext.close(), brunoContext.close(), customerContext.close()]);
    } finally {
      await server.cleanup();
    }
  });
});
