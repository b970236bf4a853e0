import { pino, type Logger } from 'pino';

export type { Logger };

/** JSON logs; secrets are redacted wherever they appear in a logged object. */
export function createLogger(level = 'info'): Logger {
  return pino({
    level,
    base: { service: 'frontdesk' },
    redact: {
      paths: [
        '*.password',
        '*.token',
        '*.secret',
        '*.server_key',
        '*.api_key',
        '*.authorization',
        'req.headers.authorization',
        'req.headers.cookie',
      ],
      censor: '[redacted]',
    },
  });
}

export const silentLogger = (): Logger => pino({ level: 'silent' });
