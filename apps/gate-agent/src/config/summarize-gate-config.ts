import type { GateConfig } from './gate-config.schema.js';

const REDACTED = '[redacted]';

/** What the agent will drive, for one log line. Secrets appear only as "[redacted]" so an operator can see they are set. */
export function summarizeGateConfig(config: GateConfig) {
  return {
    gate: { id: config.gate.id ?? null, name: config.gate.name ?? null },
    portal: {
      url: config.portal.url,
      enrollmentCode: config.portal.enrollmentCode === undefined ? null : REDACTED,
    },
    input: config.input.type,
    decoder: config.decoder.engine,
    relay: config.relay.type,
    passageSensor: config.passageSensor.type,
    indicator: config.indicator.type,
    fireInput: config.fireInput !== undefined,
    guardPage: `${config.guardPage.host}:${config.guardPage.port}`,
    dataDir: config.storage.dataDir,
  };
}
