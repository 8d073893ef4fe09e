import { generateKeyPairSync, type KeyObject, randomUUID, sign } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** What a token says; every field has the value a real Bot Framework channel token has unless given. */
export interface ChannelTokenClaims {
  /** Default: the issuer's own issuer string. */
  iss?: string;
  /** The bot's app id (the adapter checks it is its own). */
  aud: string;
  /** The activity's serviceUrl (the adapter checks the two are equal). */
  serviceurl?: string;
  /** Seconds since the epoch; default an hour from now. */
  exp?: number;
  /** Seconds since the epoch; default now. */
  nbf?: number;
  [claim: string]: unknown;
}

export interface SignOptions {
  /** Key id in the header; default the issuer's key. An unknown one makes the token unverifiable. */
  kid?: string;
  /** Sign with a key the issuer does not publish (under its own kid): a forged token. */
  forged?: boolean;
  /** Header algorithm; default RS256. "none" gives an unsigned token. */
  alg?: "RS256" | "RS384" | "RS512" | "none" | "HS256";
}

/**
 * The Bot Framework's token issuer on 127.0.0.1: an OpenID metadata document whose `jwks_uri` lists one
 * RSA key generated at start (endorsed for `msteams`, as Microsoft's keys are), and a signer for channel
 * tokens like the ones Teams sends in `Authorization: Bearer …`. Point the adapter's
 * `openIdMetadataUrl` at `metadataUrl` and its `tokenIssuer` at `issuer`: inbound validation then runs
 * exactly as in production (botbuilder fetches the metadata, then the keys), with no traffic leaving the
 * machine.
 */
export class LocalTokenIssuer {
  readonly kid = `lutin-test-${randomUUID().slice(0, 8)}`;
  /** The `iss` of the tokens; any string works as long as the adapter is told the same one. */
  readonly issuer = "https://api.botframework.com";
  /** How many times the metadata and the keys were fetched (botbuilder caches them). */
  fetches = { metadata: 0, keys: 0 };
  readonly #privateKey: KeyObject;
  readonly #publicJwk: Record<string, unknown>;
  readonly #forgeryKey: KeyObject;
  readonly #server: Server;
  #url = "";

  private constructor() {
    const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
    this.#privateKey = pair.privateKey;
    this.#publicJwk = pair.publicKey.export({ format: "jwk" }) as Record<string, unknown>;
    this.#forgeryKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
    this.#server = createServer((request, response) => {
      const path = (request.url ?? "").split("?")[0];
      const json = (body: unknown) =>
        response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
      if (path === "/v1/.well-known/openidconfiguration" || path === "/v1/.well-known/openid-configuration") {
        this.fetches.metadata++;
        return json({
          issuer: this.issuer,
          authorization_endpoint: `${this.#url}/v1/authorize`,
          jwks_uri: `${this.#url}/v1/.well-known/keys`,
          id_token_signing_alg_values_supported: ["RS256"],
          token_endpoint_auth_methods_supported: ["private_key_jwt"],
        });
      }
      if (path === "/v1/.well-known/keys") {
        this.fetches.keys++;
        return json({
          keys: [{ ...this.#publicJwk, kty: "RSA", use: "sig", kid: this.kid, endorsements: ["msteams"] }],
        });
      }
      response.writeHead(404).end();
    });
  }

  static async start(): Promise<LocalTokenIssuer> {
    const issuer = new LocalTokenIssuer();
    await new Promise<void>((resolve) => issuer.#server.listen(0, "127.0.0.1", resolve));
    issuer.#url = `http://127.0.0.1:${(issuer.#server.address() as AddressInfo).port}`;
    return issuer;
  }

  /** The OpenID metadata document botbuilder reads (ToBotFromChannelOpenIdMetadataUrl). */
  get metadataUrl(): string {
    return `${this.#url}/v1/.well-known/openidconfiguration`;
  }

  /** A signed JWT as a channel sends it; claims and header can be made wrong on purpose. */
  token(claims: ChannelTokenClaims, options: SignOptions = {}): string {
    const now = Math.floor(Date.now() / 1000);
    const alg = options.alg ?? "RS256";
    const header = { alg, typ: "JWT", kid: options.kid ?? this.kid, x5t: options.kid ?? this.kid };
    const payload = { iss: this.issuer, nbf: now - 5, iat: now - 5, exp: now + 3600, ...claims };
    const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
    if (alg === "none") return `${signingInput}.`;
    if (alg === "HS256") return `${signingInput}.${base64url("not-a-signature")}`;
    const digest = alg === "RS256" ? "sha256" : alg === "RS384" ? "sha384" : "sha512";
    const key = options.forged === true ? this.#forgeryKey : this.#privateKey;
    return `${signingInput}.${sign(digest, Buffer.from(signingInput), key).toString("base64url")}`;
  }

  /** `Bearer <token>` for the Authorization header. */
  authorization(claims: ChannelTokenClaims, options: SignOptions = {}): string {
    return `Bearer ${this.token(claims, options)}`;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

function base64url(text: string): string {
  return Buffer.from(text).toString("base64url");
}
