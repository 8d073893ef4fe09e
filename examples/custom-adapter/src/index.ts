export { MAX_SIGNATURE_AGE_SECONDS, sign, verifySignature } from "./signature.js";
export {
  createWebhookAdapter,
  toInboundEvent,
  type WebhookAdapter,
  type WebhookAdapterConfig,
  webhookMessageSchema,
} from "./webhook-adapter.js";
