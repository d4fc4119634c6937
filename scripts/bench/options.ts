/** Command-line value parsers shared by the benchmark's two CLIs. */
import { InvalidArgumentError } from 'commander';

export function wholeNumber(raw: string): number {
  if (!/^\d+$/.test(raw)) throw new InvalidArgumentError('must be a whole number');
  return Number(raw);
}

export function positiveNumber(raw: string): number {
  const value = wholeNumber(raw);
  if (value === 0) throw new InvalidArgumentError('must be at least 1');
  return value;
}

export function commaList(raw: string): string[] {
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}
