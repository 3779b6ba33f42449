import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { parseGuardPinHash } from '../guard-page/guard-pin.js';

// The gate's YAML configuration, validated once at start-up (fail fast, STYLE §4).
// Every object is strict so a typo ("bcmpin", "pulse_ms") is an error instead of a silently used default.
// Every field carries its own "expected …" message because the person reading it is at a Pi beside a
// turnstile, with the YAML file open, not reading zod's internals.

/** Keys whose values are secrets: never logged, never echoed back in error messages. */
export const SECRET_CONFIG_PATHS: readonly string[] = ['portal.enrollmentCode', 'guardPage.manualOpenPinHash'];

export const DEFAULT_DATA_DIR = '/var/lib/campuspass/gate';

function integer(min: number, max: number, meaning: string) {
  const error = `expected an integer ${min}–${max} (${meaning})`;
  return z.int({ error }).min(min, { error }).max(max, { error });
}

function fraction(meaning: string) {
  const error = `expected a number 0–1 (${meaning})`;
  return z.number({ error }).min(0, { error }).max(1, { error });
}

function flag(meaning: string) {
  return z.boolean({ error: `expected true or false (${meaning})` });
}

function oneOf<const T extends readonly [string, ...string[]]>(values: T, meaning: string) {
  return z.enum(values, { error: `expected one of: ${values.join(', ')} (${meaning})` });
}

function text(maxLength: number, meaning: string) {
  const error = `expected a non-empty string of at most ${maxLength} characters (${meaning})`;
  return z.string({ error }).min(1, { error }).max(maxLength, { error });
}

function devicePath(meaning: string) {
  const error = `expected a device path under /dev/ (${meaning})`;
  return z.string({ error }).startsWith('/dev/', { error });
}

// YAML authors often leave a section header with every key commented out, which YAML reads as null.
// Saying so beats zod's "expected object, received null".
function section<const Shape extends z.ZodRawShape>(shape: Shape) {
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'invalid_type' ? 'expected a mapping of keys to values (an empty section must be written {} or removed)' : undefined,
  });
}

function variants<const Options extends readonly [z.ZodObject, ...z.ZodObject[]]>(meaning: string, options: Options) {
  const names = options.map((option) => String((option.shape as { type: z.ZodLiteral<string> }).type.value));
  const expected = `one of: ${names.join(', ')}`;
  return z.discriminatedUnion('type', options, {
    error: (issue) =>
      issue.code === 'invalid_union'
        ? `expected type to be ${expected} (${meaning})`
        : `expected a mapping with a type key (${meaning}: ${expected})`,
  });
}

const BCM_PIN_MEANING = 'BCM GPIO number';
const bcmPin = () => integer(0, 27, BCM_PIN_MEANING);
const activeLow = () => flag('true when the line is active at 0 V').default(false);
const debounceMs = () => integer(0, 1000, 'milliseconds an edge must be stable').default(50);
const baudRate = () =>
  z
    .union(
      [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200].map((rate) => z.literal(rate)),
      {
        error: 'expected a standard baud rate: 1200, 2400, 4800, 9600, 19200, 38400, 57600 or 115200',
      },
    )
    .default(9600);
const frameWidth = () => integer(160, 1920, 'pixels').default(640);
const frameHeight = () => integer(120, 1080, 'pixels').default(480);
const framesPerSecond = () => integer(1, 60, 'frames per second').default(15);

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

const portalUrl = z.string({ error: 'expected the portal URL, e.g. https://campuspass.example.edu' }).superRefine((value, context) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    context.addIssue({ code: 'custom', message: 'expected an absolute URL, e.g. https://campuspass.example.edu' });
    return;
  }
  // Plain HTTP would let anyone on the gate's network swap the bundle or read events; allowed only for a
  // portal on the same machine (development and demos).
  const plainHttpAllowed = url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
  if (url.protocol !== 'https:' && !plainHttpAllowed) {
    context.addIssue({ code: 'custom', message: 'expected an https:// URL (http:// only for localhost or 127.0.0.1)' });
  }
  // Credentials in a URL end up in logs; the gate authenticates with what enrollment gave it.
  if (url.username !== '' || url.password !== '') {
    context.addIssue({ code: 'custom', message: 'expected a URL without user:password (the gate authenticates through enrollment)' });
  }
  if (url.search !== '' || url.hash !== '') {
    context.addIssue({ code: 'custom', message: 'expected a base URL without ?query or #fragment' });
  }
});

