import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { HardwareError, HardwareErrorCode } from '../hardware.error.js';

/** firmware-config/relay-boards of this checkout or install (same depth from src/ and dist/). */
export const DEFAULT_RELAY_BOARDS_DIR = resolve(import.meta.dirname, '../../../../../firmware-config/relay-boards');

/** A frame byte: a literal, the channel number, the checksum of the bytes before it, or a timed command's units. */
const byteToken = z.union([z.int().min(0).max(255), z.enum(['channel', 'sum', 'units'])], {
  error: 'expected a byte 0–255 (e.g. 0xA0) or one of: channel, sum, units',
});
const frame = z.array(byteToken).min(1, { error: 'expected at least one byte' }).max(64);
export type FrameTemplate = z.infer<typeof frame>;

const linePattern = z.string().superRefine((value, context) => {
  try {
    const groups = new RegExp(value).source;
    if (!groups.includes('?<channel>') || !groups.includes('?<state>')) {
      context.addIssue({ code: 'custom', message: 'expected named groups (?<channel>…) and (?<state>ON|OFF)' });
    }
  } catch (error) {
    context.addIssue({ code: 'custom', message: `expected a regular expression: ${(error as Error).message}` });
  }
});

export const relayBoardTableSchema = z
  .strictObject({
    board: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/),
    description: z.string().min(1).max(200),
    channels: z.int().min(1).max(8),
    serial: z.strictObject({
      baudRate: z.int().min(1200).max(115_200),
      dataBits: z.union([z.literal(7), z.literal(8)]),
      parity: z.enum(['none', 'even', 'odd']),
      stopBits: z.union([z.literal(1), z.literal(2)]),
    }),
    commands: z.strictObject({ on: frame, off: frame }),
    timedOn: z
      .strictObject({
        bytes: frame,
        /** Milliseconds per unit of the duration byte. */
        unitMs: z.int().min(1).max(60_000),
        maxUnits: z.int().min(1).max(255),
      })
      .nullable(),
    status: z
      .strictObject({
        query: frame,
        linePattern,
        timeoutMs: z.int().min(10).max(10_000),
      })
      .nullable(),
  })
  .superRefine((table, context) => {
    const check = (path: (string | number)[], template: FrameTemplate, unitsAllowed: boolean) => {
      if (!unitsAllowed && template.includes('units')) {
        context.addIssue({ code: 'custom', path, message: '"units" may appear only in timedOn.bytes' });
      }
      if (unitsAllowed && !template.includes('units')) {
        context.addIssue({ code: 'custom', path, message: 'a timed command needs a "units" byte' });
      }
      if (typeof template[0] !== 'number') {
        context.addIssue({ code: 'custom', path, message: 'expected the first byte to be a literal (the frame start)' });
      }
    };
    check(['commands', 'on'], table.commands.on, false);
    check(['commands', 'off'], table.commands.off, false);
    if (table.timedOn) check(['timedOn', 'bytes'], table.timedOn.bytes, true);
    if (table.status) check(['status', 'query'], table.status.query, false);
  });
export type RelayBoardTable = z.infer<typeof relayBoardTableSchema>;

/** Reads and validates `<dir>/<board>.yaml`; the error names the file and each problem. */
export function loadRelayBoardTable(board: string, dir: string = DEFAULT_RELAY_BOARDS_DIR): RelayBoardTable {
  const filePath = join(dir, `${board}.yaml`);
  const invalid = (what: string, cause?: unknown) =>
    new HardwareError(HardwareErrorCode.RelayBoardTableInvalid, `Relay-board table ${filePath} ${what}`, { cause });
  if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(board)) throw invalid('has an invalid name: expected lower-case letters, digits, "-".');
  let raw: unknown;
  try {
    raw = parse(readFileSync(filePath, 'utf8'));
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw code === 'ENOENT'
      ? invalid(`does not exist: set relay.board to one of the tables in ${dir}, or add ${board}.yaml there.`, cause)
      : invalid(`cannot be read: ${(cause as Error).message}`, cause);
  }
  const parsed = relayBoardTableSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  - ${issue.path.join('.') || '(file)'}: ${issue.message}`);
    throw invalid(`is not a valid table:\n${problems.join('\n')}`);
  }
  if (parsed.data.board !== board) throw invalid(`says board: ${parsed.data.board}; expected board: ${board} (the file name).`);
  return parsed.data;
}

export interface FrameValues {
  readonly channel: number;
  readonly units?: number;
}

/** The bytes of one command. */
export function encodeFrame(template: FrameTemplate, values: FrameValues): Buffer {
  const bytes: number[] = [];
  for (const token of template) {
    if (typeof token === 'number') bytes.push(token);
    else if (token === 'channel') bytes.push(values.channel);
    else if (token === 'units') bytes.push(values.units ?? 0);
    else bytes.push(bytes.reduce((sum, byte) => sum + byte, 0) & 0xff);
  }
  return Buffer.from(bytes);
}

export type FrameMatch =
  | { readonly kind: 'frame'; readonly length: number; readonly channel: number; readonly units: number; readonly checksumOk: boolean }
  | { readonly kind: 'incomplete' }
  | { readonly kind: 'no-match' };

/** Whether `buffer` starts with a frame of this template (used by the board emulator to read what the agent sent). */
export function matchFrame(template: FrameTemplate, buffer: Buffer, channels: number): FrameMatch {
  let channel = 0;
  let units = 0;
  let checksumOk = true;
  for (let index = 0; index < template.length; index += 1) {
    if (index >= buffer.length) return { kind: 'incomplete' };
    const token = template[index];
    const byte = buffer[index] as number;
    if (typeof token === 'number') {
      if (byte !== token) return { kind: 'no-match' };
    } else if (token === 'channel') {
      if (byte < 1 || byte > channels) return { kind: 'no-match' };
      channel = byte;
    } else if (token === 'units') {
      units = byte;
    } else {
      const expected = buffer.subarray(0, index).reduce((sum, value) => sum + value, 0) & 0xff;
      if (byte !== expected) checksumOk = false;
    }
  }
  return { kind: 'frame', length: template.length, channel, units, checksumOk };
}
