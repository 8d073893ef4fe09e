import type { IncomingHttpHeaders } from "node:http";

/** The Bot Framework's channel for Teams; every activity Teams sends says so. */
export const TEAMS_CHANNEL_ID = "msteams";

/** An activity as received: an object with at least the fields the adapter reads before authenticating. */
export type ReceivedActivity = Record<string, unknown> & {
  type: string;
  channelId: string;
  serviceUrl: string;
  conversation: Record<string, unknown> & { id: string };
};

export type ActivityVerdict = { kind: "accept"; activity: ReceivedActivity } | Refusal;

/** `problem` is a fixed code, the only part logged; `error` and `fix` are the answer's words. */
export interface Refusal {
  kind: "refuse";
  status: 400 | 401 | 413 | 415;
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

const SEND_ACTIVITY = "send a Bot Framework activity (JSON) as Teams does";

/**
 * Judges a POST body before botbuilder sees it: media type (415), JSON object with a `type`, a Teams
 * `channelId`, an http(s) `serviceUrl` and a `conversation.id` (400), an `Authorization: Bearer` header
 * (401; the token itself is botbuilder's to verify). botbuilder's own process() rejected a body without
 * `type` outside its try/catch; and a `channelId` other than msteams picks other validators in botbuilder
 * (the ASE channel's has its own key source), so they never reach it.
 */
export function judgeActivity(headers: IncomingHttpHeaders, body: Buffer): ActivityVerdict {
  const media = mediaTypeOf(headers["content-type"]);
  if (media.type !== "application/json")
    return refuse(415, "media_type", "Teams sends application/json", "send the activity as application/json");
  if (media.charset !== null && media.charset !== "utf-8" && media.charset !== "utf8")
    return refuse(415, "charset", "only UTF-8 bodies are read", "send the body in UTF-8");
  let json: unknown;
  try {
    json = JSON.parse(body.toString("utf8"));
  } catch {
    return refuse(400, "not_json", "the body is not JSON", SEND_ACTIVITY);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json))
    return refuse(400, "not_an_object", "the body is not a JSON object", SEND_ACTIVITY);
  const activity = json as Record<string, unknown>;
  if (typeof activity.type !== "string" || activity.type === "" || activity.type.length > 64)
    return refuse(400, "no_type", "the activity has no type", SEND_ACTIVITY);
  if (activity.channelId !== TEAMS_CHANNEL_ID)
    return refuse(
      400,
      "not_teams",
      "this endpoint serves Microsoft Teams only (channelId msteams)",
      SEND_ACTIVITY,
    );
  if (typeof activity.serviceUrl !== "string" || !/^https?:\/\/[^\s]{1,2000}$/i.test(activity.serviceUrl))
    return refuse(400, "no_service_url", "the activity has no http(s) serviceUrl", SEND_ACTIVITY);
  const conversation = activity.conversation as Record<string, unknown> | undefined;
  if (
    typeof conversation !== "object" ||
    conversation === null ||
    typeof conversation.id !== "string" ||
    conversation.id === "" ||
    conversation.id.length > 1024
  )
    return refuse(400, "no_conversation", "the activity has no conversation id", SEND_ACTIVITY);
  for (const field of ["from", "recipient", "channelData", "value"] as const) {
    const value = activity[field];
    if (
      field !== "value" &&
      value !== undefined &&
      (typeof value !== "object" || value === null || Array.isArray(value))
    )
      return refuse(400, `bad_${field}`, `the activity's ${field} is not an object`, SEND_ACTIVITY);
  }
  for (const field of ["id", "text", "replyToId", "timestamp", "name"] as const) {
    const value = activity[field];
    if (value !== undefined && value !== null && typeof value !== "string")
      return refuse(400, `bad_${field}`, `the activity's ${field} is not a string`, SEND_ACTIVITY);
  }
  if (activity.entities !== undefined && !Array.isArray(activity.entities))
    return refuse(400, "bad_entities", "the activity's entities is not a list", SEND_ACTIVITY);
  if (activity.attachments !== undefined && !Array.isArray(activity.attachments))
    return refuse(400, "bad_attachments", "the activity's attachments is not a list", SEND_ACTIVITY);
  const authorization = headers.authorization;
  if (typeof authorization !== "string" || !/^Bearer [A-Za-z0-9._~+/=-]{1,16384}$/.test(authorization))
    return refuse(
      401,
      "unsigned",
      "the request carries no bearer token",
      "Teams signs every request: check the bot's messaging endpoint",
    );
  return { kind: "accept", activity: activity as ReceivedActivity };
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
