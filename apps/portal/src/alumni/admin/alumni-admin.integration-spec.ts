import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { campusDayOf, campusDayToIsoDate } from '@campuspass/pass-token';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { activateEcard, ecardOf } from '../../../../../test/support/ecard-fixtures.js';
import { createGate } from '../../../../../test/support/gate-fixtures.js';
import { post, registerAndSignIn, send, type HttpSession } from '../../../../../test/support/http-sessions.js';
import { startTestPortal, type TestPortal } from '../../../../../test/support/portal-app.js';
import { startTestSmtpServer, type TestSmtpServer } from '../../../../../test/support/smtp.js';
import { AAO_ADMIN, AUDITOR, createStaffAndSignIn, SECURITY_GUARD } from '../../../../../test/support/staff-fixtures.js';
import { AuditService } from '../../admin/audit.service.js';
import { KeysService } from '../../keys/keys.service.js';
import { RegistryService } from '../registry.service.js';
import { AlumniAdminService } from './alumni-admin.service.js';

const DAY_MS = 86_400_000;
const HEADER =
  'student_number,surname,given_name,date_of_birth,personal_id,email,programme,award,institution,graduation_year,student_netid';
const ROWS = [
  '50000001A,陳,大文,1990-05-17,A123456(3),alice@example.com,BSc Computing,BSc,PolyU,2012,',
  '50000001A,陳,大文,1990-05-17,A123456(3),alice@example.com,MSc Information Systems,MSc,PolyU,2015,',
  '50000002B,Wong,Siu Ming,1988-01-02,,bob@example.com,BA Design,BA,HKCC,2010,',
  // One person, two degrees, two Student NetIDs.
  '60000007G,Tse,Hoi,1990-09-09,,tse.hoi@old.example.com,BSc Physics,BSc,PolyU,2012,12000007g',
  '65000007G,Tse,Hoi,1990-09-09,,tse.hoi@old.example.com,MSc Physics,MSc,PolyU,2015,15000007g',
  // 25 graduates named Pager, for the pagination.
  ...Array.from(
    { length: 25 },
    (_, index) =>
      `7${String(index).padStart(7, '0')}P,Pager,Person ${String.fromCharCode(65 + index)},1980-01-01,,pager${index}@example.com,BA Design,BA,PolyU,2000,`,
  ),
];
const ALICE = { surname: '陳', givenName: '大文', dateOfBirth: '1990-05-17', email: 'alice@example.com' };

interface Hit {
  graduateId: string;
  name: { surname: string; givenName: string };
  studentNumber: string;
  alumniNumber: string | null;
  accountEmail: string | null;
  ecardStatus: string;
  awards: Array<{ programme: string; graduationYear: number }>;
}

