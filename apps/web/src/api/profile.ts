import type { ApiClient } from './client.js';

import type { Industry, PhoneType } from '@campuspass/contracts';

// The lists and limits are the portal's own (libs/contracts), so form checks and server checks cannot drift.
export {
  EARLIEST_YEAR,
  INDUSTRIES,
  PHONE_TYPES,
  PREFERRED_LANGUAGES,
  PROFILE_LIMITS,
  type Industry,
  type PhoneType,
} from '@campuspass/contracts';

/** Shapes of the portal's profile API (apps/portal/src/profile/dto). */

export interface Phone {
  readonly type: PhoneType;
  readonly countryCode: string | null;
  readonly number: string;
}

export interface Address {
  readonly lines: readonly string[];
  readonly city: string | null;
  readonly region: string | null;
  readonly country: string | null;
}

export interface Contact {
  readonly version: number;
  readonly additionalEmails: readonly string[];
  readonly phones: readonly Phone[];
  readonly address: Address;
  readonly preferredLanguage: 'en' | 'zh-Hant';
  readonly newsConsent: boolean;
  readonly updatedAt: string | null;
}

export type ContactUpdate = Omit<Contact, 'updatedAt'>;

export interface CareerEntry {
  readonly id: string;
  readonly version: number;
  readonly employer: string;
  readonly title: string;
  readonly industry: Industry;
  readonly from: string;
  readonly to: string | null;
  readonly current: boolean;
}

export interface EducationEntry {
  readonly id: string;
  readonly version: number;
  readonly institution: string;
  readonly qualification: string;
  readonly fromYear: number;
  readonly toYear: number | null;
}

export interface Achievement {
  readonly id: string;
  readonly version: number;
  readonly title: string;
  readonly year: number;
  readonly description: string | null;
}

export interface Award {
  readonly programme: string;
  readonly award: string;
  readonly institution: string;
  readonly graduationYear: number;
}

export interface Profile {
  readonly name: { readonly surname: string; readonly givenName: string };
  readonly awards: readonly Award[];
  readonly signInEmail: string;
  readonly contact: Contact;
  readonly career: readonly CareerEntry[];
  readonly education: readonly EducationEntry[];
  readonly achievements: readonly Achievement[];
}

export type CollectionName = 'career' | 'education' | 'achievements';
export type EntryOf<C extends CollectionName> = C extends 'career' ? CareerEntry : C extends 'education' ? EducationEntry : Achievement;
export type EntryInput<C extends CollectionName> = Omit<EntryOf<C>, 'id' | 'version'>;

export function profileApi(client: ApiClient) {
  return {
    get: () => client.get<Profile>('/api/profile'),
    updateContact: (contact: ContactUpdate) => client.put<Contact>('/api/profile/contact', contact),
    add: <C extends CollectionName>(collection: C, entry: EntryInput<C>) => client.post<EntryOf<C>>(`/api/profile/${collection}`, entry),
    update: <C extends CollectionName>(collection: C, id: string, version: number, entry: EntryInput<C>) =>
      client.put<EntryOf<C>>(`/api/profile/${collection}/${encodeURIComponent(id)}`, { ...entry, version }),
    remove: (collection: CollectionName, id: string, version: number) =>
      client.delete<void>(`/api/profile/${collection}/${encodeURIComponent(id)}?version=${version}`),
  };
}
