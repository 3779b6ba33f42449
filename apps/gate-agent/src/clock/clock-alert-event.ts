import type { GateEvent } from '@campuspass/contracts';
import type { ClockAlert } from './trusted-clock.js';

/** The fields of the `alert` gate event that records a clock alert (the outbox adds id, gate, sequence, time). */
export function clockAlertEventFields(alert: ClockAlert): Pick<GateEvent, 'type' | 'decision' | 'reason' | 'detail'> {
  const { type, ...data } = alert;
  return { type: 'alert', decision: null, reason: type, detail: JSON.stringify(data).slice(0, 500) };
}
