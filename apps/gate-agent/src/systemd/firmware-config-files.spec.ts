import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { encodeFrame, loadRelayBoardTable } from '../hardware/serial-relay/relay-board-table.js';
import { parseUnit } from '../../../../test/support/systemd-unit.js';

// The files in firmware-config/{systemd,udev,boot} are installed on a gate by hand; nothing else reads them. These
// checks parse them loosely so they do not rot: the keys the gate relies on are there, and they agree with
// gate.example.yaml and the relay-board tables.

const FIRMWARE = resolve(import.meta.dirname, '../../../../firmware-config');
const read = (path: string) => readFileSync(resolve(FIRMWARE, path), 'utf8');

describe('firmware-config/systemd/campuspass-gate.service', () => {
  const unit = parseUnit(read('systemd/campuspass-gate.service'));
  const service = unit.get('Service')!;
  const one = (key: string) => {
    const values = service.get(key);
    expect({ key, count: values?.length }).toEqual({ key, count: 1 });
    return values![0]!;
  };

  it('has the [Unit], [Service] and [Install] sections', () => {
    expect([...unit.keys()]).toEqual(['Unit', 'Service', 'Install']);
    expect(unit.get('Install')!.get('WantedBy')).toEqual(['multi-user.target']);
  });

  it('is Type=notify with a watchdog the agent can feed through systemd-notify', () => {
    expect(one('Type')).toBe('notify');
    // systemd-notify is a child process, not the main PID.
    expect(one('NotifyAccess')).toBe('all');
    expect(Number(one('WatchdogSec'))).toBeGreaterThanOrEqual(10);
  });

  it('always restarts, quickly, bounded by a start limit, except after a usage or configuration error', () => {
    expect(one('Restart')).toBe('always');
    expect(Number(one('RestartSec'))).toBeGreaterThan(0);
    expect(Number(unit.get('Unit')!.get('StartLimitIntervalSec')?.[0])).toBeGreaterThan(0);
    expect(Number(unit.get('Unit')!.get('StartLimitBurst')?.[0])).toBeGreaterThan(1);
    // A device that cannot be opened at start (transient at boot) exits 69 (EX_UNAVAILABLE): restarted, bounded.
    // A usage mistake (64) or a bad config (78) stays failed until someone fixes it.
    expect(one('RestartPreventExitStatus').split(/\s+/)).toEqual(['64', '78']);
  });

  it('runs the built agent with node and /etc/campuspass/gate.yaml as the unprivileged campuspass user', () => {
    expect(one('User')).toBe('campuspass');
    expect(one('ExecStart')).toMatch(
      /^\/usr\/bin\/node (--[\w-]+=?\S* )*\S+\/apps\/gate-agent\/dist\/main\.js --config \/etc\/campuspass\/gate\.yaml$/,
    );
    expect(one('SupplementaryGroups').split(/\s+/).sort()).toEqual(['dialout', 'gpio', 'video']);
  });

  it('is hardened: read-only system, only its state directory writable, no new privileges, private /tmp', () => {
    expect(one('ProtectSystem')).toBe('strict');
    expect(one('ReadWritePaths').split(/\s+/)).toContain('/var/lib/campuspass');
    expect(one('NoNewPrivileges')).toBe('true');
    expect(one('PrivateTmp')).toBe('true');
    // /sys must stay writable for GPIO through sysfs.
    expect(service.has('ProtectKernelTunables')).toBe(false);
  });

  it("switches the LCUS-1 relay off after the agent stops or dies, with the board table's exact off frame", () => {
    const stopPost = one('ExecStopPost');
    const octal = /printf "((?:\\\\[0-7]{3})+)"/.exec(stopPost);
    expect(octal).not.toBeNull();
    // systemd turns "\\240" into "\240"; printf turns that into the byte 0xA0.
    const bytes = Buffer.from([...octal![1]!.matchAll(/\\\\([0-7]{3})/g)].map((match) => parseInt(match[1]!, 8)));
    const table = loadRelayBoardTable('lcus-1');
    expect(bytes.toString('hex')).toBe(encodeFrame(table.commands.off, { channel: 1 }).toString('hex'));
    expect(stopPost).toContain(`stty -F /dev/campuspass-relay ${table.serial.baudRate} raw`);
  });
});

interface UdevRule {
  readonly line: number;
  readonly keys: Map<string, { readonly operator: string; readonly value: string }>;
}