describe('AAO alumni search and detail (PostgreSQL, real HTTP app)', () => {
  let portal: TestPortal;
  let smtp: TestSmtpServer;
  const sessions: Record<string, HttpSession> = {};
  const server = () => portal.app.getHttpServer();
  const query = <T>(sql: string, params: unknown[] = []) => portal.app.get(DataSource).query(sql, params) as Promise<T>;
  const search = (q: string, extra: Record<string, string | number> = {}, who = sessions.admin!) =>
    who.agent.get('/api/admin/alumni').query({ q, ...extra });
  const studentNumbers = (hits: Hit[]) => hits.map((hit) => hit.studentNumber);
  let aliceId: string;
  let alumniNumber: string;
  let gateId: string;

  beforeAll(async () => {
    smtp = await startTestSmtpServer();
    portal = await startTestPortal({ SMTP_URL: smtp.url, PUBLIC_URL: 'https://alumni.example.edu' }, { workers: true });
    const report = await portal.app.get(RegistryService).importCsv(Readable.from([[HEADER, ...ROWS].join('\n')]));
    expect(report.rejectedCount).toBe(0);
    await portal.app.get(KeysService).rotate({ now: new Date(Date.now() - 3 * DAY_MS) });
    sessions.admin = await createStaffAndSignIn(portal, smtp, AAO_ADMIN);
    sessions.auditor = await createStaffAndSignIn(portal, smtp, AUDITOR);
    sessions.guard = await createStaffAndSignIn(portal, smtp, SECURITY_GUARD);
    sessions.alice = await registerAndSignIn(server(), smtp, ALICE);
    await activateEcard(sessions.alice, 3);
    const ecard = await ecardOf(portal, 'alice@example.com');
    [{ id: aliceId, alumni_number: alumniNumber }] = await query<Array<{ id: string; alumni_number: string }>>(
      `SELECT g.id, e.alumni_number FROM graduate g JOIN ecard e ON e.graduate_id = g.id WHERE e.id = $1`,
      [ecard.id],
    );
    // A day pass and a guest pass, and two scans of them at a gate.
    const dayPass = (await sessions.alice.agent.get('/api/passes/today').expect(200)).body as { passId: string };
    const purpose = (await sessions.alice.agent.get('/api/guest-passes/policy').expect(200)).body.purposes[0] as string;
    const tomorrow = campusDayToIsoDate(campusDayOf(Date.now()) + 1);
    await post(sessions.alice, '/api/guest-passes', { date: tomorrow, purpose, guests: ['Grace Guest'] }).expect(201);
    ({ gateId } = await createGate(portal, 'Main Gate North'));
    const scan = (sequence: number, decision: string, reason: string | null, occurredAt: Date) =>
      query(
        `INSERT INTO gate_event (event_id, gate_id, sequence, type, occurred_at, clock_trusted, bundle_version, decision, reason,
           pass_id, pass_kind, pass_campus_day, pass_ecard_id, received_at, payload, signature)
         VALUES ($1, $2, $3, 'scan', $4, true, 1, $5, $6, $7, 'alumni-day', $8, $9, now(), '{}', '\\x00')`,
        [randomUUID(), gateId, sequence, occurredAt, decision, reason, dayPass.passId, campusDayOf(Date.now()), ecard.id],
      );
    await scan(1, 'granted', null, new Date(Date.now() - 60_000));
    await scan(2, 'denied', 're-entry-too-soon', new Date(Date.now() - 30_000));
  });

  afterAll(async () => {
    await portal?.close();
    await smtp?.close();
  });

  it('finds by name in English or Chinese, in any order, partially and in any case', async () => {
    for (const q of ['siu ming wong', 'WONG Siu', 'wong', 'siu mi', 'Wong SiuMing']) {
      const found = await search(q).expect(200);
      expect({ q, found: studentNumbers(found.body.hits) }).toEqual({ q, found: ['50000002B'] });
    }
    for (const q of ['陳大文', '大文', '大文 陳', '陳 大']) {
      const found = await search(q).expect(200);
      expect({ q, found: studentNumbers(found.body.hits) }).toEqual({ q, found: ['50000001A'] });
    }
    // Same name: in id order, which is random; compared as sets.
    for (const q of ['hoi tse', 'tse.hoi@old']) {
      expect(studentNumbers((await search(q).expect(200)).body.hits).sort()).toEqual(['60000007G', '65000007G']);
    }
    expect((await search('nobody-like-this').expect(200)).body).toEqual({ hits: [], nextCursor: null });
    // LIKE wildcards are taken literally.
    expect((await search('%%').expect(200)).body.hits).toEqual([]);
    expect((await search('_%').expect(200)).body.hits).toEqual([]);
  });

  it('has the trigram index for names (pg_trgm is available on this server) and prefix indexes for identifiers', async () => {
    const indexes = await query<Array<{ indexname: string; indexdef: string }>>(
      `SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE 'aao\\_%' ORDER BY indexname`,
    );
    expect(indexes.map((index) => index.indexname)).toEqual(
      expect.arrayContaining([
        'aao_graduate_name_search_trgm_idx',
        'aao_graduate_student_number_prefix_idx',
        'aao_alumni_account_email_prefix_idx',
      ]),
    );
    expect(indexes.find((index) => index.indexname === 'aao_graduate_name_search_trgm_idx')?.indexdef).toMatch(/USING gin .*gin_trgm_ops/);
  });

  it('finds by student number, alumni number, email and NetID (from their start)', async () => {
    const cases: Array<[string, string[]]> = [
      ['50000001A', ['50000001A']],
      ['50000002b', ['50000002B']],
      ['6000000', ['60000007G']],
      [alumniNumber, ['50000001A']],
      [alumniNumber.toLowerCase(), ['50000001A']],
      ['alice@example', ['50000001A']],
      ['BOB@EXAMPLE.COM', ['50000002B']],
      ['15000007G', ['65000007G']],
      ['12000007', ['60000007G']],
    ];
    for (const [q, expected] of cases) {
      const found = await search(q).expect(200);
      expect({ q, found: studentNumbers(found.body.hits) }).toEqual({ q, found: expected });
    }
  });

  it('answers each hit with the name, numbers, awards, account email and eCard status', async () => {
    const [alice] = (await search('陳大文').expect(200)).body.hits as Hit[];
    expect(alice).toEqual({
      graduateId: aliceId,
      name: { surname: '陳', givenName: '大文' },
      studentNumber: '50000001A',
      alumniNumber,
      accountEmail: 'alice@example.com',
      ecardStatus: 'active',
      awards: [
        { programme: 'BSc Computing', award: 'BSc', institution: 'PolyU', graduationYear: 2012, polyuAward: true },
        { programme: 'MSc Information Systems', award: 'MSc', institution: 'PolyU', graduationYear: 2015, polyuAward: true },
      ],
    });
    const [bob] = (await search('wong').expect(200)).body.hits as Hit[];
    expect(bob).toMatchObject({ accountEmail: null, alumniNumber: null, ecardStatus: 'none' });
  });

  it('pages through many hits with a cursor, in name order, without repeats', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: request.Response = await search('pager', { limit: 10, ...(cursor ? { cursor } : {}) }).expect(200);
      seen.push(...(page.body.hits as Hit[]).map((hit) => hit.name.givenName));
      cursor = page.body.nextCursor as string | null;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(Array.from({ length: 25 }, (_, index) => `Person ${String.fromCharCode(65 + index)}`));
    const exact = await search('pager person y').expect(200);
    expect(exact.body.hits).toHaveLength(1);
  });

  it('refuses a bad search with a message that says what to do', async () => {
    const cases: Array<[Record<string, string | number>, RegExp, string | undefined]> = [
      [{ q: '' }, /2 to 100 characters to search for/, undefined],
      [{ q: '   ' }, /2 to 100 characters to search for/, undefined],
      // One character matches most of the registry and no index can serve it.
      [{ q: 'a' }, /2 to 100 characters to search for/, undefined],
      [{ q: ' 陳 ' }, /2 to 100 characters to search for/, undefined],
      [{ q: 'x'.repeat(101) }, /2 to 100 characters to search for/, undefined],
      // Control characters (NUL) in the query or in a cursor: refused, not a server error.
      [{ q: 'ch\u0000an' }, /q contains a control character/, undefined],
      [{ q: 'chan\u0007' }, /q contains a control character/, undefined],
      [
        { q: 'chan', cursor: Buffer.from(JSON.stringify(['a\u0000', 'b', '00000000-0000-0000-0000-000000000000'])).toString('base64url') },
        /nextCursor of the previous page/,
        'search-cursor-invalid',
      ],
      [{ q: 'pager', limit: 0 }, /limit must be a whole number from 1 to 100/, undefined],
      [{ q: 'pager', limit: 101 }, /limit must be a whole number from 1 to 100/, undefined],
      [{ q: 'pager', cursor: 'not-a-cursor' }, /nextCursor of the previous page/, 'search-cursor-invalid'],
    ];
    for (const [params, message, code] of cases) {
      const refused = await sessions.admin!.agent.get('/api/admin/alumni').query(params).expect(400);
      expect(JSON.stringify(refused.body)).toMatch(message);
      expect(refused.body.code).toBe(code);
    }
    await sessions.admin!.agent.get('/api/admin/alumni').expect(400);
  });

  it("shows a graduate's registry record, account, profile, eCard, passes and entries, never the personal ID", async () => {
    const detail = await sessions.admin!.agent.get(`/api/admin/alumni/${aliceId}`).expect(200);
    expect(detail.headers['cache-control']).toBe('no-store');
    const body = detail.body;
    expect(body.registry).toEqual({
      graduateId: aliceId,
      studentNumber: '50000001A',
      name: { surname: '陳', givenName: '大文' },
      dateOfBirth: '1990-05-17',
      email: 'alice@example.com',
      studentNetId: null,
      personalIdOnRecord: true,
      awards: [expect.objectContaining({ programme: 'BSc Computing' }), expect.objectContaining({ programme: 'MSc Information Systems' })],
      firstYear: 2012,
      lastYear: 2015,
    });
    expect(body.account).toMatchObject({
      email: 'alice@example.com',
      locale: 'en',
      createdAt: expect.any(String),
      lastSignInAt: expect.any(String),
      signInMethods: { email: true, netIds: [], social: [] },
    });
    expect(body.profile).toMatchObject({
      phones: [{ type: 'mobile', countryCode: '+852', number: '91234567' }],
      address: { lines: ['Flat 3, 12/F'], city: 'Hong Kong', country: 'Hong Kong' },
      career: [],
      education: [],
    });
    expect(body.ecard).toMatchObject({ alumniNumber, status: 'active', photoStatus: 'pending-review', photoUrl: expect.any(String) });
    const photo = await sessions.auditor!.agent.get(body.ecard.photoUrl).expect(200);
    expect(photo.headers['content-type']).toBe('image/jpeg');
    expect(body.passes).toEqual([
      expect.objectContaining({ kind: 'guest', status: 'active', guestName: 'Grace Guest' }),
      expect.objectContaining({ kind: 'alumni-day', status: 'active', date: campusDayToIsoDate(campusDayOf(Date.now())) }),
    ]);
    expect(body.entries).toEqual([
      expect.objectContaining({
        gateId,
        gateName: 'Main Gate North',
        decision: 'denied',
        reason: 're-entry-too-soon',
        passKind: 'alumni-day',
      }),
      expect.objectContaining({ gateId, gateName: 'Main Gate North', decision: 'granted', reason: null }),
    ]);

    // Neither the number nor its hash, in any spelling, anywhere in the answer.
    const [{ hex, base64 }] = await query<Array<{ hex: string; base64: string }>>(
      `SELECT encode(personal_id_hash, 'hex') AS hex, encode(personal_id_hash, 'base64') AS base64 FROM graduate WHERE id = $1`,
      [aliceId],
    );
    const text = JSON.stringify(body);
    for (const secret of ['A123456', 'a123456', hex, base64, Buffer.from(hex, 'hex').toString('base64url')]) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toMatch(/personalIdHash|personal_id_hash|"personalId"/);
    const searchText = JSON.stringify((await sessions.admin!.agent.get('/api/admin/alumni').query({ q: '陳大' }).expect(200)).body);
    expect(searchText).not.toContain(hex);
    expect(searchText).not.toContain('A123456');

    const bob = (await search_('wong'))[0]!;
    const bobDetail = await sessions.auditor!.agent.get(`/api/admin/alumni/${bob.graduateId}`).expect(200);
    expect(bobDetail.body).toMatchObject({
      registry: { personalIdOnRecord: false, studentNumber: '50000002B' },
      account: null,
      profile: null,
      ecard: null,
      passes: [],
      entries: [],
    });
  });

  async function search_(q: string): Promise<Hit[]> {
    return (await search(q).expect(200)).body.hits as Hit[];
  }

  it('lists sign-in methods: the NetIDs of the account and linked social accounts by provider', async () => {
    const [{ account_id: accountId }] = await query<Array<{ account_id: string }>>(
      `SELECT id AS account_id FROM alumni_account WHERE graduate_id = $1`,
      [aliceId],
    );
    await query(
      `INSERT INTO alumni_netid (net_id, graduate_id, account_id, display_name, email_alias, password_hash, created_at, password_set_at)
       VALUES ('chan.dai-man', $1, $2, 'Chan Dai-Man', 'chan.dai-man@alumni.example.edu', 'x', now(), now())`,
      [aliceId, accountId],
    );
    await query(
      `INSERT INTO social_identity_link (id, issuer, subject, provider, account_id, created_at, last_used_at)
       VALUES ($1, 'https://accounts.google.com', 'sub-1', 'google', $2, now(), now())`,
      [randomUUID(), accountId],
    );
    const detail = await sessions.admin!.agent.get(`/api/admin/alumni/${aliceId}`).expect(200);
    expect(detail.body.account.signInMethods).toEqual({
      email: true,
      netIds: ['chan.dai-man'],
      social: [{ provider: 'google', linkedAt: expect.any(String), lastUsedAt: expect.any(String) }],
    });
    expect(JSON.stringify(detail.body)).not.toMatch(/sub-1|password/);
    expect(studentNumbers((await search('chan.dai').expect(200)).body.hits)).toEqual(['50000001A']);
  });

  it('audits every read of a detail: who looked at whom', async () => {
    const audit = portal.app.get(AuditService);
    const before = await audit.list({ action: 'admin.alumni.view' });
    await sessions.auditor!.agent.get(`/api/admin/alumni/${aliceId}`).expect(200);
    await sessions.admin!.agent.get(`/api/admin/alumni/${aliceId}`).expect(200);
    const after = await audit.list({ action: 'admin.alumni.view' });
    expect(after).toHaveLength(before.length + 2);
    const [{ id: auditorId }] = await query<Array<{ id: string }>>(`SELECT id FROM staff_account WHERE email = $1`, [AUDITOR.email]);
    const [{ id: adminId }] = await query<Array<{ id: string }>>(`SELECT id FROM staff_account WHERE email = $1`, [AAO_ADMIN.email]);
    expect(after.slice(0, 2)).toEqual([
      expect.objectContaining({ actorType: 'staff', actorId: adminId, targetType: 'graduate', targetId: aliceId, outcome: 'success' }),
      expect.objectContaining({ actorType: 'staff', actorId: auditorId, targetType: 'graduate', targetId: aliceId, outcome: 'success' }),
    ]);
    // A search is not a read of anyone's record.
    await search('pager').expect(200);
    expect(await audit.list({ action: 'admin.alumni.view' })).toHaveLength(after.length);
  });

  it('answers an unknown graduate with 404 and a malformed id with 400', async () => {
    const missing = await sessions.admin!.agent.get(`/api/admin/alumni/${randomUUID()}`).expect(404);
    expect(missing.body).toMatchObject({ code: 'graduate-not-found', message: expect.stringMatching(/Search again/) });
    await sessions.admin!.agent.get('/api/admin/alumni/not-a-uuid').expect(400);
  });

  it('lets AAO admins and auditors read; alumni and security staff get 403; signed out 401; auditors cannot confirm a NetID', async () => {
    await sessions.auditor!.agent.get('/api/admin/alumni').query({ q: 'wong' }).expect(200);
    for (const who of [sessions.alice!, sessions.guard!]) {
      await who.agent.get('/api/admin/alumni').query({ q: 'wong' }).expect(403);
      await who.agent.get(`/api/admin/alumni/${aliceId}`).expect(403);
    }
    await request(server()).get('/api/admin/alumni').query({ q: 'wong' }).expect(401);
    await request(server()).get(`/api/admin/alumni/${aliceId}`).expect(401);
    const [tse] = await search_('15000007g');
    await sessions.auditor!.agent.get(`/api/staff/netids/${tse!.graduateId}`).expect(200);
    await send(sessions.auditor!, 'put', `/api/staff/netids/${tse!.graduateId}/alumni-netid`, { netId: '12000007g' }).expect(403);
    const confirmed = await send(sessions.admin!, 'put', `/api/staff/netids/${tse!.graduateId}/alumni-netid`, {
      netId: '12000007g',
    }).expect(200);
    expect(confirmed.body.confirmedNetId).toBe('12000007g');
  });

  it('limits searches per staff member: 429 with Retry-After past the limit, other staff unaffected', async () => {
    const service = portal.app.get(AlumniAdminService);
    const normal = service.searchRateLimit;
    // A small limit for this portal; an hour's window, so the test does not straddle a window's end.
    service.searchRateLimit = { name: 'aao-alumni-search:spec', limit: 3, windowMs: 3_600_000 };
    try {
      for (let i = 0; i < 3; i++) await search('wong').expect(200);
      const refused = await search('wong').expect(429);
      expect(refused.body).toMatchObject({ code: 'rate-limited', message: expect.stringMatching(/Too many searches/) });
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      // A refused query is refused before it counts or runs; a malformed one still says what is wrong.
      await search('a').expect(400);
      await search('wong', {}, sessions.auditor!).expect(200);
    } finally {
      service.searchRateLimit = normal;
    }
  });
});
