import type { IncomingHttpHeaders } from "node:http";
import { parse as parseQuery } from "node:querystring";
import { isValidSlackRequest } from "@slack/bolt";
import {
  blockActionsSchema,
  eventEnvelopeSchema,
  HANDLED_EVENT_TYPES,
  slashCommandSchema,
} from "./request-shapes.js";

export const JSON_TYPE = "application/json";
export const FORM_TYPE = "application/x-www-form-urlencoded";

/**
 * Slack's guidance: refuse a request whose timestamp is more than five minutes from the local clock, so a
 * captured request cannot be replayed later. Bolt only checks the past; a timestamp ahead is as suspect
 * (a replay prepared in advance, or a clock to fix), so both directions are refused here.
 */
export const TIMESTAMP_WINDOW_SECONDS = 5 * 60;

/** What to do with a POST to the events path. */
export type Verdict =
  /** Hand to Bolt, with the content type it compares exactly (a charset parameter made it misread forms). */
  | { kind: "forward"; contentType: typeof JSON_TYPE | typeof FORM_TYPE }
  /** Slack checks the certificate of a slash command URL with an unsigned `ssl_check=1`: answer 200. */
  | { kind: "ssl_check" }
  /** Signed, well-formed, but nothing this app listens to (an event type it did not subscribe to). */
  | { kind: "ignore" }
  /** Slack says it is dropping this app's events (app_rate_limited). */
  | { kind: "rate_limit_notice" }
  | Refusal;

/** `problem` is a fixed code, the only part logged; `error` and `fix` are the answer's words. */
export interface Refusal {
  kind: "refuse";
  status: 400 | 401 | 415;
  problem: string;
  error: string;
  fix: string;
}

const refuse = (status: Refusal["status"], problem: string, error: string, fix: string): Refusal => ({
  kind: "refuse",
  status,
  problem,
  error,
  fix,
});

export interface VerdictInput {
  headers: IncomingHttpHeaders;
  body: Buffer;
  signingSecret: string;
  /** Milliseconds since the epoch: the wall clock, the one Bolt's own check reads too. */
  now: number;
  /** The slash command this app declares (/lutin). */
  slashCommand: string;
}

/**
 * Judges a POST to the events path, in the order that tells an unsigned caller least: Slack's unsigned
 * SSL check, then signature and timestamp (401), then the media type (415), then the body's shape (400).
 */
export function judgeSlackRequest(input: VerdictInput): Verdict {
  const media = mediaTypeOf(input.headers["content-type"]);
  const text = input.body.toString("utf8");
  const form = media.type === FORM_TYPE ? parseQuery(text) : null;
  if (form !== null && form.ssl_check === "1") return { kind: "ssl_check" };

  const unsigned = signatureProblem(input, text);
  if (unsigned !== null) return unsigned;

  if (media.type !== JSON_TYPE && media.type !== FORM_TYPE)
    return refuse(
      415,
      "media_type",
      "Slack sends application/json or application/x-www-form-urlencoded",
      "send the body Slack sends, with its content type",
    );
  if (media.charset !== null && media.charset !== "utf-8" && media.charset !== "utf8")
    return refuse(415, "charset", "only UTF-8 bodies are read", "send the body in UTF-8");

  return form === null ? judgeJson(text) : judgeForm(form, input.slashCommand);
}

function signatureProblem(input: VerdictInput, text: string): Refusal | null {
  const signature = input.headers["x-slack-signature"];
  const timestamp = input.headers["x-slack-request-timestamp"];
  if (typeof signature !== "string" || typeof timestamp !== "string")
    return refuse(
      401,
      "unsigned",
      "the request is not signed",
      "Slack signs every request: check the app's Request URL",
    );
  // Slack sends whole seconds; anything else ("1e9", "12.5", "") is not its timestamp.
  if (!/^\d{1,12}$/.test(timestamp))
    return refuse(
      401,
      "bad_timestamp",
      "the request timestamp is not a number of seconds",
      "resend from Slack",
    );
  const nowSeconds = Math.floor(input.now / 1000);
  if (Math.abs(nowSeconds - Number(timestamp)) > TIMESTAMP_WINDOW_SECONDS)
    return refuse(
      401,
      "stale_timestamp",
      "the request timestamp is more than 5 minutes from this server's clock",
      "check that this server's clock is synchronised (NTP); Slack sends fresh requests",
    );
  const valid = isValidSlackRequest({
    signingSecret: input.signingSecret,
    body: text,
    headers: { "x-slack-signature": signature, "x-slack-request-timestamp": Number(timestamp) },
    nowMilliseconds: input.now,
  });
  return valid
    ? null
    : refuse(
        401,
        "bad_signature",
        "the signature does not match",
        "check SLACK_SIGNING_SECRET (Basic Information → App Credentials)",
      );
}

