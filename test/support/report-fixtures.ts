import { randomBytes, randomUUID } from 'node:crypto';

/**
 * Realistic entries for the reports: gates, alumni (with their eCards), guest passes and a stretch of days of gate
 * events written straight into PostgreSQL (as the ingestion worker would have stored them), plus an oracle that
 * computes every report figure from the same events in plain JavaScript (Hong Kong = UTC+8, no daylight saving).
 */

/** Runs one SQL statement: DataSource.query, or a pg client's query adapted to return rows. */
export type SqlQuery = (sql: string, parameters?: unknown[]) => Promise<Array<Record<string, unknown>>>;

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const HK_OFFSET_MS = 8 * HOUR_MS;

export interface SeededGate {
  readonly id: string;
  readonly name: string;
}

export interface SeededAlumnus {
  readonly ecardId: number;
  readonly alumniNumber: string;
  /** As printed on the eCard (and in the export). */
  readonly name: string;
}

export interface SeededEvent {
  readonly eventId: string;
  readonly gateId: string;
  readonly sequence: number;
  readonly type: 'scan' | 'passage' | 'forced-passage' | 'manual-open' | 'sensor-fault' | 'alert';
  readonly occurredAt: Date;
  readonly decision: 'granted' | 'denied' | null;
  readonly reason: string | null;
  readonly passId: string | null;
  readonly passKind: 'alumni-day' | 'guest' | null;
  readonly campusDay: number | null;
  readonly ecardId: number | null;
  readonly guestIndex: number | null;
  readonly passage: 'passed' | 'not-passed' | 'sensor-fault' | null;
  readonly operator: string | null;
  readonly flags: readonly string[];
  /** The holder's name as the export shows it ('' when no pass). */
  readonly holderName: string;
}

/** Names that spreadsheet programs would take for formulas, and names in Chinese, as people do type them. */
export const GATE_NAMES = ['North Entrance', 'South Gate', 'Library Side Door'] as const;
const ALUMNI = [
  { surname: '陳', givenName: '大文' },
  { surname: 'Wong', givenName: 'Siu Ming' },
  { surname: '李', givenName: '嘉欣' },
  { surname: '=SUM(1+1)', givenName: 'Evil' },
] as const;
export const GUEST_NAMES = [
  '=HYPERLINK("http://evil.example","click")',
  '+85291234567',
  '陳小明',
  '-2+3',
  '@SUM(A1:A2)',
  'Mary O"Brien, Jr.',
] as const;
export const DENIAL_CYCLE = ['wrong-day', 'revoked', 're-entry-window', 'bad-signature', 'outside-hours'] as const;

const dayValue = (date: string) => Date.parse(`${date}T00:00:00Z`);
export const isoDay = (value: number) => new Date(value).toISOString().slice(0, 10);
/** The instant of a Hong Kong wall-clock time on a Hong Kong day. */
export const hkInstant = (date: string, hour: number, minute = 0, second = 0, ms = 0) =>
  new Date(dayValue(date) - HK_OFFSET_MS + hour * HOUR_MS + minute * 60_000 + second * 1000 + ms);
/** The Hong Kong day (YYYY-MM-DD) and hour of an instant. */
export const hkDayOf = (instant: Date) => isoDay(instant.getTime() + HK_OFFSET_MS);
export const hkHourOf = (instant: Date) => new Date(instant.getTime() + HK_OFFSET_MS).getUTCHours();
const campusDay = (date: string) => dayValue(date) / DAY_MS;
/** Adds days to a YYYY-MM-DD. */
export const addDays = (date: string, days: number) => isoDay(dayValue(date) + days * DAY_MS);

const cardName = (surname: string, givenName: string) =>
  /[\u3400-\u9fff]/u.test(surname) && /[\u3400-\u9fff]/u.test(givenName) ? `${surname}${givenName}` : `${surname} ${givenName}`;

export interface SeededReportData {
  readonly gates: readonly SeededGate[];
  readonly alumni: readonly SeededAlumnus[];
  /** Every event written, including those just outside the range. */
  readonly events: readonly SeededEvent[];
  readonly from: string;
  readonly to: string;
}

