import { describe, expect, it } from '@jest/globals';
import { serverFieldErrors, validateAchievement, validateCareer, validateContact, validateEducation } from './profile-validation.js';

describe('validateContact', () => {
  const empty = { additionalEmails: [], phones: [], addressLines: [], city: '', region: '', country: '' };

  it('accepts phones with spaces and hyphens, and a country code with or without +', () => {
    expect(validateContact({ ...empty, phones: [{ type: 'mobile', countryCode: '852', number: '9123-4567' }] })).toEqual({});
    expect(validateContact({ ...empty, phones: [{ type: 'mobile', countryCode: '+852', number: '9123 4567' }] })).toEqual({});
  });

  it('names the phone and email that are wrong by their path', () => {
    expect(
      validateContact({
        ...empty,
        phones: [
          { type: 'mobile', countryCode: '', number: '123' },
          { type: 'home', countryCode: '+8521', number: '21234567' },
        ],
        additionalEmails: ['a@example.com', 'A@example.com ', 'nope'],
      }),
    ).toEqual({
      'phones.0.number': 'profile.errors.phone',
      'phones.1.countryCode': 'profile.errors.countryCode',
      'additionalEmails.1': 'profile.errors.emailTwice',
      'additionalEmails.2': 'fields.emailInvalid',
    });
  });
});

describe('validateCareer', () => {
  const job = { employer: 'PolyU', title: 'Engineer', industry: 'engineering', from: '2015-09', to: '2019-06', current: false };

  it('accepts a past job and a current one without an end', () => {
    expect(validateCareer(job, '2026-11')).toEqual({});
    expect(validateCareer({ ...job, to: '', current: true }, '2026-11')).toEqual({});
  });

  it('wants an end month for a past job, not before the start and not in the future', () => {
    expect(validateCareer({ ...job, to: '' }, '2026-11')).toEqual({ to: 'profile.errors.toRequired' });
    expect(validateCareer({ ...job, to: '2014-01' }, '2026-11')).toEqual({ to: 'profile.errors.toBeforeFrom' });
    expect(validateCareer({ ...job, from: '2027-01', to: '2027-02' }, '2026-11')).toEqual({
      from: 'profile.errors.future',
      to: 'profile.errors.future',
    });
    expect(validateCareer({ ...job, employer: ' ', from: '2015-13' }, '2026-11')).toEqual({
      employer: 'profile.errors.required',
      from: 'profile.errors.yearMonth',
    });
  });
});

describe('validateEducation and validateAchievement', () => {
  it('checks years', () => {
    expect(validateEducation({ institution: 'HKU', qualification: 'MBA', fromYear: '2016', toYear: '' }, 2026)).toEqual({});
    expect(validateEducation({ institution: 'HKU', qualification: 'MBA', fromYear: '2016', toYear: '2015' }, 2026)).toEqual({
      toYear: 'profile.errors.toYearBeforeFrom',
    });
    expect(validateAchievement({ title: 'Prize', year: '1899', description: '' }, 2026)).toEqual({ year: 'profile.errors.yearTooEarly' });
    expect(validateAchievement({ title: '', year: '2030', description: '' }, 2026)).toEqual({
      title: 'profile.errors.required',
      year: 'profile.errors.future',
    });
  });
});

describe('serverFieldErrors', () => {
  it('puts messages that start with a field path next to that field, the longest path first', () => {
    expect(
      serverFieldErrors(
        ['phones.0.number: a phone must be digits', 'employer is required', 'version must be the whole number you read'],
        ['phones.0.number', 'phones.0', 'employer'],
      ),
    ).toEqual({
      fields: { 'phones.0.number': 'phones.0.number: a phone must be digits', employer: 'employer is required' },
      other: ['version must be the whole number you read'],
    });
  });
});
