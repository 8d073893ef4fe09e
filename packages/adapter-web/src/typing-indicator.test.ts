import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { TypingIndicator } from "./typing-indicator.js";

describe("the widget's typing indicator", () => {
  let shown: boolean[];
  let typing: TypingIndicator;
  beforeEach(() => {
    vi.useFakeTimers();
    shown = [];
    typing = new TypingIndicator((on) => shown.push(on), 300);
  });
  afterEach(() => vi.useRealTimers());

  it("is never shown for a reply that comes within the delay", () => {
    typing.turnStarted();
    vi.advanceTimersByTime(299);
    typing.replied();
    typing.turnEnded();
    vi.advanceTimersByTime(1_000);
    expect(shown).toEqual([]);
  });

  it("shows after the delay, and the reply hides it without an 'off' frame", () => {
    typing.turnStarted();
    vi.advanceTimersByTime(300);
    expect(shown).toEqual([true]);
    typing.replied();
    typing.turnEnded();
    vi.advanceTimersByTime(1_000);
    expect(shown).toEqual([true]);
  });

  it("is turned off when a turn that showed it ends without a reply (silent, failed, held by an agent)", () => {
    typing.turnStarted();
    vi.advanceTimersByTime(500);
    typing.turnEnded();
    expect(shown).toEqual([true, false]);
  });

  it("stays on while another message's turn still runs, and goes off after the last", () => {
    typing.turnStarted();
    typing.turnStarted();
    vi.advanceTimersByTime(300);
    typing.turnEnded();
    expect(shown).toEqual([true]);
    typing.turnEnded();
    expect(shown).toEqual([true, false]);
  });

  it("shows nothing after its socket closed", () => {
    typing.turnStarted();
    typing.dispose();
    vi.advanceTimersByTime(1_000);
    expect(shown).toEqual([]);
  });
});
