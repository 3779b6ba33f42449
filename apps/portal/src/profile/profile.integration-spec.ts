import { Readable } from 'node:stream';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { registerAndSignIn, send, type HttpSession } from '../../../../test/support/http-sessions.js';
import { startTestPortal, type TestPortal } from '../../../../test/support/portal-app.js';
import { startTestSmtpServer, type TestSmtpServer } from '../../../../test/support/smtp.js';
import { AAO_ADMIN, createStaffAndSignIn } from '../../../../test/support/staff-fixtures.js';
import { RegistryService } from '../alumni/registry.service.js';
import { currentYear, currentYearMonth } from './dto/profile-validators.js';

const CSV = [
  'student_number,surname,given_name,date_of_birth,programme,award,institution,graduation_year,email',
  '30000001A,陳,大文,1990-05-17,BSc Computing,BSc,PolyU,2012,alice@old.example.com',
  '30000001A,陳,大文,1990-05-17,MSc Information Systems,MSc,PolyU,2015,alice@old.example.com',
  '30000002B,Wong,Siu Ming,1988-01-02,BA Design,BA,HKCC,2010,bob@old.example.com',
].join('\n');
const ALICE = { surname: '陳', givenName: '大文', dateOfBirth: '1990-05-17', email: 'alice@old.example.com' };
const BOB = { surname: 'Wong', givenName: 'Siu Ming', dateOfBirth: '1988-01-02', email: 'bob@old.example.com' };

const CONTACT = {
  version: 0,
  additionalEmails: ['Alice.Work@Example.com'],
  phones: [{ type: 'mobile', countryCode: '+852', number: '9123 4567' }],
  address: { lines: ['Flat 3, 12/F', "<b>Block</b> 'A'; DROP TABLE graduate; --"], city: '香港', region: 'Kowloon', country: 'Hong Kong' },
  preferredLanguage: 'zh-Hant',
  newsConsent: true,
};
const CAREER = { employer: 'Acme Ltd', title: 'Engineer', industry: 'engineering', from: '2015-09', to: '2019-06', current: false };
const EDUCATION = { institution: 'HKU', qualification: 'MBA', fromYear: 2016, toYear: 2018 };
const ACHIEVEMENT = { title: 'Young Engineer Award', year: 2020, description: 'Line one\nline <two> & "three"' };

