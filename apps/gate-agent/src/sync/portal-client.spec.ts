import { createHash, createPublicKey, verify } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gateRequestSigningInput, type GateHeartbeatRequest } from '@campuspass/contracts';
import { GateIdentity } from '../identity/gate-identity.js';
import { PortalClient, signedRequestHeaders } from './portal-client.js';
import { SyncErrorCode } from './sync.error.js';

const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const GATE_ID = '6f1c1d7e-3a52-4c1e-9a43-0b1f2e3d4c5b';
const HEARTBEAT: GateHeartbeatRequest = {
  agentVersion: '0.1.0',
  bundleVersion: 3,
  clockTrusted: true,
  clockOffsetMs: 12,
  outboxPending: 0,
  outboxFill: 0,
  oldestPendingAt: null,
  relay: 'ok',
  passageSensor: 'absent',
  input: 'ok',
  fireInput: 'absent',
  uptimeSeconds: 60,
};

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

type Handler = (seen: Seen, response: ServerResponse) => void;

let server: Server;
let baseUrl: string;
let handler: Handler;
const seen: Seen[] = [];
const identity = GateIdentity.generate();
const signer = { gateId: GATE_ID, identity };

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry = { method: request.method!, url: request.url!, headers: request.headers, body: Buffer.concat(chunks).toString('utf8') };
      seen.push(entry);
      handler(entry, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  seen.length = 0;
});

const json = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
};

function verifiesAsGateRequest(entry: Seen): boolean {
  const timestamp = entry.headers['x-gate-timestamp'] as string;
  const bodySha = createHash('sha256').update(entry.body).digest('hex');
  const input = gateRequestSigningInput(entry.method, entry.url, timestamp, bodySha);
  const key = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, identity.publicKey]), format: 'der', type: 'spki' });
  return verify(null, Buffer.from(input, 'utf8'), key, Buffer.from(entry.headers['x-gate-signature'] as string, 'base64'));
}

