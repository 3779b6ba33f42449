import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import type { INestApplicationContext } from '@nestjs/common';
import type { Logger } from 'pino';
import sharp from 'sharp';
import { DataSource } from 'typeorm';
import { generatePassword, hashPassword, verifyPassword } from '../admin/staff-password.js';
import { StaffRepository } from '../admin/staff.repository.js';
import { StaffService } from '../admin/staff.service.js';
import { RegistryService } from '../alumni/registry.service.js';
import type { AppConfig } from '../config/app-config.js';
import { EcardRepository } from '../ecard/ecard.repository.js';
import { EcardService } from '../ecard/ecard.service.js';
import { AlumniAccountRepository } from '../identity/alumni-account.repository.js';
import { NetIdRepository } from '../identity/netid-repository.js';
import { identityFromDisplayName } from '../identity/netid-rules.js';
import type { StaffRole } from '../identity/roles.js';
import { KeysService } from '../keys/keys.service.js';
import { ProfileService } from '../profile/profile.service.js';

/** Where the demo's passwords are kept between starts (mode 0600; development data only). */
export const DEMO_CREDENTIALS_FILE = 'demo-credentials.json';

/** The demo alumna as the graduate registry knows her: PolyU, graduated before 2011, so she may hold an Alumni NetID. */
export const DEMO_ALUMNUS = {
  studentNumber: 'DEMO00001',
  surname: 'Chan',
  givenName: 'Mei Ling',
  dateOfBirth: '1986-03-14',
  email: 'demo.alumna@example.com',
  programme: 'BSc (Hons) Computing',
  award: 'Bachelor of Science',
  institution: 'PolyU',
  graduationYear: 2008,
  /** Makes the Alumni NetID demo.alumna (email alias demo.alumna@connect.polyu.hk). */
  netIdDisplayName: 'Demo Alumna',
} as const;

export interface DemoStaffSeed {
  readonly key: 'securityOfficer' | 'aaoAdmin';
  readonly email: string;
  readonly name: string;
  readonly role: StaffRole;
}

export const DEMO_STAFF: readonly DemoStaffSeed[] = [
  { key: 'securityOfficer', email: 'demo.security@example.edu', name: 'Sam Security (demo)', role: 'security-staff' },
  { key: 'aaoAdmin', email: 'demo.aao@example.edu', name: 'Alex AAO (demo)', role: 'aao-admin' },
];

/** The demo people with their sign-in details, for the start-up banner (never for the logger: it holds passwords). */
export interface DemoPeople {
  readonly credentialsFile: string;
  readonly alumnus: {
    readonly name: string;
    readonly email: string;
    readonly ecardStatus: string;
    /** Absent when the NetID could not be made (e.g. the name is taken by another graduate). */
    readonly netId?: string;
    readonly netPassword?: string;
  };
  readonly staff: ReadonlyArray<{ readonly role: StaffRole; readonly name: string; readonly email: string; readonly password: string }>;
}

/** What `.data/demo-credentials.json` holds: passwords in clear (dev data), so a restart can print them again. */
interface StoredCredentials {
  alumnus?: { netId?: string; netPassword?: string };
  securityOfficer?: { email?: string; password?: string };
  aaoAdmin?: { email?: string; password?: string };
}

export interface DemoSeedOptions {
  /** Default `.data` under the working directory. */
  readonly dataDir?: string;
}

/**
 * Development only (never with NODE_ENV=production), and only on the embedded development database: a portal started
 * with DATABASE_URL (a shared or real database; NODE_ENV may simply be unset there) seeds nothing unless DEMO_SEED=on
 * says so. DEMO_SEED=off turns it off everywhere.
 */
export function demoSeedEnabled(config: AppConfig, env: NodeJS.ProcessEnv = process.env): boolean {
  return demoAllowed(config, env['DEMO_SEED']);
}

