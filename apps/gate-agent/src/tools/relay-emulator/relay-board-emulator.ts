import { appendFileSync } from 'node:fs';
import { SerialPort } from 'serialport';
import { encodeFrame, type FrameTemplate, matchFrame, type RelayBoardTable } from '../../hardware/serial-relay/relay-board-table.js';

/** One thing the emulated board saw or did, with wall-clock time and a monotonic millisecond stamp. */
export type EmulatorRecord =
  | {
      readonly kind: 'switch';
      readonly channel: number;
      readonly on: boolean;
      /** command: an on/off frame; timed-on: a timed frame; timer: the board's own off at the end of a timed command. */
      readonly cause: 'command' | 'timed-on' | 'timer';
      /** Units of a timed command. */
      readonly units?: number;
      readonly bytes: string;
      readonly at: string;
      readonly monotonicMs: number;
    }
  | {
      readonly kind: 'bad-checksum' | 'unknown-bytes' | 'status-query';
      readonly bytes: string;
      readonly at: string;
      readonly monotonicMs: number;
    };

export interface RelayBoardEmulatorOptions {
  /** The pty end to play the board on. */
  readonly path: string;
  readonly table: RelayBoardTable;
  /** Appends each record as one JSON line (for a test in another process). */
  readonly logFile?: string;
  readonly onRecord?: (record: EmulatorRecord) => void;
}

type Command = { name: 'on' | 'off' | 'timed-on' | 'status'; template: FrameTemplate };

/**
 * Plays a relay board of the given table on one end of a pty pair: reads frames, checks their checksum, switches its
 * relays (timed commands switch off by themselves), answers status queries, and records everything it saw.
 */
export class RelayBoardEmulator {
  readonly records: EmulatorRecord[] = [];
  private readonly relays: boolean[];
  private readonly timers = new Map<number, NodeJS.Timeout>();
  private readonly commands: Command[];
  private port: SerialPort | undefined;
  private pending = Buffer.alloc(0);

  constructor(private readonly options: RelayBoardEmulatorOptions) {
    const { table } = options;
    this.relays = Array.from({ length: table.channels + 1 }, () => false);
    this.commands = [
      { name: 'on', template: table.commands.on },
      { name: 'off', template: table.commands.off },
      ...(table.timedOn ? [{ name: 'timed-on' as const, template: table.timedOn.bytes }] : []),
      ...(table.status ? [{ name: 'status' as const, template: table.status.query }] : []),
    ];
  }

  async open(): Promise<void> {
    const port = new SerialPort({ path: this.options.path, ...this.options.table.serial, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
    port.on('data', (chunk: Buffer) => this.receive(chunk));
    port.on('error', () => undefined);
    this.port = port;
  }

  /** Whether a channel's relay is on now. */
  isOn(channel: number): boolean {
    return this.relays[channel] ?? false;
  }

  async close(): Promise<void> {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    const port = this.port;
    this.port = undefined;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  private receive(chunk: Buffer): void {
    this.pending = Buffer.concat([this.pending, chunk]);
    for (;;) {
      if (this.pending.length === 0) return;
      let waiting = false;
      let handled = false;
      for (const command of this.commands) {
        const match = matchFrame(command.template, this.pending, this.options.table.channels);
        if (match.kind === 'incomplete') waiting = true;
        if (match.kind !== 'frame') continue;
        const bytes = this.pending.subarray(0, match.length).toString('hex');
        this.pending = this.pending.subarray(match.length);
        if (!match.checksumOk) this.record({ kind: 'bad-checksum', bytes });
        else this.execute(command.name, match.channel, match.units, bytes);
        handled = true;
        break;
      }
      if (handled) continue;
      if (waiting) return;
      this.record({ kind: 'unknown-bytes', bytes: this.pending.subarray(0, 1).toString('hex') });
      this.pending = this.pending.subarray(1);
    }
  }

  private execute(name: Command['name'], channel: number, units: number, bytes: string): void {
    if (name === 'status') {
      this.record({ kind: 'status-query', bytes });
      const lines = this.relays.slice(1).map((on, index) => `CH${index + 1}:${on ? 'ON' : 'OFF'}\r\n`);
      this.port?.write(Buffer.from(lines.join(''), 'latin1'));
      return;
    }
    clearTimeout(this.timers.get(channel));
    this.timers.delete(channel);
    if (name === 'timed-on') {
      const unitMs = this.options.table.timedOn?.unitMs ?? 0;
      this.switch(channel, true, 'timed-on', bytes, units);
      this.timers.set(
        channel,
        setTimeout(() => {
          this.timers.delete(channel);
          const off = encodeFrame(this.options.table.commands.off, { channel }).toString('hex');
          this.switch(channel, false, 'timer', off);
        }, units * unitMs),
      );
      return;
    }
    this.switch(channel, name === 'on', 'command', bytes);
  }

  private switch(channel: number, on: boolean, cause: 'command' | 'timed-on' | 'timer', bytes: string, units?: number): void {
    this.relays[channel] = on;
    this.record({ kind: 'switch', channel, on, cause, bytes, ...(units === undefined ? {} : { units }) });
  }

  private record(partial: Record<string, unknown>): void {
    const record = { ...partial, at: new Date().toISOString(), monotonicMs: performance.now() } as EmulatorRecord;
    this.records.push(record);
    if (this.options.logFile) appendFileSync(this.options.logFile, `${JSON.stringify(record)}\n`);
    this.options.onRecord?.(record);
  }
}
