import { CommandQueue } from '../command-queue.js';
import { HardwareError, HardwareErrorCode } from '../hardware.error.js';
import { MAX_PULSE_MS } from '../relay.port.js';
import { SwitchedRelay } from '../switched-relay.js';
import { encodeFrame, type RelayBoardTable } from './relay-board-table.js';
import { SerialTransport } from './serial-transport.js';

export interface SerialRelayOptions {
  /** relay.path */
  readonly path: string;
  /** relay.channel, 1-based */
  readonly channel: number;
  /** relay.baudRate (the table's serial settings give the rest of the framing). */
  readonly baudRate: number;
  readonly table: RelayBoardTable;
  /** Milliseconds between heartbeats (status query, or an idle "off"). */
  readonly heartbeatMs?: number;
  /** Milliseconds a write may take before the command fails. */
  readonly commandTimeoutMs?: number;
  /** Milliseconds between attempts to reopen a port that went away. */
  readonly reconnectMs?: number;
}

/**
 * A USB relay board driven by the commands of its table (firmware-config/relay-boards). Where the table has a timed
 * command the pulse is bounded by the board itself; the in-process off follows anyway. Heartbeats notice an
 * unplugged board: a status query where the board has one, else an "off" re-sent while idle (a write to a vanished
 * port fails). A lost port is reopened and driven off.
 */
export class SerialRelay extends SwitchedRelay {
  readonly kind = 'serial' as const;
  private readonly transport: SerialTransport;
  private readonly queue: CommandQueue;
  private readonly device: string;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private heartbeatInFlight = false;
  /** The last status query went unanswered: a write that "succeeds" (LCUS boards never acknowledge) proves nothing. */
  private statusUnanswered = false;
  private statusReply: { lines: string; resolve: (text: string) => void } | undefined;

  constructor(private readonly options: SerialRelayOptions) {
    super();
    const { table, channel } = options;
    if (channel < 1 || channel > table.channels) {
      throw new HardwareError(
        HardwareErrorCode.RelayBoardTableInvalid,
        `relay.channel ${channel} does not exist on ${table.board}, which has channels 1–${table.channels}.`,
      );
    }
    this.device = `relay board ${table.board} on ${options.path}`;
    this.transport = new SerialTransport(options.path, { ...table.serial, baudRate: options.baudRate });
    this.queue = new CommandQueue(this.device);
    this.transport.events.on('data', (chunk) => this.onData(chunk));
    this.transport.events.on('lost', (reason) => this.onLost(reason));
  }

  protected async openDevice(): Promise<void> {
    await this.transport.open();
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), this.options.heartbeatMs ?? 2000);
  }

  protected drive(on: boolean): Promise<void> {
    const template = on ? this.options.table.commands.on : this.options.table.commands.off;
    return this.send(on ? 'on' : 'off', encodeFrame(template, { channel: this.options.channel }));
  }

  protected override startPulse(ms: number): Promise<void> {
    const timed = this.options.table.timedOn;
    if (!timed) return this.drive(true);
    // Rounded up, so the board never ends the pulse before the in-process timer would.
    const units = Math.min(timed.maxUnits, Math.ceil(Math.min(ms, MAX_PULSE_MS) / timed.unitMs));
    return this.send(`timed-on ${units}×${timed.unitMs} ms`, encodeFrame(timed.bytes, { channel: this.options.channel, units }));
  }

  protected async closeDevice(): Promise<void> {
    clearInterval(this.heartbeatTimer);
    clearTimeout(this.reconnectTimer);
    this.heartbeatTimer = undefined;
    this.reconnectTimer = undefined;
    await this.transport.close();
  }

  protected override reportHealth(health: { ok: boolean; detail: string }): void {
    if (health.ok && this.statusUnanswered && !health.detail.startsWith('status')) return;
    super.reportHealth(health);
  }

  private send(command: string, bytes: Buffer): Promise<void> {
    return this.queue.run(command, this.options.commandTimeoutMs ?? 1000, () => this.transport.write(bytes));
  }

  private async heartbeat(): Promise<void> {
    // One heartbeat at a time: a board that stops answering must not pile queries up in front of real commands.
    if (this.heartbeatInFlight || this.isClosed() || !this.transport.isOpen) return;
    this.heartbeatInFlight = true;
    try {
      await this.heartbeatOnce();
    } finally {
      this.heartbeatInFlight = false;
    }
  }

  private async heartbeatOnce(): Promise<void> {
    const status = this.options.table.status;
    try {
      if (status) {
        const reply = await this.queue.run('status', status.timeoutMs, () => this.queryStatus(encodeFrame(status.query, { channel: 0 })));
        const state = parseChannelState(reply, status.linePattern, this.options.channel);
        if (state === undefined) throw new Error(`status reply without channel ${this.options.channel}: ${JSON.stringify(reply)}`);
        if (state === 'on' && !this.pulseInProgress() && this.state() !== 'on') {
          // On without a pulse: something else switched it, or an off was lost. Fail secure.
          await this.command(false);
        }
        this.statusUnanswered = false;
        this.reportHealth({ ok: true, detail: `status ${state}` });
      } else if (this.state() === 'off' && !this.pulseInProgress()) {
        await this.command(false);
      }
    } catch (error) {
      this.statusUnanswered = status !== null;
      this.reportHealth({ ok: false, detail: `heartbeat failed: ${(error as Error).message}` });
    }
  }

  private queryStatus(query: Buffer): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      this.statusReply = { lines: '', resolve };
      this.transport.write(query).catch(reject);
    }).finally(() => (this.statusReply = undefined));
  }

  private onData(chunk: Buffer): void {
    const reply = this.statusReply;
    const status = this.options.table.status;
    if (!reply || !status) return; // boards without a status query answer nothing; stray bytes are ignored
    reply.lines += chunk.toString('latin1');
    const pattern = new RegExp(status.linePattern, 'i');
    const complete = reply.lines.split(/\r?\n/).slice(0, -1);
    if (complete.filter((line) => pattern.test(line.trim())).length >= this.options.table.channels) reply.resolve(reply.lines);
  }

  private onLost(reason: string): void {
    this.reportHealth({ ok: false, detail: `serial port ${this.options.path} closed (${reason}): unplugged? reopening` });
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.isClosed()) return;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(async () => {
      try {
        await this.transport.open();
        await this.command(false);
      } catch (error) {
        this.reportHealth({ ok: false, detail: `serial port ${this.options.path} unavailable: ${(error as Error).message}` });
        this.scheduleReconnect();
      }
    }, this.options.reconnectMs ?? 2000);
  }
}

/** The state of `channel` in a status reply, from lines matching the table's pattern. */
export function parseChannelState(reply: string, linePattern: string, channel: number): 'on' | 'off' | undefined {
  const pattern = new RegExp(linePattern, 'i');
  for (const line of reply.split(/\r?\n/)) {
    const groups = pattern.exec(line.trim())?.groups;
    if (groups && Number(groups.channel) === channel) return groups.state?.toUpperCase() === 'ON' ? 'on' : 'off';
  }
  return undefined;
}
