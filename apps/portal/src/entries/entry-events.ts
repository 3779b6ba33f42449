import { Injectable, Logger } from '@nestjs/common';
import type { GateEvent } from '@campuspass/contracts';

/** An event the ingest worker has just stored (first delivery only: a duplicate delivery is not announced again). */
export interface StoredEntry {
  readonly event: GateEvent;
  /** Lower-case gate id. */
  readonly gateId: string;
  /** Flags stored with it (ENTRY_FLAGS of libs/contracts security-api). */
  readonly flags: readonly string[];
  readonly receivedAt: Date;
}

export type StoredEntryListener = (entries: readonly StoredEntry[]) => Promise<void> | void;

/**
 * In-process announcement of newly stored entries, in the process that stored them (the worker): the security
 * module listens to raise alerts and to publish the live feed. A listener's failure is logged and never undoes or
 * retries the insert: the event is a stored fact either way.
 */
@Injectable()
export class EntryEvents {
  private readonly logger = new Logger(EntryEvents.name);
  private readonly listeners = new Set<StoredEntryListener>();

  /** Returns the function that stops listening. */
  listen(listener: StoredEntryListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async stored(entries: readonly StoredEntry[]): Promise<void> {
    if (entries.length === 0) return;
    for (const listener of this.listeners) {
      try {
        await listener(entries);
      } catch (error) {
        this.logger.error(`A listener of stored entries failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}
