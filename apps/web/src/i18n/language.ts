/** The languages the web app ships. `zh-Hant` is Traditional Chinese (Hong Kong usage). */
export const SUPPORTED_LANGUAGES = ['en', 'zh-Hant'] as const;
export type Language = (typeof SUPPORTED_LANGUAGES)[number];

export const DEFAULT_LANGUAGE: Language = 'en';
export const LANGUAGE_STORAGE_KEY = 'campuspass.language';

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (SUPPORTED_LANGUAGES as readonly string[]).includes(value);
}

/**
 * Maps a BCP 47 tag from the browser to a language we ship, or undefined.
 * Any Chinese tag maps to zh-Hant: it is the only Chinese we ship, and a reader of Simplified Chinese is
 * better served by Traditional than by English.
 */
export function matchLanguage(tag: string): Language | undefined {
  const lower = tag.trim().toLowerCase();
  if (lower === 'en' || lower.startsWith('en-')) return 'en';
  if (lower === 'zh' || lower.startsWith('zh-')) return 'zh-Hant';
  return undefined;
}

/**
 * The language to start with: the one the person chose before (stored), else the first of the browser's
 * preferred languages that we ship, else English.
 */
export function detectLanguage(stored: string | null | undefined, preferred: readonly string[]): Language {
  if (isLanguage(stored)) return stored;
  for (const tag of preferred) {
    const match = matchLanguage(tag);
    if (match) return match;
  }
  return DEFAULT_LANGUAGE;
}

/** localStorage can throw (privacy mode, storage disabled); a missing preference is not an error. */
export function readStoredLanguage(storage: Pick<Storage, 'getItem'> | undefined): string | null {
  try {
    return storage?.getItem(LANGUAGE_STORAGE_KEY) ?? null;
  } catch {
    return null;
  }
}

export function storeLanguage(storage: Pick<Storage, 'setItem'> | undefined, language: Language): void {
  try {
    storage?.setItem(LANGUAGE_STORAGE_KEY, language);
  } catch {
    // Not persisted: the choice still applies until the page is closed.
  }
}

/** window.localStorage, or undefined where reading the property itself throws (storage disabled). */
export function browserStorage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}
