import type { AddressInfo } from "node:net";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

/** One mail as the local SMTP server received it: the envelope and the parsed message. */
export interface ReceivedMail {
  envelopeTo: string[];
  from: string;
  to: string;
  subject: string;
  text: string;
  messageId: string;
  headers: Map<string, unknown>;
}

/**
 * A real SMTP server on 127.0.0.1 (the `smtp-server` package, by nodemailer's maintainers) for tests: it
 * speaks the protocol, checks the login when `auth` is given, and keeps every mail it receives. `refuse`
 * makes it answer the next message with a 550.
 */
export async function startLocalSmtpServer(options: { auth?: { user: string; password: string } } = {}) {
  const mails: ReceivedMail[] = [];
  const waiters: Array<() => void> = [];
  let refuseNext = false;
  const server = new SMTPServer({
    // Plain text on loopback: no certificate to make, and nodemailer does not try STARTTLS.
    disabledCommands: options.auth === undefined ? ["AUTH", "STARTTLS"] : ["STARTTLS"],
    allowInsecureAuth: true,
    authOptional: options.auth === undefined,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === options.auth?.user && auth.password === options.auth?.password)
        return callback(null, { user: auth.username });
      return callback(new Error("invalid login"));
    },
    onData(stream, session, callback) {
      if (refuseNext) {
        refuseNext = false;
        stream.resume();
        return stream.on("end", () =>
          callback(Object.assign(new Error("mailbox unavailable"), { responseCode: 550 })),
        );
      }
      simpleParser(stream)
        .then((parsed) => {
          const to = Array.isArray(parsed.to)
            ? parsed.to.map((entry) => entry.text).join(", ")
            : (parsed.to?.text ?? "");
          mails.push({
            envelopeTo: session.envelope.rcptTo.map((recipient) => recipient.address),
            from: parsed.from?.text ?? "",
            to,
            subject: parsed.subject ?? "",
            text: parsed.text ?? "",
            messageId: parsed.messageId ?? "",
            headers: parsed.headers as Map<string, unknown>,
          });
          for (const wake of waiters.splice(0)) wake();
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    host: "127.0.0.1",
    port,
    mails,
    refuseNextMessage() {
      refuseNext = true;
    },
    /** Resolves once `count` mails have arrived (bounded: rejects after `timeoutMs`). */
    async waitForMails(count: number, timeoutMs = 15_000): Promise<ReceivedMail[]> {
      const deadline = Date.now() + timeoutMs;
      while (mails.length < count) {
        if (Date.now() > deadline) throw new Error(`${mails.length} of ${count} mails arrived in time`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 200);
        });
      }
      return mails;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
