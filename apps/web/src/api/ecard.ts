import type { ApiClient } from './client.js';

/** GET /api/ecard (apps/portal/src/ecard/dto/ecard.dto.ts EcardResponse). */
export interface EcardPhoto {
  readonly status: 'pending-review' | 'approved' | 'rejected';
  readonly cardUrl: string;
  readonly thumbUrl: string;
  readonly uploadedAt: string;
  readonly rejectionReason: string | null;
}

export interface EcardAward {
  readonly programme: string;
  readonly award: string;
  readonly institution: string;
  readonly graduationYear: number;
}

export interface LocalizedText {
  readonly en: string;
  readonly 'zh-Hant': string;
}

export interface EcardPrivilege {
  readonly id: string;
  readonly title: string | LocalizedText;
  readonly description: string | LocalizedText;
}

export interface Ecard {
  readonly ecardId: number | null;
  readonly status: 'not-activated' | 'active' | 'revoked';
  readonly name: { readonly surname: string; readonly givenName: string };
  readonly alumniNumber: string | null;
  readonly awards: readonly EcardAward[];
  readonly photo: EcardPhoto | null;
  readonly activatedAt: string | null;
  readonly revokedAt: string | null;
  readonly revocationReason: string | null;
  readonly contactComplete: boolean;
  readonly privileges: readonly EcardPrivilege[];
}

export interface PhotoUploadResult {
  readonly activated: boolean;
  readonly ecard: Ecard;
}

export interface ReviewItem {
  readonly photoId: string;
  readonly ecardId: number;
  readonly alumniNumber: string;
  readonly name: { readonly surname: string; readonly givenName: string };
  readonly kind: 'new' | 'changed';
  readonly uploadedAt: string;
  readonly thumbnail: string;
  readonly previousThumbnail: string | null;
  readonly photoUrl: string;
}

export interface ReviewResult {
  readonly photoId: string;
  readonly reviewStatus: 'approved' | 'rejected';
  readonly ecardId: number;
  readonly ecardPhotoStatus: string;
}

export interface AdminEcard {
  readonly id: number;
  readonly alumniNumber: string;
  readonly status: 'active' | 'revoked';
  readonly photoStatus: string;
  readonly activatedAt: string;
  readonly revokedAt: string | null;
  readonly revocationReason: string | null;
}

export interface Privilege {
  readonly id: string;
  readonly titleEn: string;
  readonly titleZhHant: string;
  readonly descriptionEn: string;
  readonly descriptionZhHant: string;
  readonly sortOrder: number;
  readonly active: boolean;
  readonly updatedAt: string;
}

export type PrivilegeInput = Omit<Privilege, 'id' | 'updatedAt'>;

export const ECARD_PHOTO_PATH = '/api/ecard/photo';
/** The portal refuses larger photos (apps/portal/src/ecard/photo-processor.ts PHOTO_MAX_BYTES). */
export const PHOTO_MAX_BYTES = 10 * 1024 * 1024;
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;

/** The client-side check before uploading, with the portal's limits (its error codes, so the same words). */
export function checkPhotoFile(file: {
  readonly size: number;
  readonly type: string;
}): 'photo-too-large' | 'photo-unsupported-type' | undefined {
  if (file.size > PHOTO_MAX_BYTES) return 'photo-too-large';
  if (file.type && !(PHOTO_TYPES as readonly string[]).includes(file.type)) return 'photo-unsupported-type';
  return undefined;
}

/** A privilege's text in the language asked for (the portal answers a string when ?locale= was sent). */
export function localized(text: string | LocalizedText, language: string): string {
  if (typeof text === 'string') return text;
  return language === 'zh-Hant' ? text['zh-Hant'] || text.en : text.en || text['zh-Hant'];
}

export function ecardApi(client: ApiClient) {
  return {
    get: (locale: string, signal?: AbortSignal) => client.get<Ecard>(`/api/ecard?locale=${encodeURIComponent(locale)}`, { signal }),
    reviews: () => client.get<ReviewItem[]>('/api/admin/ecard/reviews'),
    approve: (photoId: string) => client.post<ReviewResult>(`/api/admin/ecard/reviews/${encodeURIComponent(photoId)}/approve`),
    reject: (photoId: string, reason: string) =>
      client.post<ReviewResult>(`/api/admin/ecard/reviews/${encodeURIComponent(photoId)}/reject`, { reason }),
    adminEcard: (id: number) => client.get<AdminEcard>(`/api/admin/ecards/${id}`),
    revoke: (id: number, reason: string) => client.post<AdminEcard>(`/api/admin/ecards/${id}/revoke`, { reason }),
    reinstate: (id: number) => client.post<AdminEcard>(`/api/admin/ecards/${id}/reinstate`),
    privileges: () => client.get<Privilege[]>('/api/admin/privileges'),
    createPrivilege: (input: PrivilegeInput) => client.post<Privilege>('/api/admin/privileges', input),
    updatePrivilege: (id: string, input: PrivilegeInput) => client.put<Privilege>(`/api/admin/privileges/${encodeURIComponent(id)}`, input),
    deletePrivilege: (id: string) => client.delete<void>(`/api/admin/privileges/${encodeURIComponent(id)}`),
  };
}
