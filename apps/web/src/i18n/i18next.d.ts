import 'i18next';
import type adminEn from './areas/admin.en.json';
import type alumniAdminEn from './areas/alumniAdmin.en.json';
import type reportsEn from './areas/reports.en.json';
import type securityEn from './areas/security.en.json';
import type en from './en.json';

// Type-checks translation keys: t('home.titel') is a compile error.
declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof en & typeof adminEn & typeof alumniAdminEn & typeof reportsEn & typeof securityEn };
  }
}
