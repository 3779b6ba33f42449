/**
 * Reads the value every 100 ms until `done` holds for it, and returns it. After `timeoutMs` it throws, naming what it
 * waited for and the last value read.
 */
export async function waitFor<T>(what: string, read: () => Promise<T> | T, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** {@link waitFor} a check to come true. */
export async function waitUntil(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 15_000): Promise<void> {
  await waitFor(what, check, (ok) => ok, timeoutMs);
}
