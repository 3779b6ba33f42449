/** What a loop's task decides after a run: when to run next, and whether wake() may cut that wait short. */
export interface NextRun {
  readonly delayMs: number;
  /** False while backing off after a failure: a wake-up then would defeat the backoff. */
  readonly wakeable: boolean;
}

/**
 * Runs one task again and again, one run at a time, the task choosing the delay before its next run. wake() runs it
 * at once when it is idle in a wakeable wait, or right after the current run. stop() waits for the run in progress.
 */
export class SyncLoop {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = true;
  #wakeable = true;
  #wakeRequested = false;

  constructor(
    private readonly task: () => Promise<NextRun>,
    /** Called when the task throws (it should not: tasks turn their failures into a backoff delay). */
    private readonly onUnexpectedError: (error: unknown) => void,
    private readonly fallbackDelayMs = 60_000,
  ) {}

  get running(): boolean {
    return !this.#stopped;
  }

  start(initialDelayMs = 0): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#schedule(initialDelayMs, true);
  }

  wake(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#wakeRequested = true;
      return;
    }
    if (!this.#wakeable) return;
    this.#schedule(0, true);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  #schedule(delayMs: number, wakeable: boolean): void {
    clearTimeout(this.#timer);
    this.#wakeable = wakeable;
    this.#timer = setTimeout(() => this.#run(), delayMs);
  }

  #run(): void {
    this.#timer = undefined;
    this.#wakeRequested = false;
    this.#running = (async () => {
      let next: NextRun;
      try {
        next = await this.task();
      } catch (error) {
        this.onUnexpectedError(error);
        next = { delayMs: this.fallbackDelayMs, wakeable: false };
      }
      this.#running = undefined;
      if (this.#stopped) return;
      this.#schedule(this.#wakeRequested && next.wakeable ? 0 : next.delayMs, next.wakeable);
    })();
  }
}
