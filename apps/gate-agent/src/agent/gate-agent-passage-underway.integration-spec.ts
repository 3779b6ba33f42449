import { rm } from 'node:fs/promises';
import { decodePass } from '@campuspass/pass-token';
import { DataSource } from 'typeorm';
import {
  createGate,
  inviteGuests,
  newGateDataDir,
  startPortalWithActiveAlumnus,
  simulatedGateConfig,
  type GatePortal,
} from '../../../../test/support/gate-fixtures.js';
import * as wait from '../../../../test/support/wait.js';
import { SimulatedNtpStatus } from '../clock/simulated-ntp-status.adapter.js';
import { gateConfigSchema } from '../config/gate-config.schema.js';
import type { SimulatedPassageSensor } from '../hardware/simulated/simulated-passage-sensor.adapter.js';
import type { SyncLog } from '../sync/sync-log.js';
import { GateAgent } from './gate-agent.js';
import type { PassageView } from './gate-agent.types.js';

const quiet: SyncLog = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * A grant is not a passage until the sensor sees one, but while it is underway a second scan of the same pass must
 * not open the turnstile again: a single-entry guest pass handed back over the turnstile would admit two people.
 */
describe('Gate agent: a pass whose passage is underway is not granted again (real portal, simulated turnstile)', () => {
  let gatePortal: GatePortal;
  let dataDir: string;
  let agent: GateAgent;
  let sensor: SimulatedPassageSensor;
  const passages: PassageView[] = [];

  beforeAll(async () => {
    gatePortal = await startPortalWithActiveAlumnus();
    let framesDir: string;
    ({ dataDir, framesDir } = await newGateDataDir('gate-agent-underway-'));
    const { code } = await createGate(gatePortal.portal, 'Underway gate');
    const config = gateConfigSchema.parse(
      simulatedGateConfig({
        portalUrl: gatePortal.baseUrl,
        enrollmentCode: code,
        dataDir,
        framesDir,
        pulseMs: 100,
        // Nobody walks through by themselves: the test turns the turnstile, or lets the passage time out.
        passageSensor: { passAfterMs: 120_000, timeoutMs: 1500 },
      }),
    );
    agent = new GateAgent(config, { log: quiet, ntp: new SimulatedNtpStatus(false) });
    agent.events.on('passage', (view) => passages.push(view));
    await agent.start();
    await wait.waitFor(
      'the bundle and a trusted clock',
      () => agent.status(),
      (status) => status.bundle.version > 0 && status.clock.trusted,
      20_000,
    );
    sensor = agent.hardware.sensor as SimulatedPassageSensor;
    // Guest passes issued from now on are single-entry (the AAO's guest policy).
    await gatePortal.portal.app.get(DataSource).query('UPDATE guest_policy SET single_entry = true');
  });

  afterAll(async () => {
    await agent?.stop();
    await gatePortal?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const passageOf = (scanEventId: string) =>
    wait.waitFor(
      `the passage of ${scanEventId}`,
      () => passages.find((passage) => passage.scanEventId === scanEventId),
      (passage) => passage !== undefined,
    );

  it('a single-entry guest pass: denied as already used while its passage is underway, and after it passed', async () => {
    const [guest] = await inviteGuests(gatePortal.alice, ['Ho Ka Yan']);
    expect(decodePass(guest!.qrText).fields.flags.singleEntry).toBe(true);
    const first = agent.handleScan({ text: guest!.qrText, via: 'scanner' });
    expect(first).toMatchObject({ decision: 'granted' });
    expect(agent.handleScan({ text: guest!.qrText, via: 'scanner' })).toMatchObject({ decision: 'denied', reason: 'already-used' });
    expect(agent.status().passagesOpen).toBe(1);

    sensor.rotate();
    expect(await passageOf(first.eventId!)).toMatchObject({ outcome: 'passed' });
    expect(agent.handleScan({ text: guest!.qrText, via: 'scanner' })).toMatchObject({ decision: 'denied', reason: 'already-used' });
  });

  it('a grant that ends without a passage leaves the pass usable: the next scan is granted', async () => {
    const [guest] = await inviteGuests(gatePortal.alice, ['Lam Wing Sze']);
    const first = agent.handleScan({ text: guest!.qrText, via: 'scanner' });
    expect(first).toMatchObject({ decision: 'granted' });
    expect(agent.handleScan({ text: guest!.qrText, via: 'scanner' })).toMatchObject({ decision: 'denied', reason: 'already-used' });
    // Nobody turns the turnstile: the passage times out.
    expect(await passageOf(first.eventId!)).toMatchObject({ outcome: 'not-passed' });

    const again = agent.handleScan({ text: guest!.qrText, via: 'scanner' });
    expect(again).toMatchObject({ decision: 'granted' });
    sensor.rotate();
    expect(await passageOf(again.eventId!)).toMatchObject({ outcome: 'passed' });
  });
});
