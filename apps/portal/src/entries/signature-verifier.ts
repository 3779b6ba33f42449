import { verify, type KeyObject } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';

/** Verifications sent to a thread in one message. */
const CHUNK = 64;

/**
 * The thread's code (plain JavaScript, evaluated: the same in the built portal and under the test runner). It keeps
 * the public keys it was sent, by their raw bytes, and answers each chunk with one boolean per signature.
 */
const THREAD_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createPublicKey, verify } = require('node:crypto');
const keys = new Map();
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
function keyOf(raw) {
  const id = Buffer.from(raw).toString('base64');
  let key = keys.get(id);
  if (!key) {
    if (keys.size > 10000) keys.clear();
    key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, Buffer.from(raw)]), format: 'der', type: 'spki' });
    keys.set(id, key);
  }
  return key;
}
parentPort.on('message', ({ id, items }) => {
  const results = items.map(({ payload, signature, key }) => {
    try {
      return verify(null, Buffer.from(payload, 'utf8'), keyOf(key), Buffer.from(signature, 'base64'));
    } catch {
      return false;
    }
  });
  parentPort.postMessage({ id, results });
});
`;

interface Pending {
  readonly payload: string;
  readonly signature: string;
  readonly key: KeyObject;
  readonly rawKey: Uint8Array;
  resolve(valid: boolean): void;
}

interface Thread {
  readonly worker: Worker;
  readonly inFlight: Map<number, Pending[]>;
  load: number;
  failed: boolean;
}

/**
 * Ed25519 verification of gate events, the largest CPU cost of ingestion: spread over worker threads (one fewer than
 * the cores, at most four) so the worker process's main thread keeps fetching jobs and writing batches. With one core,
 * or if a thread fails, it verifies in the calling thread.
 */
@Injectable()
export class GateSignatureVerifier implements OnApplicationShutdown {
  private readonly logger = new Logger(GateSignatureVerifier.name);
  private readonly threads: Thread[] = [];
  private queued: Pending[] = [];
  private scheduled = false;
  private nextId = 0;
  private started = false;
  private readonly threadCount = Math.min(4, availableParallelism() - 1);

  /** True when `signature` (base64) is the signature of `payload`'s UTF-8 bytes by `key` (raw bytes `rawKey`). */
  verify(payload: string, signature: string, key: KeyObject, rawKey: Uint8Array): Promise<boolean> {
    if (!this.ensureThreads()) return Promise.resolve(verifyHere(payload, signature, key));
    return new Promise<boolean>((resolve) => {
      this.queued.push({ payload, signature, key, rawKey, resolve });
      if (!this.scheduled) {
        this.scheduled = true;
        // Everything asked for in this turn of the event loop goes out together, in chunks.
        setImmediate(() => this.dispatch());
      }
    });
  }

  async onApplicationShutdown(): Promise<void> {
    const threads = this.threads.splice(0);
    await Promise.all(threads.map((thread) => thread.worker.terminate()));
    for (const thread of threads) for (const chunk of thread.inFlight.values()) settleHere(chunk);
  }

  private ensureThreads(): boolean {
    if (!this.started) {
      this.started = true;
      for (let index = 0; index < this.threadCount; index++) this.threads.push(this.startThread());
    }
    return this.threads.some((thread) => !thread.failed);
  }

  private startThread(): Thread {
    const thread: Thread = { worker: new Worker(THREAD_SOURCE, { eval: true }), inFlight: new Map(), load: 0, failed: false };
    thread.worker.unref();
    thread.worker.on('message', ({ id, results }: { id: number; results: boolean[] }) => {
      const chunk = thread.inFlight.get(id);
      if (!chunk) return;
      thread.inFlight.delete(id);
      thread.load -= chunk.length;
      chunk.forEach((pending, index) => pending.resolve(results[index] === true));
    });
    const fail = (why: string) => {
      if (thread.failed) return;
      thread.failed = true;
      this.logger.warn(`A signature verification thread stopped (${why}); verifying in the main thread instead`);
      for (const chunk of thread.inFlight.values()) settleHere(chunk);
      thread.inFlight.clear();
    };
    thread.worker.on('error', (error) => fail(error.message));
    thread.worker.on('exit', (code) => fail(`exit ${code}`));
    return thread;
  }

  private dispatch(): void {
    this.scheduled = false;
    const queued = this.queued;
    this.queued = [];
    for (let start = 0; start < queued.length; start += CHUNK) {
      const chunk = queued.slice(start, start + CHUNK);
      const live = this.threads.filter((thread) => !thread.failed);
      if (live.length === 0) {
        settleHere(chunk);
        continue;
      }
      const thread = live.reduce((least, each) => (each.load < least.load ? each : least));
      const id = this.nextId++;
      thread.inFlight.set(id, chunk);
      thread.load += chunk.length;
      thread.worker.postMessage({
        id,
        items: chunk.map(({ payload, signature, rawKey }) => ({ payload, signature, key: rawKey })),
      });
    }
  }
}

function verifyHere(payload: string, signature: string, key: KeyObject): boolean {
  try {
    return verify(null, Buffer.from(payload, 'utf8'), key, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

function settleHere(chunk: readonly Pending[]): void {
  for (const pending of chunk) pending.resolve(verifyHere(pending.payload, pending.signature, pending.key));
}
