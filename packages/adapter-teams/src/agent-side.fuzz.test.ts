import { fuzzRuns } from "@lutingenie/core/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { plainTextOf } from "./agent-activities.js";
import { AGENT_ACTION_KEY, agentActionOf } from "./agent-cards.js";
import { presenceCommandOf } from "./presence-commands.js";
import { createTeamsAgentSide } from "./teams-agent-side.js";

const AGENTS_CHANNEL = "19:agents@thread.tacv2";
const side = createTeamsAgentSide({
  settings: {
    places: { agentsChannel: AGENTS_CHANNEL, serviceUrl: "http://127.0.0.1:9/" },
    enrollment: { rule: "tenant-file" },
  },
});

/** Activities as anyone could post them once authenticated: any shape, any types, our own keys mixed in. */
const hostileActivity = fc.record(
  {
    type: fc.oneof(
      fc.constantFrom("message", "invoke", "conversationUpdate", "messageReaction"),
      fc.anything(),
    ),
    name: fc.oneof(fc.constant("adaptiveCard/action"), fc.anything()),
    text: fc.oneof(fc.constantFrom("available", "away", "status", "disponible"), fc.string(), fc.anything()),
    value: fc.oneof(
      fc.record({
        [AGENT_ACTION_KEY]: fc.oneof(fc.constantFrom("accept", "done"), fc.anything()),
        ref: fc.anything(),
      }),
      fc.record({ action: fc.record({ data: fc.anything() }) }),
      fc.anything(),
    ),
    conversation: fc.oneof(
      fc.record({
        id: fc.oneof(fc.constant(`${AGENTS_CHANNEL};messageid=1`), fc.string(), fc.anything()),
        conversationType: fc.oneof(fc.constantFrom("personal", "channel", "groupChat"), fc.anything()),
      }),
      fc.anything(),
    ),
    channelData: fc.anything(),
  },
  { requiredKeys: [] },
);

describe("the agents' side takes hostile activities without throwing", () => {
  it("handles() answers a boolean for any activity, and claims only agents' places, agents' buttons and presence words", () => {
    fc.assert(
      fc.property(hostileActivity, (activity) => {
        const claimed = side.handles(activity as never);
        expect(typeof claimed).toBe("boolean");
      }),
      { numRuns: fuzzRuns(500) },
    );
  });

  it("the readers of agents' data never throw and never accept what is not theirs", () => {
    fc.assert(
      fc.property(fc.anything(), fc.string(), (data, text) => {
        const action = agentActionOf(data);
        if (action !== null)
          expect(["accept", "close", "resolve", "assign", "done"]).toContain(action.lutinAgent);
        const command = presenceCommandOf(text);
        if (command !== null) expect(text.length).toBeLessThanOrEqual(200);
        // Tags and entities only ever shrink the text: nothing is added to what the agent wrote.
        expect(plainTextOf(text).length).toBeLessThanOrEqual(text.length);
      }),
      { numRuns: fuzzRuns(1000) },
    );
  });
});
