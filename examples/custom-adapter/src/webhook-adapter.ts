import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  type ChannelAdapter,
  type CoreHandle,
  type DeliveryResult,
  type InboundEventInput,
  LutinError,
  type OutboundMessage,
} from "@lutingenie/core";
import { z } from "zod";
import { sign, verifySignature } from "./signature.js";

/**
 * A generic signed-webhook channel: the worked example of the ChannelAdapter contract. Any system that
 * can POST JSON (a help-desk form, an in-app chat, a phone IVR) talks to the assistant through it:
 * it POSTs customer messages to `/messages`, signed with a shared secret, and receives replies as
 * signed POSTs to its `deliveryUrl`. Copy this folder to start a new adapter.
 */
export interface WebhookAdapterConfig {
  /** Channel name written into events (scopes idempotency keys, C11). Default "webhook". */
  channel?: string;
  /** Tenant every message belongs to. Default "default". */
  tenant?: string;
  /** Shared secret for signatures, both ways; falls back to LUTIN_WEBHOOK_SECRET. */
  secret?: string;
  /** Where replies are POSTed; falls back to LUTIN_WEBHOOK_DELIVERY_URL. */
  deliveryUrl?: string;
  /** Port to listen on (0: any free port). Default 0. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Per-delivery time budget. Default 10 s. */
  deliveryTimeoutMs?: number;
  /** Largest request body accepted. Default 64 KiB. */
  maxBodyBytes?: number;
}

const configSchema = z.object({
  channel: z
    .string()
    .regex(/^[a-z][a-z0-9-]*$/, "must be lower-case letters, digits and dashes")
    .default("webhook"),
  tenant: z.string().min(1).default("default"),
  secret: z.string().min(16, "must be at least 16 characters (use a random string)"),
  deliveryUrl: z.url({ error: "must be an http(s) URL" }),
  port: z.number().int().min(0).max(65535).default(0),
  host: z.string().default("127.0.0.1"),
  deliveryTimeoutMs: z.number().int().positive().default(10_000),
  maxBodyBytes: z
    .number()
    .int()
    .positive()
    .default(64 * 1024),
});

/** What the other system POSTs to /messages. */
export const webhookMessageSchema = z
  .object({
    /** Its own message id: a retry sends the same id (C11). */
    id: z.string().min(1).max(256),
    /** Its conversation or visitor id: one thread per value. */
    conversation: z.string().min(1).max(256),
    type: z.enum(["message", "resolve", "close"]).default("message"),
    text: z.string().optional(),
    /** When the customer wrote it (ISO 8601); default: when it arrived. */
    sentAt: z.iso.datetime({ offset: true }).optional(),
    origin: z.enum(["live", "test", "preview"]).default("live"),
  })
  .strict()
  .refine(
    (message) => message.type !== "message" || (message.text !== undefined && message.text.length > 0),
    {
      path: ["text"],
      message: "a message needs a non-empty text",
    },
  );

export interface WebhookAdapter extends ChannelAdapter {
  /** The base URL it listens on, once started (e.g. http://127.0.0.1:43123). */
  readonly url: string;
}

