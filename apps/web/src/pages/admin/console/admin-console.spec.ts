import { describe, expect, it } from '@jest/globals';
import type { AdminSigningKey } from '../../../api/admin.js';
import { auditExportUrl, auditQuery, enrollCommand } from '../../../api/admin.js';
import { retireCheck, revokeCheck } from '../keys-admin-page.js';
import { campusDayDate, formatDate, formatDateTime, isoToLocalInput, localInputToIso } from './format.js';
import { checkPolicyDraft } from './gate-policy-form.js';

const key = (purpose: 'pass' | 'bundle', status: AdminSigningKey['status']): AdminSigningKey => ({
  id: `${purpose}-${status}`,
  purpose,
  kid: '0123456789abcdef',
  status,
  publicKey: '',
  notBeforeDay: null,
  notAfterDay: null,
  lastSignedDay: null,
  createdAt: '2026-11-27T00:00:00.000Z',
  activatedAt: null,
  retiredAt: null,
  revokedAt: null,
  revocationReason: null,
});

describe('gate policy form', () => {
  it('builds the policy the contract expects from what was typed', () => {
    const { policy, errors } = checkPolicyDraft({
      passKinds: ['guest', 'alumni-day'],
      zone: '3',
      reEntryWindowSeconds: '120',
      hours: [{ key: 1, weekdays: [5, 1], open: '07:30', close: '21:00' }],
    });
    expect(errors).toEqual({});
    expect(policy).toEqual({
      passKinds: ['alumni-day', 'guest'],
      zone: 3,
      reEntryWindowSeconds: 120,
      hours: [{ weekdays: [1, 5], open: '07:30', close: '21:00' }],
    });
  });

  it('says what is wrong, field by field', () => {
    const { policy, errors } = checkPolicyDraft({
      passKinds: [],
      zone: '16',
      reEntryWindowSeconds: '-1',
      hours: [
        { key: 1, weekdays: [], open: '07:00', close: '22:00' },
        { key: 2, weekdays: [1], open: '7', close: '22:00' },
      ],
    });
    expect(policy).toBeUndefined();
    expect(errors).toEqual({
      passKinds: 'admin.gates.policy.passKindsRequired',
      zone: 'admin.gates.policy.zoneInvalid',
      reEntryWindowSeconds: 'admin.gates.policy.reEntryInvalid',
      'hours.0': 'admin.gates.policy.weekdaysRequired',
      'hours.1': 'admin.gates.policy.timeInvalid',
    });
  });
});

describe('retiring keys', () => {
  it('offers retirement only where the portal allows it, and says why not elsewhere', () => {
    const keys = [key('pass', 'active'), key('pass', 'next'), key('bundle', 'active'), key('pass', 'retired')];
    expect(keys.map((one) => retireCheck(one, keys))).toEqual([
      { allowed: true },
      { allowed: true },
      { allowed: false, why: 'bundle' },
      { allowed: false, why: 'retired' },
    ]);
    expect(retireCheck(key('pass', 'active'), [key('pass', 'active')])).toEqual({ allowed: false, why: 'noNext' });
  });

  it('offers revocation for every pass key not yet revoked, never for the bundle key (gates pin it)', () => {
    expect((['next', 'active', 'retired', 'revoked'] as const).map((status) => revokeCheck(key('pass', status)))).toEqual([
      { allowed: true },
      { allowed: true },
      { allowed: true },
      { allowed: false, why: 'revoked' },
    ]);
    expect(revokeCheck(key('bundle', 'active'))).toEqual({ allowed: false, why: 'bundle' });
  });
});

describe('admin helpers', () => {
  it('leaves empty filters out of the audit query and the CSV link', () => {
    expect(auditQuery({ action: 'gate.*', actor: ' ', outcome: 'failure' })).toBe('action=gate.*&outcome=failure');
    expect(auditExportUrl({})).toBe('/api/admin/audit/export.csv');
    expect(auditExportUrl({ subject: 'gate:1' })).toBe('/api/admin/audit/export.csv?subject=gate%3A1');
  });

  it('formats campus days, datetime-local values and the enroll command', () => {
    expect(campusDayDate(20_419)).toBe('2025-11-27');
    expect(campusDayDate(null)).toBe('—');
    expect(localInputToIso('')).toBe('');
    expect(localInputToIso('not a time')).toBe('');
    // Read as Hong Kong time, whatever the device's zone.
    expect(localInputToIso('2026-11-27T10:00')).toBe('2026-11-27T02:00:00.000Z');
    expect(localInputToIso('2026-11-27T07:30:15')).toBe('2026-11-26T23:30:15.000Z');
    expect(isoToLocalInput('2026-11-27T02:00:00.000Z')).toBe('2026-11-27T10:00');
    expect(isoToLocalInput('2026-11-26T20:00:00Z')).toBe('2026-11-27T04:00');
    expect(isoToLocalInput(undefined)).toBe('');
    expect(enrollCommand('K7P2-9QXM-4TRD')).toBe('npm run gate -- --enroll K7P2-9QXM-4TRD');
  });
});

describe('times in the console', () => {
  it('are shown in Hong Kong time, whatever the device zone', () => {
    // 23:30 UTC on 26 November is 07:30 on 27 November in Hong Kong.
    expect(formatDateTime('en-GB', '2026-11-26T23:30:00Z')).toBe('27 Nov 2026, 07:30:00');
    expect(formatDate('en-GB', '2026-11-26T23:30:00Z')).toBe('27 Nov 2026');
    expect(formatDateTime('en', null)).toBe('—');
  });
});