/** The rule of the demo people and the demo gate: never in production; on the embedded database unless `off`; else only when `on`. */
export function demoAllowed(config: AppConfig, setting: string | undefined): boolean {
  if (config.environment === 'production' || setting === 'off') return false;
  return config.database.url === undefined || setting === 'on';
}

/**
 * `npm start`'s hook: the demo people in development. A failure never stops the portal: it is logged with what to
 * do, and the portal serves on without them.
 */
export async function maybeSeedDemo(
  app: INestApplicationContext,
  config: AppConfig,
  logger: Logger,
  options: DemoSeedOptions = {},
): Promise<DemoPeople | undefined> {
  if (!demoSeedEnabled(config)) return undefined;
  try {
    return await seedDemo(app, logger, options);
  } catch (error) {
    logger.warn(
      { err: error },
      `the demo data was not seeded: ${(error as Error).message}. The portal runs without it; fix the cause and restart, or set DEMO_SEED=off`,
    );
    return undefined;
  }
}

/**
 * Seeds, once, what a newcomer needs to try CampusPass: the signing keys, an alumna in the graduate registry with an
 * account, a profile, an active eCard with a photo (approved) and an Alumni NetID, a security officer and an AAO
 * admin. Idempotent: a later start finds them and reuses them. Passwords are random at first seed, stored hashed as
 * the portal always does, and kept in clear only in `<dataDir>/demo-credentials.json` (mode 0600), so every start
 * can print them; a password that no longer matches (a reset database, a lost file) is replaced.
 */
export async function seedDemo(app: INestApplicationContext, logger: Logger, options: DemoSeedOptions = {}): Promise<DemoPeople> {
  const credentialsFile = resolve(options.dataDir ?? '.data', DEMO_CREDENTIALS_FILE);
  const stored = await readCredentials(credentialsFile);
  const now = new Date();

  // Signing keys first, so the alumna's day pass can be issued at once (safe to run from several processes).
  await app.get(KeysService).rotate({ now });

  const staff: Array<DemoPeople['staff'][number] & { id: string }> = [];
  for (const seed of DEMO_STAFF) {
    const member = await ensureStaff(app, seed, stored[seed.key]?.password);
    stored[seed.key] = { email: member.email, password: member.password };
    staff.push(member);
  }

  const graduateId = await ensureGraduate(app);
  const accounts = app.get(AlumniAccountRepository);
  const account = (await accounts.findByGraduateId(graduateId)) ?? (await accounts.create(graduateId, DEMO_ALUMNUS.email, 'en', now));
  await ensureProfile(app, account.id);
  const aaoAdmin = staff.find((member) => member.role === 'aao-admin');
  const ecardStatus = await ensureEcard(app, account.id, aaoAdmin?.id);
  const netId = await ensureNetId(app, graduateId, account.id, stored.alumnus?.netPassword);
  stored.alumnus = netId ? { netId: netId.netId, netPassword: netId.password } : {};

  await writeCredentials(credentialsFile, stored);
  logger.info(
    { alumnus: account.email, staff: staff.map((member) => member.email), credentialsFile },
    'demo data ready (development): sign-in details are in the start-up banner and the credentials file',
  );
  return {
    credentialsFile,
    alumnus: {
      name: `${DEMO_ALUMNUS.givenName} ${DEMO_ALUMNUS.surname}`,
      email: account.email,
      ecardStatus,
      ...(netId ? { netId: netId.netId, netPassword: netId.password } : {}),
    },
    staff: staff.map(({ role, name, email, password }) => ({ role, name, email, password })),
  };
}

