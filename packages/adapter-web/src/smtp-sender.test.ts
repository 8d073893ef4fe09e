import { LutinError } from "@lutingenie/core";
import { afterEach, describe, expect, it } from "vitest";
import { createSmtpSender, parseSmtpConfig, smtpConfigFromEnvironment } from "./smtp-sender.js";
import { startLocalSmtpServer } from "./testing/local-smtp-server.js";

const servers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

const email = {
  tenant: "demo-shop",
  to: { address: "chloe@example.fr", name: "Chloé Dupont" },
  subject: "Votre commande n'est pas arrivée",
  text: "Bonjour Chloé,\n\nVotre colis est reparti ce matin.\n\n-- \nAna, Lutin & Co",
  reference: "followup_abc.def",
};

describe("the SMTP sender against a real SMTP server on 127.0.0.1", () => {
  it("delivers the answer: envelope recipient, To with the name, subject and body in UTF-8, a stable Message-ID", async () => {
    const smtp = await startLocalSmtpServer();
    servers.push(smtp);
    const sender = createSmtpSender(
      parseSmtpConfig({
        host: smtp.host,
        port: String(smtp.port),
        from: "Lutin & Co <support@lutin.example>",
      }),
    );
    expect(await sender.send(email)).toEqual({ ok: true, sentAt: expect.any(Number) });
    const [mail] = await smtp.waitForMails(1);
    expect(mail?.envelopeTo).toEqual(["chloe@example.fr"]);
    expect(mail?.to).toBe('"Chloé Dupont" <chloe@example.fr>');
    expect(mail?.from).toBe('"Lutin & Co" <support@lutin.example>');
    expect(mail?.subject).toBe("Votre commande n'est pas arrivée");
    expect(mail?.text.trim()).toBe(email.text);
    expect(mail?.messageId).toBe("<followup_abc.def@lutin.example>");
    await sender.close?.();
  });

  it("logs in when user and password are set; a wrong password is a clear, non-retryable failure naming the variables", async () => {
    const smtp = await startLocalSmtpServer({ auth: { user: "desk", password: "s3cret" } });
    servers.push(smtp);
    const base = { host: smtp.host, port: String(smtp.port), from: "support@lutin.example", user: "desk" };
    const good = createSmtpSender(parseSmtpConfig({ ...base, password: "s3cret" }));
    expect((await good.send(email)).ok).toBe(true);
    const bad = createSmtpSender(parseSmtpConfig({ ...base, password: "wrong" }));
    const refused = await bad.send(email);
    expect(refused).toEqual({
      ok: false,
      retryable: false,
      detail: expect.stringMatching(/LUTIN_SMTP_PASSWORD/),
    });
    expect(smtp.mails).toHaveLength(1);
  });

  it("a 550 refusal and an unreachable server are failures that say what to check, never the address or the text", async () => {
    const smtp = await startLocalSmtpServer();
    servers.push(smtp);
    const sender = createSmtpSender(
      parseSmtpConfig({ host: smtp.host, port: String(smtp.port), from: "a@b.example" }),
    );
    smtp.refuseNextMessage();
    const refused = await sender.send(email);
    expect(refused).toMatchObject({ ok: false, retryable: false });
    expect(JSON.stringify(refused)).toMatch(/550/);
    await smtp.close();
    servers.pop();
    const gone = await createSmtpSender(
      parseSmtpConfig({ host: "127.0.0.1", port: String(smtp.port), from: "a@b.example" }),
      { timeouts: { connectionMs: 2_000 } },
    ).send(email);
    expect(gone).toMatchObject({
      ok: false,
      retryable: true,
      detail: expect.stringMatching(/LUTIN_SMTP_HOST/),
    });
    for (const failure of [refused, gone]) {
      expect(JSON.stringify(failure)).not.toContain("chloe@example.fr");
      expect(JSON.stringify(failure)).not.toContain("colis");
    }
  });
});

describe("LUTIN_SMTP_* variables", () => {
  const problem = (environment: NodeJS.ProcessEnv) => {
    try {
      smtpConfigFromEnvironment(environment);
    } catch (error) {
      if (LutinError.isInstance(error, "CONFIG_INVALID")) return error.message;
      throw error;
    }
    return null;
  };

  it("none set: no sender; host and from: port 587 with STARTTLS, or 465 implicit TLS", () => {
    expect(smtpConfigFromEnvironment({})).toBeNull();
    expect(
      smtpConfigFromEnvironment({ LUTIN_SMTP_HOST: "smtp.example.com", LUTIN_SMTP_FROM: "a@example.com" }),
    ).toEqual({
      host: "smtp.example.com",
      port: 587,
      secure: false,
      auth: null,
      from: "a@example.com",
    });
    expect(
      smtpConfigFromEnvironment({
        LUTIN_SMTP_HOST: "h",
        LUTIN_SMTP_SECURE: "true",
        LUTIN_SMTP_FROM: "a@example.com",
      }),
    ).toMatchObject({ port: 465, secure: true });
    expect(
      smtpConfigFromEnvironment({
        LUTIN_SMTP_HOST: "h",
        LUTIN_SMTP_PORT: "2525",
        LUTIN_SMTP_USER: "u",
        LUTIN_SMTP_PASSWORD: "p",
        LUTIN_SMTP_FROM: "Desk <a@example.com>",
      }),
    ).toMatchObject({ port: 2525, secure: false, auth: { user: "u", password: "p" } });
  });

  it("each mistake is refused naming its variable and the fix", () => {
    const host = { LUTIN_SMTP_HOST: "smtp.example.com", LUTIN_SMTP_FROM: "a@example.com" };
    expect(problem({ LUTIN_SMTP_FROM: "a@example.com" })).toMatch(/^LUTIN_SMTP_HOST is not set/);
    expect(problem({ LUTIN_SMTP_HOST: "h" })).toMatch(/^LUTIN_SMTP_FROM is required/);
    expect(problem({ ...host, LUTIN_SMTP_FROM: "support" })).toMatch(/^LUTIN_SMTP_FROM must be an address/);
    expect(problem({ ...host, LUTIN_SMTP_PORT: "smtp" })).toMatch(/^LUTIN_SMTP_PORT must be a port number/);
    expect(problem({ ...host, LUTIN_SMTP_PORT: "70000" })).toMatch(/^LUTIN_SMTP_PORT must be a port number/);
    expect(problem({ ...host, LUTIN_SMTP_SECURE: "yes" })).toMatch(
      /^LUTIN_SMTP_SECURE must be "true" or "false"/,
    );
    expect(problem({ ...host, LUTIN_SMTP_USER: "u" })).toMatch(
      /^LUTIN_SMTP_PASSWORD must be set with the other/,
    );
    expect(problem({ ...host, LUTIN_SMTP_PASSWORD: "p" })).toMatch(
      /^LUTIN_SMTP_USER must be set with the other/,
    );
  });
});
