/**
 * A token bucket per connector, on this node: `rate` requests a second on average, bursts of up
 * to `2 × rate`. With several nodes, each enforces its own share.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly rate: number) {}

  /** 0 when the request may go on, else the seconds to wait before retrying. */
  take(key: string, now = Date.now()): number {
    if (this.rate <= 0) return 0;
    const capacity = this.rate * 2;
    const bucket = this.buckets.get(key) ?? { tokens: capacity, at: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.at) / 1000) * this.rate);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.rate));
  }
}
