/**
 * Checks the profile forms make before saving, mirroring the portal's rules (apps/portal/src/profile/dto),
 * so most mistakes are shown next to the field, in the reader's language, without a round trip. The portal
 * checks again; what it refuses is shown too (see serverFieldErrors).
 */

/** Field path (as the portal names it, e.g. 'phones.0.number') → i18n key of the problem. */
export type FieldErrors = Record<string, string>;

export const YEAR_MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/u;
const COUNTRY_CODE = /^\+?\d{1,3}$/;
const PHONE = /^\d{4,15}$/;

/** This month in Hong Kong as YYYY-MM (the portal's "now"). */
export function hongKongYearMonth(now: Date = new Date()): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Hong_Kong', year: 'numeric', month: '2-digit' }).formatToParts(now);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}`;
}

export function phoneDigits(number: string): string {
  return number.replace(/[\s-]/gu, '');
}

export interface ContactDraft {
  additionalEmails: string[];
  phones: Array<{ type: string; countryCode: string; number: string }>;
  addressLines: string[];
  city: string;
  region: string;
  country: string;
}

export function validateContact(draft: ContactDraft): FieldErrors {
  const errors: FieldErrors = {};
  draft.phones.forEach((phone, index) => {
    const code = phone.countryCode.trim();
    if (code && !COUNTRY_CODE.test(code)) errors[`phones.${index}.countryCode`] = 'profile.errors.countryCode';
    if (!PHONE.test(phoneDigits(phone.number))) errors[`phones.${index}.number`] = 'profile.errors.phone';
  });
  const seen = new Set<string>();
  draft.additionalEmails.forEach((email, index) => {
    const value = email.trim().toLowerCase();
    if (!EMAIL.test(value)) errors[`additionalEmails.${index}`] = 'fields.emailInvalid';
    else if (seen.has(value)) errors[`additionalEmails.${index}`] = 'profile.errors.emailTwice';
    seen.add(value);
  });
  draft.addressLines.forEach((line, index) => {
    if (line.trim().length > 100) errors[`address.lines.${index}`] = 'profile.errors.tooLong100';
  });
  for (const key of ['city', 'region', 'country'] as const) {
    if (draft[key].trim().length > 100) errors[`address.${key}`] = 'profile.errors.tooLong100';
  }
  return errors;
}

export interface CareerDraft {
  employer: string;
  title: string;
  industry: string;
  from: string;
  to: string;
  current: boolean;
}

function required(errors: FieldErrors, key: string, value: string, max = 200): void {
  if (!value.trim()) errors[key] = 'profile.errors.required';
  else if (value.trim().length > max) errors[key] = 'profile.errors.tooLong200';
}

export function validateCareer(draft: CareerDraft, now = hongKongYearMonth()): FieldErrors {
  const errors: FieldErrors = {};
  required(errors, 'employer', draft.employer);
  required(errors, 'title', draft.title);
  if (!draft.industry) errors['industry'] = 'profile.errors.industry';
  if (!YEAR_MONTH.test(draft.from)) errors['from'] = 'profile.errors.yearMonth';
  else if (draft.from > now) errors['from'] = 'profile.errors.future';
  if (!draft.current) {
    if (!YEAR_MONTH.test(draft.to)) errors['to'] = draft.to ? 'profile.errors.yearMonth' : 'profile.errors.toRequired';
    else if (draft.to > now) errors['to'] = 'profile.errors.future';
    else if (YEAR_MONTH.test(draft.from) && draft.to < draft.from) errors['to'] = 'profile.errors.toBeforeFrom';
  }
  return errors;
}

export interface EducationDraft {
  institution: string;
  qualification: string;
  fromYear: string;
  toYear: string;
}

function year(errors: FieldErrors, key: string, value: string, thisYear: number): number | undefined {
  if (!/^\d{4}$/.test(value.trim())) {
    errors[key] = 'profile.errors.year';
    return undefined;
  }
  const number = Number(value.trim());
  if (number < 1900) errors[key] = 'profile.errors.yearTooEarly';
  else if (number > thisYear) errors[key] = 'profile.errors.future';
  return number;
}

export function validateEducation(draft: EducationDraft, thisYear = Number(hongKongYearMonth().slice(0, 4))): FieldErrors {
  const errors: FieldErrors = {};
  required(errors, 'institution', draft.institution);
  required(errors, 'qualification', draft.qualification);
  const from = year(errors, 'fromYear', draft.fromYear, thisYear);
  if (draft.toYear.trim()) {
    const to = year(errors, 'toYear', draft.toYear, thisYear);
    if (from !== undefined && to !== undefined && !errors['toYear'] && to < from) errors['toYear'] = 'profile.errors.toYearBeforeFrom';
  }
  return errors;
}

export interface AchievementDraft {
  title: string;
  year: string;
  description: string;
}

export function validateAchievement(draft: AchievementDraft, thisYear = Number(hongKongYearMonth().slice(0, 4))): FieldErrors {
  const errors: FieldErrors = {};
  required(errors, 'title', draft.title);
  year(errors, 'year', draft.year, thisYear);
  if (draft.description.length > 2000) errors['description'] = 'profile.errors.tooLong2000';
  return errors;
}

/**
 * The portal's validation messages start with the field's path ('phones.0.number: …', 'employer is
 * required'). Those naming a field we show go next to it; the rest are for the whole section.
 */
export function serverFieldErrors(messages: readonly string[], fields: readonly string[]): { fields: FieldErrors; other: string[] } {
  const byLength = [...fields].sort((a, b) => b.length - a.length);
  const result: FieldErrors = {};
  const other: string[] = [];
  for (const message of messages) {
    const field = byLength.find((name) => message === name || message.startsWith(`${name} `) || message.startsWith(`${name}:`));
    if (field && result[field] === undefined) result[field] = message;
    else other.push(message);
  }
  return { fields: result, other };
}
