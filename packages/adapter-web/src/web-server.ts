import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import type { Duplex } from "node:stream";
import { fileURLToPath } from "node:url";
import {
  errorFields,
  type LastAudit,
  type Logger,
  LutinError,
  type LutinRuntime,
  silentLogger,
} from "@lutingenie/core";
import express, { type NextFunction, type Request, type Response } from "express";
import { WebSocketServer } from "ws";
import { createAdminRouter, createTestChatRouter } from "./admin-api.js";
import { clientAddressOf } from "./client-address.js";
import { problemOfHttpError, sendProblem } from "./http-problems.js";
import { createRateLimiter } from "./rate-limiter.js";
import type { WebAdapter } from "./web-adapter.js";
import { widgetScript } from "./widget-script.js";

export const PUBLIC_DIRECTORY = fileURLToPath(new URL("../public/", import.meta.url));

/** One tenant as the HTTP side sees it: the key that selects it, its pages, its admin token. */
export interface WebServerTenant {
  id: string;
  /** The widget key that opens this tenant (public: it is written in the tenant's pages). */
  widgetKey: string;
  /**
   * Pages allowed to embed this tenant's widget and to open its agents' console, besides the server's own
   * origins (its listening address and `publicUrl`). The Host header is never trusted for this: a page
   * on any host name can make a browser send its own Host (DNS rebinding).
   */
  allowedOrigins?: readonly string[];
  /** The dashboard's token for this tenant: the admin API reads and changes this tenant only. */
  adminToken?: string;
  /** The suggested questions the widget shows before the first message (the knowledge base's Quick Replies). */
  quickReplies?: (language: string) => ReadonlyArray<{ label: string }>;
  /** The widget's greeting in a language (the tenant file's `greeting`); null: the widget's default. */
  greeting?: (language: string) => string | null;
}

export interface WebServerOptions {
  adapter: WebAdapter;
  /** Every tenant served; or one, with the short form `tenant`, `widgetKey`, `allowedOrigins`, `adminToken`, `quickReplies`. */
  tenants?: readonly WebServerTenant[];
  /** The one tenant the widget key opens (short form). */
  tenant?: string;
  widgetKey?: string;
  allowedOrigins?: readonly string[];
  /** The address people use to reach the server (https://support.shop.example behind a proxy). */
  publicUrl?: string;
  /**
   * Express's `trust proxy`: false (default: the socket's address is the client), true, a hop count, or
   * the proxies' addresses/subnets. It decides which address the per-IP limits see.
   */
  trustProxy?: boolean | number | string;
  /** Slow clients: the whole request (headers and body) must arrive within this. Default 15 s. */
  requestTimeoutMs?: number;
  logger?: Logger;
  /** Without a runtime (the adapter conformance suite) the admin API is not mounted. */
  runtime?: LutinRuntime;
  /** The one tenant's admin token (short form). */
  adminToken?: string;
  ipConnectionsPerMinute?: number;
  maxMessageLength?: number;
  /**
   * Mounts another adapter's HTTP routes on this app and port (e.g. Slack's POST /slack/events). Called
   * after the security headers and before any body parser, so the routes get the raw request stream
   * (signature checks need the exact bytes). Paths under /api, /ws, /vendor and the pages are taken.
   */
  mountRoutes?: (app: express.Express) => void;
  /** The last `lutin audit` of the data this server serves, for the dashboard (GET /api/admin/audit). */
  lastAudit?: () => Promise<LastAudit | { damaged: true } | null>;
  /** The one tenant's quick replies (short form). */
  quickReplies?: (language: string) => ReadonlyArray<{ label: string }>;
}

export interface WebServer {
  readonly server: Server;
  readonly app: express.Express;
  listen(port: number, host?: string): Promise<{ port: number; url: string }>;
  close(): Promise<void>;
}

/**
 * One HTTP server for the web product: the widget script and its WebSocket (/ws/widget), the agent
 * console (/console, /ws/agent), the dashboard (/dashboard) and the admin API (/api/admin).
 */
