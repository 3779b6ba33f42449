import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { ALERT_KINDS, ENTRY_FLAGS } from '@campuspass/contracts';
import {
  ageOf,
  durationText,
  GATE_ALERT_CODES,
  gateAlertTone,
  healthTone,
  isGateAlertCode,
  isReasonCode,
  offsetText,
  percent,
  REASON_CODES,
} from './wording.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const messages = (language: string) =>
  (
    JSON.parse(readFileSync(path.join(here, `../../i18n/areas/security.${language}.json`), 'utf8')) as {
      security: Record<string, Record<string, unknown>>;
    }
  ).security;

describe('reason, flag and alert wording', () => {
  it.each(['en', 'zh-Hant'])('has words in %s for every denial reason, flag and alert kind of the contract', (language) => {
    const security = messages(language);
    const alerts = security['alerts'] as { kinds: Record<string, string> };
    for (const code of REASON_CODES) expect(typeof security['reasons']?.[code]).toBe('string');
    for (const flag of ENTRY_FLAGS) expect(typeof security['flags']?.[flag]).toBe('string');
    for (const kind of ALERT_KINDS) expect(typeof alerts.kinds[kind]).toBe('string');
    const feed = security['feed'] as { gateAlerts: Record<string, string>; types: Record<string, string> };
    for (const code of [...GATE_ALERT_CODES, 'other']) expect(typeof feed.gateAlerts[code]).toBe('string');
    expect(feed.gateAlerts['other']).toContain('{{code}}');
    expect(typeof feed.types['notice']).toBe('string');
  });

  it('words every alert code the gate agent records', () => {
    const agentSource = (file: string) => readFileSync(path.join(here, '../../../../gate-agent/src', file), 'utf8');
    // The clock's alerts become `alert` events with their type as the reason; the agent's own name theirs.
    const clockCodes = [...agentSource('clock/trusted-clock.ts').matchAll(/readonly type: '([a-z-]+)'/g)].map((match) => match[1]);
    const agentCodes = [...agentSource('agent/gate-agent.ts').matchAll(/type: 'alert',\s*reason: '([a-z-]+)'/g)].map((match) => match[1]);
    expect(clockCodes).toEqual(expect.arrayContaining(['clock-trusted', 'clock-skew', 'clock-backwards']));
    expect(agentCodes).toEqual(expect.arrayContaining(['outbox-filling', 'manual-open-refused']));
    for (const code of [...clockCodes, ...agentCodes]) expect([code, isGateAlertCode(code)]).toEqual([code, true]);
    expect(isGateAlertCode('made-up')).toBe(false);
  });

  it('shows a gate’s recovery calm and its alarms as alarms', () => {
    expect(gateAlertTone('clock-trusted')).toBe('ok');
    expect(gateAlertTone('clock-skew')).toBe('warn');
    expect(gateAlertTone('outbox-filling')).toBe('warn');
    expect(gateAlertTone('clock-backwards')).toBe('bad');
    expect(gateAlertTone('manual-open-refused')).toBe('bad');
    expect(gateAlertTone('newer-gate-code')).toBe('bad');
    expect(gateAlertTone(null)).toBe('bad');
  });

  it('knows the gates’ reasons and the handheld check’s own, not anything else', () => {
    expect(isReasonCode('wrong-day')).toBe(true);
    expect(isReasonCode('pass-not-found')).toBe(true);
    expect(isReasonCode('made-up')).toBe(false);
    expect(isReasonCode(null)).toBe(false);
  });
});

describe('gate tile numbers', () => {
  const now = Date.parse('2026-11-27T01:00:00Z');

  it('tells how long ago in the largest whole unit', () => {
    expect(ageOf(null, now)).toBeNull();
    expect(ageOf('not a time', now)).toBeNull();
    expect(ageOf('2026-11-27T00:59:48Z', now)).toEqual({ unit: 'seconds', count: 12 });
    expect(ageOf('2026-11-27T01:00:05Z', now)).toEqual({ unit: 'seconds', count: 0 });
    expect(ageOf('2026-11-27T00:57:00Z', now)).toEqual({ unit: 'minutes', count: 3 });
    expect(ageOf('2026-11-26T22:10:00Z', now)).toEqual({ unit: 'hours', count: 2 });
    expect(ageOf('2026-11-24T01:00:00Z', now)).toEqual({ unit: 'days', count: 3 });
  });

  it('writes clock offsets with their sign and a readable unit', () => {
    expect(offsetText(null)).toBeNull();
    expect(offsetText(0)).toBe('±0 ms');
    expect(offsetText(250)).toBe('+250 ms');
    expect(offsetText(-1234)).toBe('−1.2 s');
    expect(offsetText(45_000)).toBe('+45 s');
  });

  it('turns outbox fill into a bounded percentage', () => {
    expect(percent(null)).toBeNull();
    expect(percent(0.456)).toBe(46);
    expect(percent(1.5)).toBe(100);
    expect(percent(-1)).toBe(0);
  });

  it('grades health words', () => {
    expect(healthTone('ok')).toBe('ok');
    expect(healthTone('normal')).toBe('ok');
    expect(healthTone('fault')).toBe('bad');
    expect(healthTone('active')).toBe('bad');
    expect(healthTone('absent')).toBe('none');
    expect(healthTone(null)).toBe('none');
    expect(healthTone('degraded')).toBe('warn');
  });

  it('writes lags as short durations', () => {
    expect(durationText(0)).toBe('0 s');
    expect(durationText(12_400)).toBe('12 s');
    expect(durationText(185_000)).toBe('3 min 5 s');
    expect(durationText(7_440_000)).toBe('2 h 4 min');
  });
});
