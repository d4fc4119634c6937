/** Buckets kept before full ones (which carry nothing a new bucket would not) are let go. */
const MAX_BUCKETS = 10_000;

/**
 * A token bucket per key (a connector, a client address), on this node: `rate` requests a second
 * on average, bursts of up to `2 × rate`. With several nodes, each enforces its own share.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly rate: number) {}

  /** 0 when the request may go on, else the seconds to wait before retrying. */
  take(key: string, now = Date.now()): number {
    const wait = this.wait(key, now);
    if (wait === 0 && this.rate > 0) this.buckets.get(key)!.tokens -= 1;
    return wait;
  }

  /** What take would answer, without using a request up. */
  wait(key: string, now = Date.now()): number {
    if (this.rate <= 0) return 0;
    const capacity = this.rate * 2;
    const bucket = this.buckets.get(key) ?? { tokens: capacity, at: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.at) / 1000) * this.rate);
    bucket.at = now;
    if (!this.buckets.has(key)) this.keep(key, bucket, now);
    return bucket.tokens >= 1 ? 0 : Math.max(1, Math.ceil((1 - bucket.tokens) / this.rate));
  }

  /** Adds a bucket; past MAX_BUCKETS (keys from very many addresses), the full and then the oldest go. */
  private keep(key: string, bucket: { tokens: number; at: number }, now: number): void {
    if (this.buckets.size >= MAX_BUCKETS) {
      const capacity = this.rate * 2;
      for (const [other, { tokens, at }] of this.buckets) if (tokens + ((now - at) / 1000) * this.rate >= capacity) this.buckets.delete(other);
      for (const other of this.buckets.keys()) {
        if (this.buckets.size < MAX_BUCKETS / 2) break;
        this.buckets.delete(other);
      }
    }
    this.buckets.set(key, bucket);
  }
}
