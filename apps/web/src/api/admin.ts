import type {
  AdminGate,
  AdminGatePolicy,
  AdminSigningKey,
  AuditFilters,
  AuditPage,
  CreatedStaffMember,
  IssuedEnrollmentCode,
  KeyRotationResult,
  StaffChange,
  StaffMember,
  StaffRoleName,
} from '@campuspass/contracts';
import { api } from './api.js';
import type { ApiClient } from './client.js';

export type {
  AdminGate,
  AdminGateHeartbeat,
  AdminGatePolicy,
  AdminSigningKey,
  AuditEntry,
  AuditFilters,
  AuditPage,
  CreatedStaffMember,
  IssuedEnrollmentCode,
  KeyRotationResult,
  StaffChange,
  StaffMember,
  StaffRoleName,
} from '@campuspass/contracts';
export { AUDIT_ACTOR_TYPES, AUDIT_OUTCOMES, STAFF_ROLE_NAMES } from '@campuspass/contracts';

/** The portal's limits (apps/portal/src/gates/dto/gate-admin.dto.ts). */
export const GATE_NAME_MAX = 200;
export const REVOKE_REASON_MIN = 3;
export const REVOKE_REASON_MAX = 500;
/** gatePolicySchema: zone bit and re-entry window. */
export const ZONE_MAX = 15;
export const RE_ENTRY_MAX_SECONDS = 86_400;
export const TIME_OF_DAY = /^([01]\d|2[0-3]):[0-5]\d$/;

/** What the gate agent's operator types on the gate (apps/gate-agent: --enroll <code>). */
export const enrollCommand = (code: string) => `npm run gate -- --enroll ${code}`;

/** The audit filters as query parameters: empty fields left out. */
export function auditQuery(filters: AuditFilters, extra: Record<string, string | undefined> = {}): string {
  const parameters = new URLSearchParams();
  for (const [name, value] of Object.entries({ ...filters, ...extra })) {
    if (typeof value === 'string' && value.trim() !== '') parameters.set(name, value.trim());
  }
  return parameters.toString();
}

export const AUDIT_EXPORT_PATH = '/api/admin/audit/export.csv';

/** The CSV download's address with the filters (a plain link: the browser downloads it with the session cookie). */
export function auditExportUrl(filters: AuditFilters): string {
  const query = auditQuery(filters);
  return query ? `${AUDIT_EXPORT_PATH}?${query}` : AUDIT_EXPORT_PATH;
}

export function adminApi(client: ApiClient) {
  return {
    gates: (signal?: AbortSignal) => client.get<AdminGate[]>('/api/admin/gates', { signal }),
    createGate: (name: string) => client.post<IssuedEnrollmentCode>('/api/admin/gates', { name }),
    newEnrollmentCode: (id: string) => client.post<IssuedEnrollmentCode>(`/api/admin/gates/${encodeURIComponent(id)}/enrollment-code`),
    setGatePolicy: (id: string, policy: AdminGatePolicy) =>
      client.put<AdminGate>(`/api/admin/gates/${encodeURIComponent(id)}/policy`, policy),
    revokeGate: (id: string, reason: string) => client.post<AdminGate>(`/api/admin/gates/${encodeURIComponent(id)}/revoke`, { reason }),

    keys: (signal?: AbortSignal) => client.get<AdminSigningKey[]>('/api/admin/keys', { signal }),
    /** `force`: promote the next key now (a new next key is made); without it, only what is due. */
    rotateKeys: (force: boolean) => client.post<KeyRotationResult>('/api/admin/keys/rotate', { force }),
    retireKey: (id: string) => client.post<KeyRotationResult>(`/api/admin/keys/${encodeURIComponent(id)}/retire`),
    /** Compromise: the key leaves every gate bundle at once; `reason` REVOKE_REASON_MIN to _MAX characters. */
    revokeKey: (id: string, reason: string) =>
      client.post<KeyRotationResult>(`/api/admin/keys/${encodeURIComponent(id)}/revoke`, { reason }),

    staff: (signal?: AbortSignal) => client.get<StaffMember[]>('/api/staff', { signal }),
    createStaff: (input: { email: string; name: string; role: StaffRoleName }) => client.post<CreatedStaffMember>('/api/staff', input),
    updateStaff: (id: string, change: StaffChange) =>
      client.request<StaffMember>('PATCH', `/api/staff/${encodeURIComponent(id)}`, { body: change }),

    audit: (filters: AuditFilters, cursor?: string, signal?: AbortSignal) =>
      client.get<AuditPage>(`/api/admin/audit?${auditQuery(filters, { cursor, limit: '50' })}`, { signal }),
  };
}

export const admin = adminApi(api);
