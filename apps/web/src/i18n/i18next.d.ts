import 'i18next';
import type en from './en.json';

// Type-checks translation keys: t('home.titel') is a compile error.
declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof en };
  }
}
