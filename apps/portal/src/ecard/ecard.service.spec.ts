import { jest } from '@jest/globals';
import type { AuditService } from '../admin/audit.service.js';
import type { MailService } from '../mail/mail.service.js';
import type { PassesService } from '../passes/passes.service.js';
import { EcardException } from './ecard.exception.js';
import type { EcardRepository, HolderRecord } from './ecard.repository.js';
import { EcardService, isBonaFideGraduate, isContactComplete } from './ecard.service.js';

const HOLDER: HolderRecord = {
  accountId: '00000000-0000-4000-8000-000000000001',
  email: 'alice@example.com',
  locale: 'en',
  graduate: { id: '00000000-0000-4000-8000-000000000002', surname: 'Chan', givenName: 'Tai Man' },
  awards: [{ programme: 'BSc Computing', award: 'BSc', institution: 'PolyU', graduationYear: 2012 }],
  phoneCount: 1,
  addressCountry: 'Hong Kong',
};

function service(holder: HolderRecord | null) {
  const repository = {
    findHolder: jest.fn(async () => holder),
    findByAccount: jest.fn(async () => null),
    storeUpload: jest.fn(),
  };
  const audit = { record: jest.fn(async () => ({})) };
  const mail = { send: jest.fn() };
  const ecards = new EcardService(
    repository as unknown as EcardRepository,
    audit as unknown as AuditService,
    mail as unknown as MailService,
    { revokeEcard: jest.fn(async () => []) } as unknown as PassesService,
  );
  return { ecards, repository };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof EcardException) return error.code;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('eCard rules', () => {
  it('counts contact information as complete with a phone and the address country', () => {
    expect(isContactComplete({ phoneCount: 1, addressCountry: 'Hong Kong' })).toBe(true);
    expect(isContactComplete({ phoneCount: 0, addressCountry: 'Hong Kong' })).toBe(false);
    expect(isContactComplete({ phoneCount: 2, addressCountry: null })).toBe(false);
    expect(isContactComplete({ phoneCount: 2, addressCountry: '  ' })).toBe(false);
  });

  it('counts only graduates in the registry with an award as bona fide', () => {
    expect(isBonaFideGraduate(HOLDER)).toBe(true);
    expect(isBonaFideGraduate({ ...HOLDER, awards: [] })).toBe(false);
    expect(isBonaFideGraduate({ ...HOLDER, graduate: null })).toBe(false);
  });

  it('checks registry and contact before reading the photo, and stores nothing when either fails', async () => {
    const notAPhoto = Buffer.from('not even an image');
    const outsider = service({ ...HOLDER, graduate: null, awards: [] });
    expect(await codeOf(outsider.ecards.uploadPhoto(HOLDER.accountId, notAPhoto, null))).toBe('not-in-registry');
    expect(outsider.repository.storeUpload).not.toHaveBeenCalled();

    const noContact = service({ ...HOLDER, phoneCount: 0 });
    expect(await codeOf(noContact.ecards.uploadPhoto(HOLDER.accountId, notAPhoto, null))).toBe('contact-incomplete');
    expect(noContact.repository.storeUpload).not.toHaveBeenCalled();

    const ready = service(HOLDER);
    expect(await codeOf(ready.ecards.uploadPhoto(HOLDER.accountId, notAPhoto, null))).toBe('photo-not-an-image');
    expect(await codeOf(ready.ecards.uploadPhoto(HOLDER.accountId, undefined, null))).toBe('photo-missing');
    expect(ready.repository.storeUpload).not.toHaveBeenCalled();
  });
});
