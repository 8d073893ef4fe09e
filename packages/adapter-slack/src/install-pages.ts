import type { ServerResponse } from "node:http";
import type { HTTPReceiverOptions } from "@slack/bolt";

/** Bolt's callback options for the OAuth redirect (the @slack/oauth type, reached through Bolt's exports). */
type CallbackOptions = NonNullable<NonNullable<HTTPReceiverOptions["installerOptions"]>["callbackOptions"]>;

/**
 * What the admin's browser shows at the end of an OAuth install. Bolt's own failure page only says
 * "Oops" and a reason code; ours says what happened and what to do next, and the success page says the
 * one step left (choosing the agents' channel), since multi-workspace mode has no channel variables.
 */
export function installPages(installPath: string): CallbackOptions {
  return {
    success(installation, _options, _request, response) {
      const team =
        installation.team?.name ?? installation.enterprise?.name ?? installation.team?.id ?? "your workspace";
      page(
        response,
        200,
        "LutinGénie is installed",
        `The assistant now answers in <b>${escapeHtml(team)}</b>. Last step for your support team: in the ` +
          "channel where agents take handoffs, type <code>/lutin agents-channel</code>, and in the channel " +
          "for follow-up tasks, <code>/lutin follow-up-channel</code>.",
      );
    },
    failure(error, _options, request, response) {
      const install = `<a href="${escapeHtml(installPath)}">${escapeHtml(installPath)}</a>`;
      // Slack sends the admin back with ?error=access_denied when they cancel on its consent screen.
      const refusedInSlack = new URL(request.url ?? "/", "http://callback").searchParams.has("error");
      if (error.code === "slack_oauth_missing_state" || error.code === "slack_oauth_invalid_state")
        return page(
          response,
          400,
          "This install link is not valid",
          `It has expired, was already used, or was not started from this server (the browser must keep ` +
            `the cookie set by the install page). Nothing was installed. Start again at ${install}.`,
        );
      if (error.code === "slack_oauth_missing_code" || refusedInSlack)
        return page(
          response,
          400,
          "Slack did not approve the install",
          `The install was cancelled or refused in Slack, so nothing was installed. Start again at ${install}.`,
        );
      if (String(error.code).startsWith("slack_webapi_"))
        // oauth.v2.access refused the code or the app's credentials (or could not be reached).
        return page(
          response,
          502,
          "The install could not be finished",
          "Slack did not give this server a token for the workspace. Nothing was installed. Check " +
            `SLACK_CLIENT_ID and SLACK_CLIENT_SECRET, then start again at ${install}.`,
        );
      // Storing the installation (or creating the workspace's tenant) failed: the server log says why.
      return page(
        response,
        500,
        "The install could not be saved",
        `Slack approved it, but this server could not save it; its log says why. Nothing was installed. ` +
          `Start again at ${install} once it is fixed.`,
      );
    },
  };
}

function page(response: ServerResponse, status: number, title: string, body: string): void {
  response.writeHead(status, { "content-type": "text/html; charset=utf-8" });
  response.end(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>` +
      `<body style="font-family:sans-serif;max-width:40em;margin:3em auto"><h1>${title}</h1><p>${body}</p></body></html>`,
  );
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
