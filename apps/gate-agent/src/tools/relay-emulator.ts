import { parseArgs } from 'node:util';
import { DEFAULT_RELAY_BOARDS_DIR, loadRelayBoardTable } from '../hardware/serial-relay/relay-board-table.js';
import { RelayBoardEmulator } from './relay-emulator/relay-board-emulator.js';

// A relay board played on one end of a pty pair, for tests and demos:
//   socat -d -d pty,raw,echo=0,link=/tmp/relay-agent pty,raw,echo=0,link=/tmp/relay-board &
//   node apps/gate-agent/dist/tools/relay-emulator.js --path /tmp/relay-board --board lcus-1 --log relay.jsonl
// then point relay.path of the gate config at /tmp/relay-agent. Each switch, bad checksum and status query is
// appended to the log as one JSON line. Prints "ready <path>" once the port is open; stops on SIGTERM or SIGINT.

const USAGE = 'usage: relay-emulator --path <pty> [--board lcus-1] [--boards-dir <dir>] [--log <file.jsonl>]';
const { values } = parseArgs({
  options: {
    path: { type: 'string' },
    board: { type: 'string', default: 'lcus-1' },
    'boards-dir': { type: 'string', default: DEFAULT_RELAY_BOARDS_DIR },
    log: { type: 'string' },
  },
});
if (values.path === undefined) {
  process.stderr.write(`${USAGE}\n--path is required: the pty end that plays the board\n`);
  process.exit(64);
}

try {
  const table = loadRelayBoardTable(values.board, values['boards-dir']);
  const emulator = new RelayBoardEmulator({ path: values.path, table, logFile: values.log });
  await emulator.open();
  process.stdout.write(`ready ${values.path}\n`);
  const stop = () => void emulator.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
} catch (error) {
  process.stderr.write(`relay-emulator: ${(error as Error).message}\n`);
  process.exit(1);
}
