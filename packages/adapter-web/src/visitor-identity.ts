import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * Who a widget socket speaks for. A visitor id alone is never enough to resume a visitor's thread: the
 * server makes the id (random, 128 bits) and hands out a token that is an HMAC of (tenant, visitor)
 * under the server's secret; only a client holding that token gets the visitor's replies. A tenant may
 * also pass a signed identity of its logged-in customer (HMAC-SHA256 of the customer's id under the
 * tenant's identity secret, as the page's server computes it): the same customer then gets the same
 * thread on every device, and nobody can claim it without the tenant's signature.
 */
export interface VisitorIdentity {
  /** The thread's visitor part: `v_…` for anonymous visitors, `c_…` for verified customers. */
  visitor: string;
  /** What the widget keeps and presents on its next hello. */
  token: string;
}

export type HelloCredentials = {
  visitor?: string | undefined;
  token?: string | undefined;
  customer?: { id: string; hash: string } | undefined;
};

export type IdentityDecision =
  | { ok: true; identity: VisitorIdentity; resumed: boolean; refusedToken: boolean }
  | { ok: false; code: "IDENTITY_INVALID" | "IDENTITY_NOT_CONFIGURED"; problem: string };

export interface VisitorIdentities {
  /** Decides a hello: a verified customer, a resumed visitor, or a new visitor. */
  decide(tenant: string, hello: HelloCredentials): IdentityDecision;
}

const TOKEN_VERSION = "v1";

export function createVisitorIdentities(options: {
  /** The server's secret (32+ bytes of randomness, kept in the data directory or the config). */
  secret: string | Buffer;
  /** The tenant's identity verification secret, when it signs its logged-in customers' ids. */
  identitySecretOf?: (tenant: string) => string | undefined;
}): VisitorIdentities {
  const mac = (text: string) => createHmac("sha256", options.secret).update(text).digest("base64url");
  const tokenOf = (tenant: string, visitor: string) =>
    `${TOKEN_VERSION}.${mac(`visitor\u0000${tenant}\u0000${visitor}`)}`;
  const identityOf = (tenant: string, visitor: string): VisitorIdentity => ({
    visitor,
    token: tokenOf(tenant, visitor),
  });
  return {
    decide(tenant, hello) {
      if (hello.customer !== undefined) {
        const secret = options.identitySecretOf?.(tenant);
        if (secret === undefined)
          return {
            ok: false,
            code: "IDENTITY_NOT_CONFIGURED",
            problem:
              "this site sends a signed customer identity but the server has no identity secret: set LUTIN_IDENTITY_SECRET (identitySecret) or remove data-user-id",
          };
        const expected = createHmac("sha256", secret).update(hello.customer.id).digest();
        const given = Buffer.from(hello.customer.hash, "hex");
        if (given.length !== expected.length || !timingSafeEqual(given, expected))
          return {
            ok: false,
            code: "IDENTITY_INVALID",
            problem:
              "data-user-hash does not match data-user-id: compute it on your server as HMAC-SHA256(identity secret, user id) in hex",
          };
        // The customer's id stays out of the thread key (it is shown in logs and exports): a keyed digest.
        const visitor = `c_${mac(`customer\u0000${tenant}\u0000${hello.customer.id}`).slice(0, 32)}`;
        // No token for a customer: the tenant's signature is asked for at every hello, so a page that
        // logged its customer out (no data-user-id any more) cannot come back into their thread.
        return { ok: true, identity: { visitor, token: "" }, resumed: true, refusedToken: false };
      }
      if (hello.visitor !== undefined && hello.token !== undefined && !hello.visitor.startsWith("c_")) {
        const expected = Buffer.from(tokenOf(tenant, hello.visitor));
        const given = Buffer.from(hello.token);
        if (given.length === expected.length && timingSafeEqual(given, expected))
          return {
            ok: true,
            identity: identityOf(tenant, hello.visitor),
            resumed: true,
            refusedToken: false,
          };
      }
      const refusedToken = hello.visitor !== undefined || hello.token !== undefined;
      return {
        ok: true,
        identity: identityOf(tenant, `v_${randomBytes(16).toString("base64url")}`),
        resumed: false,
        refusedToken,
      };
    },
  };
}