const gateSection = section({
  id: z
    .string({ error: 'expected the gate id the portal assigned (letters, digits, ".", "_", "-"; at most 64)' })
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
      error: 'expected the gate id the portal assigned (letters, digits, ".", "_", "-"; at most 64)',
    })
    .optional(),
  name: text(80, 'name shown on the guard page').optional(),
});

const portalSection = section({
  url: portalUrl,
  enrollmentCode: text(200, 'one-time enrollment code from the portal').optional(),
  requestTimeoutMs: integer(1000, 120_000, 'milliseconds per HTTP request').default(15_000),
});

const storageSection = section({
  dataDir: z
    .string({ error: 'expected an absolute directory path' })
    .refine((value) => isAbsolute(value), { error: 'expected an absolute directory path' })
    .default(DEFAULT_DATA_DIR),
  outbox: section({
    retentionDays: integer(1, 365, 'days a delivered event is kept').default(30),
    maxEvents: integer(1000, 10_000_000, 'events kept in the outbox').default(500_000),
    alertThresholdPercent: integer(1, 100, 'percent of maxEvents that raises an alert').default(80),
  }).prefault({}),
});

const inputSection = variants('frame source or scanner', [
  section({
    type: z.literal('ffmpeg'),
    device: devicePath('V4L2 camera, e.g. /dev/video0').default('/dev/video0'),
    width: frameWidth(),
    height: frameHeight(),
    fps: framesPerSecond(),
    inputFormat: oneOf(['auto', 'mjpeg', 'yuyv422'], 'pixel format asked of the camera').default('auto'),
  }),
  section({
    type: z.literal('rpicam'),
    width: frameWidth(),
    height: frameHeight(),
    fps: framesPerSecond(),
  }),
  section({
    type: z.literal('webcam'),
    device: devicePath('V4L2 camera, e.g. /dev/video0').default('/dev/video0'),
    width: frameWidth(),
    height: frameHeight(),
    intervalMs: integer(200, 60_000, 'milliseconds between snapshots').default(1000),
  }),
  section({
    type: z.literal('file'),
    path: text(4096, 'image or video file to read frames from'),
    fps: framesPerSecond(),
    loop: flag('restart the file at its end').default(false),
  }),
  section({
    type: z.literal('serial-scanner'),
    path: devicePath('serial port of the 2D scanner, e.g. /dev/ttyACM0'),
    baudRate: baudRate(),
  }),
]).prefault({ type: 'ffmpeg' });

const regionSection = section({
  left: fraction('fraction of the frame width').default(0),
  top: fraction('fraction of the frame height').default(0),
  width: fraction('fraction of the frame width').default(1),
  height: fraction('fraction of the frame height').default(1),
}).superRefine((region, context) => {
  // Compared with a small tolerance so 0.1 + 0.9 (= 1.0000000000000002) is accepted.
  if (region.left + region.width > 1 + 1e-9) {
    context.addIssue({ code: 'custom', path: ['width'], message: 'expected left + width ≤ 1 (the region must lie inside the frame)' });
  }
  if (region.top + region.height > 1 + 1e-9) {
    context.addIssue({ code: 'custom', path: ['height'], message: 'expected top + height ≤ 1 (the region must lie inside the frame)' });
  }
});

const decoderSection = section({
  engine: oneOf(['zxing-wasm', 'jsqr'], 'QR decoder').default('zxing-wasm'),
  downscale: integer(1, 4, 'divide each side of the frame by this before decoding').default(1),
  region: regionSection.prefault({}),
});

// The same code held in front of the camera (or scanned twice) is one scan, not thirty.
const scanSection = section({
  repeatHoldMs: integer(0, 60_000, 'milliseconds the same code is ignored after it was last seen').default(3000),
});

const pulseMs = () => integer(100, 10_000, 'milliseconds the relay stays on').default(500);

const relaySection = variants('turnstile relay driver', [
  section({
    type: z.literal('gpio'),
    bcmPin: bcmPin(),
    activeLow: activeLow(),
    pulseMs: pulseMs(),
  }),
  section({
    type: z.literal('serial'),
    path: devicePath('serial port of the USB relay board, e.g. /dev/ttyUSB0'),
    board: z
      .string({ error: 'expected a relay-board table name such as lcus-1 (lower-case letters, digits, "-")' })
      .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, {
        error: 'expected a relay-board table name such as lcus-1 (lower-case letters, digits, "-")',
      }),
    channel: integer(1, 8, 'relay channel on the board, counted from 1').default(1),
    baudRate: baudRate(),
    pulseMs: pulseMs(),
  }),
  section({
    type: z.literal('simulated'),
    pulseMs: pulseMs(),
  }),
]).prefault({ type: 'simulated' });

