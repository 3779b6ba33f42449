import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { Browser } from 'playwright-core';
import QRCode from 'qrcode';
import sharp from 'sharp';
import { QueueName, type GateEnrollResponse, type GateEvent, type GateHeartbeatRequest } from '@campuspass/contracts';
import { launchBrowser } from './browser.js';
import { addGateEvents, gateEventJob } from './gate-events.js';
import { newGateKeyPair, signGateRequest, type GateKeyPair } from './gate-client.js';
import { runToExit } from './portal-process.js';
import type { WebPortal } from './web-portal.js';

/** A gate as the browser tests of the security pages need it: enrolled over HTTP, able to send signed events. */
export interface EnrolledGate {
  readonly gateId: string;
  readonly name: string;
  readonly keys: GateKeyPair;
  /** The gate-events queue where the enrollment said to drain events (the gates' Redis URL and prefix). */
  readonly queue: Queue;
  /** Signs the events with the gate's key and adds them in one addBulk (jobId = eventId), as a gate drains its outbox. */
  send(events: readonly GateEvent[]): Promise<void>;
  /** A signed heartbeat: all parts healthy unless `overrides` say otherwise. */
  heartbeat(overrides?: Partial<GateHeartbeatRequest>): Promise<void>;
  close(): Promise<void>;
}

/** A gate waiting for enrollment, made with the built CLI as an operator would; returns its one-time code. */
export async function createGateWithCli(web: WebPortal, name: string): Promise<string> {
  const created = await runToExit('apps/portal/dist/cli.js', { DATABASE_URL: web.portal.database.url, APP_SECRET: web.appSecret }, [
    'gates:create',
    '--name',
    name,
  ]);
  const code = /Enrollment code: (\S+)/.exec(created.output)?.[1];
  if (created.code !== 0 || !code) throw new Error(`gates:create exited with ${created.code}:\n${created.output}`);
  return code;
}

/**
 * Creates a gate with the built CLI (`gates:create`, as an operator would), then enrolls it over HTTP with a key made
 * here (POST /api/gate/enroll, as the gate agent does), and opens the event queue the portal gave it.
 */
export async function enrollGate(web: WebPortal, name: string): Promise<EnrolledGate> {
  const code = await createGateWithCli(web, name);

  const keys = newGateKeyPair();
  const response = await fetch(web.url('/api/gate/enroll'), {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ enrollmentCode: code, publicKey: keys.publicKey.toString('hex'), agentVersion: 'e2e-1.0.0' }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST /api/gate/enroll answered ${response.status}: ${text}`);
  const enrolled = JSON.parse(text) as GateEnrollResponse;

  const connection = new Redis(enrolled.eventQueue.redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue(QueueName.GateEvents, { connection, prefix: enrolled.eventQueue.prefix });
  const gateId = enrolled.gateId;
  return {
    gateId,
    name: enrolled.gateName,
    keys,
    queue,
    async send(events) {
      await addGateEvents(
        queue,
        events.map((event) => gateEventJob(event, gateId, keys.privateKey)),
      );
    },
    async heartbeat(overrides = {}) {
      const body = JSON.stringify({
        agentVersion: 'e2e-1.0.0',
        bundleVersion: 0,
        clockTrusted: true,
        clockOffsetMs: 120,
        outboxPending: 0,
        outboxFill: 0,
        oldestPendingAt: null,
        relay: 'ok',
        passageSensor: 'ok',
        input: 'ok',
        fireInput: 'normal',
        uptimeSeconds: 60,
        ...overrides,
      } satisfies GateHeartbeatRequest);
      const pathWithQuery = '/api/gate/heartbeat';
      const headers = signGateRequest({ gateId, privateKey: keys.privateKey, method: 'POST', pathWithQuery, body });
      const answer = await fetch(web.url(pathWithQuery), {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', accept: 'application/json' },
        body,
      });
      if (!answer.ok) throw new Error(`POST ${pathWithQuery} answered ${answer.status}: ${await answer.text()}`);
    },
    async close() {
      await queue.close();
      connection.disconnect();
    },
  };
}

/**
 * What a phone camera pointed at a pass would film, as a file Chromium's fake camera plays: the QR code on a white
 * 640×480 frame (PNG, made with qrcode and sharp), turned into a two-second Y4M video with ffmpeg, looped by Chromium.
 */
export async function qrVideo(qrText: string, directory: string): Promise<string> {
  const qr = await QRCode.toBuffer(qrText, { type: 'png', width: 400, margin: 2, errorCorrectionLevel: 'M' });
  const png = path.join(directory, 'qr.png');
  await writeFile(
    png,
    await sharp({ create: { width: 640, height: 480, channels: 3, background: '#ffffff' } })
      .composite([{ input: qr, left: 120, top: 40 }])
      .png()
      .toBuffer(),
  );
  const video = path.join(directory, 'qr.y4m');
  const ffmpeg = spawn(
    'ffmpeg',
    ['-y', '-loglevel', 'error', '-loop', '1', '-i', png, '-t', '2', '-r', '10', '-pix_fmt', 'yuv420p', video],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let errors = '';
  ffmpeg.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const exit = await new Promise<number | null>((resolve, reject) => {
    ffmpeg.once('error', reject);
    ffmpeg.once('exit', resolve);
  });
  if (exit !== 0) throw new Error(`ffmpeg exited with ${exit} making ${video}: ${errors}`);
  return video;
}

/** Chromium whose camera is a file (allowed without asking), for the handheld check. */
export function launchBrowserWithCamera(videoFile: string): Promise<Browser> {
  return launchBrowser({
    args: ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${videoFile}`],
  });
}
