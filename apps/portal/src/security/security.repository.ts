import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { GateEvent } from '@campuspass/contracts';
import type { EntryHolder, GateTile, LiveEntry } from '@campuspass/contracts';
import { ALUMNI_NAME_SEARCH_EXPRESSION } from '../core/database/migrations/1764370000000-alumni-admin.js';
import { campusDayOf } from '@campuspass/pass-token';
import { cardName } from '../gates/gate-bundle.service.js';
import type { StoredEntry } from '../entries/entry-events.js';
import { Clock } from '../identity/clock.js';

/** The photo a holder's tile shows: the card's current photo unless rejected, else the last approved one (as gates get). */
const PHOTO_ID_SQL = (ecard: string) => `coalesce(
  (SELECT ph.id FROM ecard_photo ph WHERE ph.id = ${ecard}.current_photo_id AND ph.review_status IN ('pending', 'approved')),
  (SELECT ph.id FROM ecard_photo ph WHERE ph.ecard_id = ${ecard}.id AND ph.review_status = 'approved'
    ORDER BY ph.reviewed_at DESC NULLS LAST LIMIT 1))`;

/** Besides today's passes, grants this recent show a photo (the live feed's backlog window, 10 minutes). */
export const PHOTO_RECENT_MS = 10 * 60_000;

/** One stored event with what the dashboard shows about it (gate name, holder); never a personal ID number. */
const ENTRY_SELECT = `
  SELECT ge.event_id, ge.gate_id, g.name AS gate_name, ge.sequence, ge.type, ge.decision, ge.reason,
         replace(ge.pass_id::text, '-', '') AS pass_id, ge.pass_kind, ge.pass_ecard_id, p.guest_name,
         gr.surname, gr.given_name, ${PHOTO_ID_SQL('e')} AS photo_id,
         ge.pass_campus_day, ge.passage, ge.operator, ge.clock_trusted, ge.occurred_at, ge.received_at, ge.flags,
         to_char(ge.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS occurred_key
    FROM gate_event ge
    JOIN gate g ON g.id = ge.gate_id
    LEFT JOIN pass p ON p.id = ge.pass_id
    LEFT JOIN ecard e ON e.id = ge.pass_ecard_id
    LEFT JOIN graduate gr ON gr.id = e.graduate_id`;

interface EntryRow {
  event_id: string;
  gate_id: string;
  gate_name: string;
  sequence: string;
  type: LiveEntry['type'];
  decision: LiveEntry['decision'];
  reason: string | null;
  pass_id: string | null;
  pass_kind: 'alumni-day' | 'guest' | null;
  pass_ecard_id: number | null;
  pass_campus_day: number | null;
  guest_name: string | null;
  surname: string | null;
  given_name: string | null;
  photo_id: string | null;
  passage: LiveEntry['passage'];
  operator: string | null;
  clock_trusted: boolean;
  occurred_at: Date;
  received_at: Date;
  flags: string[];
  occurred_key: string;
}

/** Where a holder's photo is served to security staff; `v` changes with the photo so a cached old one is not shown. */
export const holderPhotoUrl = (ecardId: number, photoId: string) => `/api/security/ecards/${ecardId}/photo?v=${photoId.slice(0, 8)}`;

/**
 * Denials of a QR code the portal did not sign (or could not read): the pass id, card and name in it are whatever
 * the forger wrote, so they are never resolved to a person nor counted against the real pass.
 */
export const FORGED_REASONS: readonly string[] = ['unknown-key', 'bad-signature', 'key-not-valid-for-day', 'malformed'];
const FORGED_REASONS_SQL = FORGED_REASONS.map((reason) => `'${reason}'`).join(', ');
/** SQL: the event `alias` is not the denial of a forged or unreadable QR code. */
export const NOT_FORGED_SQL = (alias: string) =>
  `NOT (${alias}.decision IS NOT DISTINCT FROM 'denied' AND ${alias}.reason IN (${FORGED_REASONS_SQL}))`;

export const isForgedDenial = (decision: string | null, reason: string | null) =>
  decision === 'denied' && reason !== null && FORGED_REASONS.includes(reason);

/** Which grants show the holder's photo: those of today's passes (Hong Kong) or within the feed's window. */
export interface PhotoWindow {
  readonly campusDay: number;
  readonly since: Date;
}