function judgeJson(text: string): Verdict {
  const json = parseJson(text);
  if (json === NOT_JSON)
    return refuse(400, "not_json", "the body is not JSON", "send the Events API envelope");
  if (!isObject(json))
    return refuse(400, "not_an_object", "the body is not a JSON object", "send the Events API envelope");
  if (json.type === "url_verification")
    return typeof json.challenge === "string"
      ? { kind: "forward", contentType: JSON_TYPE }
      : refuse(400, "no_challenge", "url_verification without a challenge", "send Slack's challenge");
  if (json.type === "app_rate_limited") return { kind: "rate_limit_notice" };
  if (json.type !== "event_callback")
    return refuse(
      400,
      "unknown_type",
      "not an Events API envelope (type must be event_callback or url_verification)",
      "send the Events API envelope",
    );
  if (!eventEnvelopeSchema.safeParse(json).success)
    return refuse(400, "incomplete_event", "not a usable Events API payload", "send the Events API envelope");
  const eventType = (json.event as { type: string }).type;
  return (HANDLED_EVENT_TYPES as readonly string[]).includes(eventType)
    ? { kind: "forward", contentType: JSON_TYPE }
    : { kind: "ignore" };
}

function judgeForm(form: ReturnType<typeof parseQuery>, slashCommand: string): Verdict {
  const payload = form.payload;
  if (payload !== undefined) {
    if (typeof payload !== "string")
      return refuse(400, "payload_repeated", "the payload is given more than once", "send one payload");
    const json = parseJson(payload);
    if (json === NOT_JSON)
      return refuse(400, "payload_not_json", "the payload is not JSON", "send Slack's interaction payload");
    if (!isObject(json))
      return refuse(
        400,
        "payload_not_object",
        "the payload is not a JSON object",
        "send Slack's interaction payload",
      );
    if (json.type !== "block_actions")
      return refuse(
        400,
        "interaction_not_handled",
        `this app handles block_actions interactions only${typeof json.type === "string" && json.type.length <= 64 && /^\w+$/.test(json.type) ? `, not ${json.type}` : ""}`,
        "check the app's interactivity settings (manifest.json)",
      );
    return blockActionsSchema.safeParse(json).success
      ? { kind: "forward", contentType: FORM_TYPE }
      : refuse(
          400,
          "incomplete_interaction",
          "not a usable block_actions payload (a click on one of this app's buttons)",
          "send Slack's interaction payload",
        );
  }
  if (form.command === undefined)
    return refuse(
      400,
      "not_an_interaction",
      "the form is neither an interaction payload nor a slash command",
      "send Slack's interaction payload or slash command",
    );
  if (form.command !== slashCommand)
    return refuse(
      400,
      "unknown_command",
      `this app only answers ${slashCommand}`,
      "check the app's slash commands (manifest.json)",
    );
  return slashCommandSchema.safeParse(form).success
    ? { kind: "forward", contentType: FORM_TYPE }
    : refuse(
        400,
        "incomplete_command",
        `not a usable ${slashCommand} command (user_id, team_id and channel_id, each once)`,
        "send Slack's slash command",
      );
}

const NOT_JSON = Symbol("not JSON");

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return NOT_JSON;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `type/subtype; charset=…` → the type and charset, lower-cased (null: no charset given). */
export function mediaTypeOf(header: string | undefined): { type: string; charset: string | null } {
  const [type = "", ...parameters] = (header ?? "").split(";");
  let charset: string | null = null;
  for (const parameter of parameters) {
    const [name = "", value = ""] = parameter.split("=");
    if (name.trim().toLowerCase() === "charset") charset = value.trim().replace(/^"|"$/g, "").toLowerCase();
  }
  return { type: type.trim().toLowerCase(), charset };
}
