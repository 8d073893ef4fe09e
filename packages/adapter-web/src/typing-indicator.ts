/**
 * The widget's "The assistant is typing…" for one socket. It is shown only once a turn has run for
 * `delayMs` without a reply: a knowledge-base answer arrives within milliseconds, and an indicator that
 * flashes for that long is noise (and two frames per message for nothing). A reply hides it in the
 * widget by itself, so no "off" frame follows a reply; a turn that ends without one (silent, failed,
 * held by an agent) turns it off if it was shown.
 */
export class TypingIndicator {
  readonly #show: (on: boolean) => void;
  readonly #delayMs: number;
  #turns = 0;
  #timer: NodeJS.Timeout | null = null;
  #shown = false;

  constructor(show: (on: boolean) => void, delayMs: number) {
    this.#show = show;
    this.#delayMs = delayMs;
  }

  /** A customer message's turn started. */
  turnStarted(): void {
    this.#turns++;
    if (this.#timer !== null || this.#shown) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#shown = true;
      this.#show(true);
    }, this.#delayMs);
  }

  /**
   * A reply went to the widget, which hid the indicator. It stays hidden while the turn finishes (the
   * receipt, counting); a message sent after this shows it again after the delay.
   */
  replied(): void {
    this.#cancel();
    this.#shown = false;
  }

  /** A turn ended (answered or not). */
  turnEnded(): void {
    this.#turns = Math.max(0, this.#turns - 1);
    if (this.#turns > 0) return;
    this.#cancel();
    if (this.#shown) {
      this.#shown = false;
      this.#show(false);
    }
  }

  /** The socket closed. */
  dispose(): void {
    this.#cancel();
    this.#turns = 0;
  }

  #cancel(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