/** The photo endpoint serves exactly these (SecurityService.holderPhoto): a URL is given only when it will answer. */
const photoShown = (row: EntryRow, window: PhotoWindow) =>
  row.decision === 'granted' && row.photo_id !== null && (row.pass_campus_day === window.campusDay || row.occurred_at >= window.since);

function mapHolder(row: EntryRow, window: PhotoWindow): EntryHolder | null {
  if (row.pass_kind === null || row.pass_ecard_id === null) return null;
  if (isForgedDenial(row.decision, row.reason)) return null;
  const cardHolder = row.surname !== null && row.given_name !== null ? cardName(row.surname, row.given_name) : null;
  if (row.pass_kind === 'guest') {
    // No photo for a guest: the only photo is the host's, and a guard comparing it with the guest's face would be
    // misled (gates show none for guests either).
    return {
      name: row.guest_name ?? 'Guest (name unknown)',
      kind: 'guest',
      ecardId: row.pass_ecard_id,
      hostName: cardHolder,
      photoUrl: null,
    };
  }
  const photoUrl = photoShown(row, window) ? holderPhotoUrl(row.pass_ecard_id, row.photo_id!) : null;
  return { name: cardHolder ?? `eCard ${row.pass_ecard_id}`, kind: 'alumni-day', ecardId: row.pass_ecard_id, hostName: null, photoUrl };
}

function mapEntry(row: EntryRow, window: PhotoWindow): LiveEntry {
  return {
    eventId: row.event_id,
    gateId: row.gate_id,
    gateName: row.gate_name,
    sequence: Number(row.sequence),
    type: row.type,
    decision: row.decision,
    reason: row.reason,
    passId: row.pass_id,
    holder: mapHolder(row, window),
    passage: row.passage,
    operator: row.operator,
    clockTrusted: row.clock_trusted,
    occurredAt: row.occurred_at.toISOString(),
    receivedAt: row.received_at.toISOString(),
    flags: row.flags,
  };
}

/** Position in the search order (occurred_at, gate_id, event_id), newest first. */
export interface EntryCursor {
  /** occurred_at to the microsecond, ISO. */
  readonly occurredAt: string;
  readonly gateId: string;
  readonly eventId: string;
}

export interface EntryFilter {
  readonly q?: string;
  /** The words of `q` as name keys (graduate-names nameKey), matched each anywhere in a graduate's name. */
  readonly nameWords?: readonly string[];
  /** 32 hex digits. */
  readonly passId?: string;
  readonly gateId?: string;
  readonly decision?: 'granted' | 'denied';
  readonly from?: Date;
  readonly to?: Date;
  readonly after?: EntryCursor;
  readonly limit: number;
}

export interface EntryPageRows {
  readonly entries: LiveEntry[];
  /** Cursor of the last entry when there may be more. */
  readonly last: EntryCursor | null;
}

/** A pass's grants so far, as the handheld check weighs them. */
export interface PassUsage {
  /** Granted at least once (at any gate or handheld point). */
  readonly granted: boolean;
  /** The latest grant within the re-entry window, if any. */
  readonly grantedWithinWindowAt: Date | null;
}

/** What the handheld check needs about a pass row. */
export interface PassRow {
  readonly status: 'active' | 'cancelled' | 'revoked';
  readonly kind: 'alumni-day' | 'guest';
  readonly ecardId: number;
  readonly campusDay: number;
  readonly guestIndex: number | null;
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (character) => `\\${character}`);

