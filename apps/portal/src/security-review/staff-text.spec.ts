import { describe, expect, it } from '@jest/globals';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { CreateStaffDto } from '../admin/staff.controller.js';
import { PrivilegeDto, ReasonDto } from '../ecard/dto/ecard.dto.js';
import { CreateGateDto, RevokeGateDto } from '../gates/dto/gate-admin.dto.js';
import { RevokeKeyDto } from '../keys/dto/keys.dto.js';
import { revocationReason } from '../keys/keys.service.js';
import { isPlainLineText } from '../profile/dto/profile-validators.js';
import { GuestPolicyUpdateDto } from '../passes/dto/guest-policy-admin.dto.js';
import { AcknowledgeAlertDto, HandheldCheckDto } from '../security/dto/security.dto.js';

/** The messages class-validator gives for `property` (and its items) when `value` is put in it. */
async function problemsWith(type: new () => object, property: string, value: unknown): Promise<string[]> {
  const errors = await validate(plainToInstance(type, { [property]: value }));
  return errors.filter((error) => error.property === property).flatMap((error) => Object.values(error.constraints ?? {}));
}

/**
 * What staff type is shown to other people: in the audit log, on the security pages, in mails to alumni, on the
 * gates' guard pages. Names and titles are one line; reasons, notes and descriptions may run over lines. Neither
 * may carry control characters or the bidirectional overrides and isolates that make text display as something else
 * (e.g. "evil\u202Egnp.exe" reads "evilexe.png").
 */
/** `joined`: a one-line field whose runs of white space (line breaks among them) are joined into one space. */
const FIELDS: ReadonlyArray<readonly [string, new () => object, string, 'line' | 'text' | 'joined', (value: string) => unknown]> = [
  ['staff name', CreateStaffDto, 'name', 'line', (value) => value],
  ['gate name', CreateGateDto, 'name', 'line', (value) => value],
  ['gate revocation reason', RevokeGateDto, 'reason', 'text', (value) => value],
  ['key revocation reason', RevokeKeyDto, 'reason', 'text', (value) => value],
  ['eCard decision reason', ReasonDto, 'reason', 'text', (value) => value],
  ['privilege title (English)', PrivilegeDto, 'titleEn', 'line', (value) => value],
  ['privilege title (Chinese)', PrivilegeDto, 'titleZhHant', 'line', (value) => value],
  ['privilege description (English)', PrivilegeDto, 'descriptionEn', 'text', (value) => value],
  ['privilege description (Chinese)', PrivilegeDto, 'descriptionZhHant', 'text', (value) => value],
  ['guest purpose of visit', GuestPolicyUpdateDto, 'purposes', 'joined', (value) => [value]],
  ['alert acknowledgement note', AcknowledgeAlertDto, 'note', 'text', (value) => value],
  ['handheld check location', HandheldCheckDto, 'location', 'line', (value) => value],
];

describe('text staff type is shown to others as typed, and nothing can disguise it', () => {
  it.each(FIELDS)('%s: plain text of any script is accepted', async (_name, type, property, _kind, wrap) => {
    expect(await problemsWith(type, property, wrap("Main Gate 正門 — O'Brien <b>&</b> 👩‍🎓"))).toEqual([]);
  });

  it.each(FIELDS)(
    '%s: control characters, bidirectional overrides and isolates are refused, saying so',
    async (_name, type, property, kind, wrap) => {
      // The line and paragraph separators and the byte-order mark are white space: a joined field makes them a space.
      const separators = kind === 'joined' ? [] : ['para\u2029graph', 'line\u2028separator', 'b\uFEFFom'];
      for (const value of [
        'evil\u202Egnp.exe',
        'a\u2066b\u2069c',
        'tab\u0000nul',
        'bell\u0007',
        'next\u0085line',
        'zero\u200Bwidth',
        'rlm\u200Fmark',

        'soft\u00ADhyphen',
        'joiner\u2060',
        ...separators,
      ]) {
        const problems = await problemsWith(type, property, wrap(value));
        expect([value, problems.some((message) => /control|bidirectional/.test(message))]).toEqual([value, true]);
      }
    },
  );

  it.each(FIELDS)(
    '%s: line breaks are refused on one-line fields (or joined into a space), kept in longer texts',
    async (_name, type, property, kind, wrap) => {
      for (const value of ['first line\r\nsecond line', 'first line\nsecond line']) {
        const problems = await problemsWith(type, property, wrap(value));
        if (kind === 'line') expect(problems.some((message) => message.includes('one line'))).toBe(true);
        else expect(problems).toEqual([]);
        if (kind === 'joined')
          expect(plainToInstance(type, { [property]: wrap(value) })).toEqual({ [property]: wrap('first line second line') });
      }
    },
  );
});

describe('the checks behind operator commands (staff:create, gates:create, keys:revoke), which bypass the DTOs', () => {
  it('keys:revoke refuses a disguised reason and keeps a plain one with its line breaks', () => {
    expect(() => revocationReason('exposed\u202Egnp.exe')).toThrow(/without control or bidirectional-override characters/);
    expect(revocationReason('  private key exposed\nin a backup  ')).toBe('private key exposed\nin a backup');
  });

  it('one-line names are refused with line breaks and invisible characters, accepted with emoji', () => {
    expect(['North\nGate', 'North\u200BGate', 'North\u202EGate'].map(isPlainLineText)).toEqual([false, false, false]);
    expect(isPlainLineText('North Gate 北門 👩‍🎓')).toBe(true);
  });
});
