import { join } from 'node:path';
import { type GateEvent, gateEventSchema } from '@campuspass/contracts';
import type Database from 'better-sqlite3';
import type {
  AppendOptions,
  BundleStateStore,
  ClockStateStore,
  OpenGrant,
  OutboxEntry,
  OutboxStatus,
  OutboxStore,
  PassUsage,
  UsageStore,
} from '../store.ports.js';
import { OutboxFullError, StoreError, StoreErrorCode } from '../store.error.js';
import { openGateDatabase } from './sqlite-database.js';

export const GATE_DATABASE_FILE = 'gate.sqlite';
const DAY_MS = 86_400_000;

export interface OutboxLimits {
  /** storage.outbox.maxEvents: undelivered events the outbox may hold. */
  readonly maxEvents: number;
  /** storage.outbox.retentionDays: how long delivered events are kept. */
  readonly retentionDays: number;
  /** storage.outbox.alertThresholdPercent / 100. */
  readonly alertThreshold: number;
}

export interface SqliteGateStoreOptions {
  /** The database file; default `<storage.dataDir>/gate.sqlite` via {@link gateDatabasePath}. */
  readonly filePath: string;
  readonly outbox: OutboxLimits;
  readonly busyTimeoutMs?: number;
}

/** The outbox limits from the validated `storage` section of the gate config. */
export function outboxLimitsFromConfig(outbox: { maxEvents: number; retentionDays: number; alertThresholdPercent: number }): OutboxLimits {
  return { maxEvents: outbox.maxEvents, retentionDays: outbox.retentionDays, alertThreshold: outbox.alertThresholdPercent / 100 };
}

export function gateDatabasePath(dataDir: string): string {
  return join(dataDir, GATE_DATABASE_FILE);
}

interface OutboxRow {
  sequence: number;
  event_json: string;
  attempts: number;
}

interface OpenGrantRow {
  scan_event_id: string;
  granted_at: number;
  event_json: string | null;
}

interface UsageRow {
  pass_id: string;
  first_passage_at: number;
  last_passage_at: number;
  passages: number;
}

class SqliteOutboxStore implements OutboxStore {
  private readonly appendTransaction: (event: GateEvent, options: AppendOptions) => GateEvent;
  private readonly statements;

  constructor(
    private readonly db: Database.Database,
    private readonly filePath: string,
    private readonly limits: OutboxLimits,
  ) {
    this.statements = {
      pendingCount: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM outbox WHERE delivered_at IS NULL'),
      oldestPending: db.prepare<[], { occurred_at: string }>(
        'SELECT occurred_at FROM outbox WHERE delivered_at IS NULL ORDER BY sequence LIMIT 1',
      ),
      nextSequence: db.prepare<[string], { last: number }>(
        `INSERT INTO outbox_sequence (gate_id, last) VALUES (?, 1)
         ON CONFLICT (gate_id) DO UPDATE SET last = last + 1 RETURNING last`,
      ),
      insert: db.prepare('INSERT INTO outbox (sequence, event_id, gate_id, occurred_at, event_json) VALUES (?, ?, ?, ?, ?)'),
      peek: db.prepare<[number], OutboxRow>(
        'SELECT sequence, event_json, attempts FROM outbox WHERE delivered_at IS NULL ORDER BY sequence LIMIT ?',
      ),
      markDelivered: db.prepare('UPDATE outbox SET delivered_at = ? WHERE event_id = ? AND delivered_at IS NULL'),
      markFailed: db.prepare('UPDATE outbox SET attempts = attempts + 1 WHERE event_id = ? AND delivered_at IS NULL'),
      prune: db.prepare('DELETE FROM outbox WHERE delivered_at IS NOT NULL AND delivered_at < ?'),
      openGrant: db.prepare('INSERT INTO open_grant (scan_event_id, granted_at, pass_id) VALUES (?, ?, ?)'),
      openGrantsOfPass: db.prepare<[string], { count: number; last_granted_at: number | null }>(
        'SELECT count(*) AS count, max(granted_at) AS last_granted_at FROM open_grant WHERE pass_id = ?',
      ),
      closeGrant: db.prepare('DELETE FROM open_grant WHERE scan_event_id = ?'),
      isOpenGrant: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM open_grant WHERE scan_event_id = ?'),
      recordUsage: db.prepare(
        `INSERT INTO pass_usage (pass_id, campus_day, first_passage_at, last_passage_at, passages) VALUES (?, ?, ?, ?, 1)
         ON CONFLICT (pass_id) DO UPDATE SET last_passage_at = excluded.last_passage_at, passages = passages + 1`,
      ),
      openGrants: db.prepare<[], OpenGrantRow>(
        `SELECT g.scan_event_id, g.granted_at, o.event_json
           FROM open_grant g LEFT JOIN outbox o ON o.event_id = g.scan_event_id
          ORDER BY g.granted_at, g.rowid`,
      ),
    };
    // IMMEDIATE: the write lock is taken before the sequence is read, so two writers can never get one number.
    // The grant and its open_grant row (or a passage and the removal of its grant's row) commit together: a crash
    // leaves both or neither, so every grant on disk either has its passage event or is still open.
    // A full outbox refuses new events, except the outcome of a grant it holds open: that room was taken when the
    // grant was recorded (open grants are few, one per person in the turnstile), and refusing it would leave the
    // grant without its outcome, or a pass used with no event saying so.
    const transaction = db.transaction((event: GateEvent, options: AppendOptions) => {
      const closesGrant = event.type === 'passage' && event.scanEventId !== null && this.statements.isOpenGrant.get(event.scanEventId);
      const pending = this.statements.pendingCount.get()?.n ?? 0;
      if (!closesGrant && pending >= this.limits.maxEvents) throw new OutboxFullError(this.limits.maxEvents, this.filePath);
      const sequence = this.statements.nextSequence.get(event.gateId)?.last as number;
      const stored: GateEvent = { ...event, sequence };
      this.statements.insert.run(sequence, stored.eventId, stored.gateId, stored.occurredAt, JSON.stringify(stored));
      if (options.opensGrant === true) {
        this.statements.openGrant.run(stored.eventId, Date.parse(stored.occurredAt), stored.pass?.passId ?? null);
      }
      if (stored.type === 'passage' && stored.scanEventId !== null) this.statements.closeGrant.run(stored.scanEventId);
      if (options.usage) {
        const at = options.usage.at.getTime();
        this.statements.recordUsage.run(options.usage.passId, options.usage.campusDay, at, at);
      }
      return stored;
    });
    this.appendTransaction = (event, options) => transaction.immediate(event, options);
  }

