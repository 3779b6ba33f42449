/**
 * Cuts a byte stream into records of exactly `recordBytes` (one raw video frame each). Pipe reads arrive in
 * arbitrary pieces (64 KiB on Linux), so a frame is usually split across several chunks and a chunk may hold
 * the end of one frame and the start of the next.
 */
export class FixedSizeChunker {
  private pending: Uint8Array;
  private filled = 0;

  constructor(readonly recordBytes: number) {
    if (!Number.isInteger(recordBytes) || recordBytes <= 0)
      throw new RangeError(`record size must be a positive integer, got ${recordBytes}`);
    this.pending = new Uint8Array(recordBytes);
  }

  /** Feeds one chunk; returns every record it completed (each a new array the caller may keep). */
  push(chunk: Uint8Array): Uint8Array[] {
    const records: Uint8Array[] = [];
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(this.recordBytes - this.filled, chunk.length - offset);
      this.pending.set(chunk.subarray(offset, offset + take), this.filled);
      this.filled += take;
      offset += take;
      if (this.filled === this.recordBytes) {
        records.push(this.pending);
        this.pending = new Uint8Array(this.recordBytes);
        this.filled = 0;
      }
    }
    return records;
  }

  /** Bytes of an incomplete record (a process that died mid-frame); dropped by `reset()`. */
  get partialBytes(): number {
    return this.filled;
  }

  reset(): void {
    this.filled = 0;
  }
}
