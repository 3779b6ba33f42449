import { Readable } from 'node:stream';
import sharp from 'sharp';
import { DataSource } from 'typeorm';
import { RegistryService } from '../../apps/portal/src/alumni/registry.service.js';
import { send, type HttpSession, type RegistryPerson } from './http-sessions.js';
import type { TestPortal } from './portal-app.js';

/** The graduates' registry columns, in the order the rows below give them. */
export const REGISTRY_HEADER =
  'student_number,surname,given_name,date_of_birth,personal_id,email,programme,award,institution,graduation_year';

/** Registry rows of the two graduates the specs sign in as; Alice holds two awards, a spec that shows awards seeds both. */
export const REGISTRY_ROWS = {
  aliceBsc: '50000001A,陳,大文,1990-05-17,A123456(3),alice@example.com,BSc Computing,BSc,PolyU,2012',
  aliceMsc: '50000001A,陳,大文,1990-05-17,A123456(3),alice@example.com,MSc Information Systems,MSc,PolyU,2015',
  bob: '50000002B,Wong,Siu Ming,1988-01-02,,bob@example.com,BA Design,BA,HKCC,2010',
} as const;

/** Alice and Bob as they identify themselves to Register Email (their registry rows above). */
export const ALICE: RegistryPerson = { surname: '陳', givenName: '大文', dateOfBirth: '1990-05-17', email: 'alice@example.com' };
export const BOB: RegistryPerson = { surname: 'Wong', givenName: 'Siu Ming', dateOfBirth: '1988-01-02', email: 'bob@example.com' };

/** Imports the rows (by default Alice with one award, and Bob) into the portal's alumni registry. */
export async function seedRegistry(
  portal: TestPortal,
  rows: readonly string[] = [REGISTRY_ROWS.aliceBsc, REGISTRY_ROWS.bob],
): Promise<void> {
  await portal.app.get(RegistryService).importCsv(Readable.from([[REGISTRY_HEADER, ...rows].join('\n')]));
}

/**
 * Contact information complete enough to activate an eCard (a phone and an address country), for a profile still
 * at version 0. The preferred language is the language of the mails the alumnus receives.
 */
export function completeContact(preferredLanguage: 'en' | 'zh-Hant' = 'en') {
  return {
    version: 0,
    additionalEmails: [],
    phones: [{ type: 'mobile', countryCode: '+852', number: '9123 4567' }],
    address: { lines: ['Flat 3, 12/F'], city: 'Hong Kong', region: null, country: 'Hong Kong' },
    preferredLanguage,
    newsConsent: false,
  };
}

export interface PortraitOptions {
  /** 600×800 by default: the card size, so the photo is accepted as it is. */
  readonly width?: number;
  readonly height?: number;
  /** EXIF to write into the JPEG, e.g. to check that the portal strips it. */
  readonly exif?: Record<string, Record<string, string>>;
}

/** A JPEG photo of smooth noise (not a flat colour); a different seed gives a different photo. */
export async function portraitJpeg(seed: number, options: PortraitOptions = {}): Promise<Buffer> {
  const { width = 600, height = 800 } = options;
  const pixels = Buffer.alloc(width * height * 3);
  for (let index = 0; index < pixels.length; index++) pixels[index] = ((index + seed) * 2654435761) >>> 24;
  const jpeg = sharp(pixels, { raw: { width, height, channels: 3 } })
    .blur(3)
    .jpeg();
  return (options.exif ? jpeg.withExifMerge(options.exif) : jpeg).toBuffer();
}

/** Uploads an eCard photo as the signed-in alumnus (the answer is left to the caller to check). */
export function uploadPhoto(session: HttpSession, content: Buffer, name = 'me.jpg') {
  return session.agent.post('/api/ecard/photo').set('X-CSRF-Token', session.csrf).attach('photo', content, name);
}

/** Completes the alumnus's contact information and uploads a photo: the eCard activates at once (photo pending review). */
export async function activateEcard(session: HttpSession, photoSeed: number): Promise<void> {
  await send(session, 'put', '/api/profile/contact', completeContact()).expect(200);
  await uploadPhoto(session, await portraitJpeg(photoSeed)).expect(201);
}

/** The eCard (id and account) of the alumnus who signs in with this email. */
export async function ecardOf(portal: TestPortal, email: string): Promise<{ id: number; account_id: string }> {
  const rows = (await portal.app
    .get(DataSource)
    .query('SELECT e.id, e.account_id FROM ecard e JOIN alumni_account a ON a.id = e.account_id WHERE a.email = $1', [email])) as Array<{
    id: number;
    account_id: string;
  }>;
  return rows[0]!;
}

/** The first purpose the guest pass policy offers: any will do where the purpose is not what is tested. */
export async function guestPassPurpose(session: HttpSession): Promise<string> {
  return (await session.agent.get('/api/guest-passes/policy').expect(200)).body.purposes[0] as string;
}
