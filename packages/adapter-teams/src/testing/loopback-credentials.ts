import { type ServiceClientCredentials, ServiceClientCredentialsFactory } from "botframework-connector";

type SignedRequest = Parameters<ServiceClientCredentials["signRequest"]>[0];

/**
 * Outbound credentials for tests: what MSAL does in production (a client_credentials grant for the app,
 * the token then sent as `Authorization: Bearer …` on every Bot Connector call), against the fake
 * connector's token endpoint on loopback. MSAL itself refuses a non-https authority, hence this factory;
 * the adapter takes it as `credentialsFactory`. Inbound, it says which app id is ours (the token's `aud`
 * must be it) and never that authentication is disabled.
 */
export class LoopbackCredentialsFactory extends ServiceClientCredentialsFactory {
  #token: Promise<string> | null = null;
  /** How many tokens were fetched (one, then reused until it expires). */
  tokenFetches = 0;

  constructor(private readonly options: { appId: string; appPassword: string; tokenUrl: string }) {
    super();
  }

  async isValidAppId(appId: string): Promise<boolean> {
    return appId === this.options.appId;
  }

  async isAuthenticationDisabled(): Promise<boolean> {
    return false;
  }

  async createCredentials(appId: string): Promise<ServiceClientCredentials> {
    if (appId !== this.options.appId) throw new Error("credentials asked for an app id that is not ours");
    return {
      signRequest: async (request: SignedRequest) => {
        request.headers.set("authorization", `Bearer ${await this.#accessToken()}`);
        return request;
      },
    };
  }

  #accessToken(): Promise<string> {
    this.#token ??= this.#fetchToken().catch((error: unknown) => {
      this.#token = null;
      throw error;
    });
    return this.#token;
  }

  async #fetchToken(): Promise<string> {
    this.tokenFetches++;
    const response = await fetch(this.options.tokenUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: this.options.appId,
        client_secret: this.options.appPassword,
        scope: "https://api.botframework.com/.default",
      }),
    });
    const body = (await response.json()) as { access_token?: unknown };
    if (!response.ok || typeof body.access_token !== "string")
      throw new Error(`the token endpoint answered HTTP ${response.status}`);
    return body.access_token;
  }
}