  append(event: Omit<GateEvent, 'sequence'>, options: AppendOptions = {}): GateEvent {
    // Validate with a placeholder sequence: the real one is assigned inside the transaction.
    const parsed = gateEventSchema.safeParse({ ...event, sequence: 1 });
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(event)'}: ${issue.message}`).join('; ');
      throw new StoreError(StoreErrorCode.InvalidEvent, `Refusing to record a gate event that breaks the contract: ${problems}`);
    }
    const opensGrant = options.opensGrant === true;
    if (opensGrant && !(parsed.data.decision === 'granted' || parsed.data.type === 'manual-open')) {
      throw new StoreError(
        StoreErrorCode.InvalidEvent,
        `Only a granted scan or a manual open opens a grant, not a ${parsed.data.type} event`,
      );
    }
    if (options.usage && parsed.data.type !== 'passage') {
      throw new StoreError(StoreErrorCode.InvalidEvent, `Only a passage event records a pass's usage, not a ${parsed.data.type} event`);
    }
    return this.appendTransaction(parsed.data, options);
  }

  openGrantsOfPass(passId: string): { readonly count: number; readonly lastGrantedAt: Date } | undefined {
    const row = this.statements.openGrantsOfPass.get(passId);
    return row && row.count > 0 && row.last_granted_at !== null
      ? { count: row.count, lastGrantedAt: new Date(row.last_granted_at) }
      : undefined;
  }

  openGrants(): readonly OpenGrant[] {
    return this.statements.openGrants.all().map((row) => ({
      scanEventId: row.scan_event_id,
      grantedAt: new Date(row.granted_at),
      grantEvent: row.event_json === null ? undefined : (JSON.parse(row.event_json) as GateEvent),
    }));
  }

  peek(limit: number): readonly OutboxEntry[] {
    return this.statements.peek.all(limit).map((row) => ({
      sequence: row.sequence,
      event: JSON.parse(row.event_json) as GateEvent,
      attempts: row.attempts,
    }));
  }

  markDelivered(eventIds: readonly string[]): void {
    const now = Date.now();
    this.db.transaction(() => {
      for (const eventId of eventIds) this.statements.markDelivered.run(now, eventId);
    })();
  }

  markAttemptFailed(eventIds: readonly string[]): void {
    this.db.transaction(() => {
      for (const eventId of eventIds) this.statements.markFailed.run(eventId);
    })();
  }

  pruneDelivered(now: Date): number {
    return this.statements.prune.run(now.getTime() - this.limits.retentionDays * DAY_MS).changes;
  }

  status(): OutboxStatus {
    const pending = this.statements.pendingCount.get()?.n ?? 0;
    const oldest = this.statements.oldestPending.get();
    const fill = Math.min(1, pending / this.limits.maxEvents);
    return {
      pending,
      capacity: this.limits.maxEvents,
      fill,
      alertThreshold: this.limits.alertThreshold,
      aboveAlertThreshold: fill >= this.limits.alertThreshold,
      oldestPendingAt: oldest ? new Date(oldest.occurred_at) : undefined,
    };
  }
}

class SqliteUsageStore implements UsageStore {
  private readonly statements;