async function ensureStaff(
  app: INestApplicationContext,
  seed: DemoStaffSeed,
  storedPassword: string | undefined,
): Promise<{ id: string; role: StaffRole; name: string; email: string; password: string }> {
  const existing = await app.get(StaffRepository).findByEmailWithPassword(seed.email);
  if (!existing) {
    const password = storedPassword ?? generatePassword();
    const { account } = await app.get(StaffService).create({ email: seed.email, name: seed.name, role: seed.role, password });
    return { id: account.id, role: account.role as StaffRole, name: account.name, email: account.email, password };
  }
  let password = storedPassword;
  if (password === undefined || !(await verifyPassword(existing.passwordHash, password))) {
    // The file was lost (or belongs to another database): a new password, hashed like any other.
    password = generatePassword();
    await app
      .get(DataSource)
      .query('UPDATE staff_account SET password_hash = $2, updated_at = $3 WHERE id = $1', [
        existing.id,
        await hashPassword(password),
        new Date(),
      ]);
  }
  return { id: existing.id, role: existing.role as StaffRole, name: existing.name, email: existing.email, password };
}

async function ensureGraduate(app: INestApplicationContext): Promise<string> {
  const registry = app.get(RegistryService);
  const identity = { surname: DEMO_ALUMNUS.surname, givenName: DEMO_ALUMNUS.givenName, dateOfBirth: DEMO_ALUMNUS.dateOfBirth };
  const found = await registry.findGraduateByIdentity(identity);
  if (found) {
    // Someone of the same name and birthday who is not the demo record is a real graduate: never touch their account.
    if (found.studentNumber !== DEMO_ALUMNUS.studentNumber) {
      throw new Error(
        `the registry already holds a graduate named ${DEMO_ALUMNUS.givenName} ${DEMO_ALUMNUS.surname} (born ${DEMO_ALUMNUS.dateOfBirth}) who is not the demo record ${DEMO_ALUMNUS.studentNumber}; the demo seed leaves real records alone (set DEMO_SEED=off)`,
      );
    }
    return found.id;
  }
  const csv = [
    'student_number,surname,given_name,date_of_birth,email,programme,award,institution,graduation_year',
    [
      DEMO_ALUMNUS.studentNumber,
      DEMO_ALUMNUS.surname,
      DEMO_ALUMNUS.givenName,
      DEMO_ALUMNUS.dateOfBirth,
      DEMO_ALUMNUS.email,
      DEMO_ALUMNUS.programme,
      DEMO_ALUMNUS.award,
      DEMO_ALUMNUS.institution,
      DEMO_ALUMNUS.graduationYear,
    ].join(','),
  ].join('\n');
  const report = await registry.importCsv(Readable.from([csv]));
  const graduate = await registry.findGraduateByIdentity(identity);
  if (!graduate) {
    throw new Error(`the demo graduate could not be added to the registry (${JSON.stringify(report.rejected)})`);
  }
  return graduate.id;
}

/** Contact details complete enough for an eCard, and one career entry, when the profile was never saved. */
async function ensureProfile(app: INestApplicationContext, accountId: string): Promise<void> {
  const profiles = app.get(ProfileService);
  const profile = await profiles.getProfile(accountId);
  if (profile.contact.version === 0) {
    await profiles.updateContact(accountId, {
      version: 0,
      additionalEmails: [],
      phones: [{ type: 'mobile', countryCode: '+852', number: '9123 4567' }],
      address: { lines: ['Flat 8, 12/F, Demo Building', '11 Yuk Choi Road'], city: 'Hung Hom', region: 'Kowloon', country: 'Hong Kong' },
      preferredLanguage: 'en',
      newsConsent: false,
    });
  }
  if (profile.career.length === 0) {
    await profiles.addCareer(accountId, {
      employer: 'Harbour Software Ltd',
      title: 'Software Engineer',
      industry: 'information-technology',
      from: '2009-07',
      current: true,
    });
  }
}

/** An active eCard with the demo portrait, approved by the demo AAO admin. A card revoked in the demo stays revoked. */
async function ensureEcard(app: INestApplicationContext, accountId: string, reviewerId: string | undefined): Promise<string> {
  const cards = app.get(EcardRepository);
  let card = await cards.findByAccount(accountId);
  if (!card) {
    await app.get(EcardService).uploadPhoto(accountId, await demoPortraitJpeg(), null);
    card = await cards.findByAccount(accountId);
  }
  if (card?.photoStatus === 'pending-review' && card.currentPhotoId && reviewerId) {
    await app.get(EcardService).approve(card.currentPhotoId, { staffId: reviewerId, ip: null });
  }
  return card?.status ?? 'none';
}

