import { campusDayOf } from '@campuspass/pass-token';
import type { BundleStateStore, ClockStateStore, PassUsage, UsageStore } from '../../store/store.ports.js';

// Small in-memory implementations of the store ports for unit tests; the SQLite adapter is the real one.

export class InMemoryUsageStore implements UsageStore {
  readonly #rows = new Map<string, PassUsage & { campusDay: number }>();

  get(passId: string): PassUsage | undefined {
    return this.#rows.get(passId);
  }

  recordPassage(passId: string, campusDay: number, at: Date): PassUsage {
    const previous = this.#rows.get(passId);
    const usage = {
      passId,
      campusDay,
      firstPassageAt: previous?.firstPassageAt ?? at,
      lastPassageAt: at,
      passages: (previous?.passages ?? 0) + 1,
    };
    this.#rows.set(passId, usage);
    return usage;
  }

  pruneBefore(campusDay: number): number {
    let removed = 0;
    for (const [passId, usage] of this.#rows) {
      if (usage.campusDay < campusDay) {
        this.#rows.delete(passId);
        removed++;
      }
    }
    return removed;
  }

  /** For tests: the campus day a passage at `at` belongs to. */
  static dayOf(at: Date): number {
    return campusDayOf(at);
  }
}

export class InMemoryBundleStateStore implements BundleStateStore {
  saved: { version: number; stateJson: string } | undefined;
  saves = 0;

  load(): { readonly version: number; readonly stateJson: string } | undefined {
    return this.saved;
  }

  save(version: number, stateJson: string): void {
    this.saved = { version, stateJson };
    this.saves++;
  }
}

export class InMemoryClockStateStore implements ClockStateStore {
  constructor(private saved: Date | undefined = undefined) {}

  lastTrustedTime(): Date | undefined {
    return this.saved;
  }

  saveTrustedTime(at: Date): void {
    this.saved = at;
  }
}
