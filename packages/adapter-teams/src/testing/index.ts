/** Test kit for Teams adapter authors: a local Bot Connector fake and a local OpenID/JWKS issuer. */
export {};
