import type { StaffRole } from '../identity/roles.js';
import type { DemoGateOutcome } from './demo-gate.js';
import type { DemoPeople } from './demo-seed.js';

const ROLE_LABELS: Record<StaffRole, string> = {
  'security-staff': 'Security officer',
  'aao-admin': 'AAO admin',
  auditor: 'Auditor',
};

/** Where each role lands after signing in. */
const ROLE_HOME: Record<StaffRole, string> = {
  'security-staff': '/security',
  'aao-admin': '/admin/alumni',
  auditor: '/reports',
};

export interface DemoBannerInput {
  /** The URL people open (PUBLIC_URL). */
  readonly publicUrl: string;
  /** True when the portal runs its development mail catcher (SMTP_URL unset). */
  readonly mailCatcher: boolean;
  readonly gate: DemoGateOutcome;
  readonly people: DemoPeople | undefined;
}

/**
 * The block `npm start` prints in development: where everything is and how each demo person signs in. Plain text
 * for a person at a terminal (the JSON log lines around it are for machines). It holds the demo passwords: never
 * print it in production, never give it to the logger.
 */
export function formatDemoBanner({ publicUrl, mailCatcher, gate, people }: DemoBannerInput): string {
  const url = (path: string) => `${publicUrl}${path}`;
  const rule = '='.repeat(78);
  const lines = [rule, ' CampusPass is running (development). Walkthrough: README.md, "Walkthrough".', ''];
  const row = (label: string, value: string) => lines.push(`   ${label.padEnd(15)}${value}`);
  row('Web app', url('/'));
  row('Mailbox', mailCatcher ? `${url('/dev/mailbox')}  (every one-time code lands here)` : 'mail goes out through SMTP_URL');
  if (gate === undefined) {
    row('Simulated gate', 'off (DEMO_GATE=off)');
  } else if ('error' in gate) {
    row('Simulated gate', `NOT RUNNING: ${gate.error}`);
  } else {
    row('Guard page', gate.gate.guardPageUrl);
    if (gate.gate.camera) row('Gate camera', `${gate.gate.camera}  (hold a pass QR code up to it)`);
    else row('Gate frames', `${gate.gate.framesDir}  (drop a screenshot of a pass QR code here)`);
  }
  lines.push('');
  if (!people) {
    lines.push(' Demo people: none (DEMO_SEED=off, or the seed failed: see the log above).');
  } else {
    lines.push(` Demo people (passwords also in ${people.credentialsFile}, mode 0600):`);
    const { alumnus } = people;
    lines.push('', `   Alumnus: ${alumnus.name} (eCard ${alumnus.ecardStatus})`);
    row('  sign in at', url('/sign-in'));
    row('  email', `${alumnus.email}  (then the 6-digit code from the mailbox)`);
    if (alumnus.netId && alumnus.netPassword) row('  or NetID', `${alumnus.netId}  NetPassword ${alumnus.netPassword}`);
    for (const member of people.staff) {
      lines.push('', `   ${ROLE_LABELS[member.role]} (${member.role}): ${member.name}`);
      row('  sign in at', `${url('/staff/sign-in')}  (then ${url(ROLE_HOME[member.role])})`);
      row('  email', member.email);
      row('  password', `${member.password}  (then the 6-digit code from the mailbox)`);
    }
  }
  lines.push(rule, '');
  return lines.join('\n');
}
