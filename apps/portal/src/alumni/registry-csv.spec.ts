import { Readable } from 'node:stream';
import { openRegistryCsv, type RegistryCsvRow } from './registry-csv.js';
import { RegistryImportException } from './registry.exception.js';

const HEADER =
  'student_number,surname,given_name,date_of_birth,personal_id,email,student_netid,programme,award,institution,graduation_year';
const ROW = 'S1,Chan,Tai Man,1990-01-01,A123456(3),a@example.com,s1,BSc Computing,Bachelor,PolyU,2012';
const limits = { maxBytes: 10_000, maxRowLength: 500 };

async function read(text: string | string[], options = limits): Promise<{ rows: RegistryCsvRow[]; optional: string[] }> {
  const csv = await openRegistryCsv(Readable.from(Array.isArray(text) ? text : [text]), options);
  const rows: RegistryCsvRow[] = [];
  for await (const row of csv.rows) rows.push(row);
  return { rows, optional: [...csv.optionalColumns] };
}

async function refusal(text: string, options = limits): Promise<RegistryImportException> {
  try {
    await read(text, options);
  } catch (error) {
    if (error instanceof RegistryImportException) return error;
    throw error;
  }
  throw new Error('expected the file to be refused');
}

describe('openRegistryCsv', () => {
  it('yields rows by column name with the line each starts on (blank lines, CRLF and a BOM are fine)', async () => {
    const { rows, optional } = await read(`\ufeff${HEADER}\r\n${ROW}\r\n\r\n,,,,,,,,,,\r\n${ROW.replace('S1', 'S2')}\r\n`);
    expect(rows.map((row) => row.line)).toEqual([2, 5]);
    expect(rows[0].values).toMatchObject({ student_number: 'S1', given_name: 'Tai Man', graduation_year: '2012' });
    expect(optional.sort()).toEqual(['email', 'personal_id', 'student_netid']);
  });

  it('accepts the header in any order and case, optional columns left out', async () => {
    const { rows, optional } = await read(
      'Surname,STUDENT_NUMBER,given_name,date_of_birth,programme,award,institution,graduation_year\nLee,S3,Ka Yan,1991-05-05,P,A,HKCC,2015\n',
    );
    expect(rows[0].values).toEqual({
      surname: 'Lee',
      student_number: 'S3',
      given_name: 'Ka Yan',
      date_of_birth: '1991-05-05',
      programme: 'P',
      award: 'A',
      institution: 'HKCC',
      graduation_year: '2015',
    });
    expect(optional).toEqual([]);
  });

  it('reports a row with the wrong number of fields as a row problem, and goes on', async () => {
    const { rows } = await read(`${HEADER}\nS1,Chan\n${ROW}\n`);
    expect(rows[0]).toEqual({ line: 2, problem: expect.stringMatching(/^has 2 fields, expected 11/) });
    expect(rows[1].line).toBe(3);
  });

  it('gives the starting line of a row whose quoted field spans lines', async () => {
    const { rows } = await read(`${HEADER}\n"S1","Chan","Tai\nMan",1990-01-01,,,,P,A,PolyU,2012\n${ROW}\n`);
    expect(rows.map((row) => row.line)).toEqual([2, 4]);
    expect(rows[0].values?.given_name).toBe('Tai\nMan');
  });

  it('refuses an unknown, missing or repeated column, naming them', async () => {
    const error = await refusal(`${HEADER.replace('surname', 'surnmae')},email\n`);
    expect(error.code).toBe('bad-header');
    expect(error.message).toMatch(
      /^line 1: .*unknown column\(s\) "surnmae"; column\(s\) named twice: email; missing column\(s\) surname\./,
    );
  });

  it('refuses a file without a header, without echoing its first row', async () => {
    const error = await refusal(`${ROW}\n${ROW}\n`);
    expect(error.code).toBe('bad-header');
    expect(error.message).toMatch(/^line 1: the file does not start with a header line\. Expected student_number,/);
    expect(error.message).not.toMatch(/A123456|chan/i);
  });

  it('names an odd column only by position', async () => {
    const error = await refusal(`${HEADER},A1234563\n`);
    expect(error.message).toContain('unknown column(s) column 12.');
    expect(error.message).not.toContain('A1234563');
  });

  it('refuses an empty file', async () => {
    expect((await refusal('')).code).toBe('empty-file');
  });

  it('refuses an unclosed quote, naming the line it starts on, without quoting the field', async () => {
    const error = await refusal(`${HEADER}\n${ROW}\nS2,Chan,"Tai Man,1990-01-01,Z683365(A),,,P,A,PolyU,2012\n${ROW}\n`);
    expect(error.code).toBe('malformed-csv');
    expect(error.message).toBe('line 3: a quoted field opened on or after this line is never closed');
    expect(error.details).toEqual({ line: 3 });
  });

  it('refuses a stray quote inside a field', async () => {
    const error = await refusal(`${HEADER}\n${ROW}\nS2,Ch"an,Tai,1990-01-01,Z683365(A),,,P,A,PolyU,2012\n`);
    expect(error.code).toBe('malformed-csv');
    expect(error.message).toMatch(/^line 3: a double quote inside a field/);
    expect(error.message).not.toContain('Z683365');
  });

  it('refuses a row longer than the cap (what an unclosed quote in a big file runs into)', async () => {
    const error = await refusal(`${HEADER}\n${ROW}\n${ROW}\nS9,"${'x'.repeat(600)}\n`);
    expect(error.code).toBe('row-too-long');
    expect(error.message).toBe('line 4: the row is longer than 500 characters (or a quote opened on this line is never closed)');
  });

  it('refuses a file over the size cap while streaming it', async () => {
    const chunks = [`${HEADER}\n`, ...Array.from({ length: 200 }, () => `${ROW}\n`)];
    const error = await refusal(chunks.join(''), { maxBytes: 5_000, maxRowLength: 500 });
    expect(error.code).toBe('file-too-large');
    expect(error.message).toMatch(/larger than 5000 bytes/);
  });

  it('turns a read error into an unreadable-file refusal', async () => {
    const source = new Readable({
      read() {
        this.destroy(new Error('EIO: disk on fire'));
      },
    });
    await expect(openRegistryCsv(source, limits)).rejects.toMatchObject({
      code: 'unreadable',
      message: expect.stringContaining('disk on fire'),
    });
  });
});
