/**
 * Turns raw samples of a contact into activations: a level counts only once it has been stable for `debounceMs`,
 * and an activation is the stable level going from inactive to active (one per passage, however much it bounces).
 */
export class DebouncedInput {
  private stable: boolean | undefined;
  private candidate: { level: boolean; since: number } | undefined;

  constructor(
    private readonly debounceMs: number,
    private readonly onActivate: (at: Date) => void,
  ) {}

  /** One reading of the line (true = active, after any active-low inversion) at `nowMs`. */
  sample(active: boolean, nowMs: number): void {
    if (this.stable === undefined) {
      // The first reading sets the resting level: a contact already closed at start-up is no passage.
      this.stable = active;
      return;
    }
    if (active === this.stable) {
      this.candidate = undefined;
      return;
    }
    if (this.candidate?.level !== active) this.candidate = { level: active, since: nowMs };
    if (nowMs - this.candidate.since >= this.debounceMs) {
      this.stable = active;
      this.candidate = undefined;
      if (active) this.onActivate(new Date(nowMs));
    }
  }
}
