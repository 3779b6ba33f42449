import type { Graduate } from '../alumni/dto/graduate.dto.js';
import type { RateLimitRule } from './identity.constants.js';

/** The FAQ's messages (Alumni NetID, questions 12–15), word for word. */
export const NETID_MESSAGES = {
  notCorrect: 'The information you entered is not correct',
  alreadyRegistered: 'According to our record, you have already registered an Alumni NetID before',
  invalidCaptcha: 'Invalid Captcha',
  displayNameTaken: 'Display Name has already been used by other users. Email Alias has already been used by other users.',
  displayNameRule: 'Display Name can only contain alphanumeric character, hyphen and space only.',
} as const;

/** Alumni from this year on keep their Student NetID as their Alumni NetID (FAQ 8). */
export const STUDENT_NETID_FROM_YEAR = 2011;

/** Domain of the email alias generated from the display name (PolyU's alumni alias domain). */
export const EMAIL_ALIAS_DOMAIN = 'connect.polyu.hk';

/** Shortest and longest display name (the NetID made from it is at most 32 characters, like Student NetIDs). */
export const DISPLAY_NAME_LENGTH = { min: 2, max: 32 } as const;

/**
 * NetID sign-in limits. Attempts are counted per IP address and per (IP address, NetID); per NetID only failures
 * count, so nobody can keep someone else's NetID locked by merely trying it: a right NetPassword from another address
 * works while the NetID's failures are under their limit. Guessing from many addresses still ends at that limit.
 */
export const NETID_RATE_LIMITS = {
  signInPerIpAndNetId: { name: 'netid-password:ip-netid', limit: 5, windowMs: 15 * 60_000 },
  signInFailuresPerNetId: { name: 'netid-password:netid-failure', limit: 10, windowMs: 15 * 60_000 },
  signInPerIp: { name: 'netid-password:ip', limit: 30, windowMs: 15 * 60_000 },
  /** Registrations and "Forgot NetID / NetPassword" details checks, per IP address. */
  detailsPerIp: { name: 'netid-details:ip', limit: 10, windowMs: 15 * 60_000 },
} as const satisfies Record<string, RateLimitRule>;

/** Challenges live this long; their signatures are kept as long, so a solution cannot be used twice. */
export const CAPTCHA_LIFETIME_MS = 10 * 60_000;

/** A "Forgot NetID / NetPassword" ticket (details checked, code sent) lives as long as its code. */
export const NETID_TICKET_LIFETIME_MS = 10 * 60_000;

export interface DisplayNameIdentity {
  /** As the alumnus typed it, trimmed, runs of spaces made one. */
  displayName: string;
  netId: string;
  emailAlias: string;
}

/**
 * The rule that turns a Display Name into the NetID and the email alias:
 *  - the Display Name may hold only letters A–Z/a–z, digits, hyphens and spaces (FAQ 15); it is trimmed and
 *    runs of spaces become one; it must start and end with a letter or a digit and be 2–32 characters long;
 *  - the NetID is the Display Name lower-cased with each space turned into a dot: "Chan Tai-Man" → "chan.tai-man";
 *  - the email alias is the NetID at EMAIL_ALIAS_DOMAIN: "chan.tai-man@connect.polyu.hk".
 * Two Display Names that differ only in case or spacing give the same NetID, so they count as the same name.
 * Uniqueness: the NetID must not be an Alumni NetID already registered nor a Student NetID in the registry
 * (checked by the repository; the database's unique keys settle a race).
 * Returns null when the Display Name breaks the rule.
 */
export function identityFromDisplayName(input: string): DisplayNameIdentity | null {
  const displayName = input.trim().replace(/ +/g, ' ');
  if (displayName.length < DISPLAY_NAME_LENGTH.min || displayName.length > DISPLAY_NAME_LENGTH.max) return null;
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9 -]*[A-Za-z0-9])?$/.test(displayName)) return null;
  const netId = displayName.toLowerCase().replace(/ /g, '.');
  return { displayName, netId, emailAlias: `${netId}@${EMAIL_ALIAS_DOMAIN}` };
}

/** What a Display Name breaks, for the answer (the FAQ's rule, plus the length when that is what is wrong). */
export function displayNameProblem(input: string): string {
  const trimmed = input.trim().replace(/ +/g, ' ');
  if (/^[A-Za-z0-9 -]*$/.test(trimmed) && (trimmed.length < DISPLAY_NAME_LENGTH.min || trimmed.length > DISPLAY_NAME_LENGTH.max)) {
    return `The Display Name must be ${DISPLAY_NAME_LENGTH.min} to ${DISPLAY_NAME_LENGTH.max} characters long.`;
  }
  if (/^[A-Za-z0-9 -]*$/.test(trimmed)) {
    return `${NETID_MESSAGES.displayNameRule} It must start and end with a letter or a digit.`;
  }
  return NETID_MESSAGES.displayNameRule;
}

/** A NetID as typed at sign-in: trimmed, lower case; null when it cannot be a NetID at all. */
export function normaliseNetId(input: string): string | null {
  const netId = input.trim().toLowerCase();
  return /^[a-z0-9][a-z0-9._-]{0,31}$/.test(netId) ? netId : null;
}

export type NetIdEligibility =
  { eligible: true } | { eligible: false; reason: 'student-netid' } | { eligible: false; reason: 'no-eligible-award' };

/**
 * Who registers an Alumni NetID (FAQ 8): PolyU alumni who graduated before 2011, and HKCC/SPEED graduates with a
 * PolyU award. Alumni of 2011 or later with a Student NetID on record keep it as their Alumni NetID.
 */
export function netIdEligibility(graduate: Pick<Graduate, 'studentNetId' | 'awards'>): NetIdEligibility {
  const laterPolyu = graduate.awards.some((award) => award.institution === 'PolyU' && award.graduationYear >= STUDENT_NETID_FROM_YEAR);
  if (laterPolyu && graduate.studentNetId) return { eligible: false, reason: 'student-netid' };
  const eligible = graduate.awards.some((award) =>
    award.institution === 'PolyU' ? award.graduationYear < STUDENT_NETID_FROM_YEAR : award.polyuAward,
  );
  return eligible ? { eligible: true } : { eligible: false, reason: 'no-eligible-award' };
}
