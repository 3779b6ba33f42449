import argon2 from 'argon2';
import { randomBytes } from 'node:crypto';

/** The most common passwords (and their obvious variants are caught by the length rule or this list). */
const COMMON_PASSWORDS = new Set([
  '12345678',
  '123456789',
  '1234567890',
  'password',
  'password1',
  'password123',
  'qwertyui',
  'qwerty123',
  'qwertyuiop',
  '11111111',
  '00000000',
  '87654321',
  'abcd1234',
  'iloveyou',
  'sunshine',
  'princess',
  'football',
  'baseball',
  'welcome1',
  'admin123',
  'letmein1',
  'changeme',
  'passw0rd',
  'p@ssw0rd',
  'campuspass',
  'polyu123',
]);

export const MIN_PASSWORD_LENGTH = 8;

/** Null when acceptable, else what is wrong with it (NIST SP 800-63B: length and a blocklist, no composition rules). */
export function passwordProblem(password: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `The password must be at least ${MIN_PASSWORD_LENGTH} characters long.`;
  if (password.length > 256) return 'The password must be at most 256 characters long.';
  if (COMMON_PASSWORDS.has(password.toLowerCase())) return 'This password is too common. Please choose another.';
  return null;
}

/** 24 URL-safe characters (144 random bits). */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

/** argon2id with the library's defaults (m=64 MiB, t=3, p=4). */
export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

/** Verifying against this when there is no account keeps the answer as slow as for a real one. */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(generatePassword());
  return dummyHash;
}