/** Gates (active, with a random identity key) named {@link GATE_NAMES}. */
async function seedGates(query: SqlQuery, tag: string): Promise<SeededGate[]> {
  const gates: SeededGate[] = [];
  for (const name of GATE_NAMES) {
    const rows = await query(
      `INSERT INTO gate (name, public_key, status, created_at, enrolled_at) VALUES ($1, $2, 'active', now() - interval '2 years', now() - interval '2 years')
       RETURNING id`,
      [`${name}${tag}`, randomBytes(32)],
    );
    gates.push({ id: rows[0]!['id'] as string, name: `${name}${tag}` });
  }
  return gates;
}

/** Graduates with accounts and active eCards; personal id hashes set, so an export that leaked them would show. */
async function seedAlumni(query: SqlQuery): Promise<SeededAlumnus[]> {
  const alumni: SeededAlumnus[] = [];
  for (const person of ALUMNI) {
    const unique = randomUUID().slice(0, 8);
    const graduate = await query(
      `INSERT INTO graduate (student_number, surname, given_name, surname_key, given_name_key, date_of_birth, personal_id_hash)
       VALUES ($1, $2, $3, lower($2), lower($3), '1990-05-17', $4) RETURNING id`,
      [`R${unique}`, person.surname, person.givenName, randomBytes(32)],
    );
    const account = await query(
      `INSERT INTO alumni_account (graduate_id, email, created_at, updated_at) VALUES ($1, $2, now(), now()) RETURNING id`,
      [graduate[0]!['id'], `report-${unique}@example.com`],
    );
    const ecard = await query(
      `INSERT INTO ecard (account_id, graduate_id, status, activated_at, photo_status)
       VALUES ($1, $2, 'active', now() - interval '1 year', 'approved') RETURNING id, alumni_number`,
      [account[0]!['id'], graduate[0]!['id']],
    );
    alumni.push({
      ecardId: Number(ecard[0]!['id']),
      alumniNumber: ecard[0]!['alumni_number'] as string,
      name: cardName(person.surname, person.givenName),
    });
  }
  return alumni;
}

/**
 * Seeds `days` Hong Kong days from `from` (inclusive) of entries at three gates: alumni visits (each followed by its
 * passage event), some re-entries the same day, guests (one re-entering), denials with five reasons (some without a
 * pass), manual opens, forced passages and alerts; events exactly on the Hong Kong midnight (16:00 UTC) on both sides;
 * and four events just outside the range. `tag` makes gate names unique per test.
 */