@Injectable()
export class SecurityRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /** Photos are shown for grants of today (Hong Kong) or of the feed's window (see holderThumbnail). */
  private photoWindow(): PhotoWindow {
    const now = this.clock.now().getTime();
    return { campusDay: campusDayOf(now), since: new Date(now - PHOTO_RECENT_MS) };
  }

  /** The entries with these keys, as the feed shows them (order of the keys). */
  async entries(keys: ReadonlyArray<{ gateId: string; eventId: string }>): Promise<LiveEntry[]> {
    if (keys.length === 0) return [];
    const rows = (await this.dataSource.query(
      `${ENTRY_SELECT}
        JOIN unnest($1::uuid[], $2::uuid[]) WITH ORDINALITY AS k(gate_id, event_id, n) ON k.gate_id = ge.gate_id AND k.event_id = ge.event_id
       ORDER BY k.n`,
      [keys.map((key) => key.gateId), keys.map((key) => key.eventId)],
    )) as EntryRow[];
    const window = this.photoWindow();
    return rows.map((row) => mapEntry(row, window));
  }

  /**
   * The live-feed form of entries the worker has just stored, built from the stored events themselves: one read per
   * batch for what is not in them (gate names, and the holders' names and photos by eCard, guests' names by pass).
   * The same answer as `entries` for these keys, without reading the batch back from gate_event.
   */
  async liveEntries(stored: readonly StoredEntry[]): Promise<LiveEntry[]> {
    if (stored.length === 0) return [];
    const gateIds = new Set<string>();
    const ecardIds = new Set<number>();
    const guestPassIds = new Set<string>();
    for (const { event, gateId } of stored) {
      gateIds.add(gateId);
      const pass = event.pass;
      if (!pass || isForgedDenial(event.decision, event.reason)) continue;
      ecardIds.add(pass.ecardId);
      if (pass.kind === 'guest') guestPassIds.add(pass.passId.toLowerCase());
    }
    const rows = (await this.dataSource.query(
      `SELECT 'g' AS t, g.id::text AS id, g.name AS a, NULL AS b, NULL AS c FROM gate g WHERE g.id = ANY ($1::uuid[])
       UNION ALL
       SELECT 'e', e.id::text, gr.surname, gr.given_name, (${PHOTO_ID_SQL('e')})::text
         FROM ecard e LEFT JOIN graduate gr ON gr.id = e.graduate_id WHERE e.id = ANY ($2::int[])
       UNION ALL
       SELECT 'p', replace(p.id::text, '-', ''), p.guest_name, NULL, NULL FROM pass p WHERE p.id = ANY ($3::uuid[])`,
      [[...gateIds], [...ecardIds], [...guestPassIds]],
    )) as Array<{ t: 'g' | 'e' | 'p'; id: string; a: string | null; b: string | null; c: string | null }>;
    const gateNames = new Map<string, string>();
    const cards = new Map<string, { surname: string | null; givenName: string | null; photoId: string | null }>();
    const guestNames = new Map<string, string | null>();
    for (const row of rows) {
      if (row.t === 'g') gateNames.set(row.id, row.a!);
      else if (row.t === 'e') cards.set(row.id, { surname: row.a, givenName: row.b, photoId: row.c });
      else guestNames.set(row.id, row.a);
    }
    const window = this.photoWindow();
    const entries: LiveEntry[] = [];
    for (const { event, gateId, flags, receivedAt } of stored) {
      const gateName = gateNames.get(gateId);
      if (gateName === undefined) continue;
      const pass = event.pass;
      const passId = pass ? pass.passId.toLowerCase() : null;
      const card = pass ? cards.get(String(pass.ecardId)) : undefined;
      const row: EntryRow = {
        event_id: event.eventId.toLowerCase(),
        gate_id: gateId,
        gate_name: gateName,
        sequence: String(event.sequence),
        type: event.type,
        decision: event.decision,
        reason: event.reason,
        pass_id: passId,
        pass_kind: pass?.kind ?? null,
        pass_ecard_id: pass?.ecardId ?? null,
        pass_campus_day: pass?.campusDay ?? null,
        guest_name: passId !== null ? (guestNames.get(passId) ?? null) : null,
        surname: card?.surname ?? null,
        given_name: card?.givenName ?? null,
        photo_id: card?.photoId ?? null,
        passage: event.passage,
        operator: event.operator,
        clock_trusted: event.clockTrusted,
        occurred_at: new Date(event.occurredAt),
        received_at: receivedAt,
        flags: [...flags],
        occurred_key: '',
      };
      entries.push(mapEntry(row, window));
    }
    return entries;
  }

  /**
   * The latest `limit` entries that happened and arrived since `since`, oldest first (a fresh feed's backlog). By
   * occurrence, on its index: an outage's old events arriving now are not "live" (the search has them).
   */
  async recentEntries(since: Date, limit: number): Promise<LiveEntry[]> {
    const rows = (await this.dataSource.query(
      `SELECT * FROM (${ENTRY_SELECT} WHERE ge.occurred_at >= $1 AND ge.received_at >= $1
                       ORDER BY ge.occurred_at DESC, ge.received_at DESC LIMIT $2) recent
        ORDER BY occurred_at, received_at`,
      [since, limit],
    )) as EntryRow[];
    const window = this.photoWindow();
    return rows.map((row) => mapEntry(row, window));
  }

  /** One page of the entry search, newest first. */
  async searchEntries(filter: EntryFilter): Promise<EntryPageRows> {
    const conditions: string[] = [];
    const parameters: unknown[] = [];
    const parameter = (value: unknown) => {
      parameters.push(value);
      return `$${parameters.length}`;
    };
    if (filter.q !== undefined) {
      // The person's passes first (small, indexed lookups), then their entries through the pass index: never a scan
      // of every entry's names. Graduates match word by word through the trigram-indexed name expression of the AAO
      // search; guests by the guest name (trigram index of migration SecurityFixes); an alumni number exactly. A guest
      // pass matches by the guest's name and by the host's (the host's card holds it). Denials of forged QR codes
      // are left out: the pass id in them proves nothing about the person.
      const like = parameter(`%${escapeLike(filter.q)}%`);
      const exact = parameter(filter.q.toUpperCase());
      const words = (filter.nameWords ?? []).filter((word) => word.length > 0);
      // Unqualified columns of the expression resolve to graduate g2, the innermost scope (as the index is defined).
      const graduates =
        words.length > 0
          ? `SELECT e2.id FROM ecard e2 WHERE e2.graduate_id IN (
               SELECT g2.id FROM graduate g2
                WHERE ${words.map((word) => `${ALUMNI_NAME_SEARCH_EXPRESSION} LIKE ${parameter(`%${escapeLike(word)}%`)}`).join(' AND ')})
             UNION `
          : '';
      conditions.push(`ge.pass_id IN (
        SELECT p2.id FROM pass p2 WHERE p2.guest_name ILIKE ${like}
        UNION ALL
        SELECT p3.id FROM pass p3 WHERE p3.ecard_id IN (${graduates}SELECT e3.id FROM ecard e3 WHERE e3.alumni_number = ${exact}))`);
      conditions.push(NOT_FORGED_SQL('ge'));
    }
    if (filter.passId !== undefined) conditions.push(`ge.pass_id = ${parameter(filter.passId)}::uuid`);
    if (filter.gateId !== undefined) conditions.push(`ge.gate_id = ${parameter(filter.gateId)}::uuid`);
    if (filter.decision !== undefined) conditions.push(`ge.decision = ${parameter(filter.decision)}`);
    if (filter.from !== undefined) conditions.push(`ge.occurred_at >= ${parameter(filter.from)}`);
    if (filter.to !== undefined) conditions.push(`ge.occurred_at <= ${parameter(filter.to)}`);
    if (filter.after !== undefined) {
      // The plain bound lets the occurred_at index start at the cursor; the row comparison breaks ties.
      conditions.push(`ge.occurred_at <= ${parameter(filter.after.occurredAt)}::timestamptz`);
      conditions.push(
        `(ge.occurred_at, ge.gate_id, ge.event_id) < (${parameter(filter.after.occurredAt)}::timestamptz, ${parameter(filter.after.gateId)}::uuid, ${parameter(filter.after.eventId)}::uuid)`,
      );
    }
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const rows = (await this.dataSource.query(
      `${ENTRY_SELECT} ${where} ORDER BY ge.occurred_at DESC, ge.gate_id DESC, ge.event_id DESC LIMIT ${parameter(filter.limit + 1)}`,
      parameters,
    )) as EntryRow[];
    const page = rows.slice(0, filter.limit);
    const last = rows.length > filter.limit ? page[page.length - 1]! : null;
    return {
      entries: page.map((row) => mapEntry(row, this.photoWindow())),
      last: last ? { occurredAt: last.occurred_key, gateId: last.gate_id, eventId: last.event_id } : null,
    };
  }

  /** Turnstile gates with their latest heartbeat and latest scan. */
  async gateTiles(now: Date, onlineMs: number): Promise<GateTile[]> {
    const rows = (await this.dataSource.query(
      `SELECT g.id, g.name, g.status, g.policy->>'zone' AS zone, s.received_at, s.agent_version, s.bundle_version, s.clock_trusted,
              s.clock_offset_ms, s.outbox_pending, s.outbox_fill, s.relay, s.passage_sensor, s.input, s.fire_input,
              (s.received_at IS NOT NULL AND s.received_at >= $1::timestamptz - make_interval(secs => $2::double precision / 1000)) AS online,
              (SELECT ge.occurred_at FROM gate_event ge WHERE ge.gate_id = g.id AND ge.type = 'scan'
                ORDER BY ge.sequence DESC LIMIT 1) AS last_entry_at
         FROM gate g LEFT JOIN gate_status s ON s.gate_id = g.id
        WHERE g.kind = 'turnstile'
        ORDER BY g.name, g.id`,
      [now, onlineMs],
    )) as Array<Record<string, unknown>>;
    const iso = (value: unknown) => (value instanceof Date ? value.toISOString() : null);
    const numberOrNull = (value: unknown) => (value === null || value === undefined ? null : Number(value));
    return rows.map((row) => ({
      gateId: row.id as string,
      name: row.name as string,
      zone: (row.zone as string | null) ?? null,
      status: row.status as GateTile['status'],
      online: row.online as boolean,
      lastHeartbeatAt: iso(row.received_at),
      agentVersion: (row.agent_version as string | null) ?? null,
      bundleVersion: numberOrNull(row.bundle_version),
      clockTrusted: (row.clock_trusted as boolean | null) ?? null,
      clockOffsetMs: numberOrNull(row.clock_offset_ms),
      outboxPending: numberOrNull(row.outbox_pending),
      outboxFill: numberOrNull(row.outbox_fill),
      relay: (row.relay as string | null) ?? null,
      passageSensor: (row.passage_sensor as string | null) ?? null,
      input: (row.input as string | null) ?? null,
      fireInput: (row.fire_input as string | null) ?? null,
      lastEntryAt: iso(row.last_entry_at),
    }));
  }

  /**
   * The thumbnail security staff see for an eCard, null when there is none to show: only for a card whose
   * alumni-day pass was granted (at a turnstile or a handheld check) today (Hong Kong campus day) or within the
   * live feed's window. Never for a guest's entry (the only photo would be the host's), never for a forged QR code
   * (never granted), never for a card merely because it once had a pass: staff have no reason to browse photos.
   */
  async holderThumbnail(ecardId: number, campusDay: number, since: Date): Promise<Buffer | null> {
    const rows = (await this.dataSource.query(
      `SELECT ph.thumb_jpeg FROM ecard e JOIN ecard_photo ph ON ph.id = ${PHOTO_ID_SQL('e')}
        WHERE e.id = $1
          AND EXISTS (SELECT 1 FROM gate_event ge
                       WHERE ge.pass_ecard_id = e.id AND ge.pass_kind = 'alumni-day' AND ge.decision = 'granted'
                         AND (ge.pass_campus_day = $2 OR ge.occurred_at >= $3))`,
      [ecardId, campusDay, since],
    )) as Array<{ thumb_jpeg: Buffer }>;
    return rows[0]?.thumb_jpeg ?? null;
  }

  /** Every gate and handheld point (the entry search's gate filter), turnstiles first, by name. */
  async entryPoints(): Promise<Array<{ gateId: string; name: string; kind: 'turnstile' | 'handheld' }>> {
    const rows = (await this.dataSource.query(`SELECT id, name, kind FROM gate ORDER BY (kind = 'turnstile') DESC, name, id`)) as Array<{
      id: string;
      name: string;
      kind: 'turnstile' | 'handheld';
    }>;
    return rows.map((row) => ({ gateId: row.id, name: row.name, kind: row.kind }));
  }

  /** The handheld point with this name (case and surrounding space ignored), and whether a turnstile has the name. */
  async locationNamed(location: string): Promise<{ handheldName: string | null; turnstile: boolean }> {
    const rows = (await this.dataSource.query(
      `SELECT name, kind FROM gate WHERE lower(btrim(name)) = lower(btrim($1)) ORDER BY (kind = 'handheld') DESC, name LIMIT 5`,
      [location],
    )) as Array<{ name: string; kind: string }>;
    return {
      handheldName: rows.find((row) => row.kind === 'handheld')?.name ?? null,
      turnstile: rows.some((row) => row.kind === 'turnstile'),
    };
  }

  async pass(passId: string): Promise<PassRow | null> {
    const rows = (await this.dataSource.query(`SELECT status, kind, ecard_id, campus_day, guest_index FROM pass WHERE id = $1::uuid`, [
      passId,
    ])) as Array<{ status: PassRow['status']; kind: PassRow['kind']; ecard_id: number; campus_day: number; guest_index: number | null }>;
    const row = rows[0];
    return row
      ? { status: row.status, kind: row.kind, ecardId: row.ecard_id, campusDay: row.campus_day, guestIndex: row.guest_index }
      : null;
  }

  /**
   * Stores a handheld check as an entry of the location's handheld gate (created on first use), with the next
   * sequence of that gate. The gate row is locked while the sequence is taken, so concurrent checks at one location
   * get distinct, increasing sequences. The payload is the event JSON; there is no gate signature (empty).
   *
   * With `usageOf` (a verified pass), the pass's earlier grants are looked up and the event stored in ONE
   * transaction under a per-pass advisory lock (taken before the gate row, always in that order): two guards
   * checking the same pass at once are served one after the other, so a single-entry pass cannot be granted twice.
   */
  async insertHandheldEvent(
    location: string,
    build: (gateId: string, sequence: number, usage: PassUsage | null) => GateEvent,
    receivedAt: Date,
    flags: readonly string[],
    usageOf?: { readonly passId: string; readonly defaultWindowSeconds: number },
  ): Promise<GateEvent> {
    return this.dataSource.transaction(async (manager: EntityManager) => {
      let usage: PassUsage | null = null;
      if (usageOf) {
        await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 7341))`, [`handheld-pass:${usageOf.passId}`]);
        usage = await this.passUsage(manager, usageOf.passId, usageOf.defaultWindowSeconds, receivedAt);
      }
      await manager.query(
        `INSERT INTO gate (name, kind, status, created_at, enrolled_at) VALUES ($1, 'handheld', 'active', $2, $2)
         ON CONFLICT (name) WHERE kind = 'handheld' DO NOTHING`,
        [location, receivedAt],
      );
      const [gate] = (await manager.query(`SELECT id FROM gate WHERE kind = 'handheld' AND name = $1 FOR UPDATE`, [location])) as Array<{
        id: string;
      }>;
      const [next] = (await manager.query(`SELECT coalesce(max(sequence), 0) + 1 AS n FROM gate_event WHERE gate_id = $1`, [
        gate!.id,
      ])) as Array<{ n: string }>;
      const event = build(gate!.id, Number(next!.n), usage);
      await manager.query(
        `INSERT INTO gate_event (event_id, gate_id, sequence, type, occurred_at, clock_trusted, bundle_version, decision, reason,
                                 pass_id, pass_kind, pass_campus_day, pass_ecard_id, pass_guest_index, passage, scan_event_id,
                                 operator, detail, received_at, payload, signature, flags)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::uuid, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, ''::bytea, $21::text[])`,
        [
          event.eventId,
          event.gateId,
          event.sequence,
          event.type,
          event.occurredAt,
          event.clockTrusted,
          event.bundleVersion,
          event.decision,
          event.reason,
          event.pass?.passId ?? null,
          event.pass?.kind ?? null,
          event.pass?.campusDay ?? null,
          event.pass?.ecardId ?? null,
          event.pass?.guestIndex ?? null,
          event.passage,
          event.scanEventId,
          event.operator,
          event.detail,
          receivedAt,
          JSON.stringify(event),
          flags,
        ],
      );
      return event;
    });
  }

  /**
   * The pass's granted scans (any turnstile or handheld point; a pass is valid on one campus day, so these are
   * today's): whether there is any, and whether one lies within the re-entry window. The window of a grant is the
   * longer of the handheld point's (`defaultWindowSeconds`) and the granting gate's policy reEntryWindowSeconds, as
   * the ingestion's two-gates check combines them.
   */
  private async passUsage(manager: EntityManager, passId: string, defaultWindowSeconds: number, now: Date): Promise<PassUsage> {
    const [row] = (await manager.query(
      `SELECT count(*)::int AS grants,
              max(ge.occurred_at) FILTER (
                WHERE ge.occurred_at > $2::timestamptz - make_interval(secs => GREATEST($3::int, COALESCE((g.policy->>'reEntryWindowSeconds')::int, $3::int)))
              ) AS recent_at
         FROM gate_event ge JOIN gate g ON g.id = ge.gate_id
        WHERE ge.pass_id = $1::uuid AND ge.type = 'scan' AND ge.decision = 'granted'`,
      [passId, now, defaultWindowSeconds],
    )) as Array<{ grants: number; recent_at: Date | null }>;
    return { granted: row!.grants > 0, grantedWithinWindowAt: row!.recent_at };
  }

  async staffName(staffId: string): Promise<string | null> {
    const rows = (await this.dataSource.query(`SELECT name FROM staff_account WHERE id = $1`, [staffId])) as Array<{ name: string }>;
    return rows[0]?.name ?? null;
  }
}