  constructor(db: Database.Database) {
    this.statements = {
      get: db.prepare<[string], UsageRow>('SELECT pass_id, first_passage_at, last_passage_at, passages FROM pass_usage WHERE pass_id = ?'),
      record: db.prepare<[string, number, number, number], UsageRow>(
        `INSERT INTO pass_usage (pass_id, campus_day, first_passage_at, last_passage_at, passages) VALUES (?, ?, ?, ?, 1)
         ON CONFLICT (pass_id) DO UPDATE SET last_passage_at = excluded.last_passage_at, passages = passages + 1
         RETURNING pass_id, first_passage_at, last_passage_at, passages`,
      ),
      prune: db.prepare('DELETE FROM pass_usage WHERE campus_day < ?'),
    };
  }

  get(passId: string): PassUsage | undefined {
    const row = this.statements.get.get(passId);
    return row ? toUsage(row) : undefined;
  }

  recordPassage(passId: string, campusDay: number, at: Date): PassUsage {
    return toUsage(this.statements.record.get(passId, campusDay, at.getTime(), at.getTime()) as UsageRow);
  }

  pruneBefore(campusDay: number): number {
    return this.statements.prune.run(campusDay).changes;
  }
}

function toUsage(row: UsageRow): PassUsage {
  return {
    passId: row.pass_id,
    firstPassageAt: new Date(row.first_passage_at),
    lastPassageAt: new Date(row.last_passage_at),
    passages: row.passages,
  };
}

class SqliteBundleStateStore implements BundleStateStore {
  constructor(private readonly db: Database.Database) {}

  load(): { readonly version: number; readonly stateJson: string } | undefined {
    const row = this.db.prepare<[], { version: number; state_json: string }>('SELECT version, state_json FROM bundle_state').get();
    return row ? { version: row.version, stateJson: row.state_json } : undefined;
  }

  save(version: number, stateJson: string): void {
    this.db
      .prepare(
        `INSERT INTO bundle_state (id, version, state_json, saved_at) VALUES (1, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET version = excluded.version, state_json = excluded.state_json, saved_at = excluded.saved_at`,
      )
      .run(version, stateJson, Date.now());
  }
}

class SqliteClockStateStore implements ClockStateStore {
  constructor(private readonly db: Database.Database) {}

  lastTrustedTime(): Date | undefined {
    const row = this.db.prepare<[], { last_trusted_epoch: number }>('SELECT last_trusted_epoch FROM clock_state').get();
    return row ? new Date(row.last_trusted_epoch) : undefined;
  }

  /** Keeps the later of the stored and the given time: the persisted floor never moves back. */
  saveTrustedTime(at: Date): void {
    this.db
      .prepare(
        `INSERT INTO clock_state (id, last_trusted_epoch) VALUES (1, ?)
         ON CONFLICT (id) DO UPDATE SET last_trusted_epoch = max(last_trusted_epoch, excluded.last_trusted_epoch)`,
      )
      .run(at.getTime());
  }
}

/** The gate's durable state in one SQLite file: outbox, pass usage, bundle state and trusted time. */
export class SqliteGateStore {
  readonly outbox: OutboxStore;
  readonly usage: UsageStore;
  readonly bundle: BundleStateStore;
  readonly clock: ClockStateStore;
  readonly filePath: string;
  private readonly db: Database.Database;

  constructor(options: SqliteGateStoreOptions) {
    if (!(options.outbox.maxEvents >= 1) || !(options.outbox.alertThreshold > 0 && options.outbox.alertThreshold <= 1)) {
      throw new RangeError('outbox.maxEvents must be ≥ 1 and outbox.alertThreshold in (0, 1]');
    }
    this.filePath = options.filePath;
    this.db = openGateDatabase(options.filePath, { busyTimeoutMs: options.busyTimeoutMs });
    this.outbox = new SqliteOutboxStore(this.db, options.filePath, options.outbox);
    this.usage = new SqliteUsageStore(this.db);
    this.bundle = new SqliteBundleStateStore(this.db);
    this.clock = new SqliteClockStateStore(this.db);
    // Delivered events past their retention go at start-up too; the agent also prunes periodically.
    this.outbox.pruneDelivered(new Date());
  }

  /** The settings in force on this connection (for the health report and tests). */
  diagnostics(): { journalMode: string; synchronous: 'off' | 'normal' | 'full' | 'extra'; schemaVersion: number; busyTimeoutMs: number } {
    const synchronous = (['off', 'normal', 'full', 'extra'] as const)[this.db.pragma('synchronous', { simple: true }) as number] ?? 'off';
    return {
      journalMode: String(this.db.pragma('journal_mode', { simple: true })),
      synchronous,
      schemaVersion: this.db.pragma('user_version', { simple: true }) as number,
      busyTimeoutMs: this.db.pragma('busy_timeout', { simple: true }) as number,
    };
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
