import { createInstance, type i18n as I18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './en.json' with { type: 'json' };
import zhHant from './zh-Hant.json' with { type: 'json' };
import { DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES, type Language } from './language.js';

export const resources = {
  en: { translation: en },
  'zh-Hant': { translation: zhHant },
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