export function createWebhookAdapter(config: WebhookAdapterConfig = {}): WebhookAdapter {
  const parsed = configSchema.safeParse({
    ...config,
    secret: config.secret ?? process.env.LUTIN_WEBHOOK_SECRET,
    deliveryUrl: config.deliveryUrl ?? process.env.LUTIN_WEBHOOK_DELIVERY_URL,
  });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new LutinError("ADAPTER_CONFIG_INVALID", `invalid webhook adapter config: ${problems.join("; ")}`, {
      hint: "pass { secret, deliveryUrl } or set LUTIN_WEBHOOK_SECRET and LUTIN_WEBHOOK_DELIVERY_URL",
    });
  }
  const settings = parsed.data;
  let server: Server | null = null;
  let core: CoreHandle | null = null;
  let url = "";

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    if (request.method !== "POST" || request.url !== "/messages")
      return reply(response, 404, { error: "not found", fix: "POST customer messages to /messages" });
    if (!String(request.headers["content-type"] ?? "").startsWith("application/json"))
      return reply(response, 415, { error: "body must be JSON", fix: "send Content-Type: application/json" });
    const body = await readBody(request, settings.maxBodyBytes);
    if (body === null)
      return reply(response, 413, {
        error: `body larger than ${settings.maxBodyBytes} bytes`,
        fix: "split long messages; the assistant reads up to 40,000 characters",
      });
    const check = verifySignature(
      settings.secret,
      { timestamp: header(request, "x-lutin-timestamp"), signature: header(request, "x-lutin-signature") },
      body,
      Math.floor(Date.now() / 1000),
    );
    if (!check.ok)
      return reply(response, 401, {
        error: check.problem,
        fix: "sign `<timestamp>.<body>` with HMAC-SHA256 and the shared secret",
      });
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return reply(response, 400, { error: "body is not valid JSON", fix: "send one JSON object" });
    }
    const message = webhookMessageSchema.safeParse(json);
    if (!message.success)
      return reply(response, 400, {
        error: message.error.issues
          .map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`)
          .join("; "),
        fix: "send { id, conversation, text } (see examples/custom-adapter/README.md)",
      });
    if (core === null) return reply(response, 503, { error: "adapter is stopping", fix: "retry later" });
    const outcome = await core.receive(toInboundEvent(message.data, settings.tenant, Date.now()));
    return reply(response, 200, {
      status: outcome.status,
      conversation: outcome.conversation?.id ?? null,
      counted: outcome.conversation?.counted ?? false,
    });
  };

  return {
    channel: settings.channel,
    get url() {
      return url;
    },
    async start(handleForCore) {
      core = handleForCore;
      server = createServer((request, response) => {
        handle(request, response).catch((error: unknown) => {
          const known = LutinError.isInstance(error);
          reply(response, known && error.code === "EVENT_INVALID" ? 400 : 500, {
            error: known ? error.message : "internal error",
            fix: known ? (error.hint ?? "") : "retry; the message was not processed",
          });
        });
      });
      await new Promise<void>((resolve, reject) => {
        server?.once("error", reject);
        server?.listen(settings.port, settings.host, () => resolve());
      });
      const address = server.address() as AddressInfo;
      url = `http://${settings.host}:${address.port}`;
    },
    async stop() {
      core = null;
      const closing = server;
      server = null;
      if (closing !== null) await new Promise<void>((resolve) => closing.close(() => resolve()));
    },
    send: (outbound) => deliver(settings, outbound),
  };
}

export function toInboundEvent(
  message: z.output<typeof webhookMessageSchema>,
  tenant: string,
  receivedAt: number,
): InboundEventInput {
  return {
    key: message.id,
    tenant,
    thread: message.conversation,
    kind: message.type,
    from: "customer",
    origin: message.origin,
    at: message.sentAt === undefined ? receivedAt : Date.parse(message.sentAt),
    receivedAt,
    ...(message.text === undefined ? {} : { text: message.text }),
  };
}

async function deliver(
  settings: z.output<typeof configSchema>,
  message: OutboundMessage,
): Promise<DeliveryResult> {
  const body = JSON.stringify({
    id: message.key,
    conversation: message.thread,
    text: message.text,
    language: message.language,
    direction: message.direction,
    inReplyTo: message.inReplyTo ?? null,
    actions: message.actions ?? [],
  });
  const timestamp = Math.floor(Date.now() / 1000);
  let response: Response;
  try {
    response = await fetch(settings.deliveryUrl, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-lutin-timestamp": String(timestamp),
        "x-lutin-signature": sign(settings.secret, timestamp, body),
      },
      body,
      signal: AbortSignal.timeout(settings.deliveryTimeoutMs),
    });
    await response.body?.cancel();
  } catch (error) {
    return {
      ok: false,
      reason: "unreachable",
      retryable: true,
      detail: `delivery URL did not answer (${(error as Error).name}); check that it is up and reachable`,
    };
  }
  if (response.ok) return { ok: true, deliveredAt: Date.now() };
  const status = response.status;
  if (status === 429)
    return { ok: false, reason: "rate_limited", retryable: true, detail: "delivery URL answered 429" };
  if (status === 401 || status === 403)
    return {
      ok: false,
      reason: "auth_failed",
      retryable: false,
      detail: `delivery URL answered ${status}: check the shared secret`,
    };
  if (status === 404 || status === 410)
    return {
      ok: false,
      reason: "thread_gone",
      retryable: false,
      detail: `delivery URL answered ${status}: the conversation no longer exists`,
    };
  if (status === 413)
    return { ok: false, reason: "too_long", retryable: false, detail: "delivery URL answered 413" };
  return {
    ok: false,
    reason: status >= 500 ? "unreachable" : "rejected",
    retryable: status >= 500,
    detail: `delivery URL answered ${status}`,
  };
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The raw body as text, or null past the limit (the signature is computed over the exact bytes). */
function readBody(request: IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) over = true;
      else chunks.push(chunk);
    });
    request.on("end", () => resolve(over ? null : Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent) return;
  response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}
