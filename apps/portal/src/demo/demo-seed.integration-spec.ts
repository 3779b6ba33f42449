import { mkdtemp, readFile, rm, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { staffSignIn } from '../../../../test/support/http-sessions.js';
import { seedRegistry } from '../../../../test/support/ecard-fixtures.js';
import { startTestPortal, type TestPortal } from '../../../../test/support/portal-app.js';
import { extractCode, startTestSmtpServer, type TestSmtpServer } from '../../../../test/support/smtp.js';
import { formatDemoBanner } from './demo-banner.js';
import { demoGateEnabled } from './demo-gate.js';
import { DEMO_ALUMNUS, DEMO_CREDENTIALS_FILE, DEMO_STAFF, demoSeedEnabled, maybeSeedDemo, seedDemo, type DemoPeople } from './demo-seed.js';

const silent = pino({ level: 'silent' });

describe('npm start seeds demo people in development (PostgreSQL, SMTP)', () => {
  let portal: TestPortal;
  let smtp: TestSmtpServer;
  let dataDir: string;
  let first: DemoPeople;
  const server = () => portal.app.getHttpServer();

  async function counts(): Promise<Record<string, number>> {
    const [row] = (await portal.app.get(DataSource).query(
      `SELECT (SELECT count(*)::int FROM staff_account WHERE email LIKE 'demo.%') AS staff,
              (SELECT count(*)::int FROM graduate WHERE student_number = $1) AS graduates,
              (SELECT count(*)::int FROM alumni_account WHERE email = $2) AS accounts,
              (SELECT count(*)::int FROM ecard) AS ecards,
              (SELECT count(*)::int FROM ecard_photo) AS photos,
              (SELECT count(*)::int FROM alumni_netid) AS netids`,
      [DEMO_ALUMNUS.studentNumber, DEMO_ALUMNUS.email],
    )) as Array<Record<string, number>>;
    return row!;
  }

  async function alumnusByEmailCode(email: string) {
    const agent = request.agent(server());
    const after = smtp.messages.length;
    const started = await agent.post('/api/auth/email/start').send({ email }).expect(202);
    const code = extractCode(await smtp.waitForMessage(email, 10_000, { after }));
    await agent.post('/api/auth/email/verify').send({ requestId: started.body.requestId, code }).expect(200);
    return agent;
  }

  beforeAll(async () => {
    smtp = await startTestSmtpServer();
    portal = await startTestPortal({ SMTP_URL: smtp.url }, { workers: true });
    dataDir = await mkdtemp(join(tmpdir(), 'demo-seed-'));
    first = await seedDemo(portal.app, silent, { dataDir });
  });

  afterAll(async () => {
    await portal?.close();
    await smtp?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('seeds an alumna with an active, reviewed eCard who signs in by emailed code and gets a day pass', async () => {
    expect(first.alumnus).toMatchObject({ email: DEMO_ALUMNUS.email, ecardStatus: 'active', netId: 'demo.alumna' });
    const alumna = await alumnusByEmailCode(first.alumnus.email);
    const card = (await alumna.get('/api/ecard').expect(200)).body as Record<string, unknown>;
    expect(JSON.stringify(card)).toContain('"active"');
    const photo = await alumna.get('/api/ecard/photo/card').expect(200);
    expect(photo.headers['content-type']).toMatch(/image\/jpeg/);
    const profile = (await alumna.get('/api/profile').expect(200)).body as { contact: { phones: unknown[] }; career: unknown[] };
    expect(profile.contact.phones).toHaveLength(1);
    expect(profile.career).toHaveLength(1);
    const pass = (await alumna.get('/api/passes/today').expect(200)).body as { qrText: string };
    expect(pass.qrText).toMatch(/^CP1:/);
    // The photo was approved by the demo AAO admin: nothing waits in the review queue.
    const [pending] = (await portal.app
      .get(DataSource)
      .query(`SELECT count(*)::int AS n FROM ecard_photo WHERE review_status = 'pending'`)) as [{ n: number }];
    expect(pending.n).toBe(0);
  });

  it('gives the alumna an Alumni NetID whose printed NetPassword signs in', async () => {
    await request(server())
      .post('/api/auth/netid/sign-in')
      .send({ netId: first.alumnus.netId, password: first.alumnus.netPassword })
      .expect(200);
    await request(server()).post('/api/auth/netid/sign-in').send({ netId: first.alumnus.netId, password: 'not the password' }).expect(401);
  });

  it('seeds a security officer and an AAO admin whose passwords sign in and reach their areas only', async () => {
    expect(first.staff.map((member) => member.role)).toEqual(['security-staff', 'aao-admin']);
    const [officer, admin] = first.staff;
    const officerSession = await staffSignIn(server(), smtp, officer!.email, officer!.password);
    await officerSession.agent.get('/api/security/gates').expect(200);
    await officerSession.agent.get('/api/admin/audit').expect(403);
    const adminSession = await staffSignIn(server(), smtp, admin!.email, admin!.password);
    await adminSession.agent.get('/api/admin/audit').expect(200);
    await adminSession.agent.get('/api/admin/alumni?q=Chan').expect(200);
    await adminSession.agent.get('/api/security/gates').expect(403);
  });

  it('keeps the passwords only hashed in the database and in clear only in a 0600 file', async () => {
    const file = join(dataDir, DEMO_CREDENTIALS_FILE);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const stored = await readFile(file, 'utf8');
    for (const member of first.staff) expect(stored).toContain(member.password);
    const hashes = (await portal.app.get(DataSource).query(`SELECT password_hash FROM staff_account WHERE email LIKE 'demo.%'`)) as Array<{
      password_hash: string;
    }>;
    expect(hashes).toHaveLength(2);
    for (const { password_hash: hash } of hashes) {
      expect(hash).toMatch(/^\$argon2id\$/);
      for (const member of first.staff) expect(hash).not.toContain(member.password);
    }
  });

  it('reuses everything on a second start: same people, same passwords, nothing duplicated', async () => {
    const before = await counts();
    expect(before).toEqual({ staff: 2, graduates: 1, accounts: 1, ecards: 1, photos: 1, netids: 1 });
    const again = await seedDemo(portal.app, silent, { dataDir });
    expect(again).toEqual(first);
    expect(await counts()).toEqual(before);
  });

  it('replaces the passwords when the credentials file is gone, and the new ones work', async () => {
    await unlink(join(dataDir, DEMO_CREDENTIALS_FILE));
    const renewed = await seedDemo(portal.app, silent, { dataDir });
    expect(renewed.staff[0]!.password).not.toBe(first.staff[0]!.password);
    expect(renewed.alumnus.netPassword).not.toBe(first.alumnus.netPassword);
    await request(server())
      .post('/api/auth/staff/start')
      .send({ email: renewed.staff[0]!.email, password: first.staff[0]!.password })
      .expect((response) => expect(response.status).not.toBe(202));
    await staffSignIn(server(), smtp, renewed.staff[0]!.email, renewed.staff[0]!.password);
    await request(server())
      .post('/api/auth/netid/sign-in')
      .send({ netId: 'demo.alumna', password: renewed.alumnus.netPassword })
      .expect(200);
    expect(await counts()).toEqual({ staff: 2, graduates: 1, accounts: 1, ecards: 1, photos: 1, netids: 1 });
    first = renewed;
  });

  it('never seeds in production, nor with DEMO_SEED=off, nor on a DATABASE_URL unless DEMO_SEED=on', async () => {
    const embedded = { ...portal.config, environment: 'development' as const, database: { ...portal.config.database, url: undefined } };
    const given = {
      ...portal.config,
      environment: 'development' as const,
      database: { ...portal.config.database, url: 'postgres://db.example.edu/alumni' },
    };
    expect(demoSeedEnabled(embedded, {})).toBe(true);
    expect(demoSeedEnabled(embedded, { DEMO_SEED: 'off' })).toBe(false);
    expect(demoSeedEnabled({ ...embedded, environment: 'production' }, {})).toBe(false);
    expect(demoSeedEnabled({ ...embedded, environment: 'production' }, { DEMO_SEED: 'on' })).toBe(false);
    // NODE_ENV unset on a server pointed at a real database: nothing is seeded, and no demo gate is enrolled.
    expect(demoSeedEnabled(given, {})).toBe(false);
    expect(demoGateEnabled(given, {})).toBe(false);
    expect(demoSeedEnabled(given, { DEMO_SEED: 'on' })).toBe(true);
    expect(demoGateEnabled(given, { DEMO_GATE: 'on' })).toBe(true);
    await expect(maybeSeedDemo(portal.app, given, silent, { dataDir })).resolves.toBe(undefined);
    const elsewhere = await mkdtemp(join(tmpdir(), 'demo-seed-production-'));
    try {
      const before = await counts();
      await expect(
        maybeSeedDemo(portal.app, { ...portal.config, environment: 'production' }, silent, { dataDir: elsewhere }),
      ).resolves.toBe(undefined);
      expect(await counts()).toEqual(before);
      await expect(stat(join(elsewhere, DEMO_CREDENTIALS_FILE))).rejects.toThrow(/ENOENT/);
    } finally {
      await rm(elsewhere, { recursive: true, force: true });
    }
  });

  it('prints one banner with the URLs and every person, role, sign-in URL and credentials', () => {
    const banner = formatDemoBanner({
      publicUrl: 'http://localhost:3000',
      mailCatcher: true,
      gate: { error: 'no camera at /dev/video0: plug in a USB camera' },
      people: first,
    });
    expect(banner).toContain('http://localhost:3000/dev/mailbox');
    expect(banner).toContain('Simulated gate NOT RUNNING: no camera at /dev/video0');
    expect(banner).toContain(`Alumnus: ${DEMO_ALUMNUS.givenName} ${DEMO_ALUMNUS.surname} (eCard active)`);
    expect(banner).toContain(`demo.alumna  NetPassword ${first.alumnus.netPassword}`);
    for (const [index, seed] of DEMO_STAFF.entries()) {
      expect(banner).toContain(`(${seed.role}): ${seed.name}`);
      expect(banner).toContain(first.staff[index]!.password);
    }
    expect(banner.match(/http:\/\/localhost:3000\/staff\/sign-in/g)).toHaveLength(2);
  });
});

describe('the demo seed on a registry that already holds a real graduate of the demo name and birthday', () => {
  let portal: TestPortal;
  let dataDir: string;

  beforeAll(async () => {
    portal = await startTestPortal();
    dataDir = await mkdtemp(join(tmpdir(), 'demo-seed-real-'));
    await seedRegistry(portal, [
      `51234567C,${DEMO_ALUMNUS.surname},${DEMO_ALUMNUS.givenName},${DEMO_ALUMNUS.dateOfBirth},,mei.ling@example.org,BA Design,BA,HKCC,2009`,
    ]);
  });

  afterAll(async () => {
    await portal?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('stops, saying why, and leaves the real record without an account, NetID or eCard', async () => {
    await expect(seedDemo(portal.app, silent, { dataDir })).rejects.toThrow(
      /not the demo record DEMO00001; the demo seed leaves real records alone/,
    );
    const [row] = (await portal.app.get(DataSource).query(
      `SELECT (SELECT count(*)::int FROM alumni_account a JOIN graduate g ON g.id = a.graduate_id WHERE g.student_number = '51234567C') AS accounts,
              (SELECT count(*)::int FROM alumni_netid) AS netids,
              (SELECT count(*)::int FROM ecard) AS ecards`,
    )) as Array<Record<string, number>>;
    expect(row).toEqual({ accounts: 0, netids: 0, ecards: 0 });
  });
});
