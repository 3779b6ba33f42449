import { isCalendarDate, nameKey } from './graduate-names.js';
import { isValidHkid, normaliseHkid } from './hkid.js';

export const INSTITUTIONS = ['PolyU', 'HKCC', 'SPEED'] as const;
export type Institution = (typeof INSTITUTIONS)[number];

/** Columns of a registry CSV. One row per award; rows with the same student number are one person. */
export const REQUIRED_COLUMNS = [
  'student_number',
  'surname',
  'given_name',
  'date_of_birth',
  'programme',
  'award',
  'institution',
  'graduation_year',
] as const;
export const OPTIONAL_COLUMNS = ['personal_id', 'email', 'student_netid', 'polyu_award'] as const;
export type RegistryColumn = (typeof REQUIRED_COLUMNS)[number] | (typeof OPTIONAL_COLUMNS)[number];

export const FIELD_LIMITS = {
  student_number: 20,
  surname: 100,
  given_name: 100,
  email: 254,
  student_netid: 32,
  programme: 200,
  award: 200,
} as const;

/** PolyU's earliest forerunner (the Government Trade School) opened in 1937. */
export const FIRST_GRADUATION_YEAR = 1937;
export const EARLIEST_DATE_OF_BIRTH = '1900-01-01';

/** One valid row, normalised. `personalId` is the canonical HKID (hash it at once, never store or log it). */
export interface RegistryRow {
  studentNumber: string;
  surname: string;
  givenName: string;
  dateOfBirth: string;
  personalId: string | null;
  email: string | null;
  studentNetId: string | null;
  programme: string;
  award: string;
  institution: Institution;
  graduationYear: number;
  /** The award was conferred by PolyU: always for PolyU, the `polyu_award` column for HKCC/SPEED (Alumni NetID). */
  polyuAward: boolean;
}

export type RowValidation = { ok: true; row: RegistryRow } | { ok: false; reason: string };

export interface RowValidationContext {
  /** Today as `YYYY-MM-DD` (Hong Kong): dates of birth after it are refused. */
  today: string;
}

