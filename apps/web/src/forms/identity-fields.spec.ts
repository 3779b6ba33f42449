import { describe, expect, it } from '@jest/globals';
import { createI18n } from '../i18n/i18n.js';
import { emailProblem } from './fields.js';
import { NO_IDENTITY_DETAILS, nameAndBirthErrors, trimmedIdentity } from './identity-fields.js';

describe('identity details', () => {
  const en = createI18n('en');

  it('names each missing part of the name and date of birth, and leaves the personal ID to the caller', () => {
    expect(nameAndBirthErrors(en.t, NO_IDENTITY_DETAILS)).toEqual({
      surname: en.t('register.surnameRequired'),
      givenName: en.t('register.givenNameRequired'),
      dateOfBirth: en.t('register.dateOfBirthInvalid'),
    });
    expect(nameAndBirthErrors(en.t, { surname: 'Chan', givenName: 'Tai Man', dateOfBirth: '1990-05-01', personalId: '' })).toEqual({});
    expect(nameAndBirthErrors(en.t, { surname: ' ', givenName: 'Tai Man', dateOfBirth: '1990-5-1', personalId: '' })).toEqual({
      surname: en.t('register.surnameRequired'),
      dateOfBirth: en.t('register.dateOfBirthInvalid'),
    });
  });

  it('trims what was typed, but not the date', () => {
    expect(trimmedIdentity({ surname: ' Chan ', givenName: 'Tai Man ', dateOfBirth: '1990-05-01', personalId: ' A123456(3) ' })).toEqual({
      surname: 'Chan',
      givenName: 'Tai Man',
      dateOfBirth: '1990-05-01',
      personalId: 'A123456(3)',
    });
  });
});

describe('emailProblem', () => {
  const en = createI18n('en');

  it('asks for an address, then for a well-formed one', () => {
    expect(emailProblem(en.t, '')).toBe(en.t('fields.emailRequired'));
    expect(emailProblem(en.t, 'chan@example')).toBe(en.t('fields.emailInvalid'));
    expect(emailProblem(en.t, 'chan@example.com')).toBeUndefined();
  });
});
