import { createHash } from 'node:crypto';
import { ENROLLMENT_CODE_PATTERN, gateRequestSigningInput } from '@campuspass/contracts';
import { EnrollmentCodeHasher, ENROLLMENT_CODE_ALPHABET, newEnrollmentCode } from './enrollment-code.js';
import { bundleEtag, cardName } from './gate-bundle.service.js';
import { DEFAULT_GATE_POLICY, EMPTY_BODY_SHA256, parseGatePolicy } from './gates.service.js';

describe('gate bundle helpers', () => {
  it('writes names as on the eCard: Chinese without a space, others surname first', () => {
    expect(cardName('陳', '大文')).toBe('陳大文');
    expect(cardName('Wong', 'Siu Ming')).toBe('Wong Siu Ming');
    expect(cardName('Chan', '大文')).toBe('Chan 大文');
  });

  it('gives each answer its own weak ETag: version, kind, base and campus day', () => {
    const tags = new Set([
      bundleEtag(7, 'full', null, 20000),
      bundleEtag(7, 'delta', 5, 20000),
      bundleEtag(7, 'delta', 6, 20000),
      bundleEtag(8, 'full', null, 20000),
      bundleEtag(7, 'full', null, 20001),
    ]);
    expect(tags.size).toBe(5);
    expect(bundleEtag(7, 'delta', 5, 20000)).toBe('W/"gb-7-delta-5-20000"');
  });

  it('accepts the default policy and names every wrong field of a bad one', () => {
    expect(parseGatePolicy(DEFAULT_GATE_POLICY)).toEqual({
      passKinds: ['alumni-day', 'guest'],
      zone: 0,
      hours: [],
      reEntryWindowSeconds: 60,
    });
    expect(() =>
      parseGatePolicy(
        { passKinds: [], zone: 16, hours: [{ weekdays: [8], open: '7:00', close: '22:00' }], reEntryWindowSeconds: -1 },
        'g1',
      ),
    ).toThrow(/gate g1.*passKinds.*zone.*hours\.0\.weekdays\.0.*hours\.0\.open.*reEntryWindowSeconds/s);
    expect(() => parseGatePolicy({ ...DEFAULT_GATE_POLICY, extra: true })).toThrow(/not valid/);
  });

  it('signs requests over method, path with query, timestamp and the body hash, one per line', () => {
    expect(EMPTY_BODY_SHA256).toBe(createHash('sha256').update('').digest('hex'));
    expect(gateRequestSigningInput('get', '/api/gate/bundle?since=3', '1764201600', EMPTY_BODY_SHA256)).toBe(
      `campuspass.gate-request/1\nGET\n/api/gate/bundle?since=3\n1764201600\n${EMPTY_BODY_SHA256}`,
    );
  });

  it('draws enrollment codes from the whole unambiguous alphabet, in the contract pattern, never the same twice', () => {
    const codes = Array.from({ length: 2000 }, () => newEnrollmentCode());
    expect(codes.every((code) => ENROLLMENT_CODE_PATTERN.test(code))).toBe(true);
    expect(new Set(codes).size).toBe(codes.length);
    const seen = new Set(codes.join('').replaceAll('-', ''));
    expect([...seen].sort().join('')).toBe([...ENROLLMENT_CODE_ALPHABET].sort().join(''));
    expect(ENROLLMENT_CODE_ALPHABET).toHaveLength(31);
    expect(ENROLLMENT_CODE_ALPHABET).not.toMatch(/[01ILO]/);
  });

  it('hashes enrollment codes with a key from APP_SECRET: another secret gives another hash', () => {
    const one = new EnrollmentCodeHasher('a'.repeat(40));
    const other = new EnrollmentCodeHasher('b'.repeat(40));
    expect(one.hash('K7P2-9QXM-4TRD')).toEqual(one.hash('K7P2-9QXM-4TRD'));
    expect(one.hash('K7P2-9QXM-4TRD')).not.toEqual(other.hash('K7P2-9QXM-4TRD'));
    expect(one.hash('K7P2-9QXM-4TRD')).not.toEqual(one.hash('K7P2-9QXM-4TRE'));
    expect(one.hash('K7P2-9QXM-4TRD').toString('latin1')).not.toContain('K7P2');
    expect(() => new EnrollmentCodeHasher(undefined)).toThrow(/APP_SECRET/);
  });
});
