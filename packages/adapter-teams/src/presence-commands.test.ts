import { describe, expect, it } from "vitest";
import { agentLanguageOf, presenceAnswers, presenceCommandOf } from "./presence-commands.js";

describe("presence commands in personal chat", () => {
  it.each([
    ["available", "available"],
    ["Available.", "available"],
    ["/available", "available"],
    ["<at>LutinGénie</at> available", "available"],
    ["disponible", "available"],
    ["  Dispo !", "available"],
    ["away", "away"],
    ["absent", "away"],
    ["hors ligne", "away"],
    ["status", "status"],
    ["statut", "status"],
    ["état ?", "status"],
  ])("%j → %s", (text, command) => {
    expect(presenceCommandOf(text)).toBe(command);
  });

  it.each([
    undefined,
    "",
    "I am not available tomorrow",
    "what is the status of my order?",
    "away from home, my parcel is lost",
    `available${" ".repeat(300)}`,
  ])("a customer's sentence %j is no command", (text) => {
    expect(presenceCommandOf(text)).toBeNull();
  });

  it("answers in French to French words, else in the client's language", () => {
    expect(agentLanguageOf("disponible", "en-US")).toBe("fr");
    expect(agentLanguageOf("available", "fr-FR")).toBe("en");
    expect(agentLanguageOf("<at>Bot</at>", "fr-FR")).toBe("fr");
    expect(presenceAnswers("fr").statusAway).toBe("Vous êtes absent.");
    expect(presenceAnswers("en").refused("you are not one of this tenant's agents")).toMatch(/^You cannot/);
  });
});
