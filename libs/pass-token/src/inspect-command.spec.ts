import { describe, expect, it } from '@jest/globals';
import { keyNamed, loadTestVectors } from '../test/test-vector-file.js';
import { EXIT_CODE, runInspect } from './inspect-command.js';

const file = loadTestVectors();
const vector = (name: string) => {
  const found = file.vectors.find((candidate) => candidate.name === name);
  if (found === undefined) throw new Error(`no vector ${name}`);
  return found;
};
const keyA = keyNamed(file, 'key-a').publicKeyHex;
const keyC = keyNamed(file, 'key-c').publicKeyHex;

function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const exitCode = runInspect(argv, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
  return { exitCode, stdout, stderr, json: () => JSON.parse(stdout) as Record<string, unknown> };
}

describe('pass inspect', () => {
  it('exits 0 and prints the fields and the verifying key for a valid pass', () => {
    const result = run('inspect', vector('alumni-day-basic').qrText, '--pubkey', keyA);
    expect(result.exitCode).toBe(EXIT_CODE.valid);
    expect(result.exitCode).toBe(0);
    expect(result.json()).toEqual({
      verdict: 'valid',
      pass: expect.objectContaining({
        ...vector('alumni-day-basic').fields,
        version: 1,
        kid: keyNamed(file, 'key-a').kidHex,
        campusDate: '2025-09-01',
      }),
      verifiedBy: { kid: keyNamed(file, 'key-a').kidHex, publicKey: keyA },
    });
    expect(result.stderr).toBe('');
  });

  it('accepts several --pubkey options and verifies with the matching one', () => {
    const result = run('inspect', vector('guest-single-entry').qrText, '--pubkey', keyC, '--pubkey', keyA);
    expect(result.exitCode).toBe(0);
    expect(result.json().verdict).toBe('valid');
  });

  it('exits 3 with verdict "unverified" when no key is given', () => {
    const result = run('inspect', vector('guest-single-entry').qrText);
    expect(result.exitCode).toBe(3);
    expect(result.json()).toMatchObject({ verdict: 'unverified', pass: { kind: 'guest', hostEcardId: 1_234_567, guestIndex: 1 } });
  });

  it.each([
    ['bad-signature-changed-holder', 'bad-signature'],
    ['unknown-kid', 'unknown-kid'],
  ])('exits 1 with the reason for %s, still showing the fields', (name, reason) => {
    const result = run('inspect', vector(name).qrText, '--pubkey', keyA);
    expect(result.exitCode).toBe(1);
    expect(result.json()).toMatchObject({ verdict: 'invalid', reason, pass: { passId: vector(name).fields?.passId } });
  });

  it.each([
    ['bad-prefix-lowercase', 'bad-prefix'],
    ['bad-base45-triple-overflow', 'bad-base45'],
    ['unknown-version', 'unknown-version'],
    ['too-long', 'too-long'],
  ])('exits 2 for the malformed vector %s, with or without a key', (name, reason) => {
    for (const keyArgs of [[], ['--pubkey', keyA]]) {
      const result = run('inspect', vector(name).qrText, ...keyArgs);
      expect(result.exitCode).toBe(2);
      expect(result.json()).toMatchObject({ verdict: 'malformed', reason });
      expect(result.json().pass).toBeUndefined();
    }
  });

  it.each([
    ['no arguments at all', []],
    ['no QR text', ['inspect']],
    ['an unknown command', ['verify', 'CP1:']],
    ['an unknown option', ['inspect', 'CP1:', '--key', keyA]],
    ['--pubkey without a value', ['inspect', 'CP1:', '--pubkey']],
    ['a --pubkey that is not hex', ['inspect', 'CP1:', '--pubkey', 'not-hex']],
    ['a --pubkey of 31 bytes', ['inspect', 'CP1:', '--pubkey', keyA.slice(2)]],
  ])('exits 64 on a usage error: %s', (_label, argv) => {
    const result = run(...argv);
    expect(result.exitCode).toBe(64);
    expect(result.stdout).toBe('');
    expect(result.stderr).not.toBe('');
  });

  it('prints help with exit code 0', () => {
    const result = run('inspect', '--help');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('--pubkey');
  });
});