export function createWebServer(options: WebServerOptions): WebServer {
  const app = express();
  const logger = options.logger ?? silentLogger;
  app.disable("x-powered-by");
  app.set("trust proxy", options.trustProxy ?? false);
  const trustsProxy = app.get("trust proxy fn") as (address: string, hop: number) => boolean;
  const require = createRequire(import.meta.url);
  const tenants = webTenantsOf(options);
  const byWidgetKey = new Map(tenants.map((tenant) => [tenant.widgetKey, tenant]));
  const byId = new Map(tenants.map((tenant) => [tenant.id, tenant]));
  const adminDigests = tenants.flatMap((tenant) =>
    tenant.adminToken === undefined ? [] : [{ tenant: tenant.id, digest: sha256(tenant.adminToken) }],
  );
  /** Pages allowed for any tenant: enough to open the console, whose token then names the tenant. */
  const anyTenantOrigins = new Set(tenants.flatMap((tenant) => tenant.allowedOrigins ?? []));
  const connectionLimiter = createRateLimiter({
    limit: options.ipConnectionsPerMinute ?? 120,
    windowMs: 60_000,
  });

  /** The server's own origins, filled in by listen() from the address it actually bound. */
  const ownOrigins = new Set<string>(
    options.publicUrl === undefined ? [] : [new URL(options.publicUrl).origin],
  );
  /** A tenant's widget and console may run on the server's own pages and on that tenant's allowed origins. */
  const isAllowedOrigin = (tenant: WebServerTenant | undefined, origin: string | undefined): boolean => {
    if (origin === undefined) return false;
    return ownOrigins.has(origin) || (tenant?.allowedOrigins ?? []).includes(origin);
  };
  /** The tenant the admin token names (undefined: none). Every tenant's digest is compared, whichever matches. */
  const authorizeAdmin = (request: Request): string | undefined => {
    const header = request.get("authorization") ?? "";
    if (!header.startsWith("Bearer ")) return undefined;
    const digest = sha256(header.slice("Bearer ".length));
    let found: string | undefined;
    for (const candidate of adminDigests)
      if (timingSafeEqual(candidate.digest, digest)) found = candidate.tenant;
    return found;
  };

  // Hand-set security headers instead of helmet: the list is short and each one is chosen for these pages.
  app.use((_request: Request, response: Response, next: NextFunction) => {
    response.set({
      "Content-Security-Policy":
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "no-referrer",
      "X-Frame-Options": "DENY",
      "Cross-Origin-Opener-Policy": "same-origin",
      "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    });
    next();
  });
  options.mountRoutes?.(app);
  // JSON bodies are parsed for this server's own API only: routes mounted by other adapters read theirs.
  app.use("/api", express.json({ limit: "32kb" }));

  // The widget script is embedded by other sites: it may be loaded cross-origin (a script tag needs no CORS).
  app.get("/widget.js", (_request, response) => {
    response.set("Cross-Origin-Resource-Policy", "cross-origin");
    response.type("text/javascript").send(widgetScript(PUBLIC_DIRECTORY));
  });
  app.get("/widget.css", (_request, response) => {
    response.set("Cross-Origin-Resource-Policy", "cross-origin");
    response.sendFile("widget.css", { root: PUBLIC_DIRECTORY });
  });
  // Widget settings, for the tenant key's allowed origins only (CORS answered by hand, one origin at a time).
  app.get("/api/widget/config", (request, response) => {
    const origin = request.get("origin");
    const tenant = typeof request.query.key === "string" ? byWidgetKey.get(request.query.key) : undefined;
    if (tenant === undefined)
      return sendProblem(
        response,
        401,
        "WIDGET_KEY_UNKNOWN",
        "unknown data-tenant-key: copy the snippet from the dashboard",
      );
    if (origin !== undefined && !isAllowedOrigin(tenant, origin))
      return sendProblem(
        response,
        403,
        "ORIGIN_NOT_ALLOWED",
        `origin ${origin} is not allowed: add it to this tenant's allowedOrigins`,
      );
    if (origin !== undefined) response.set({ "Access-Control-Allow-Origin": origin, Vary: "Origin" });
    const language = typeof request.query.lang === "string" ? request.query.lang.slice(0, 2) : "en";
    response.json({
      tenant: tenant.id,
      maxMessageLength: options.maxMessageLength ?? 2_000,
      quickReplies: /^[a-z]{2}$/.test(language)
        ? (tenant.quickReplies?.(language) ?? []).map((reply) => ({ label: reply.label }))
        : [],
      // The tenant's own greeting in that language; null: the widget greets with its default.
      greeting: /^[a-z]{2}$/.test(language) ? (tenant.greeting?.(language) ?? null) : null,
    });
  });

  // Chart and i18n libraries are served from node_modules (no CDN): their browser builds sit beside their main entry.
  const besideMain = (name: string, file: string) => join(dirname(require.resolve(name)), file);
  const vendor: Record<string, string> = {
    "uplot.js": besideMain("uplot", "uPlot.iife.min.js"),
    "uplot.css": besideMain("uplot", "uPlot.min.css"),
    "i18next.js": besideMain("i18next", "../umd/i18next.min.js"),
  };
  app.get("/vendor/:file", (request, response) => {
    // Own keys only: "__proto__" or "constructor" must not reach an object's prototype.
    const name = request.params.file ?? "";
    const file = Object.hasOwn(vendor, name) ? vendor[name] : undefined;
    if (file === undefined) return sendProblem(response, 404, "NOT_FOUND", "no such vendor file");
    response.sendFile(file);
  });
  app.get("/", (_request, response) => response.redirect("/demo"));
  for (const page of ["demo", "console", "dashboard"])
    app.get(`/${page}`, (_request, response) =>
      response.sendFile(`${page}.html`, { root: PUBLIC_DIRECTORY }),
    );
  // Browsers ask for /favicon.ico whatever the page links: the same icon, rather than a 404 in every log.
  app.get("/favicon.ico", (_request, response) =>
    response.type("image/svg+xml").sendFile("favicon.svg", { root: PUBLIC_DIRECTORY }),
  );
  app.use(express.static(PUBLIC_DIRECTORY, { index: false, dotfiles: "ignore" }));
  app.get("/api/health", (_request, response) =>
    response.json({ ok: true, ...options.adapter.connections() }),
  );

  if (adminDigests.length > 0)
    app.use("/api/admin", createTestChatRouter({ adapter: options.adapter, authorize: authorizeAdmin }));
  if (options.runtime !== undefined)
    app.use(
      "/api/admin",
      createAdminRouter({
        runtime: options.runtime,
        adapter: options.adapter,
        authorize: authorizeAdmin,
        ...(options.lastAudit === undefined ? {} : { lastAudit: options.lastAudit }),
      }),
    );
  app.use("/api", (_request, response) =>
    sendProblem(response, 404, "NOT_FOUND", "no such API route (see packages/adapter-web/README.md)"),
  );
  app.use((_request, response) => sendProblem(response, 404, "NOT_FOUND", "no such page"));
  app.use((error: unknown, request: Request, response: Response, _next: NextFunction) => {
    const problem = problemOfHttpError(error);
    // The path without its query string (a query may carry a key); never the body.
    const path = request.originalUrl.split("?")[0]?.slice(0, 200);
    if (problem.status >= 500)
      logger.error("http request failed", { method: request.method, path, ...errorFields(error) });
    else logger.warn("http request refused", { method: request.method, path, code: problem.code });
    if (response.headersSent) return void response.end();
    sendProblem(response, problem.status, problem.code, problem.message);
  });

  // Node's defaults let a slow client hold a connection for 300 s, checked every 30 s; every request
  // gets the same bound, checked every second.
  const requestTimeout = options.requestTimeoutMs ?? 15_000;
  const server = createServer(
    {
      requestTimeout,
      headersTimeout: Math.min(requestTimeout, 10_000),
      connectionsCheckingInterval: 1_000,
    },
    app,
  );
  const maxMessageLength = options.maxMessageLength ?? 2_000;
  const sockets = new WebSocketServer({
    noServer: true,
    // Room for the longest message in UTF-8 plus the frame's JSON; longer frames close the socket (1009).
    maxPayload: Math.max(64 * 1024, maxMessageLength * 4 + 1024),
  });
  const refuse = (socket: Duplex, status: number, reason: string) => {
    logger.warn("websocket upgrade refused", { status });
    socket.write(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    socket.destroy();
  };
  server.on("upgrade", (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    // A reset while the handshake is answered must not become an unheard 'error'.
    socket.on("error", () => socket.destroy());
    let url: URL;
    try {
      url = new URL(request.url ?? "/", "http://localhost");
    } catch {
      return refuse(socket, 400, "Bad Request");
    }
    const ip = clientAddressOf(request, trustsProxy);
    const origin = request.headers.origin;
    if (!connectionLimiter.take(ip)) return refuse(socket, 429, "Too Many Requests");
    if (url.pathname === "/ws/widget") {
      // The key selects the tenant; its origins (and the server's own) may embed that tenant's widget only.
      const tenant = byWidgetKey.get(url.searchParams.get("key") ?? "");
      if (tenant === undefined) return refuse(socket, 401, "Unauthorized");
      if (!isAllowedOrigin(tenant, origin)) return refuse(socket, 403, "Forbidden");
      return sockets.handleUpgrade(request, socket, head, (client) =>
        options.adapter.acceptWidget(client, { ip, tenant: tenant.id }),
      );
    }
    if (url.pathname === "/ws/agent") {
      // The console runs on this server's own pages (or an allowed origin): another page must not drive an
      // agent's session, even one that has the token. The token names the tenant only later (auth), so
      // here any tenant's origin passes, and the adapter checks the agent's own tenant's at sign-in.
      if (origin !== undefined && !ownOrigins.has(origin) && !anyTenantOrigins.has(origin))
        return refuse(socket, 403, "Forbidden");
      return sockets.handleUpgrade(request, socket, head, (client) =>
        options.adapter.acceptAgent(client, {
          ip,
          originAllowed: (tenant) => origin === undefined || isAllowedOrigin(byId.get(tenant), origin),
        }),
      );
    }
    refuse(socket, 404, "Not Found");
  });

  return {
    server,
    app,
    async listen(port, host = "127.0.0.1") {
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          resolve();
        });
      });
      const address = server.address() as AddressInfo;
      const shown = host === "0.0.0.0" || host === "::" ? "localhost" : host;
      for (const name of new Set([shown, "127.0.0.1", "localhost"]))
        ownOrigins.add(`http://${name.includes(":") ? `[${name}]` : name}:${address.port}`);
      return { port: address.port, url: `http://${shown}:${address.port}` };
    },
    async close() {
      for (const client of sockets.clients) client.terminate();
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The tenants of the options, long form or short; refuses both, neither, a tenant or a widget key given twice. */
function webTenantsOf(options: WebServerOptions): readonly WebServerTenant[] {
  const short = options.tenant !== undefined || options.widgetKey !== undefined;
  const shortOnly = [options.adminToken, options.allowedOrigins, options.quickReplies];
  if (options.tenants !== undefined && (short || shortOnly.some((value) => value !== undefined)))
    throw new LutinError(
      "ADAPTER_CONFIG_INVALID",
      "the web server got both tenants and tenant/widgetKey/allowedOrigins/adminToken/quickReplies",
      { hint: "list every tenant in tenants, or serve one with tenant and widgetKey" },
    );
  if (options.tenants === undefined && (options.tenant === undefined || options.widgetKey === undefined))
    throw new LutinError("ADAPTER_CONFIG_INVALID", "the web server serves no tenant", {
      hint: "pass tenants: [{ id, widgetKey, adminToken }] (or tenant and widgetKey for one)",
    });
  const tenants = options.tenants ?? [
    {
      id: options.tenant as string,
      widgetKey: options.widgetKey as string,
      ...(options.allowedOrigins === undefined ? {} : { allowedOrigins: options.allowedOrigins }),
      ...(options.adminToken === undefined ? {} : { adminToken: options.adminToken }),
      ...(options.quickReplies === undefined ? {} : { quickReplies: options.quickReplies }),
    },
  ];
  if (new Set(tenants.map((tenant) => tenant.widgetKey)).size !== tenants.length)
    throw new LutinError("ADAPTER_CONFIG_INVALID", "two tenants have the same widget key", {
      hint: "a widget key selects one tenant: give each its own",
    });
  const adminTokens = tenants.flatMap((tenant) =>
    tenant.adminToken === undefined ? [] : [tenant.adminToken],
  );
  if (new Set(adminTokens).size !== adminTokens.length)
    throw new LutinError("ADAPTER_CONFIG_INVALID", "two tenants have the same admin token", {
      hint: "an admin token names one tenant: give each its own",
    });
  if (new Set(tenants.map((tenant) => tenant.id)).size !== tenants.length)
    throw new LutinError("ADAPTER_CONFIG_INVALID", "the web server got the same tenant twice", {
      hint: "list each tenant once",
    });
  return tenants;
}

function sha256(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}