const passageTimeoutMs = () => integer(1000, 120_000, 'milliseconds to wait for the passage after a grant').default(10_000);

const passageSensorSection = variants('passage sensor', [
  section({ type: z.literal('none') }),
  section({
    type: z.literal('gpio'),
    bcmPin: bcmPin(),
    activeLow: activeLow(),
    debounceMs: debounceMs(),
    timeoutMs: passageTimeoutMs(),
  }),
  section({
    type: z.literal('serial'),
    path: devicePath('serial port whose modem-status line carries the sensor contact'),
    line: oneOf(['cts', 'dsr', 'dcd'], 'modem-status input the contact is wired to').default('cts'),
    activeLow: activeLow(),
    pollMs: integer(5, 1000, 'milliseconds between reads of the line').default(20),
    debounceMs: debounceMs(),
    timeoutMs: passageTimeoutMs(),
  }),
  section({
    type: z.literal('simulated'),
    passAfterMs: integer(0, 120_000, 'milliseconds after the pulse the simulated person passes').default(1500),
    timeoutMs: passageTimeoutMs(),
  }),
]).prefault({ type: 'none' });

const indicatorSection = variants('indicator LEDs and buzzer', [
  section({ type: z.literal('none') }),
  section({
    type: z.literal('gpio'),
    greenPin: bcmPin(),
    redPin: bcmPin(),
    buzzerPin: bcmPin().optional(),
    activeLow: activeLow(),
  }),
  section({ type: z.literal('simulated') }),
]).prefault({ type: 'none' });

const fireInputSection = section({
  bcmPin: bcmPin(),
  activeLow: activeLow(),
  debounceMs: debounceMs(),
});

const policySection = section({
  reEntryWindowSeconds: integer(0, 86_400, 'seconds before the same pass may enter again; 0 = no limit').default(60),
  degradedClockPolicy: oneOf(['deny', 'allow-known-passes'], 'what to do while the clock is untrusted').default('deny'),
  signatureVerifier: oneOf(['node-crypto', 'tweetnacl'], 'Ed25519 implementation that checks pass signatures').default('node-crypto'),
});

const clockSection = section({
  maxSkewSeconds: integer(1, 3600, 'seconds the gate clock may differ from the portal').default(60),
  trustNtp: flag('trust the system clock once NTP has synchronised it').default(true),
  ntpCheckIntervalSeconds: integer(10, 3600, 'seconds between NTP status checks').default(60),
});

const backoffSection = section({
  minSeconds: integer(1, 3600, 'seconds before the first retry').default(5),
  maxSeconds: integer(1, 86_400, 'cap on the seconds between retries').default(900),
}).superRefine((backoff, context) => {
  if (backoff.minSeconds > backoff.maxSeconds) {
    context.addIssue({
      code: 'custom',
      path: ['minSeconds'],
      message: `expected minSeconds ≤ maxSeconds (${backoff.minSeconds} > ${backoff.maxSeconds})`,
      params: { crossField: true },
    });
  }
});

const syncSection = section({
  bundleIntervalSeconds: integer(30, 86_400, 'seconds between bundle checks').default(300),
  backoff: backoffSection.prefault({}),
  jitterPercent: integer(0, 100, 'percent of each delay randomised').default(20),
  eventBatchSize: integer(1, 1000, 'outbox events sent per batch').default(100),
  heartbeatIntervalSeconds: integer(10, 3600, 'seconds between heartbeats to the portal').default(60),
});

const guardPageSection = section({
  host: z
    .union([z.ipv4(), z.ipv6(), z.literal('localhost')], {
      error: 'expected an IP address to listen on, or localhost (127.0.0.1 keeps the page on this Pi)',
    })
    .default('127.0.0.1'),
  // The agent runs unprivileged (gpio and dialout groups), so it cannot bind below 1024.
  port: integer(1024, 65_535, 'TCP port; unprivileged').default(8080),
  // Without it manual open is disabled. The PIN itself is never in the file: `gate-agent hash-pin` prints this.
  manualOpenPinHash: z
    .string({ error: 'expected the scrypt$N$r$p$salt$hash string printed by `gate-agent hash-pin`' })
    .superRefine((value, context) => {
      const parsed = parseGuardPinHash(value);
      if (typeof parsed === 'string') {
        context.addIssue({ code: 'custom', message: `${parsed} (make one with: printf %s "$PIN" | gate-agent hash-pin)` });
      }
    })
    .optional(),
});

