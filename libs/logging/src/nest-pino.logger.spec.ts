import { Logger } from '@nestjs/common';
import { createLogger } from './create-logger.js';
import { captureLog } from './log-capture.js';
import { NestPinoLogger } from './nest-pino.logger.js';

describe('NestPinoLogger', () => {
  afterEach(() => Logger.overrideLogger(false));

  function setup(level: 'info' | 'debug' = 'info') {
    const out = captureLog();
    Logger.overrideLogger(new NestPinoLogger(createLogger({ level, format: 'json' }, out)));
    return out;
  }

  it("writes Nest Logger calls with their context and Nest's level names mapped to pino's", () => {
    const out = setup();
    const logger = new Logger('Audit');
    logger.log('started');
    logger.warn('fail open');
    expect(out.lines().map(({ level, context, msg }) => ({ level, context, msg }))).toEqual([
      { level: 'info', context: 'Audit', msg: 'started' },
      { level: 'warn', context: 'Audit', msg: 'fail open' },
    ]);
  });

  it('keeps the stack of an error apart from the message', () => {
    const out = setup();
    new Logger('Errors').error('boom', 'Error: boom\n    at somewhere (file.js:1:1)');
    expect(out.lines()[0]).toMatchObject({ level: 'error', context: 'Errors', msg: 'boom', stack: expect.stringContaining('at somewhere') });
  });

  it('logs an Error object with its message and stack', () => {
    const out = setup();
    new Logger('Sync').error(new Error('git fetch failed'));
    expect(out.lines()[0]).toMatchObject({ level: 'error', context: 'Sync', msg: 'git fetch failed', err: { message: 'git fetch failed' } });
  });

  it("demotes Nest's start-up chatter to debug", () => {
    const quiet = setup('info');
    new Logger('RoutesResolver').log('TokensController {/api/tokens}');
    new Logger('InstanceLoader').log('AuthModule dependencies initialized');
    expect(quiet.text()).toBe('');
    const verbose = setup('debug');
    new Logger('RoutesResolver').log('TokensController {/api/tokens}');
    expect(verbose.lines()[0]).toMatchObject({ level: 'debug', context: 'RoutesResolver' });
  });

  it('writes a line without a context when none is given', () => {
    const out = setup();
    Logger.log('plain');
    expect(out.lines()[0]).toMatchObject({ level: 'info', msg: 'plain' });
    expect(out.lines()[0]).not.toHaveProperty('context');
  });
});
