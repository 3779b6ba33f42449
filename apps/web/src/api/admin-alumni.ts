import type { AdminGuestPolicy, AdminGuestPolicyInput, AlumniDetail, AlumniPersonNetIds, AlumniSearchPage } from '@campuspass/contracts';
import { api } from './api.js';
import type { ApiClient } from './client.js';

export type {
  AdminGuestPolicy,
  AdminGuestPolicyInput,
  AlumniDetail,
  AlumniPersonNetIds,
  AlumniSearchHit,
  AlumniSearchPage,
} from '@campuspass/contracts';
export { ADMIN_GUEST_POLICY_LIMITS } from '@campuspass/contracts';

/** The AAO's alumni search and detail, a person's NetIDs (identity module) and the guest policy. */
export function adminAlumniApi(client: ApiClient) {
  return {
    search: (q: string, cursor?: string, signal?: AbortSignal) => {
      const params = new URLSearchParams({ q });
      if (cursor) params.set('cursor', cursor);
      return client.get<AlumniSearchPage>(`/api/admin/alumni?${params.toString()}`, { signal });
    },
    detail: (graduateId: string, signal?: AbortSignal) =>
      client.get<AlumniDetail>(`/api/admin/alumni/${encodeURIComponent(graduateId)}`, { signal }),
    netIds: (graduateId: string, signal?: AbortSignal) =>
      client.get<AlumniPersonNetIds>(`/api/staff/netids/${encodeURIComponent(graduateId)}`, { signal }),
    confirmAlumniNetId: (graduateId: string, netId: string) =>
      client.put<AlumniPersonNetIds>(`/api/staff/netids/${encodeURIComponent(graduateId)}/alumni-netid`, { netId }),
    guestPolicy: (signal?: AbortSignal) => client.get<AdminGuestPolicy>('/api/admin/guest-policy', { signal }),
    saveGuestPolicy: (policy: AdminGuestPolicyInput) => client.put<AdminGuestPolicy>('/api/admin/guest-policy', policy),
  };
}

export const adminAlumni = adminAlumniApi(api);
