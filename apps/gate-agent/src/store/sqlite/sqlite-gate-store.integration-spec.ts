import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GATE_EVENT_FORMAT, type GateEvent } from '@campuspass/contracts';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { GateEventRecorder } from '../../agent/gate-event-recorder.js';
import { isOutboxFullError, isStoreError, StoreErrorCode } from '../store.error.js';
import { SqliteGateStore } from './sqlite-gate-store.js';

// Integration tier: the durability test runs the store in a child process (the built agent) and kills it.
const APPEND_LOOP = resolve(import.meta.dirname, '../../../dist/tools/outbox-append-loop.js');
const GATE_ID = '5b0c7c1e-3f0a-4f43-9f43-6a8d3c2f9e01';
const LIMITS = { maxEvents: 1000, retentionDays: 30, alertThreshold: 0.8 };

function alertEvent(overrides: Partial<GateEvent> = {}): Omit<GateEvent, 'sequence'> {
  return {
    format: GATE_EVENT_FORMAT,
    eventId: randomUUID(),
    gateId: GATE_ID,
    type: 'alert',
    occurredAt: new Date().toISOString(),
    clockTrusted: true,
    bundleVersion: 3,
    decision: null,
    reason: 'test',
    pass: null,
    passage: null,
    scanEventId: null,
    operator: null,
    detail: null,
    ...overrides,
  };
}

const PASS: NonNullable<GateEvent['pass']> = { passId: 'ab'.repeat(16), kind: 'guest', campusDay: 20419, ecardId: 7, guestIndex: 1 };

function grantedScan(overrides: Partial<GateEvent> = {}): Omit<GateEvent, 'sequence'> {
  return alertEvent({ type: 'scan', decision: 'granted', reason: null, pass: PASS, ...overrides });
}

function passageOf(scan: GateEvent, passage: GateEvent['passage'] = 'passed'): Omit<GateEvent, 'sequence'> {
  return alertEvent({ type: 'passage', reason: null, passage, scanEventId: scan.eventId, pass: scan.pass });
}