/** udev rules → one entry per rule; every token must be KEY[{attr}]<op>"value", else the line is reported. */
function parseUdevRules(text: string): UdevRule[] {
  const rules: UdevRule[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const keys = new Map<string, { operator: string; value: string }>();
    const token = /\s*([A-Z_]+(?:\{[^}]+\})?)(==|!=|\+=|-=|:=|=)"([^"]*)"\s*(,|$)/y;
    let match: RegExpExecArray | null;
    while (token.lastIndex < line.length && (match = token.exec(line))) keys.set(match[1]!, { operator: match[2]!, value: match[3]! });
    if (token.lastIndex !== line.length)
      throw new Error(`udev rule on line ${index + 1} does not parse at column ${token.lastIndex}: ${raw}`);
    rules.push({ line: index + 1, keys });
  });
  return rules;
}

describe('firmware-config/udev/99-campuspass.rules', () => {
  const rules = parseUdevRules(read('udev/99-campuspass.rules'));
  const named = (name: string) => {
    const found = rules.filter((rule) => rule.keys.get('SYMLINK')?.value === name);
    expect({ name, rules: found.length }).toEqual({ name, rules: 1 });
    const rule = found[0]!;
    expect(rule.keys.get('SYMLINK')?.operator).toBe('+=');
    expect(rule.keys.get('GROUP')).toEqual({ operator: '=', value: 'campuspass' });
    expect(rule.keys.get('MODE')).toEqual({ operator: '=', value: '0660' });
    return rule;
  };

  it('names the CH340 LCUS relay board /dev/campuspass-relay by USB vendor and product', () => {
    const rule = named('campuspass-relay');
    expect(rule.keys.get('SUBSYSTEM')?.value).toBe('tty');
    expect(rule.keys.get('ATTRS{idVendor}')).toEqual({ operator: '==', value: '1a86' });
    expect(rule.keys.get('ATTRS{idProduct}')).toEqual({ operator: '==', value: '7523' });
  });

  it('names a USB serial scanner /dev/campuspass-scanner by vendor', () => {
    const rule = named('campuspass-scanner');
    expect(rule.keys.get('SUBSYSTEM')?.value).toBe('tty');
    expect(rule.keys.get('ATTRS{idVendor}')?.value).toMatch(/^[0-9a-f]{4}$/);
  });

  it('names only the capture node of a UVC camera /dev/campuspass-camera', () => {
    const rule = named('campuspass-camera');
    expect(rule.keys.get('SUBSYSTEM')?.value).toBe('video4linux');
    expect(rule.keys.get('ATTR{index}')?.value).toBe('0');
  });

  it('gives the sysfs GPIO files to group gpio', () => {
    const gpio = rules.filter((rule) => rule.keys.get('SUBSYSTEM')?.value === 'gpio');
    expect(gpio.length).toBeGreaterThanOrEqual(1);
    for (const rule of gpio) expect(rule.keys.get('PROGRAM')?.value).toMatch(/chgrp (-R )?gpio /);
  });
});

describe('firmware-config/boot/config.txt.snippet', () => {
  const pins = new Map(
    [...read('boot/config.txt.snippet').matchAll(/^gpio=(\d+)=([a-z,]+)$/gm)].map((match) => [Number(match[1]), match[2]!.split(',')]),
  );
  const example = read('gate.example.yaml');
  const config = parseYaml(example) as {
    indicator: { greenPin: number; redPin: number; buzzerPin: number; activeLow: boolean };
    passageSensor: { bcmPin: number; activeLow: boolean };
  };
  const inactive = (activeLow: boolean) => (activeLow ? 'dh' : 'dl');

  it("drives the example's GPIO relay output to its inactive level from boot", () => {
    const relay = /^# relay:\n#\s+# gpio:.*\n#\s+type: gpio\n#\s+bcmPin: (\d+)\b.*\n#\s+activeLow: (true|false)\b/m.exec(example);
    expect(relay).not.toBeNull();
    expect(pins.get(Number(relay![1]))).toEqual(['op', inactive(relay![2] === 'true')]);
  });

  it('drives the LEDs and buzzer off from boot', () => {
    const { greenPin, redPin, buzzerPin, activeLow } = config.indicator;
    for (const pin of [greenPin, redPin, buzzerPin])
      expect({ pin, setting: pins.get(pin) }).toEqual({ pin, setting: ['op', inactive(activeLow)] });
  });

  it('makes the passage sensor pin an input with the pull-up its active-low contact needs', () => {
    expect(config.passageSensor.activeLow).toBe(true);
    expect(pins.get(config.passageSensor.bcmPin)).toEqual(['ip', 'pu']);
  });
});