const logSection = section({
  level: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace'], 'log level').default('info'),
});

const baseSchema = section({
  gate: gateSection.prefault({}),
  portal: portalSection,
  storage: storageSection.prefault({}),
  input: inputSection,
  decoder: decoderSection.prefault({}),
  scan: scanSection.prefault({}),
  relay: relaySection,
  passageSensor: passageSensorSection,
  indicator: indicatorSection,
  fireInput: fireInputSection.optional(),
  policy: policySection.prefault({}),
  clock: clockSection.prefault({}),
  sync: syncSection.prefault({}),
  guardPage: guardPageSection.prefault({}),
  log: logSection.prefault({}),
});

type BaseGateConfig = z.output<typeof baseSchema>;

interface DeviceUse {
  path: string[];
  value: number | string;
}

function gpioUses(config: BaseGateConfig): DeviceUse[] {
  const uses: DeviceUse[] = [];
  if (config.relay.type === 'gpio') uses.push({ path: ['relay', 'bcmPin'], value: config.relay.bcmPin });
  if (config.passageSensor.type === 'gpio') {
    uses.push({ path: ['passageSensor', 'bcmPin'], value: config.passageSensor.bcmPin });
  }
  if (config.indicator.type === 'gpio') {
    uses.push({ path: ['indicator', 'greenPin'], value: config.indicator.greenPin });
    uses.push({ path: ['indicator', 'redPin'], value: config.indicator.redPin });
    if (config.indicator.buzzerPin !== undefined) {
      uses.push({ path: ['indicator', 'buzzerPin'], value: config.indicator.buzzerPin });
    }
  }
  if (config.fireInput) uses.push({ path: ['fireInput', 'bcmPin'], value: config.fireInput.bcmPin });
  return uses;
}

function serialUses(config: BaseGateConfig): DeviceUse[] {
  const uses: DeviceUse[] = [];
  if (config.input.type === 'serial-scanner') uses.push({ path: ['input', 'path'], value: config.input.path });
  if (config.relay.type === 'serial') uses.push({ path: ['relay', 'path'], value: config.relay.path });
  if (config.passageSensor.type === 'serial') {
    uses.push({ path: ['passageSensor', 'path'], value: config.passageSensor.path });
  }
  return uses;
}

function firstUseOfEach(uses: DeviceUse[], describe: (use: DeviceUse, first: DeviceUse) => string, context: z.RefinementCtx) {
  const firstUse = new Map<number | string, DeviceUse>();
  for (const use of uses) {
    const first = firstUse.get(use.value);
    if (first) {
      context.addIssue({ code: 'custom', path: use.path, message: describe(use, first), params: { crossField: true } });
    } else {
      firstUse.set(use.value, use);
    }
  }
}

/** The gate agent's configuration file (`/etc/campuspass/gate.yaml`), documented in `firmware-config/gate.example.yaml`. */
export const gateConfigSchema = baseSchema.superRefine(
  (config, context) => {
    firstUseOfEach(
      gpioUses(config),
      (use, first) => `GPIO ${use.value} is already used by ${first.path.join('.')}; expected a pin no other device uses`,
      context,
    );
    firstUseOfEach(
      serialUses(config),
      (use, first) =>
        `serial port ${use.value} is already used by ${first.path.join('.')}; expected a port no other device uses (a port opens once)`,
      context,
    );
    // The sensor is watched from the pulse on; a timeout shorter than the pulse would report
    // "not passed" while the turnstile is still released.
    if (config.passageSensor.type !== 'none' && config.passageSensor.timeoutMs < config.relay.pulseMs) {
      context.addIssue({
        code: 'custom',
        path: ['passageSensor', 'timeoutMs'],
        message: `expected at least relay.pulseMs (${config.relay.pulseMs}); the passage is watched from the start of the pulse`,
        params: { crossField: true },
      });
    }
  },
  // Cross-field checks compare validated values only; with earlier errors they would add noise.
  { when: (payload) => payload.issues.length === 0 },
);

export type GateConfig = z.output<typeof gateConfigSchema>;
/** What may be written in the YAML file: everything with a default may be left out. */
export type GateConfigInput = z.input<typeof gateConfigSchema>;
export type InputConfig = GateConfig['input'];
export type RelayConfig = GateConfig['relay'];
export type PassageSensorConfig = GateConfig['passageSensor'];
export type IndicatorConfig = GateConfig['indicator'];