describe('SqliteGateStore', () => {
  let dir: string;
  let filePath: string;
  const open: SqliteGateStore[] = [];
  const openStore = (limits = LIMITS) => {
    const store = new SqliteGateStore({ filePath, outbox: limits });
    open.push(store);
    return store;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gate-store-'));
    filePath = join(dir, 'data', 'gate.sqlite');
  });
  afterEach(() => {
    for (const store of open.splice(0)) store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the file owner-only, in WAL mode with synchronous=FULL and the schema migrated', () => {
    const store = openStore();
    store.outbox.append(alertEvent());
    expect(store.diagnostics()).toEqual({ journalMode: 'wal', synchronous: 'full', schemaVersion: 2, busyTimeoutMs: 5000 });
    expect(statSync(filePath).mode & 0o777).toBe(0o600);
    expect(statSync(`${filePath}-wal`).mode & 0o777).toBe(0o600);
    const reader = new Database(filePath, { readonly: true });
    try {
      expect(reader.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(reader.pragma('user_version', { simple: true })).toBe(2);
    } finally {
      reader.close();
    }
  });

  it('assigns sequences 1, 2, 3… that keep increasing across a reopen and after delivered events are pruned', () => {
    let store = openStore();
    const first = [store.outbox.append(alertEvent()), store.outbox.append(alertEvent())];
    expect(first.map((event) => event.sequence)).toEqual([1, 2]);
    store.outbox.markDelivered(first.map((event) => event.eventId));
    expect(store.outbox.pruneDelivered(new Date(Date.now() + 31 * 86_400_000))).toBe(2);
    store.close();

    store = openStore();
    expect(store.outbox.append(alertEvent()).sequence).toBe(3);
    expect(store.outbox.peek(10).map((entry) => entry.sequence)).toEqual([3]);
  });

  it('peeks pending events oldest first with their attempts, and forgets them once delivered', () => {
    const store = openStore();
    const events = [1, 2, 3].map(() => store.outbox.append(alertEvent()));
    store.outbox.markAttemptFailed([events[0]!.eventId]);
    const peeked = store.outbox.peek(2);
    expect(peeked.map((entry) => [entry.sequence, entry.attempts])).toEqual([
      [1, 1],
      [2, 0],
    ]);
    expect(peeked[0]!.event).toEqual(events[0]);
    store.outbox.markDelivered([events[0]!.eventId, events[1]!.eventId]);
    expect(store.outbox.peek(10).map((entry) => entry.event.eventId)).toEqual([events[2]!.eventId]);
  });

  it('refuses an event that breaks the contract, naming the field', () => {
    const store = openStore();
    expect(() => store.outbox.append(alertEvent({ gateId: 'north-1' }))).toThrow(/gateId/);
    expect(store.outbox.status().pending).toBe(0);
  });

  it('throws OutboxFullError at capacity, alerts at the threshold, and accepts again after delivery', () => {
    const store = openStore({ maxEvents: 10, retentionDays: 1, alertThreshold: 0.8 });
    const appended = Array.from({ length: 7 }, () => store.outbox.append(alertEvent()));
    expect(store.outbox.status()).toMatchObject({ pending: 7, capacity: 10, fill: 0.7, aboveAlertThreshold: false });
    appended.push(store.outbox.append(alertEvent()));
    expect(store.outbox.status()).toMatchObject({ pending: 8, fill: 0.8, alertThreshold: 0.8, aboveAlertThreshold: true });
    appended.push(store.outbox.append(alertEvent()), store.outbox.append(alertEvent()));

    let error: unknown;
    try {
      store.outbox.append(alertEvent());
    } catch (caught) {
      error = caught;
    }
    expect(isOutboxFullError(error)).toBe(true);
    expect((error as Error).message).toMatch(/maxEvents/);
    expect(store.outbox.status().pending).toBe(10);

    store.outbox.markDelivered([appended[0]!.eventId]);
    expect(store.outbox.append(alertEvent()).sequence).toBe(11);
  });

  it('prunes delivered events only after the retention period, and never undelivered ones', () => {
    const store = openStore({ maxEvents: 1000, retentionDays: 2, alertThreshold: 0.8 });
    const [delivered, pending] = [store.outbox.append(alertEvent()), store.outbox.append(alertEvent())];
    store.outbox.markDelivered([delivered!.eventId]);
    expect(store.outbox.pruneDelivered(new Date(Date.now() + 86_400_000))).toBe(0);
    expect(store.outbox.pruneDelivered(new Date(Date.now() + 3 * 86_400_000))).toBe(1);
    expect(store.outbox.peek(10).map((entry) => entry.event.eventId)).toEqual([pending!.eventId]);
    expect(store.outbox.status().oldestPendingAt?.toISOString()).toBe(pending!.occurredAt);
  });

  it('keeps usage, bundle state and a trusted time that never moves back across a reopen', () => {
    let store = openStore();
    const passId = 'ab'.repeat(16);
    store.usage.recordPassage(passId, 100, new Date('2026-11-27T08:00:00Z'));
    store.usage.recordPassage('cd'.repeat(16), 99, new Date('2026-11-26T08:00:00Z'));
    store.bundle.save(7, '{"keys":[]}');
    store.clock.saveTrustedTime(new Date('2026-11-27T09:00:00Z'));
    store.clock.saveTrustedTime(new Date('2026-11-27T08:00:00Z'));
    store.close();

    store = openStore();
    const usage = store.usage.recordPassage(passId, 100, new Date('2026-11-27T10:00:00Z'));
    expect(usage).toEqual({
      passId,
      passages: 2,
      firstPassageAt: new Date('2026-11-27T08:00:00Z'),
      lastPassageAt: new Date('2026-11-27T10:00:00Z'),
    });
    expect(store.usage.pruneBefore(100)).toBe(1);
    expect(store.usage.get('cd'.repeat(16))).toBeUndefined();
    expect(store.bundle.load()).toEqual({ version: 7, stateJson: '{"keys":[]}' });
    expect(store.clock.lastTrustedTime()).toEqual(new Date('2026-11-27T09:00:00Z'));
  });

  describe('open grants', () => {
    /** Makes every write to open_grant fail, from another connection, as a full disk or an I/O error would. */
    const failOpenGrantWrites = (operation: 'INSERT' | 'DELETE') => {
      const db = new Database(filePath);
      try {
        db.exec(`CREATE TRIGGER fail_open_grant BEFORE ${operation} ON open_grant BEGIN SELECT RAISE(ABORT, 'disk trouble'); END`);
      } finally {
        db.close();
      }
    };
    const recorderOn = (store: SqliteGateStore, now: Date) =>
      new GateEventRecorder({ gateId: GATE_ID, outbox: store.outbox, clock: () => ({ now, trusted: true }), bundleVersion: () => 3 });

    it('keeps a granted scan open with its event until its passage is appended, each in one transaction', () => {
      const store = openStore();
      const scan = store.outbox.append(grantedScan(), { opensGrant: true });
      store.outbox.append(grantedScan({ decision: 'denied', reason: 'revoked' }));
      const manual = store.outbox.append(alertEvent({ type: 'manual-open', reason: null, operator: 'Guard Lam' }), { opensGrant: true });
      expect(store.outbox.openGrants()).toEqual([
        { scanEventId: scan.eventId, grantedAt: new Date(scan.occurredAt), grantEvent: scan },
        { scanEventId: manual.eventId, grantedAt: new Date(manual.occurredAt), grantEvent: manual },
      ]);
      // The pass's grant is underway (the manual open has no pass).
      expect(store.outbox.openGrantsOfPass(PASS.passId)).toEqual({ count: 1, lastGrantedAt: new Date(scan.occurredAt) });
      store.outbox.append(passageOf(scan, 'not-passed'));
      expect(store.outbox.openGrants().map((grant) => grant.scanEventId)).toEqual([manual.eventId]);
      expect(store.outbox.openGrantsOfPass(PASS.passId)).toBeUndefined();
      expect(() => store.outbox.append(alertEvent(), { opensGrant: true })).toThrow(/opens a grant/);

      // The grant row cannot be written: the scan is not recorded either (no grant without its open row).
      failOpenGrantWrites('INSERT');
      const pendingBefore = store.outbox.status().pending;
      expect(() => store.outbox.append(grantedScan(), { opensGrant: true })).toThrow(/disk trouble/);
      expect(store.outbox.status().pending).toBe(pendingBefore);
      expect(store.outbox.openGrants()).toHaveLength(1);
    });

    it('does not record a passage whose grant cannot be closed (both or neither)', () => {
      const store = openStore();
      const scan = store.outbox.append(grantedScan(), { opensGrant: true });
      failOpenGrantWrites('DELETE');
      expect(() => store.outbox.append(passageOf(scan))).toThrow(/disk trouble/);
      expect(store.outbox.peek(10).map((entry) => entry.event.type)).toEqual(['scan']);
      expect(store.outbox.openGrants().map((grant) => grant.scanEventId)).toEqual([scan.eventId]);
    });

    it('keeps a grant open across a crash before its passage; the next start records it interrupted, once', () => {
      let store = openStore();
      const scan = store.outbox.append(grantedScan(), { opensGrant: true });
      const ended = store.outbox.append(grantedScan(), { opensGrant: true });
      store.outbox.append(passageOf(ended));
      store.outbox.markDelivered([scan.eventId]); // delivered but not yet pruned: its pass is still there to copy
      store.close(); // the process dies here: no passage for `scan`

      store = openStore();
      expect(store.outbox.openGrants()).toEqual([{ scanEventId: scan.eventId, grantedAt: new Date(scan.occurredAt), grantEvent: scan }]);
      const restartedAt = new Date(Date.parse(scan.occurredAt) + 60_000);
      expect(recorderOn(store, restartedAt).recordInterruptedPassages()).toBe(1);
      expect(store.outbox.openGrants()).toEqual([]);
      const interrupted = store.outbox.peek(10).filter((entry) => entry.event.passage === 'interrupted');
      expect(interrupted.map((entry) => entry.event)).toEqual([
        expect.objectContaining({
          type: 'passage',
          passage: 'interrupted',
          scanEventId: scan.eventId,
          pass: PASS,
          clockTrusted: true,
          occurredAt: restartedAt.toISOString(),
          detail: `the gate agent stopped before this passage ended (restarted at ${restartedAt.toISOString()})`,
        }),
      ]);
      // Fail secure, in the same transaction: the person may have gone through, so the pass counts as used at its
      // grant time (the passage of `ended` recorded no usage: it was appended without any).
      expect(store.usage.get(PASS.passId)).toEqual({
        passId: PASS.passId,
        firstPassageAt: new Date(scan.occurredAt),
        lastPassageAt: new Date(scan.occurredAt),
        passages: 1,
      });
      store.close();

      store = openStore();
      const pendingBefore = store.outbox.status().pending;
      expect(recorderOn(store, new Date()).recordInterruptedPassages()).toBe(0);
      expect(store.outbox.status().pending).toBe(pendingBefore);
    });

    it('stamps an interrupted passage no earlier than its grant when the clock came back behind', () => {
      let store = openStore();
      const scan = store.outbox.append(grantedScan(), { opensGrant: true });
      store.close();
      store = openStore();
      const behind = new Date(Date.parse(scan.occurredAt) - 45_000); // no real-time clock: the last checkpoint
      expect(recorderOn(store, behind).recordInterruptedPassages()).toBe(1);
      const [interrupted] = store.outbox.peek(10).filter((entry) => entry.event.passage === 'interrupted');
      expect(interrupted!.event.occurredAt).toBe(scan.occurredAt);
      expect(interrupted!.event.detail).toContain(`restarted at ${behind.toISOString()}`);
    });

    it('records a passage’s usage in the transaction of its event: both or neither', () => {
      const store = openStore();
      const first = store.outbox.append(grantedScan(), { opensGrant: true });
      const at = new Date();
      store.outbox.append(passageOf(first), { usage: { passId: PASS.passId, campusDay: PASS.campusDay, at } });
      expect(store.usage.get(PASS.passId)).toMatchObject({ passages: 1, lastPassageAt: at });
      expect(() => store.outbox.append(grantedScan(), { usage: { passId: PASS.passId, campusDay: 1, at } })).toThrow(
        /Only a passage event records/,
      );

      const second = store.outbox.append(grantedScan(), { opensGrant: true });
      failOpenGrantWrites('DELETE');
      expect(() =>
        store.outbox.append(passageOf(second), { usage: { passId: PASS.passId, campusDay: PASS.campusDay, at: new Date() } }),
      ).toThrow(/disk trouble/);
      expect(store.usage.get(PASS.passId)).toMatchObject({ passages: 1, lastPassageAt: at });
    });

    it('takes the outcome of a grant it holds open even when full, and nothing else', () => {
      const store = openStore({ maxEvents: 3, retentionDays: 1, alertThreshold: 0.8 });
      store.outbox.append(alertEvent());
      const grant = store.outbox.append(grantedScan(), { opensGrant: true });
      store.outbox.append(alertEvent());
      expect(() => store.outbox.append(alertEvent())).toThrow(/maxEvents/);
      expect(() => store.outbox.append(grantedScan(), { opensGrant: true })).toThrow(/maxEvents/);
      // A passage naming no open grant is no exception.
      expect(() => store.outbox.append(passageOf({ ...grant, eventId: randomUUID() } as GateEvent))).toThrow(/maxEvents/);
      store.outbox.append(passageOf(grant), { usage: { passId: PASS.passId, campusDay: PASS.campusDay, at: new Date() } });
      expect(store.outbox.status().pending).toBe(4);
      expect(store.outbox.openGrants()).toEqual([]);
      expect(store.usage.get(PASS.passId)).toMatchObject({ passages: 1 });
      // Its grant is closed now: a second outcome for it is refused like any other event.
      expect(() => store.outbox.append(passageOf(grant))).toThrow(/maxEvents/);
    });

    it('records an interrupted passage with no pass once the grant’s event was pruned', () => {
      let store = openStore({ maxEvents: 1000, retentionDays: 1, alertThreshold: 0.8 });
      const scan = store.outbox.append(grantedScan(), { opensGrant: true });
      store.outbox.markDelivered([scan.eventId]);
      expect(store.outbox.pruneDelivered(new Date(Date.now() + 2 * 86_400_000))).toBe(1);
      store.close();

      store = openStore();
      expect(store.outbox.openGrants()).toEqual([
        { scanEventId: scan.eventId, grantedAt: new Date(scan.occurredAt), grantEvent: undefined },
      ]);
      expect(recorderOn(store, new Date()).recordInterruptedPassages()).toBe(1);
      expect(store.outbox.peek(10).map((entry) => entry.event)).toEqual([
        expect.objectContaining({ passage: 'interrupted', scanEventId: scan.eventId, pass: null }),
      ]);
    });
  });

  it('lets readers on other connections read while a writer appends (WAL)', () => {
    const writer = openStore();
    writer.outbox.append(alertEvent());
    const readers = [openStore(), openStore()];
    const db = new Database(filePath);
    try {
      // An open read transaction on another connection does not block appends, and keeps its snapshot.
      db.exec('BEGIN');
      expect(db.prepare('SELECT count(*) AS n FROM outbox').get()).toEqual({ n: 1 });
      for (let index = 0; index < 50; index += 1) writer.outbox.append(alertEvent());
      expect(db.prepare('SELECT count(*) AS n FROM outbox').get()).toEqual({ n: 1 });
      db.exec('COMMIT');
      expect(db.prepare('SELECT count(*) AS n FROM outbox').get()).toEqual({ n: 51 });
      for (const reader of readers) expect(reader.outbox.status().pending).toBe(51);
      // Two connections appending in turn still get distinct, increasing numbers.
      const sequences = [readers[0]!, readers[1]!, writer].map((store) => store.outbox.append(alertEvent()).sequence);
      expect(sequences).toEqual([52, 53, 54]);
    } finally {
      db.close();
    }
  });

  it('names the file and the fix when the database is not SQLite', () => {
    writeFileSync(join(dir, 'broken.sqlite'), 'this is not a database, just text that filled the first page'.repeat(100));
    filePath = join(dir, 'broken.sqlite');
    let error: unknown;
    try {
      openStore();
    } catch (caught) {
      error = caught;
    }
    expect(isStoreError(error) && error.code).toBe(StoreErrorCode.Unreadable);
    expect((error as Error).message).toContain(filePath);
    expect((error as Error).message).toMatch(/move the file aside/);
  });

  it('keeps every append that committed before the writing process was killed with SIGKILL', async () => {
    expect(existsSync(APPEND_LOOP)).toBe(true); // built by `npm run build:ts` (npm test builds first)
    const child: ChildProcess = spawn(process.execPath, [APPEND_LOOP, '--db', filePath, '--gate', GATE_ID], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    let lastReported = 0;
    let buffered = '';
    const exited = new Promise<NodeJS.Signals | null>((resolveExit) => child.on('exit', (_code, signal) => resolveExit(signal)));
    await new Promise<void>((resolveKill, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        if (lines.length > 0) lastReported = Number(lines.at(-1));
        if (lastReported >= 300 && !child.killed) {
          child.kill('SIGKILL');
          resolveKill();
        }
      });
      child.on('exit', () => (lastReported >= 300 ? resolveKill() : reject(new Error(`append loop ended early: ${stderr}`))));
    });
    expect(await exited).toBe('SIGKILL');

    const store = openStore();
    const { pending } = store.outbox.status();
    // Everything reported was committed; at most the append in flight at the kill may also be there.
    expect(pending).toBeGreaterThanOrEqual(lastReported);
    expect(pending).toBeLessThanOrEqual(lastReported + 1);
    const sequences = store.outbox.peek(pending).map((entry) => entry.sequence);
    expect(sequences).toEqual(Array.from({ length: pending }, (_, index) => index + 1));
    expect(store.outbox.append(alertEvent()).sequence).toBe(pending + 1);
  });
});