describe('My Profile (PostgreSQL, real HTTP app, signed-in alumni)', () => {
  let portal: TestPortal;
  let smtp: TestSmtpServer;
  let alice: HttpSession;
  let bob: HttpSession;
  const server = () => portal.app.getHttpServer();

  const profileOf = async (session: HttpSession) => (await session.agent.get('/api/profile').expect(200)).body;
  const rowCount = async (table: string) =>
    Number((await portal.app.get(DataSource).query(`SELECT count(*)::int AS n FROM ${table}`))[0].n as number);

  beforeAll(async () => {
    smtp = await startTestSmtpServer();
    portal = await startTestPortal({ SMTP_URL: smtp.url }, { workers: true });
    await portal.app.get(RegistryService).importCsv(Readable.from([CSV]));
    alice = await registerAndSignIn(server(), smtp, ALICE);
    bob = await registerAndSignIn(server(), smtp, BOB);
  });

  afterAll(async () => {
    await portal?.close();
    await smtp?.close();
  });

  it('shows the registry record (read-only), the sign-in email and an empty profile at version 0', async () => {
    expect(await profileOf(alice)).toEqual({
      name: { surname: '陳', givenName: '大文' },
      awards: [
        { programme: 'BSc Computing', award: 'BSc', institution: 'PolyU', graduationYear: 2012 },
        { programme: 'MSc Information Systems', award: 'MSc', institution: 'PolyU', graduationYear: 2015 },
      ],
      signInEmail: 'alice@old.example.com',
      contact: {
        version: 0,
        additionalEmails: [],
        phones: [],
        address: { lines: [], city: null, region: null, country: null },
        preferredLanguage: 'en',
        newsConsent: false,
        updatedAt: null,
      },
      career: [],
      education: [],
      achievements: [],
    });
    const options = await alice.agent.get('/api/profile/options').expect(200);
    expect(options.body.industries).toContain('engineering');
    expect(options.body.preferredLanguages).toEqual(['en', 'zh-Hant']);
  });

  it('saves contact details, returns text as typed (HTML and SQL stay plain text), and refuses a stale version with 409', async () => {
    const saved = await send(alice, 'put', '/api/profile/contact', CONTACT).expect(200);
    expect(saved.body).toEqual({
      version: 1,
      additionalEmails: ['alice.work@example.com'],
      phones: [{ type: 'mobile', countryCode: '+852', number: '91234567' }],
      address: CONTACT.address,
      preferredLanguage: 'zh-Hant',
      newsConsent: true,
      updatedAt: expect.any(String),
    });
    expect((await profileOf(alice)).contact).toEqual(saved.body);

    // Another tab still holds version 0: its save is refused and changes nothing.
    const stale = await send(alice, 'put', '/api/profile/contact', { ...CONTACT, newsConsent: false }).expect(409);
    expect(stale.body).toMatchObject({
      code: 'version-conflict',
      message: expect.stringContaining('changed elsewhere'),
      details: { currentVersion: 1 },
    });
    const ahead = await send(alice, 'put', '/api/profile/contact', { ...CONTACT, version: 7 }).expect(409);
    expect(ahead.body.details).toEqual({ currentVersion: 1 });
    expect((await profileOf(alice)).contact).toEqual(saved.body);

    const cleared = await send(alice, 'put', '/api/profile/contact', {
      ...CONTACT,
      version: 1,
      phones: [{ type: 'home', number: '2766 5111' }],
      address: { lines: [], city: '  ', region: null },
      newsConsent: false,
    }).expect(200);
    expect(cleared.body).toMatchObject({
      version: 2,
      phones: [{ type: 'home', countryCode: null, number: '27665111' }],
      address: { lines: [], city: null, region: null, country: null },
      newsConsent: false,
    });
    // Bob's profile is his own.
    expect((await profileOf(bob)).contact.version).toBe(0);
  });

  it('refuses invalid contact details with a message per field and saves nothing', async () => {
    const before = (await profileOf(alice)).contact;
    const cases: [object, string][] = [
      [{ phones: [{ type: 'mobile', number: '91-23x' }] }, 'phones.0.number: a phone must be digits with an optional +country code'],
      [{ phones: [{ type: 'mobile', countryCode: '852-1', number: '91234567' }] }, 'phones.0.countryCode must be + and 1 to 3 digits'],
      [{ phones: [{ type: 'fax', number: '91234567' }] }, 'phones.0.type must be one of mobile, home, office'],
      [{ additionalEmails: ['not-an-email'] }, 'each of additionalEmails must be a valid email address'],
      [{ additionalEmails: ['a@example.com', 'A@example.com'] }, 'additionalEmails must not name the same email twice'],
      [{ additionalEmails: ['1@x.com', '2@x.com', '3@x.com', '4@x.com', '5@x.com', '6@x.com'] }, 'additionalEmails may hold at most 5'],
      [{ address: { lines: ['x'.repeat(101)] } }, 'address.each of lines must be at most 100 characters'],
      [{ address: { lines: [], city: 'Line\nbreak' } }, 'address.city must be text on one line'],
      [{ preferredLanguage: 'fr' }, 'preferredLanguage must be one of en, zh-Hant'],
      [{ newsConsent: 'yes' }, 'newsConsent must be true or false'],
      [{ version: -1 }, 'version must be the whole number you read with the profile'],
      [{ nickname: 'x' }, 'property nickname should not exist'],
    ];
    for (const [change, message] of cases) {
      const response = await send(alice, 'put', '/api/profile/contact', { ...CONTACT, version: before.version, ...change }).expect(400);
      expect({ change, messages: response.body.message }).toEqual({
        change,
        messages: expect.arrayContaining([expect.stringContaining(message)]),
      });
    }
    expect((await profileOf(alice)).contact).toEqual(before);
  });

  it('adds, edits and removes career entries with versions', async () => {
    const created = await send(alice, 'post', '/api/profile/career', CAREER).expect(201);
    expect(created.body).toEqual({ id: expect.any(String), version: 1, ...CAREER });
    const now = await send(alice, 'post', '/api/profile/career', {
      employer: '香港理工大學',
      title: 'Lecturer',
      industry: 'education-research',
      from: '2019-07',
      current: true,
    }).expect(201);
    expect(now.body).toMatchObject({ to: null, current: true });
    expect((await profileOf(alice)).career.map((entry: { id: string }) => entry.id)).toEqual([now.body.id, created.body.id]);

    const edited = await send(alice, 'put', `/api/profile/career/${created.body.id}`, {
      ...CAREER,
      title: 'Senior Engineer',
      version: 1,
    }).expect(200);
    expect(edited.body).toMatchObject({ id: created.body.id, version: 2, title: 'Senior Engineer' });
    const stale = await send(alice, 'put', `/api/profile/career/${created.body.id}`, { ...CAREER, title: 'Lost', version: 1 }).expect(409);
    expect(stale.body).toMatchObject({ code: 'version-conflict', details: { currentVersion: 2 } });
    await send(alice, 'delete', `/api/profile/career/${created.body.id}?version=1`).expect(409);
    expect((await profileOf(alice)).career.find((entry: { id: string }) => entry.id === created.body.id)).toEqual(edited.body);

    await send(alice, 'delete', `/api/profile/career/${created.body.id}?version=2`).expect(204);
    await send(alice, 'delete', `/api/profile/career/${created.body.id}?version=2`).expect(404);
    expect((await profileOf(alice)).career).toEqual([now.body]);
  });

  it('lets exactly one of two simultaneous edits from the same version through', async () => {
    const entry = (await send(alice, 'post', '/api/profile/career', CAREER).expect(201)).body;
    const answers = await Promise.all(
      ['Tab one', 'Tab two'].map((title) => send(alice, 'put', `/api/profile/career/${entry.id}`, { ...CAREER, title, version: 1 })),
    );
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409]);
    const winner = answers.find((answer) => answer.status === 200)!.body;
    expect((await profileOf(alice)).career.find((item: { id: string }) => item.id === entry.id)).toEqual(winner);
    await send(alice, 'delete', `/api/profile/career/${entry.id}?version=2`).expect(204);
  });

  it('refuses invalid career entries with a message per field and stores nothing', async () => {
    const before = await rowCount('alumni_career_entry');
    const [year, month] = currentYearMonth().split('-').map(Number);
    const nextMonth = month === 12 ? `${year + 1}-01` : `${year}-${String(month + 1).padStart(2, '0')}`;
    const cases: [object, string][] = [
      [{ from: '2019-13' }, 'from must be a year and month as YYYY-MM'],
      [{ from: '2019-6' }, 'from must be a year and month as YYYY-MM'],
      [{ to: '2015-08' }, 'to must not be before from'],
      [{ from: nextMonth, to: null, current: true }, 'from must not be in the future'],
      [{ to: nextMonth }, 'to must not be in the future'],
      [{ current: true }, 'to must be left out (or null) for your current job'],
      [{ to: null }, 'to is required unless this is your current job'],
      [{ industry: 'piracy' }, 'industry must be one of the listed industries'],
      [{ employer: '   ' }, 'employer is required'],
      [{ title: 't'.repeat(201) }, 'title must be at most 200 characters'],
      [{ title: 'bidi \u202e override' }, 'title must be text on one line'],
    ];
    for (const [change, message] of cases) {
      const response = await send(alice, 'post', '/api/profile/career', { ...CAREER, ...change }).expect(400);
      expect({ change, messages: response.body.message }).toEqual({
        change,
        messages: expect.arrayContaining([expect.stringContaining(message)]),
      });
    }
    // The same checks guard an edit, which then changes nothing.
    const entry = (await profileOf(alice)).career[0];
    await send(alice, 'put', `/api/profile/career/${entry.id}`, { ...CAREER, to: '2010-01', version: entry.version }).expect(400);
    await send(alice, 'put', `/api/profile/career/${entry.id}`, { ...CAREER }).expect(400);
    expect((await profileOf(alice)).career[0]).toEqual(entry);
    expect(await rowCount('alumni_career_entry')).toBe(before);
  });

  it('adds, edits and removes education entries and achievements, validating each field', async () => {
    const education = await send(alice, 'post', '/api/profile/education', EDUCATION).expect(201);
    expect(education.body).toEqual({ id: expect.any(String), version: 1, ...EDUCATION });
    const studying = await send(alice, 'post', '/api/profile/education', {
      institution: 'CUHK',
      qualification: 'PhD',
      fromYear: currentYear(),
    }).expect(201);
    expect(studying.body.toYear).toBeNull();
    const editedEducation = await send(alice, 'put', `/api/profile/education/${education.body.id}`, {
      ...EDUCATION,
      toYear: 2019,
      version: 1,
    }).expect(200);
    expect(editedEducation.body).toMatchObject({ version: 2, toYear: 2019 });
    await send(alice, 'put', `/api/profile/education/${education.body.id}`, { ...EDUCATION, version: 1 }).expect(409);

    const achievement = await send(alice, 'post', '/api/profile/achievements', ACHIEVEMENT).expect(201);
    expect(achievement.body).toEqual({ id: expect.any(String), version: 1, ...ACHIEVEMENT });
    const editedAchievement = await send(alice, 'put', `/api/profile/achievements/${achievement.body.id}`, {
      title: 'Award',
      year: 2021,
      version: 1,
    }).expect(200);
    expect(editedAchievement.body).toMatchObject({ version: 2, title: 'Award', description: null });
    await send(alice, 'delete', `/api/profile/achievements/${achievement.body.id}?version=1`).expect(409);

    const educationCount = await rowCount('alumni_education_entry');
    const achievementCount = await rowCount('alumni_achievement');
    const cases: [string, object, string][] = [
      ['education', { ...EDUCATION, toYear: 2015 }, 'toYear must not be before fromYear'],
      ['education', { ...EDUCATION, fromYear: currentYear() + 1, toYear: null }, 'fromYear must not be in the future'],
      ['education', { ...EDUCATION, fromYear: 1899 }, 'fromYear must be 1900 or later'],
      ['education', { ...EDUCATION, fromYear: '2016' }, 'fromYear must be a year'],
      ['education', { ...EDUCATION, qualification: '' }, 'qualification is required'],
      ['achievements', { ...ACHIEVEMENT, year: currentYear() + 1 }, 'year must not be in the future'],
      ['achievements', { ...ACHIEVEMENT, description: 'd'.repeat(2001) }, 'description must be at most 2000 characters'],
      ['achievements', { ...ACHIEVEMENT, title: 'a\u0000b' }, 'title must be text on one line'],
    ];
    for (const [collection, body, message] of cases) {
      const response = await send(alice, 'post', `/api/profile/${collection}`, body).expect(400);
      expect({ body, messages: response.body.message }).toEqual({
        body,
        messages: expect.arrayContaining([expect.stringContaining(message)]),
      });
    }
    expect(await rowCount('alumni_education_entry')).toBe(educationCount);
    expect(await rowCount('alumni_achievement')).toBe(achievementCount);

    await send(alice, 'delete', `/api/profile/education/${education.body.id}?version=2`).expect(204);
    await send(alice, 'delete', `/api/profile/achievements/${achievement.body.id}?version=2`).expect(204);
    const profile = await profileOf(alice);
    expect(profile.education).toEqual([studying.body]);
    expect(profile.achievements).toEqual([]);
  });

  it("answers 404 for another alumnus's entries on every endpoint and changes nothing", async () => {
    const mine = {
      career: (await send(alice, 'post', '/api/profile/career', CAREER).expect(201)).body,
      education: (await send(alice, 'post', '/api/profile/education', EDUCATION).expect(201)).body,
      achievements: (await send(alice, 'post', '/api/profile/achievements', ACHIEVEMENT).expect(201)).body,
    };
    const bodies = { career: CAREER, education: EDUCATION, achievements: ACHIEVEMENT };
    for (const collection of ['career', 'education', 'achievements'] as const) {
      const { id, version } = mine[collection];
      const edit = await send(bob, 'put', `/api/profile/${collection}/${id}`, { ...bodies[collection], version }).expect(404);
      expect(edit.body).toMatchObject({ code: 'entry-not-found' });
      const remove = await send(bob, 'delete', `/api/profile/${collection}/${id}?version=${version}`).expect(404);
      expect(remove.body).toEqual(edit.body);
      // The same answer as for an id that exists nowhere, or is not an id at all.
      await send(bob, 'put', `/api/profile/${collection}/00000000-0000-4000-8000-000000000000`, { ...bodies[collection], version }).expect(
        404,
      );
      await send(bob, 'delete', `/api/profile/${collection}/not-an-id?version=1`).expect(404);
    }
    const bobs = await profileOf(bob);
    expect([bobs.career, bobs.education, bobs.achievements]).toEqual([[], [], []]);
    const alices = await profileOf(alice);
    expect(alices.career).toContainEqual(mine.career);
    expect(alices.education).toContainEqual(mine.education);
    expect(alices.achievements).toContainEqual(mine.achievements);
  });

  it('needs a signed-in alumnus: 401 without a session, 403 for staff or without the CSRF token', async () => {
    const anonymous = await request(server()).get('/api/profile').expect(401);
    expect(anonymous.body).toMatchObject({ code: 'sign-in-required' });
    await request(server()).put('/api/profile/contact').send(CONTACT).expect(401);
    await request(server()).post('/api/profile/career').send(CAREER).expect(401);

    const admin = await createStaffAndSignIn(portal, smtp, AAO_ADMIN);
    const refused = await admin.agent.get('/api/profile').expect(403);
    expect(refused.body).toMatchObject({ code: 'role-refused' });
    await send(admin, 'put', '/api/profile/contact', CONTACT).expect(403);
    await send(admin, 'post', '/api/profile/achievements', ACHIEVEMENT).expect(403);

    const noToken = await alice.agent.post('/api/profile/achievements').send(ACHIEVEMENT).expect(403);
    expect(noToken.body).toMatchObject({ code: 'csrf-token-invalid' });
  });

  it('caps each collection', async () => {
    const existing = (await profileOf(bob)).achievements.length;
    for (let i = existing; i < 50; i++)
      await send(bob, 'post', '/api/profile/achievements', { title: `Prize ${i}`, year: 2000 }).expect(201);
    const refused = await send(bob, 'post', '/api/profile/achievements', { title: 'One too many', year: 2000 }).expect(400);
    expect(refused.body).toMatchObject({
      code: 'too-many-entries',
      message: 'You can keep up to 50 achievements. Remove one to add another.',
    });
  });
});