export async function seedReportMonth(query: SqlQuery, from: string, days: number, tag = ''): Promise<SeededReportData> {
  const gates = await seedGates(query, tag);
  const alumni = await seedAlumni(query);
  const to = addDays(from, days - 1);
  const events: SeededEvent[] = [];
  const sequences = new Map<string, number>();
  const base = {
    decision: null,
    reason: null,
    passId: null,
    passKind: null,
    campusDay: null,
    ecardId: null,
    guestIndex: null,
    passage: null,
    operator: null,
    flags: [],
    holderName: '',
  } as const;
  const add = (gate: SeededGate, occurredAt: Date, fields: Partial<SeededEvent> & Pick<SeededEvent, 'type'>) => {
    const sequence = (sequences.get(gate.id) ?? 0) + 1;
    sequences.set(gate.id, sequence);
    events.push({ ...base, ...fields, eventId: randomUUID(), gateId: gate.id, sequence, occurredAt });
  };
  const alumniScan = (
    gate: SeededGate,
    at: Date,
    person: SeededAlumnus,
    date: string,
    decision: 'granted' | 'denied',
    reason: string | null,
  ) => {
    const passId = randomUUID();
    add(gate, at, {
      type: 'scan',
      decision,
      reason,
      passId,
      passKind: 'alumni-day',
      campusDay: campusDay(date),
      ecardId: person.ecardId,
      holderName: person.name,
    });
    if (decision === 'granted') {
      add(gate, new Date(at.getTime() + 2000), {
        type: 'passage',
        passage: 'passed',
        passId,
        passKind: 'alumni-day',
        campusDay: campusDay(date),
        ecardId: person.ecardId,
        holderName: person.name,
      });
    }
  };

  // Guest passes are real passes (the export reads the guest's name from them): one row per guest and day.
  const guestPass = async (host: SeededAlumnus, date: string, index: number, name: string) => {
    const id = randomUUID();
    await query(
      `INSERT INTO pass (id, kind, ecard_id, guest_index, guest_name, purpose, campus_day, kid, qr_text, status, share_token_hash, created_at)
       VALUES ($1, 'guest', $2, $3, $4, 'Visit', $5, '00000000', $6, 'active', $7, now())`,
      [id, host.ecardId, index, name, campusDay(date), `CP1:TEST${id.replaceAll('-', '').toUpperCase()}`, randomBytes(32)],
    );
    return { id, host, index, name, date };
  };

  for (let day = 0; day < days; day++) {
    const date = addDays(from, day);
    alumni.forEach((person, k) => {
      if ((day + k) % 3 === 0) return;
      const gate = gates[(day + k) % gates.length]!;
      alumniScan(gate, hkInstant(date, 8 + ((day * 3 + k * 5) % 12), (day * 7 + k * 11) % 60), person, date, 'granted', null);
      // The first alumnus comes back on even days through another gate: a second visit, the same unique alumnus.
      if (k === 0 && day % 2 === 0) {
        alumniScan(gates[(day + 1) % gates.length]!, hkInstant(date, 20, 15), person, date, 'granted', null);
      }
    });
    const guestCount = 1 + (day % 3);
    for (let index = 1; index <= guestCount; index++) {
      const host = alumni[day % alumni.length]!;
      const pass = await guestPass(host, date, index, GUEST_NAMES[(day + index) % GUEST_NAMES.length]!);
      const scan = (gate: SeededGate, at: Date) => {
        add(gate, at, {
          type: 'scan',
          decision: 'granted',
          passId: pass.id,
          passKind: 'guest',
          campusDay: campusDay(date),
          ecardId: host.ecardId,
          guestIndex: index,
          holderName: pass.name,
        });
        add(gate, new Date(at.getTime() + 1500), {
          type: 'passage',
          passage: 'passed',
          passId: pass.id,
          passKind: 'guest',
          campusDay: campusDay(date),
          ecardId: host.ecardId,
          guestIndex: index,
          holderName: pass.name,
        });
      };
      scan(gates[index % gates.length]!, hkInstant(date, 10 + index, 30));
      if (index === 1 && day % 5 === 0) scan(gates[(index + 1) % gates.length]!, hkInstant(date, 15, 45));
    }
    for (let n = 0; n < day % 4; n++) {
      const reason = DENIAL_CYCLE[(day + n) % DENIAL_CYCLE.length]!;
      const gate = gates[(day + n) % gates.length]!;
      const at = hkInstant(date, 7 + n * 4, 5);
      if (reason === 'bad-signature') add(gate, at, { type: 'scan', decision: 'denied', reason });
      else alumniScan(gate, at, alumni[(day + n) % alumni.length]!, date, 'denied', reason);
    }
    if (day % 7 === 3) {
      add(gates[0]!, hkInstant(date, 9, 0), { type: 'manual-open', operator: 'Gus Guard', flags: ['manual-open'] });
      add(gates[1]!, hkInstant(date, 21, 10), { type: 'forced-passage' });
      add(gates[2]!, hkInstant(date, 22, 0), { type: 'alert', reason: 'sensor-fault' });
    }
  }

  // The Hong Kong midnight (16:00 UTC): the last millisecond of a day and the first of the next, inside the range.
  const middle = addDays(from, Math.floor(days / 2));
  alumniScan(gates[0]!, new Date(hkInstant(middle, 0).getTime() - 1), alumni[1]!, addDays(middle, -1), 'granted', null);
  alumniScan(gates[0]!, hkInstant(middle, 0), alumni[2]!, middle, 'granted', null);
  // The range's own edges: its first instant and its last are in; one millisecond outside either end is not.
  alumniScan(gates[1]!, hkInstant(from, 0), alumni[1]!, from, 'granted', null);
  alumniScan(gates[1]!, new Date(hkInstant(addDays(to, 1), 0).getTime() - 1), alumni[2]!, to, 'granted', null);
  alumniScan(gates[2]!, new Date(hkInstant(from, 0).getTime() - 1), alumni[3]!, addDays(from, -1), 'granted', null);
  alumniScan(gates[2]!, hkInstant(addDays(to, 1), 0), alumni[3]!, addDays(to, 1), 'granted', null);
  add(gates[2]!, new Date(hkInstant(from, 0).getTime() - 1), { type: 'scan', decision: 'denied', reason: 'wrong-day' });
  add(gates[2]!, hkInstant(addDays(to, 1), 0), { type: 'scan', decision: 'denied', reason: 'wrong-day' });

  await insertEvents(query, events);
  return { gates, alumni, events, from, to };
}

