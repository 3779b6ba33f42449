export interface MicroBatcherOptions {
  /** Most items in one batch. */
  readonly maxBatch: number;
  /** How long the first item of a batch waits for others before the batch goes anyway. */
  readonly maxWaitMs: number;
  /** Batches being written at once; while all are busy, new items gather into the next (larger) batch. */
  readonly maxInFlight: number;
}

/**
 * Writes the outcome of every item of a batch: `settle(index, ...)` for each, in the order the items were given.
 * Throwing fails every item of the batch that was not settled yet with that error.
 */
export type BatchWriter<Item, Outcome> = (items: readonly Item[], settle: BatchSettler<Outcome>) => Promise<void>;

export interface BatchSettler<Outcome> {
  resolve(index: number, outcome: Outcome): void;
  reject(index: number, error: unknown): void;
}

interface Pending<Item, Outcome> {
  readonly item: Item;
  resolve(outcome: Outcome): void;
  reject(error: unknown): void;
  settled: boolean;
}

/**
 * Coalesces items submitted one at a time (the jobs a worker runs concurrently) into batches: a batch goes when it
 * is full, or `maxWaitMs` after its first item, or as soon as a write slot is free after all were busy. Each
 * submitter gets its own item's outcome.
 */
export class MicroBatcher<Item, Outcome> {
  private pending: Array<Pending<Item, Outcome>> = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight = 0;

  constructor(
    private readonly options: MicroBatcherOptions,
    private readonly write: BatchWriter<Item, Outcome>,
  ) {}

  submit(item: Item): Promise<Outcome> {
    return new Promise<Outcome>((resolve, reject) => {
      this.pending.push({ item, resolve, reject, settled: false });
      if (this.pending.length >= this.options.maxBatch) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.options.maxWaitMs);
    });
  }

  /** Items waiting for a batch (not yet being written). */
  get waiting(): number {
    return this.pending.length;
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    // All slots busy: the items wait and go with the batch that starts when a slot frees.
    while (this.pending.length > 0 && this.inFlight < this.options.maxInFlight) {
      const batch = this.pending.splice(0, this.options.maxBatch);
      this.inFlight++;
      void this.run(batch).finally(() => {
        this.inFlight--;
        if (this.pending.length > 0) this.flush();
      });
    }
  }

  private async run(batch: Array<Pending<Item, Outcome>>): Promise<void> {
    const settle: BatchSettler<Outcome> = {
      resolve: (index, outcome) => {
        const entry = batch[index];
        if (!entry || entry.settled) return;
        entry.settled = true;
        entry.resolve(outcome);
      },
      reject: (index, error) => {
        const entry = batch[index];
        if (!entry || entry.settled) return;
        entry.settled = true;
        entry.reject(error);
      },
    };
    try {
      await this.write(
        batch.map((entry) => entry.item),
        settle,
      );
    } catch (error) {
      batch.forEach((_entry, index) => settle.reject(index, error));
      return;
    }
    batch.forEach((entry, index) => {
      if (!entry.settled) settle.reject(index, new Error('the batch writer left this item without an outcome'));
    });
  }
}
