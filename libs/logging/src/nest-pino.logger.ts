import type { LoggerService } from '@nestjs/common';
import type { Logger } from 'pino';

/** Nest's own start-up chatter (modules loaded, routes mapped): debug, so the banner stays readable. */
const FRAMEWORK_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'NestApplication']);

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * Nest's LoggerService over pino: `new Logger('Audit').warn(...)` anywhere in modgate becomes a
 * pino line with `context: "Audit"`. Nest passes the context as the last argument, and for
 * `error` a stack trace before it.
 */
export class NestPinoLogger implements LoggerService {
  private readonly children = new Map<string, Logger>();

  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    const context = contextOf(params);
    this.write(context && FRAMEWORK_CONTEXTS.has(context) ? 'debug' : 'info', message, context);
  }

  error(message: unknown, ...params: unknown[]): void {
    const context = contextOf(params);
    const stack = params.length > (context ? 1 : 0) ? params[0] : undefined;
    this.write('error', message, context, typeof stack === 'string' ? stack : undefined);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, contextOf(params));
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, contextOf(params));
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, contextOf(params));
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, contextOf(params));
  }

  private write(level: Level, message: unknown, context: string | undefined, stack?: string): void {
    const logger = context ? this.child(context) : this.logger;
    if (!logger.isLevelEnabled(level)) return;
    if (message instanceof Error) logger[level]({ err: message }, message.message);
    else if (typeof message === 'object' && message !== null) logger[level](message);
    else if (stack) logger[level]({ stack }, String(message));
    else logger[level](String(message));
  }

  private child(context: string): Logger {
    let child = this.children.get(context);
    if (!child) {
      child = this.logger.child({ context });
      this.children.set(context, child);
    }
    return child;
  }
}

/** A stack trace has lines starting with "at"; a context is one word. */
function contextOf(params: unknown[]): string | undefined {
  const last = params[params.length - 1];
  return typeof last === 'string' && !last.includes('\n') ? last : undefined;
}
