import { jest } from '@jest/globals';
import type { CareerEntryDto, UpdateContactDto } from './dto/profile.dto.js';
import type { OwnedEntryStore, ProfileRepository } from './profile.repository.js';
import { ProfileException } from './profile.exception.js';
import { ProfileService } from './profile.service.js';

const ACCOUNT = '11111111-1111-4111-8111-111111111111';
const ENTRY = '22222222-2222-4222-8222-222222222222';
const CAREER: CareerEntryDto = { employer: 'Acme', title: 'CTO', industry: 'engineering', from: '2019-01', to: '2020-01', current: true };

function store() {
  return {
    list: jest.fn(async () => []),
    count: jest.fn(async () => 0),
    insert: jest.fn(async (_account: string, values: object) => ({ id: ENTRY, accountId: ACCOUNT, version: 1, ...values })),
    update: jest.fn(),
    delete: jest.fn(),
  };
}

function setUp() {
  const repository = {
    career: store(),
    education: store(),
    achievements: store(),
    findAccount: jest.fn(),
    findContact: jest.fn(),
    saveContact: jest.fn(),
  };
  return { repository, service: new ProfileService(repository as unknown as ProfileRepository) };
}

async function failure(promise: Promise<unknown>): Promise<ProfileException> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ProfileException) return error;
    throw error;
  }
  throw new Error('expected a ProfileException');
}

describe('ProfileService', () => {
  it('drops the end month of a current job and scopes the write to the account', async () => {
    const { service, repository } = setUp();
    const added = await service.addCareer(ACCOUNT, CAREER);
    expect(repository.career.insert).toHaveBeenCalledWith(
      ACCOUNT,
      expect.objectContaining({ fromMonth: '2019-01', toMonth: null, current: true }),
    );
    expect(added).toMatchObject({ id: ENTRY, version: 1, from: '2019-01', to: null });
  });

  it('answers a missing entry with 404 and a stale one with 409 and the current version', async () => {
    const { service, repository } = setUp();
    const career = repository.career as unknown as jest.Mocked<OwnedEntryStore<never>>;
    career.update.mockResolvedValueOnce({ outcome: 'missing' });
    expect(await failure(service.updateCareer(ACCOUNT, ENTRY, { ...CAREER, version: 1 }))).toMatchObject({
      code: 'entry-not-found',
      httpStatus: 404,
    });
    career.update.mockResolvedValueOnce({ outcome: 'stale', currentVersion: 4 });
    expect(await failure(service.updateCareer(ACCOUNT, ENTRY, { ...CAREER, version: 1 }))).toMatchObject({
      code: 'version-conflict',
      httpStatus: 409,
      details: { currentVersion: 4 },
    });
  });

  it('never queries with an id that is not a uuid: 404 at once', async () => {
    const { service, repository } = setUp();
    expect((await failure(service.removeAchievement(ACCOUNT, "1' OR '1'='1", 1))).httpStatus).toBe(404);
    expect(repository.achievements.delete).not.toHaveBeenCalled();
  });

  it('refuses an entry beyond the cap', async () => {
    const { service, repository } = setUp();
    repository.education.count.mockResolvedValueOnce(30);
    const error = await failure(service.addEducation(ACCOUNT, { institution: 'HKU', qualification: 'MBA', fromYear: 2000 }));
    expect(error).toMatchObject({
      code: 'too-many-entries',
      message: 'You can keep up to 30 education entries. Remove one to add another.',
    });
    expect(repository.education.insert).not.toHaveBeenCalled();
  });

  it('treats a contact save at a version that was never written as stale', async () => {
    const { service, repository } = setUp();
    repository.saveContact.mockResolvedValueOnce({ outcome: 'missing' } as never);
    const dto = { version: 3, additionalEmails: [], phones: [], address: { lines: [] }, preferredLanguage: 'en', newsConsent: false };
    expect(await failure(service.updateContact(ACCOUNT, dto as UpdateContactDto))).toMatchObject({
      code: 'version-conflict',
      details: { currentVersion: 0 },
    });
  });
});