describe('PortalClient', () => {
  const client = () => new PortalClient({ baseUrl, timeoutMs: 1000 });

  it('signs method, path with query, timestamp and the body SHA-256 exactly as sent', async () => {
    const headers = signedRequestHeaders(signer, 'get', '/api/gate/bundle?since=12', undefined, 1_764_201_600.9);
    expect(headers['x-gate-id']).toBe(GATE_ID);
    expect(headers['x-gate-timestamp']).toBe('1764201600');
    const input = gateRequestSigningInput('GET', '/api/gate/bundle?since=12', '1764201600', createHash('sha256').update('').digest('hex'));
    expect(input.split('\n')).toEqual([
      'campuspass.gate-request/1',
      'GET',
      '/api/gate/bundle?since=12',
      '1764201600',
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    ]);
    const key = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, identity.publicKey]), format: 'der', type: 'spki' });
    expect(verify(null, Buffer.from(input), key, Buffer.from(headers['x-gate-signature']!, 'base64'))).toBe(true);

    handler = (_entry, response) =>
      json(response, 200, { portalTime: new Date().toISOString(), signature: Buffer.alloc(64).toString('base64'), bundleVersion: 4 });
    await client().heartbeat(signer, HEARTBEAT);
    handler = (_entry, response) => json(response, 304, {});
    await client().fetchBundle(signer, 12, undefined);
    expect(seen.map((entry) => [entry.method, entry.url, verifiesAsGateRequest(entry)])).toEqual([
      ['POST', '/api/gate/heartbeat', true],
      ['GET', '/api/gate/bundle?since=12', true],
    ]);
    expect(JSON.parse(seen[0]!.body)).toEqual(HEARTBEAT);
    // A signature over another body does not verify.
    expect(verifiesAsGateRequest({ ...seen[0]!, body: seen[0]!.body.replace('"bundleVersion":3', '"bundleVersion":4') })).toBe(false);
  });

  it('sends If-None-Match, asks for a full bundle without since, and reports 304 as not-modified', async () => {
    handler = (_entry, response) => {
      response.writeHead(304, { etag: 'W/"v7"' });
      response.end();
    };
    expect(await client().fetchBundle(signer, 7, 'W/"v7"')).toEqual({ status: 'not-modified', etag: 'W/"v7"' });
    expect(seen[0]!.headers['if-none-match']).toBe('W/"v7"');
    await client().fetchBundle(signer, 0, undefined);
    expect(seen[1]!.url).toBe('/api/gate/bundle');
    expect(seen[1]!.headers['if-none-match']).toBeUndefined();
  });

  it('turns every failure into a typed error naming what happened', async () => {
    const cases: Array<[string, Handler, SyncErrorCode, RegExp]> = [
      [
        'revoked',
        (_e, r) => json(r, 401, { code: 'gate-revoked', message: 'revoked by AAO' }),
        SyncErrorCode.GateRevoked,
        /revoked.*enroll/,
      ],
      [
        'skewed',
        (_e, r) => json(r, 401, { code: 'gate-timestamp-skewed', message: 'clock' }),
        SyncErrorCode.Unauthorized,
        /gate-timestamp-skewed/,
      ],
      [
        '400',
        (_e, r) => json(r, 400, { code: 'bundle-since-invalid', message: 'bad since' }),
        SyncErrorCode.ClientError,
        /bundle-since-invalid: bad since/,
      ],
      ['503', (_e, r) => json(r, 503, { message: 'down' }), SyncErrorCode.ServerError, /HTTP 503/],
      [
        'not JSON',
        (_e, r) => r.writeHead(200, { 'content-type': 'application/json' }).end('{oops'),
        SyncErrorCode.InvalidResponse,
        /not JSON/,
      ],
      ['wrong shape', (_e, r) => json(r, 200, { kid: 'zz', payload: '{}', signature: 'x' }), SyncErrorCode.InvalidResponse, /kid/],
      ['too slow', (_e, r) => setTimeout(() => json(r, 304, {}), 1500), SyncErrorCode.Timeout, /within 1000 ms/],
    ];
    for (const [what, caseHandler, code, message] of cases) {
      handler = caseHandler;
      const error = await client()
        .fetchBundle(signer, 1, undefined)
        .then(
          () => undefined,
          (caught: unknown) => caught as { code: string; message: string },
        );
      expect({ what, code: error?.code }).toEqual({ what, code });
      expect(error?.message).toMatch(message);
    }
    const spare = createServer();
    await new Promise<void>((resolve) => spare.listen(0, '127.0.0.1', resolve));
    const closedPort = (spare.address() as AddressInfo).port;
    await new Promise((resolve) => spare.close(resolve));
    const closed = new PortalClient({ baseUrl: `http://127.0.0.1:${closedPort}`, timeoutMs: 1000 });
    await expect(closed.fetchBundle(signer, 1, undefined)).rejects.toMatchObject({
      code: SyncErrorCode.Network,
      message: expect.stringMatching(/cannot reach the portal .*ECONNREFUSED/),
    });
  });

  it('sends the enrollment unsigned and explains a refused or malformed code', async () => {
    handler = (_entry, response) => json(response, 410, { code: 'gate-enrollment-code-used', message: 'This code was already used.' });
    await expect(
      client().enroll({ enrollmentCode: 'k7p2-9qxm-4trd', publicKey: identity.publicKeyHex, agentVersion: '0.1.0' }),
    ).rejects.toMatchObject({
      code: SyncErrorCode.EnrollmentRefused,
      message: expect.stringMatching(/gate-enrollment-code-used.*already used.*new code/),
    });
    expect(seen[0]!.headers['x-gate-signature']).toBeUndefined();
    expect(JSON.parse(seen[0]!.body)).toEqual({
      enrollmentCode: 'K7P2-9QXM-4TRD',
      publicKey: identity.publicKeyHex,
      agentVersion: '0.1.0',
    });
    await expect(
      client().enroll({ enrollmentCode: 'SECRET-4242', publicKey: identity.publicKeyHex, agentVersion: '0.1.0' }),
    ).rejects.toThrow(/looks like K7P2-9QXM-4TRD/);
    expect(seen).toHaveLength(1);
  });
});
