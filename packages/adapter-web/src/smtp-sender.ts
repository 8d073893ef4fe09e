import {
  type Clock,
  LutinError,
  type OutboundEmail,
  type OutboundSender,
  type OutboundSendResult,
  systemClock,
} from "@lutingenie/core";
import nodemailer from "nodemailer";
import { z } from "zod";

/**
 * The SMTP OutboundSender: agents' e-mail answers to follow-up tasks, through the tenant's own mail server
 * (nodemailer). It lives beside the web server that hosts the console (core stays free of transports);
 * `lutin serve` builds it from the LUTIN_SMTP_* variables.
 */
export const SMTP_VARIABLES = {
  host: "LUTIN_SMTP_HOST",
  port: "LUTIN_SMTP_PORT",
  secure: "LUTIN_SMTP_SECURE",
  user: "LUTIN_SMTP_USER",
  password: "LUTIN_SMTP_PASSWORD",
  from: "LUTIN_SMTP_FROM",
} as const;

const booleanText = z.enum(["true", "false"], { error: 'must be "true" or "false"' });

export const smtpConfigSchema = z
  .object({
    host: z.string().trim().min(1, "must not be empty: the SMTP server's host name, e.g. smtp.example.com"),
    port: z.coerce
      .number({ error: "must be a port number" })
      .int("must be a whole port number")
      .min(1, "must be a port number between 1 and 65535")
      .max(65_535, "must be a port number between 1 and 65535")
      .optional(),
    /** Implicit TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
    secure: booleanText.optional(),
    user: z
      .string()
      .min(1, "must not be empty (leave it unset for a server without authentication)")
      .optional(),
    password: z.string().min(1, "must not be empty").optional(),
    /** The sender of every answer: an address, or `Name <address>`. */
    from: z
      .string({
        error: 'is required: the address answers come from, e.g. "Lutin & Co <support@example.com>"',
      })
      .trim()
      .refine(
        (from) => /^[^\s<>@]+@[^\s<>@]+$/.test(from) || /^[^<>\r\n]*<[^\s<>@]+@[^\s<>@]+>$/.test(from),
        'must be an address or "Name <address>", e.g. "Lutin & Co <support@example.com>"',
      ),
  })
  .strict()
  .superRefine((config, context) => {
    if ((config.user === undefined) !== (config.password === undefined))
      context.addIssue({
        code: "custom",
        path: [config.user === undefined ? "user" : "password"],
        message: "must be set with the other: an SMTP login needs both the user and the password",
      });
  });
export type SmtpConfigInput = z.input<typeof smtpConfigSchema>;

export interface SmtpConfig {
  host: string;
  port: number;
  secure: boolean;
  auth: { user: string; password: string } | null;
  from: string;
}

/** Validates SMTP settings; the error names the variable (or field) and the fix. */
export function parseSmtpConfig(
  input: SmtpConfigInput,
  names: Partial<Record<keyof SmtpConfigInput, string>> = {},
): SmtpConfig {
  const parsed = smtpConfigSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = String(issue?.path[0] ?? "from") as keyof SmtpConfigInput;
    throw new LutinError("CONFIG_INVALID", `${names[field] ?? field} ${issue?.message ?? "is invalid"}`, {
      hint: "the LUTIN_SMTP_* variables configure how agents' e-mail answers are sent; see the web adapter README",
    });
  }
  const config = parsed.data;
  const secure = config.secure === undefined ? config.port === 465 : config.secure === "true";
  return {
    host: config.host,
    port: config.port ?? (secure ? 465 : 587),
    secure,
    auth:
      config.user === undefined || config.password === undefined
        ? null
        : { user: config.user, password: config.password },
    from: config.from,
  };
}

