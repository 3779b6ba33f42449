import fc from 'fast-check';
import type { GraduateAward } from '../alumni/dto/graduate.dto.js';
import { displayNameProblem, identityFromDisplayName, NETID_MESSAGES, netIdEligibility, normaliseNetId } from './netid-rules.js';

const award = (institution: GraduateAward['institution'], graduationYear: number, polyuAward = institution === 'PolyU'): GraduateAward => ({
  programme: 'BSc',
  award: 'BSc',
  institution,
  graduationYear,
  polyuAward,
});

describe('Display Name → NetID and email alias', () => {
  it('lower-cases, turns spaces into dots and keeps hyphens', () => {
    expect(identityFromDisplayName('Chan Tai-Man')).toEqual({
      displayName: 'Chan Tai-Man',
      netId: 'chan.tai-man',
      emailAlias: 'chan.tai-man@connect.polyu.hk',
    });
    expect(identityFromDisplayName('  Wong   Ka  Yan 2 ')).toMatchObject({ displayName: 'Wong Ka Yan 2', netId: 'wong.ka.yan.2' });
  });

  it('gives the same NetID for names that differ only in case or spacing (they count as one name)', () => {
    expect(identityFromDisplayName('CHAN  tai-man')?.netId).toBe(identityFromDisplayName('chan Tai-Man')?.netId);
  });

  it.each(['Chan_Tai', 'Chan.Tai', 'Chan@Tai', '陳大文', 'Chan\tTai', 'Ch\u00e9n', '-Chan', 'Chan-', 'a', 'x'.repeat(33), ''])(
    'refuses %j',
    (name) => {
      expect(identityFromDisplayName(name)).toBeNull();
    },
  );

  it('explains a refusal with the FAQ rule, or the length when that is the problem', () => {
    expect(displayNameProblem('Chan_Tai')).toBe(NETID_MESSAGES.displayNameRule);
    expect(displayNameProblem('-Chan')).toBe(`${NETID_MESSAGES.displayNameRule} It must start and end with a letter or a digit.`);
    expect(displayNameProblem('a')).toBe('The Display Name must be 2 to 32 characters long.');
  });

  it('always makes a valid NetID from an accepted name, and never from a refused one (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (name) => {
        const identity = identityFromDisplayName(name);
        if (identity === null) return true;
        return (
          /^[A-Za-z0-9 -]+$/.test(identity.displayName) &&
          normaliseNetId(identity.netId) === identity.netId &&
          identity.emailAlias === `${identity.netId}@connect.polyu.hk`
        );
      }),
    );
  });
});

describe('who registers an Alumni NetID', () => {
  it('PolyU alumni who graduated before 2011', () => {
    expect(netIdEligibility({ studentNetId: null, awards: [award('PolyU', 2010)] })).toEqual({ eligible: true });
  });

  it('HKCC/SPEED graduates only with a PolyU award', () => {
    expect(netIdEligibility({ studentNetId: null, awards: [award('HKCC', 2015, true)] })).toEqual({ eligible: true });
    expect(netIdEligibility({ studentNetId: null, awards: [award('SPEED', 2015, false)] })).toEqual({
      eligible: false,
      reason: 'no-eligible-award',
    });
  });

  it('alumni of 2011 or later with a Student NetID keep it', () => {
    expect(netIdEligibility({ studentNetId: '11000001d', awards: [award('PolyU', 2011)] })).toEqual({
      eligible: false,
      reason: 'student-netid',
    });
    expect(netIdEligibility({ studentNetId: '11000001d', awards: [award('PolyU', 2005), award('PolyU', 2014)] })).toEqual({
      eligible: false,
      reason: 'student-netid',
    });
    expect(netIdEligibility({ studentNetId: null, awards: [award('PolyU', 2014)] })).toEqual({
      eligible: false,
      reason: 'no-eligible-award',
    });
  });
});