// C0 and C1 control characters (tab and newline included: no field spans lines), U+FFFD (bytes that
// were not UTF-8, e.g. a file saved as Big5), line/paragraph separators and bidirectional overrides that
// can make a name display as something else. Matching control characters is the point here.
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufffd]/u;
const STUDENT_NUMBER = /^[A-Z0-9][A-Z0-9-]*$/;
const NET_ID = /^[a-z0-9][a-z0-9._-]*$/;
// Pragmatic: one @, no spaces, a dot in the domain. Whether mail arrives is for the OTP to prove.
const EMAIL = /^[^\s@"<>()[\]\\,;:]+@[^\s@"<>()[\]\\,;:]+\.[^\s@"<>()[\]\\,;:.]{2,}$/u;
const YEAR = /^\d{4}$/;

class RowError extends Error {}

/** Shows a value in a message: quoted, shortened, with invisible characters made visible. */
export function showValue(value: string, max = 40): string {
  const visible = value.replace(
    new RegExp(FORBIDDEN_CHARACTERS.source, 'gu'),
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return JSON.stringify(visible.length > max ? `${visible.slice(0, max)}…` : visible);
}

function text(record: Partial<Record<RegistryColumn, string>>, column: RegistryColumn): string {
  const raw = record[column] ?? '';
  if (FORBIDDEN_CHARACTERS.test(raw)) {
    // Never echo a personal ID number, not even in part.
    const shown = column === 'personal_id' ? '' : ` (${showValue(raw)})`;
    throw new RowError(`${column} contains a control character or bytes that are not UTF-8${shown}`);
  }
  const value = raw.trim();
  const limit = FIELD_LIMITS[column as keyof typeof FIELD_LIMITS];
  if (limit !== undefined && [...value].length > limit) throw new RowError(`${column} is longer than ${limit} characters`);
  return value;
}

function required(record: Partial<Record<RegistryColumn, string>>, column: RegistryColumn): string {
  const value = text(record, column);
  if (!value) throw new RowError(`${column} is empty`);
  return value;
}

function optional(record: Partial<Record<RegistryColumn, string>>, column: RegistryColumn): string | null {
  return text(record, column) || null;
}

/**
 * Validates one CSV row (values by column name; a missing optional column is undefined) and returns it
 * normalised, or the first problem as a sentence naming the column. Text is only text: SQL or HTML in a
 * name is stored as typed and always passed to the database as a parameter.
 */
export function validateRegistryRow(record: Partial<Record<RegistryColumn, string>>, context: RowValidationContext): RowValidation {
  try {
    return { ok: true, row: parseRow(record, context) };
  } catch (error) {
    if (error instanceof RowError) return { ok: false, reason: error.message };
    throw error;
  }
}

function parseRow(record: Partial<Record<RegistryColumn, string>>, context: RowValidationContext): RegistryRow {
  const studentNumber = required(record, 'student_number').toUpperCase();
  if (!STUDENT_NUMBER.test(studentNumber)) {
    throw new RowError(`student_number ${showValue(studentNumber)} may hold only letters, digits and hyphens`);
  }

  const surname = required(record, 'surname');
  const givenName = required(record, 'given_name');
  if (!nameKey(surname)) throw new RowError('surname is empty');
  if (!nameKey(givenName)) throw new RowError('given_name is empty');

  const dateOfBirth = required(record, 'date_of_birth');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(dateOfBirth)) {
    throw new RowError(`date_of_birth ${showValue(dateOfBirth)} is not a date in the form YYYY-MM-DD`);
  }
  if (!isCalendarDate(dateOfBirth)) throw new RowError(`date_of_birth ${dateOfBirth} is not a real date`);
  if (dateOfBirth > context.today) throw new RowError(`date_of_birth ${dateOfBirth} is in the future`);
  if (dateOfBirth < EARLIEST_DATE_OF_BIRTH) throw new RowError(`date_of_birth ${dateOfBirth} is before ${EARLIEST_DATE_OF_BIRTH}`);

  const rawPersonalId = optional(record, 'personal_id');
  let personalId: string | null = null;
  if (rawPersonalId !== null) {
    // The value itself never goes into a message.
    personalId = normaliseHkid(rawPersonalId);
    if (!personalId) throw new RowError('personal_id is not an HKID number (like A123456(7) or AB123456(7))');
    if (!isValidHkid(personalId)) throw new RowError('personal_id has a wrong check digit');
  }

  const email = optional(record, 'email');
  if (email !== null && !EMAIL.test(email)) throw new RowError(`email ${showValue(email)} is not an email address`);

  const rawNetId = optional(record, 'student_netid');
  const studentNetId = rawNetId?.toLowerCase() ?? null;
  if (studentNetId !== null && !NET_ID.test(studentNetId)) {
    throw new RowError(`student_netid ${showValue(studentNetId)} may hold only letters, digits, dots, hyphens and underscores`);
  }

  const programme = collapse(required(record, 'programme'));
  const award = collapse(required(record, 'award'));

  const rawInstitution = required(record, 'institution');
  const institution = INSTITUTIONS.find((name) => name.toLowerCase() === rawInstitution.toLowerCase());
  if (!institution) throw new RowError(`institution ${showValue(rawInstitution)} is not one of ${INSTITUTIONS.join(', ')}`);

  const rawYear = required(record, 'graduation_year');
  const lastYear = Number(context.today.slice(0, 4));
  if (!YEAR.test(rawYear)) throw new RowError(`graduation_year ${showValue(rawYear)} is not a four-digit year`);
  const graduationYear = Number(rawYear);
  if (graduationYear < FIRST_GRADUATION_YEAR || graduationYear > lastYear) {
    throw new RowError(`graduation_year ${graduationYear} is outside ${FIRST_GRADUATION_YEAR}-${lastYear}`);
  }
  if (graduationYear <= Number(dateOfBirth.slice(0, 4))) {
    throw new RowError(`graduation_year ${graduationYear} is not after the year of birth (${dateOfBirth})`);
  }

  const polyuAward = parsePolyuAward(optional(record, 'polyu_award'), institution);

  return {
    studentNumber,
    surname,
    givenName,
    dateOfBirth,
    personalId,
    email,
    studentNetId,
    programme,
    award,
    institution,
    graduationYear,
    polyuAward,
  };
}

/** `polyu_award`: yes/no (or true/false, y/n, 1/0); empty means no. A PolyU award is always a PolyU award. */
function parsePolyuAward(raw: string | null, institution: Institution): boolean {
  const value = raw?.toLowerCase() ?? '';
  const yes = ['yes', 'y', 'true', '1'].includes(value);
  if (!yes && !['', 'no', 'n', 'false', '0'].includes(value)) {
    throw new RowError(`polyu_award ${showValue(raw ?? '')} is not yes or no`);
  }
  if (institution === 'PolyU' && ['no', 'n', 'false', '0'].includes(value)) {
    throw new RowError('polyu_award is no, but the institution is PolyU (a PolyU award); leave it empty or write yes');
  }
  return institution === 'PolyU' || yes;
}

function collapse(value: string): string {
  return value.replace(/\s+/gu, ' ');
}
