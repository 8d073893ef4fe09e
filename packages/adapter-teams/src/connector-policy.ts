import type { Activity } from "botbuilder";
import {
  type AuthenticateRequestResult,
  BotFrameworkAuthentication,
  type ClaimsIdentity,
  type ConnectorClient,
  ConnectorFactory,
  type UserTokenClient,
} from "botframework-connector";

/** The retry policy @azure/core-rest-pipeline puts in every client's pipeline. */
const AZURE_RETRY_POLICY = "defaultRetryPolicy";

interface PipelineHolder {
  client?: {
    pipeline?: {
      removePolicy(options: { name: string }): unknown;
      addPolicy(policy: {
        name: string;
        sendRequest(
          request: { timeout: number },
          next: (request: unknown) => Promise<unknown>,
        ): Promise<unknown>;
      }): void;
    };
  };
}

/**
 * The ConnectorClient as the adapter needs it: the Azure pipeline's own retries taken out (it replays a
 * POST after a 502, 504 or a time-out, which can post an answer twice, and waits minutes in a turn) so
 * delivery.ts alone decides what is tried again, and a time limit on each call.
 */
export function tameConnectorClient(client: ConnectorClient, timeoutMs: number): ConnectorClient {
  const pipeline = (client as unknown as PipelineHolder).client?.pipeline;
  if (pipeline === undefined) return client;
  pipeline.removePolicy({ name: AZURE_RETRY_POLICY });
  pipeline.addPolicy({
    name: "lutingenie-timeout",
    sendRequest(request, next) {
      request.timeout = timeoutMs;
      return next(request);
    },
  });
  return client;
}

class TamedConnectorFactory extends ConnectorFactory {
  constructor(
    private readonly inner: ConnectorFactory,
    private readonly timeoutMs: number,
  ) {
    super();
  }
  async create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
    return tameConnectorClient(await this.inner.create(serviceUrl, audience), this.timeoutMs);
  }
}

/**
 * botbuilder's authentication (ConfigurationBotFrameworkAuthentication) with every ConnectorClient it
 * makes tamed (above): the in-turn ones (authenticateRequest's factory) and the proactive ones
 * (continueConversationAsync asks createConnectorFactory).
 */
export class TamedAuthentication extends BotFrameworkAuthentication {
  constructor(
    private readonly inner: BotFrameworkAuthentication,
    private readonly timeoutMs: number,
  ) {
    super();
  }
  async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    const result = await this.inner.authenticateRequest(activity, authHeader);
    return result.connectorFactory === undefined
      ? result
      : { ...result, connectorFactory: new TamedConnectorFactory(result.connectorFactory, this.timeoutMs) };
  }
  authenticateStreamingRequest(
    authHeader: string,
    channelIdHeader: string,
  ): Promise<AuthenticateRequestResult> {
    return this.inner.authenticateStreamingRequest(authHeader, channelIdHeader);
  }
  createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return new TamedConnectorFactory(this.inner.createConnectorFactory(claimsIdentity), this.timeoutMs);
  }
  createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    return this.inner.createUserTokenClient(claimsIdentity);
  }
  override getOriginatingAudience(): string {
    return this.inner.getOriginatingAudience();
  }
  override authenticateChannelRequest(authHeader: string): Promise<ClaimsIdentity> {
    return this.inner.authenticateChannelRequest(authHeader);
  }
}
