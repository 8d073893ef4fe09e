// Local stand-ins for Slack, for the tests of any package that serves Slack (no traffic leaves the machine).
export { FakeSlack, type FakeSlackOptions, type OAuthGrant, type RecordedCall } from "./fake-slack.js";
export { type RawRequest, type RawResponse, sendRaw } from "./raw-request.js";
export { channelMention, directMessage, type EventOptions, eventCallback } from "./slack-events.js";
export { slashCommand } from "./slack-interactions.js";
export { postSignedToSlackEndpoint, signSlackRequest } from "./slack-signature.js";