/** The SMTP settings of LUTIN_SMTP_*; null when none is set (e-mail answers are then refused with the fix). */
export function smtpConfigFromEnvironment(environment: NodeJS.ProcessEnv): SmtpConfig | null {
  const input: Record<string, string> = {};
  for (const [field, variable] of Object.entries(SMTP_VARIABLES)) {
    const value = environment[variable];
    if (value !== undefined && value !== "") input[field] = value;
  }
  if (Object.keys(input).length === 0) return null;
  if (input.host === undefined)
    throw new LutinError(
      "CONFIG_INVALID",
      `${SMTP_VARIABLES.host} is not set, but other LUTIN_SMTP_* variables are`,
      {
        hint: `set ${SMTP_VARIABLES.host} to your SMTP server's host name, or unset every LUTIN_SMTP_* variable`,
      },
    );
  return parseSmtpConfig(input as SmtpConfigInput, SMTP_VARIABLES);
}

export interface SmtpSenderOptions {
  clock?: Clock;
  /** Connection, greeting and socket time bounds (ms); default 10 s, 10 s, 30 s. */
  timeouts?: { connectionMs?: number; greetingMs?: number; socketMs?: number };
  /** Accept a self-signed certificate (a local test server); never in production. */
  allowSelfSignedCertificate?: boolean;
}

export function createSmtpSender(config: SmtpConfig, options: SmtpSenderOptions = {}): OutboundSender {
  const clock = options.clock ?? systemClock;
  const transport = nodemailer.createTransport({
    host: config.host,
    port: config.port,
    secure: config.secure,
    ...(config.auth === null ? {} : { auth: { user: config.auth.user, pass: config.auth.password } }),
    connectionTimeout: options.timeouts?.connectionMs ?? 10_000,
    greetingTimeout: options.timeouts?.greetingMs ?? 10_000,
    socketTimeout: options.timeouts?.socketMs ?? 30_000,
    ...(options.allowSelfSignedCertificate === true ? { tls: { rejectUnauthorized: false } } : {}),
    // nodemailer logs nothing unless asked; said here because its log would hold addresses and texts.
    logger: false,
    debug: false,
  });
  const domain = (config.from.match(/@([^\s<>@]+)>?$/)?.[1] ?? "lutingenie.invalid").toLowerCase();
  return {
    kind: "smtp",
    async send(email: OutboundEmail): Promise<OutboundSendResult> {
      try {
        await transport.sendMail({
          from: config.from,
          // An address object: nodemailer encodes the name, so it cannot break out of the header.
          to: email.to.name === null ? email.to.address : { name: email.to.name, address: email.to.address },
          subject: email.subject,
          text: email.text,
          messageId: `<${email.reference.replace(/[^A-Za-z0-9._-]/g, "_")}@${domain}>`,
          headers: { "X-LutinGenie-Tenant": email.tenant },
        });
        return { ok: true, sentAt: clock.now() };
      } catch (error) {
        return { ok: false, ...describeSmtpFailure(error) };
      }
    },
    async close() {
      transport.close();
    },
  };
}

/**
 * What went wrong, for the agent and the operator: the SMTP stage and code, never the server's own words
 * (a refusal may quote the recipient's address) nor the message.
 */
function describeSmtpFailure(error: unknown): { retryable: boolean; detail: string } {
  const failure = error as { code?: string; responseCode?: number; command?: string };
  const code = failure.responseCode;
  if (failure.code === "EAUTH")
    return {
      retryable: false,
      detail: "the SMTP server refused the login: check LUTIN_SMTP_USER and LUTIN_SMTP_PASSWORD",
    };
  if (
    failure.code === "ECONNECTION" ||
    failure.code === "ETIMEDOUT" ||
    failure.code === "ESOCKET" ||
    failure.code === "EDNS"
  )
    return {
      retryable: true,
      detail: `the SMTP server could not be reached (${failure.code}): check LUTIN_SMTP_HOST, LUTIN_SMTP_PORT and LUTIN_SMTP_SECURE, then try again`,
    };
  if (code !== undefined)
    return {
      // 4xx: try later; 5xx: refused for good (an unknown mailbox, a policy).
      retryable: code < 500,
      detail: `the SMTP server answered ${code} to ${failure.command ?? "the message"}${code >= 500 ? ": check the customer's address" : ": try again later"}`,
    };
  return { retryable: true, detail: `the e-mail could not be sent (${failure.code ?? "unknown error"})` };
}
