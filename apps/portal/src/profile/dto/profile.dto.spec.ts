import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { AchievementDto, CareerEntryDto, DeleteEntryQuery, EducationEntryDto, UpdateContactDto } from './profile.dto.js';
import { currentYearMonth } from './profile-validators.js';

async function problems<T extends object>(type: new () => T, plain: object): Promise<string[]> {
  const errors = await validate(plainToInstance(type, plain), { whitelist: true, forbidNonWhitelisted: true });
  const messages = (list: typeof errors): string[] =>
    list.flatMap((error) => [...Object.values(error.constraints ?? {}), ...messages(error.children ?? [])]);
  return messages(errors);
}

const CAREER = { employer: 'Acme', title: 'Engineer', industry: 'engineering', from: '2015-09', to: '2019-06', current: false };
const CONTACT = {
  version: 0,
  additionalEmails: [],
  phones: [],
  address: { lines: [] },
  preferredLanguage: 'en',
  newsConsent: false,
};

describe('profile DTOs', () => {
  it('accept unicode names and plain text that looks like HTML or SQL', async () => {
    expect(await problems(CareerEntryDto, { ...CAREER, employer: '香港理工大學 <b>&</b>', title: "Robert'); DROP TABLE x;--" })).toEqual(
      [],
    );
    expect(await problems(AchievementDto, { title: 'Prix Ça-va', year: 2020, description: 'two\nlines' })).toEqual([]);
  });

  it('trim text and treat blank optional text as none', () => {
    const dto = plainToInstance(UpdateContactDto, {
      ...CONTACT,
      address: { lines: ['  a  '], city: '   ' },
      additionalEmails: [' A@B.com '],
    });
    expect(dto.address.lines).toEqual(['a']);
    expect(dto.address.city).toBeNull();
    expect(dto.additionalEmails).toEqual(['a@b.com']);
  });

  it('normalise phones: digits only, a bare country code gets its +', () => {
    const dto = plainToInstance(UpdateContactDto, { ...CONTACT, phones: [{ type: 'mobile', countryCode: '852', number: '9123-4567' }] });
    expect(dto.phones[0]).toMatchObject({ countryCode: '+852', number: '91234567' });
  });

  it('check month order, the current flag and the future', async () => {
    expect(await problems(CareerEntryDto, { ...CAREER, to: '2015-08' })).toEqual(['to must not be before from']);
    expect(await problems(CareerEntryDto, { ...CAREER, to: '2015-09' })).toEqual([]);
    expect(await problems(CareerEntryDto, { ...CAREER, current: true })).toEqual(['to must be left out (or null) for your current job']);
    expect(await problems(CareerEntryDto, { ...CAREER, to: undefined })).toEqual(['to is required unless this is your current job']);
    expect(await problems(CareerEntryDto, { ...CAREER, to: null, current: true, from: currentYearMonth() })).toEqual([]);
    expect(await problems(CareerEntryDto, { ...CAREER, to: null, current: true, from: '9999-01' })).toEqual([
      'from must not be in the future',
    ]);
    expect(await problems(EducationEntryDto, { institution: 'HKU', qualification: 'MBA', fromYear: 2018, toYear: 2017 })).toEqual([
      'toYear must not be before fromYear',
    ]);
  });

  it('refuse control characters, including bidirectional overrides', async () => {
    expect(await problems(CareerEntryDto, { ...CAREER, employer: 'a\u202eb' })).toEqual([
      'employer must be text on one line, without control characters',
    ]);
    expect(await problems(AchievementDto, { title: 't', year: 2000, description: 'a\u0007b' })).toEqual([
      'description must be text without control characters',
    ]);
  });

  it('read the version of a delete from the query string', async () => {
    expect(plainToInstance(DeleteEntryQuery, { version: '3' }).version).toBe(3);
    expect(await problems(DeleteEntryQuery, { version: 'x' })).toContain('version must be the whole number you read with the profile');
  });
});
