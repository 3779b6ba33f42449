import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { Field, type FieldProps } from './fields.js';
import type { FieldErrors } from './use-form-submit.js';

/** Who someone is, as the registry knows them: what registration and NetID recovery check. */
export interface IdentityDetails {
  readonly surname: string;
  readonly givenName: string;
  readonly dateOfBirth: string;
  readonly personalId: string;
}

export type IdentityErrors = FieldErrors<keyof IdentityDetails>;

export const NO_IDENTITY_DETAILS: IdentityDetails = { surname: '', givenName: '', dateOfBirth: '', personalId: '' };

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** What is missing in the name and date of birth, in the reader's language (the personal ID is the caller's). */
export function nameAndBirthErrors(t: TFunction, details: IdentityDetails): IdentityErrors {
  const found: IdentityErrors = {};
  if (!details.surname.trim()) found.surname = t('register.surnameRequired');
  if (!details.givenName.trim()) found.givenName = t('register.givenNameRequired');
  if (!DATE.test(details.dateOfBirth)) found.dateOfBirth = t('register.dateOfBirthInvalid');
  return found;
}

export function trimmedIdentity(details: IdentityDetails): IdentityDetails {
  return {
    surname: details.surname.trim(),
    givenName: details.givenName.trim(),
    dateOfBirth: details.dateOfBirth,
    personalId: details.personalId.trim(),
  };
}

/**
 * Surname, given name, date of birth and personal ID. The personal ID is worded by the caller: email
 * registration takes it as an optional help to find the record, NetID flows require it as proof.
 */
export function IdentityFields({
  details,
  errors,
  onChange,
  personalId,
  minDateOfBirth,
}: {
  readonly details: IdentityDetails;
  readonly errors: IdentityErrors;
  readonly onChange: (details: IdentityDetails) => void;
  readonly personalId: Pick<FieldProps, 'label' | 'hint' | 'optional'>;
  readonly minDateOfBirth?: string;
}) {
  const { t } = useTranslation();
  const set = (key: keyof IdentityDetails) => (event: { target: { value: string } }) => onChange({ ...details, [key]: event.target.value });
  return (
    <>
      <Field
        label={t('register.surname')}
        error={errors.surname}
        name="surname"
        autoComplete="family-name"
        value={details.surname}
        onChange={set('surname')}
      />
      <Field
        label={t('register.givenName')}
        error={errors.givenName}
        name="givenName"
        autoComplete="given-name"
        value={details.givenName}
        onChange={set('givenName')}
      />
      <Field
        label={t('register.dateOfBirth')}
        hint={t('register.dateOfBirthHint')}
        error={errors.dateOfBirth}
        type="date"
        name="dateOfBirth"
        autoComplete="bday"
        min={minDateOfBirth}
        value={details.dateOfBirth}
        onChange={set('dateOfBirth')}
      />
      <Field
        {...personalId}
        error={errors.personalId}
        name="personalId"
        autoComplete="off"
        value={details.personalId}
        onChange={set('personalId')}
      />
    </>
  );
}
