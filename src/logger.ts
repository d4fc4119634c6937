import pino, { Logger } from 'pino';
import type { LogLevel } from './config';

export type { Logger };

/** JSON lines on stdout. Authorization headers and anything named like a secret are redacted. */
export function createLogger(level: LogLevel): Logger {
  return pino({
    level,
    base: { service: 'scim-directory' },
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', '*.token', '*.password', '*.secret'],
      censor: '[redacted]',
    },
  });
}
