import { hongKongToday, isCalendarDate, nameKey } from './graduate-names.js';
import { validateRegistryRow, type RegistryColumn } from './registry-row.js';

const today = '2026-11-26';
const good: Record<RegistryColumn, string> = {
  student_number: '12345678d',
  surname: 'Chan',
  given_name: 'Tai Man',
  date_of_birth: '1990-02-28',
  personal_id: 'A123456(3)',
  email: 'taiman.chan@example.com',
  student_netid: '12345678D',
  programme: 'BSc (Hons) in  Computing',
  award: 'Bachelor of Science',
  institution: 'polyu',
  graduation_year: '2012',
  polyu_award: '',
};

function validate(changes: Partial<Record<RegistryColumn, string | undefined>>) {
  return validateRegistryRow({ ...good, ...changes }, { today });
}

function reasonOf(changes: Partial<Record<RegistryColumn, string | undefined>>): string {
  const result = validate(changes);
  if (result.ok) throw new Error('expected the row to be refused');
  return result.reason;
}

describe('validateRegistryRow', () => {
  it('reads polyu_award for HKCC/SPEED awards (yes/no, empty is no) and refuses nonsense or "no" for a PolyU award', () => {
    expect(validate({ institution: 'HKCC', polyu_award: 'Yes' })).toMatchObject({ ok: true, row: { polyuAward: true } });
    expect(validate({ institution: 'SPEED', polyu_award: '' })).toMatchObject({ ok: true, row: { polyuAward: false } });
    expect(validate({ institution: 'SPEED', polyu_award: undefined })).toMatchObject({ ok: true, row: { polyuAward: false } });
    expect(reasonOf({ institution: 'HKCC', polyu_award: 'maybe' })).toBe('polyu_award "maybe" is not yes or no');
    expect(reasonOf({ polyu_award: 'no' })).toMatch(/^polyu_award is no, but the institution is PolyU/);
  });

  it('normalises a good row: student number and NetID case, HKID canonical, institution spelling, year as a number', () => {
    const result = validate({});
    expect(result).toEqual({
      ok: true,
      row: {
        studentNumber: '12345678D',
        surname: 'Chan',
        givenName: 'Tai Man',
        dateOfBirth: '1990-02-28',
        personalId: 'A1234563',
        email: 'taiman.chan@example.com',
        studentNetId: '12345678d',
        programme: 'BSc (Hons) in Computing',
        award: 'Bachelor of Science',
        institution: 'PolyU',
        graduationYear: 2012,
        polyuAward: true,
      },
    });
  });

  it('accepts Chinese names and keeps them as given', () => {
    const result = validate({ surname: '陳', given_name: '大文' });
    expect(result.ok && [result.row.surname, result.row.givenName]).toEqual(['陳', '大文']);
  });

  it('treats SQL and HTML as plain text', () => {
    const result = validate({ surname: "O'Brien'); DROP TABLE graduate;--", given_name: '<script>alert(1)</script>' });
    expect(result.ok && result.row.surname).toBe("O'Brien'); DROP TABLE graduate;--");
    expect(result.ok && result.row.givenName).toBe('<script>alert(1)</script>');
  });

  it('leaves optional columns empty or absent', () => {
    const result = validate({ personal_id: '', email: undefined, student_netid: ' ' });
    expect(result.ok && result.row).toMatchObject({ personalId: null, email: null, studentNetId: null });
  });

  it.each([
    [{ student_number: ' ' }, 'student_number is empty'],
    [{ surname: '' }, 'surname is empty'],
    [{ given_name: undefined }, 'given_name is empty'],
    [{ student_number: '1234 5678' }, 'student_number "1234 5678" may hold only letters, digits and hyphens'],
    [{ date_of_birth: '2031-02-30' }, 'date_of_birth 2031-02-30 is not a real date'],
    [{ date_of_birth: '1990-13-01' }, 'date_of_birth 1990-13-01 is not a real date'],
    [{ date_of_birth: '2023-02-29' }, 'date_of_birth 2023-02-29 is not a real date'],
    [{ date_of_birth: '28/02/1990' }, 'date_of_birth "28/02/1990" is not a date in the form YYYY-MM-DD'],
    [{ date_of_birth: '2026-11-27' }, 'date_of_birth 2026-11-27 is in the future'],
    [{ date_of_birth: '1899-12-31' }, 'date_of_birth 1899-12-31 is before 1900-01-01'],
    [{ personal_id: 'A123456(4)' }, 'personal_id has a wrong check digit'],
    [{ personal_id: '12345678' }, 'personal_id is not an HKID number (like A123456(7) or AB123456(7))'],
    [{ email: 'not-an-email' }, 'email "not-an-email" is not an email address'],
    [{ email: 'a@b' }, 'email "a@b" is not an email address'],
    [{ student_netid: 'net id' }, 'student_netid "net id" may hold only letters, digits, dots, hyphens and underscores'],
    [{ institution: 'HKU' }, 'institution "HKU" is not one of PolyU, HKCC, SPEED'],
    [{ graduation_year: '12' }, 'graduation_year "12" is not a four-digit year'],
    [{ graduation_year: '2012.0' }, 'graduation_year "2012.0" is not a four-digit year'],
    [{ graduation_year: '1936' }, 'graduation_year 1936 is outside 1937-2026'],
    [{ graduation_year: '2027' }, 'graduation_year 2027 is outside 1937-2026'],
    [{ graduation_year: '1990' }, 'graduation_year 1990 is not after the year of birth (1990-02-28)'],
    [{ surname: 'x'.repeat(101) }, 'surname is longer than 100 characters'],
    [{ programme: 'p'.repeat(201) }, 'programme is longer than 200 characters'],
    [{ email: `${'e'.repeat(250)}@x.hk` }, 'email is longer than 254 characters'],
  ])('refuses %j: %s', (changes, reason) => {
    expect(reasonOf(changes)).toBe(reason);
  });

  it('counts length in characters, so a long Chinese name is measured fairly', () => {
    expect(validate({ given_name: '文'.repeat(100) }).ok).toBe(true);
    expect(reasonOf({ given_name: '文'.repeat(101) })).toBe('given_name is longer than 100 characters');
  });

  it.each([
    ['a tab', 'Tai\tMan'],
    ['a newline', 'Tai\nMan'],
    ['a NUL', 'Tai\u0000Man'],
    ['a C1 control', 'Tai\u0085Man'],
    ['a right-to-left override', 'Tai\u202eMan'],
    ['bytes that were not UTF-8', 'Tai\ufffdMan'],
  ])('refuses %s in a name, showing it escaped', (_what, given) => {
    expect(reasonOf({ given_name: given })).toMatch(
      /^given_name contains a control character or bytes that are not UTF-8 \("Tai\\\\u[0-9a-f]{4}Man"\)$/,
    );
  });

  it('never puts a personal ID number into a reason', () => {
    expect(reasonOf({ personal_id: 'A123456\u0000(3)' })).toBe('personal_id contains a control character or bytes that are not UTF-8');
    expect(reasonOf({ personal_id: 'Z999999(9)' })).not.toContain('999999');
  });
});

describe('nameKey', () => {
  it('compares case-, space- and width-insensitively', () => {
    expect(nameKey('  CHAN   Tai\u3000Man ')).toBe('chan tai man');
    expect(nameKey('ＣＨＡＮ')).toBe('chan');
    expect(nameKey('陳 大文')).toBe('陳 大文');
  });
});

describe('isCalendarDate and hongKongToday', () => {
  it('knows leap years', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('2100-02-29')).toBe(false);
    expect(isCalendarDate('2024-2-29')).toBe(false);
  });

  it('is the Hong Kong date whatever the server zone', () => {
    expect(hongKongToday(new Date('2026-11-26T15:59:59Z'))).toBe('2026-11-26');
    expect(hongKongToday(new Date('2026-11-26T16:00:00Z'))).toBe('2026-11-27');
  });
});
