/** Keys whose values are secrets wherever they appear in a log record. */
// Deliberately not "pass" or any "code": pass ids and status/reason codes are what logs are for.
const SECRET_KEY =
  /password|passwd|passphrase|secret|token|otp|cookie|authorization|api[-_]?key|private[-_]?key|seed|personal[-_]?id|hkid|^(verification|enrollment|one[-_]?time)[-_]?code$|^code$/i;

export const MASK = '[masked]';

/** Replaces the password of a URL (postgres://user:pw@host) so connection strings can be logged. */
export function maskUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = MASK;
    return url.toString();
  } catch {
    return value.replace(/\/\/([^:/@\s]+):[^@\s]+@/g, `//$1:${MASK}@`);
  }
}

/**
 * A copy of a value with secrets masked: values under secret-looking keys, and passwords inside URLs.
 * Cycles and depth are bounded so a log call can never hang or blow the stack.
 */
export function maskSecrets(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return value.includes('://') ? maskUrl(value) : value;
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8 || seen.has(value)) return '[…]';
  seen.add(value);
  if (value instanceof Error) return { name: value.name, message: maskSecrets(value.message, depth + 1, seen), stack: value.stack };
  if (Array.isArray(value)) return value.map((item) => maskSecrets(item, depth + 1, seen));
  // Class instances (HTTP requests and responses, streams) go to pino's serializers and redaction as they are.
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, SECRET_KEY.test(key) && item != null ? MASK : maskSecrets(item, depth + 1, seen)]),
  );
}