/** Writes events as the ingestion worker stores them (payload and signature are placeholders: reports never read them). */
export async function insertEvents(query: SqlQuery, events: readonly SeededEvent[]): Promise<void> {
  for (let start = 0; start < events.length; start += 1000) {
    const batch = events.slice(start, start + 1000).map((event) => ({
      event_id: event.eventId,
      gate_id: event.gateId,
      sequence: event.sequence,
      type: event.type,
      occurred_at: event.occurredAt.toISOString(),
      clock_trusted: true,
      bundle_version: 1,
      decision: event.decision,
      reason: event.reason,
      pass_id: event.passId,
      pass_kind: event.passKind,
      pass_campus_day: event.campusDay,
      pass_ecard_id: event.ecardId,
      pass_guest_index: event.guestIndex,
      passage: event.passage,
      operator: event.operator,
      received_at: new Date(event.occurredAt.getTime() + 5000).toISOString(),
      flags: event.flags,
      payload: '{}',
      signature: `\\x${'00'.repeat(64)}`,
    }));
    await query(
      `INSERT INTO gate_event (event_id, gate_id, sequence, type, occurred_at, clock_trusted, bundle_version, decision, reason, pass_id,
                               pass_kind, pass_campus_day, pass_ecard_id, pass_guest_index, passage, operator, received_at, flags,
                               payload, signature)
       SELECT event_id, gate_id, sequence, type, occurred_at, clock_trusted, bundle_version, decision, reason, pass_id,
              pass_kind, pass_campus_day, pass_ecard_id, pass_guest_index, passage, operator, received_at, flags, payload, signature
         FROM json_populate_recordset(NULL::gate_event, $1::json)`,
      [JSON.stringify(batch)],
    );
  }
}

/** The report figures, computed from the events in JavaScript: what the portal's SQL must agree with. */
export function expectedSummary(data: SeededReportData, from: string, to: string, gateId: string | null = null) {
  const inRange = data.events.filter(
    (event) => hkDayOf(event.occurredAt) >= from && hkDayOf(event.occurredAt) <= to && (gateId === null || event.gateId === gateId),
  );
  const scans = inRange.filter((event) => event.type === 'scan');
  const granted = scans.filter((event) => event.decision === 'granted');
  const denied = scans.filter((event) => event.decision === 'denied');
  const days = [];
  for (let date = from; date <= to; date = addDays(date, 1)) {
    const ofDay = scans.filter((event) => hkDayOf(event.occurredAt) === date);
    days.push({
      date,
      alumni: ofDay.filter((event) => event.decision === 'granted' && event.passKind === 'alumni-day').length,
      guests: ofDay.filter((event) => event.decision === 'granted' && event.passKind === 'guest').length,
      denied: ofDay.filter((event) => event.decision === 'denied').length,
    });
  }
  const gates = data.gates
    .map((gate) => {
      const ofGate = scans.filter((event) => event.gateId === gate.id);
      return {
        gateId: gate.id,
        gateName: gate.name,
        visits: ofGate.filter((event) => event.decision === 'granted').length,
        alumni: ofGate.filter((event) => event.decision === 'granted' && event.passKind === 'alumni-day').length,
        guests: ofGate.filter((event) => event.decision === 'granted' && event.passKind === 'guest').length,
        denied: ofGate.filter((event) => event.decision === 'denied').length,
      };
    })
    .filter((gate) => gate.visits + gate.denied > 0);
  const reasons = new Map<string, number>();
  for (const event of denied) reasons.set(event.reason ?? 'unknown', (reasons.get(event.reason ?? 'unknown') ?? 0) + 1);
  return {
    totals: {
      visits: granted.length,
      alumniVisits: granted.filter((event) => event.passKind === 'alumni-day').length,
      guestVisits: granted.filter((event) => event.passKind === 'guest').length,
      denied: denied.length,
      uniqueAlumni: new Set(granted.filter((event) => event.passKind === 'alumni-day').map((event) => event.ecardId)).size,
      uniqueGuests: new Set(granted.filter((event) => event.passKind === 'guest').map((event) => event.passId)).size,
    },
    days,
    gates,
    hours: Array.from({ length: 24 }, (_, hour) => ({
      hour,
      visits: granted.filter((event) => hkHourOf(event.occurredAt) === hour).length,
    })),
    denials: [...reasons].map(([reason, count]) => ({ reason, count })),
    /** Every event of the range (all types): the export's rows. */
    entries: inRange,
  };
}
