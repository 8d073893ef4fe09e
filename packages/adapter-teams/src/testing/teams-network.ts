import type { TeamsAdapterConfig } from "../config.js";
import { FakeBotConnector, type FakeBotConnectorOptions } from "./fake-bot-connector.js";
import { LoopbackCredentialsFactory } from "./loopback-credentials.js";
import type { TeamsParties } from "./teams-activities.js";
import { type ChannelTokenClaims, LocalTokenIssuer, type SignOptions } from "./token-issuer.js";

export const APP_ID = "00000000-0000-0000-0000-0000000a5b07";
export const APP_PASSWORD = "test-app-password-not-a-secret";
export const BOT_ID = `28:${APP_ID}`;

/** The network around a Teams bot, on loopback: the token issuer, the Bot Connector and outbound credentials. */
export interface TeamsNetwork {
  issuer: LocalTokenIssuer;
  connector: FakeBotConnector;
  credentials: LoopbackCredentialsFactory;
  parties: TeamsParties;
  /** Adapter config with authentication ON against the local issuer and connector. */
  adapterConfig(extra?: Partial<TeamsAdapterConfig>): TeamsAdapterConfig;
  /** POSTs an activity to `endpoint` signed as Teams signs it (claims and header overridable); the response. */
  post(
    endpoint: string,
    activity: unknown,
    token?: { claims?: Partial<ChannelTokenClaims>; options?: SignOptions; authorization?: string | null },
  ): Promise<Response>;
  close(): Promise<void>;
}

/** Starts the local issuer and connector, and the credentials that reach them. */
export async function startTeamsNetwork(
  options: Partial<FakeBotConnectorOptions> = {},
): Promise<TeamsNetwork> {
  const issuer = await LocalTokenIssuer.start();
  const connector = await FakeBotConnector.start({ appId: APP_ID, appPassword: APP_PASSWORD, ...options });
  const credentials = new LoopbackCredentialsFactory({
    appId: APP_ID,
    appPassword: APP_PASSWORD,
    tokenUrl: connector.tokenUrl,
  });
  const parties: TeamsParties = { serviceUrl: connector.serviceUrl, botId: BOT_ID, botName: "Lutin" };
  return {
    issuer,
    connector,
    credentials,
    parties,
    adapterConfig: (extra = {}) => ({
      appId: APP_ID,
      credentialsFactory: credentials,
      openIdMetadataUrl: issuer.metadataUrl,
      tokenIssuer: issuer.issuer,
      port: 0,
      host: "127.0.0.1",
      ...extra,
    }),
    async post(endpoint, activity, token = {}) {
      const serviceUrl = (activity as { serviceUrl?: unknown }).serviceUrl;
      const authorization =
        token.authorization === undefined
          ? issuer.authorization(
              {
                aud: APP_ID,
                ...(typeof serviceUrl === "string" ? { serviceurl: serviceUrl } : {}),
                ...token.claims,
              },
              token.options,
            )
          : token.authorization;
      return fetch(endpoint, {
        method: "POST",
        headers: { "content-type": "application/json", ...(authorization === null ? {} : { authorization }) },
        body: JSON.stringify(activity),
      });
    },
    async close() {
      await connector.close();
      await issuer.close();
    },
  };
}
