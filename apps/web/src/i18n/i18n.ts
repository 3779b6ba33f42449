import { createInstance, type i18n as I18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './en.json' with { type: 'json' };
import zhHant from './zh-Hant.json' with { type: 'json' };
import adminEn from './areas/admin.en.json' with { type: 'json' };
import adminZhHant from './areas/admin.zh-Hant.json' with { type: 'json' };
import alumniAdminEn from './areas/alumniAdmin.en.json' with { type: 'json' };
import alumniAdminZhHant from './areas/alumniAdmin.zh-Hant.json' with { type: 'json' };
import reportsEn from './areas/reports.en.json' with { type: 'json' };
import reportsZhHant from './areas/reports.zh-Hant.json' with { type: 'json' };
import securityEn from './areas/security.en.json' with { type: 'json' };
import securityZhHant from './areas/security.zh-Hant.json' with { type: 'json' };
import { DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES, type Language } from './language.js';

/**
 * The messages of each language: the alumni app's in en.json / zh-Hant.json, each staff area's (one top-level key
 * per area) in areas/<area>.<language>.json, merged into one namespace.
 */
export const englishMessages = { ...en, ...adminEn, ...alumniAdminEn, ...reportsEn, ...securityEn };
export type Messages = typeof englishMessages;

export const resources = {
  en: { translation: englishMessages },
  'zh-Hant': { translation: { ...zhHant, ...adminZhHant, ...alumniAdminZhHant, ...reportsZhHant, ...securityZhHant } },
} as const;

/**
 * One i18next instance per app start, passed down with <I18nextProvider>. Both languages are bundled:
 * they are small, and a PWA must render offline without fetching translations.
 */
export function createI18n(language: Language): I18n {
  const instance = createInstance();
  void instance.use(initReactI18next).init({
    lng: language,
    fallbackLng: DEFAULT_LANGUAGE,
    supportedLngs: SUPPORTED_LANGUAGES,
    resources,
    initAsync: false,
    interpolation: { escapeValue: false }, // React escapes what it renders
    returnNull: false,
  });
  return instance;
}
