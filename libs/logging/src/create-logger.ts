import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { PinoPretty } from 'pino-pretty';

export type LogFormat = 'json' | 'pretty';
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** `format` unset: pretty on a terminal, JSON lines otherwise. */
export interface LogSettings {
  level: LogLevel;
  format?: LogFormat;
}

/** Fields whose values never reach a log line, whatever object carries them. */
export const REDACTED_PATHS = [
  'password',
  'token',
  'secret',
  '*.password',
  '*.token',
  '*.secret',
  '*.*.password',
  '*.*.token',
  '*.*.secret',
  'headers.authorization',
  'headers.cookie',
  'headers["set-cookie"]',
  '*.headers.authorization',
  '*.headers.cookie',
  '*.headers["set-cookie"]',
];

/** The keys of a request line; pretty output folds them into its message. */
const REQUEST_KEYS = ['reqId', 'method', 'route', 'status', 'ms', 'bytes', 'principal', 'ip'] as const;

/**
 * The one logger of the process: Nest's Logger calls and Fastify's go through it. `destination`
 * defaults to stdout; pretty output is formatted in-process (no worker thread).
 */
export function createLogger(settings: LogSettings, destination?: DestinationStream): Logger {
  const format = logFormatOf(settings);
  const options: LoggerOptions = {
    level: settings.level,
    base: { pid: process.pid },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
  if (format === 'pretty') {
    const stream = PinoPretty({
      sync: true,
      colorize: destination === undefined && Boolean(process.stdout.isTTY),
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: ['pid', 'context', ...REQUEST_KEYS].join(','),
      messageFormat: prettyMessage,
      ...(destination ? { destination } : {}),
    });
    return pino(options, stream);
  }
  return pino(
    { ...options, timestamp: pino.stdTimeFunctions.isoTime, formatters: { level: (label) => ({ level: label }) } },
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

/** The format in effect: the setting, else pretty when stdout is a terminal. */
export function logFormatOf(settings: LogSettings): LogFormat {
  return settings.format ?? (process.stdout.isTTY ? 'pretty' : 'json');
}

/**
 * Start-up text meant to be read and pasted (the serving banner, the initial admin's password):
 * as is when the log is pretty; as JSON lines (one per text line, `banner: true`) otherwise, so
 * the log stays one JSON object per line.
 */
export function writeBanner(log: Logger, settings: LogSettings, text: string): void {
  if (logFormatOf(settings) === 'pretty') {
    process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    return;
  }
  for (const line of text.split('\n')) if (line.trim() !== '') log.info({ banner: true }, line);
}

/** `[Audit] message`, and a request line as `GET /api/whoami 200 3.1 ms 512 B admin 127.0.0.1 (id)`. */
function prettyMessage(log: Record<string, unknown>, messageKey: string): string {
  const context = typeof log.context === 'string' ? `[${log.context}] ` : '';
  if (log[messageKey] !== 'request' || log.method === undefined) return `${context}${String(log[messageKey] ?? '')}`;
  const parts = [log.method, log.route, log.status, `${String(log.ms)} ms`];
  if (log.bytes !== undefined && log.bytes !== null) parts.push(`${String(log.bytes)} B`);
  parts.push(log.principal ?? '-', log.ip ?? '-', `(${String(log.reqId)})`);
  return parts.map(String).join(' ');
}