async function ensureNetId(
  app: INestApplicationContext,
  graduateId: string,
  accountId: string,
  storedPassword: string | undefined,
): Promise<{ netId: string; password: string } | undefined> {
  const netIds = app.get(NetIdRepository);
  const existing = await netIds.findByGraduateId(graduateId);
  if (existing) {
    if (storedPassword !== undefined && (await verifyPassword(existing.passwordHash, storedPassword))) {
      return { netId: existing.netId, password: storedPassword };
    }
    const password = generatePassword();
    await netIds.setPassword(existing.netId, await hashPassword(password), new Date());
    return { netId: existing.netId, password };
  }
  const identity = identityFromDisplayName(DEMO_ALUMNUS.netIdDisplayName)!;
  const password = storedPassword ?? generatePassword();
  const conflict = await netIds.insert({ ...identity, graduateId, accountId, passwordHash: await hashPassword(password) }, new Date());
  return conflict === null ? { netId: identity.netId, password } : undefined;
}

async function readCredentials(file: string): Promise<StoredCredentials> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as unknown;
    return parsed !== null && typeof parsed === 'object' ? (parsed as StoredCredentials) : {};
  } catch {
    return {};
  }
}

async function writeCredentials(file: string, credentials: StoredCredentials): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const content = {
    about:
      'Sign-in details of the demo people npm start seeds in development (README "Walkthrough"). Development data only: the database keeps just the password hashes. Delete this file to get new passwords at the next start.',
    ...credentials,
  };
  const temporary = join(dirname(file), `.${DEMO_CREDENTIALS_FILE}.${process.pid}`);
  await writeFile(temporary, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
  await chmod(temporary, 0o600);
  await rename(temporary, file);
}

/**
 * A portrait-like eCard photo made here (no download): a soft backdrop, shoulders and a head with hair, at the card's
 * 600×800, as a JPEG.
 */
export async function demoPortraitJpeg(): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="600" height="800" viewBox="0 0 600 800">
  <defs>
    <linearGradient id="bg" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#dfe9f3"/><stop offset="1" stop-color="#a9bfd6"/></linearGradient>
    <radialGradient id="skin" cx="0.45" cy="0.4" r="0.7"><stop offset="0" stop-color="#f3d2b8"/><stop offset="1" stop-color="#d9a887"/></radialGradient>
  </defs>
  <rect width="600" height="800" fill="url(#bg)"/>
  <path d="M60 800 C80 610 190 560 300 560 C410 560 520 610 540 800 Z" fill="#2f4f6f"/>
  <path d="M250 560 L300 650 L350 560 Z" fill="#f4f4f4"/>
  <rect x="262" y="470" width="76" height="100" rx="30" fill="#d9a887"/>
  <ellipse cx="300" cy="360" rx="130" ry="160" fill="#2b2118"/>
  <ellipse cx="300" cy="385" rx="108" ry="135" fill="url(#skin)"/>
  <path d="M188 350 C190 250 250 215 305 215 C370 215 415 255 412 345 C380 290 320 280 250 300 C220 310 200 330 188 350 Z" fill="#2b2118"/>
  <ellipse cx="258" cy="385" rx="11" ry="8" fill="#3a2a20"/>
  <ellipse cx="342" cy="385" rx="11" ry="8" fill="#3a2a20"/>
  <path d="M300 395 C296 420 292 432 304 436" stroke="#b98467" stroke-width="4" fill="none"/>
  <path d="M268 460 C288 475 314 475 334 460" stroke="#a5564a" stroke-width="6" fill="none" stroke-linecap="round"/>
</svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 88 }).toBuffer();
}
