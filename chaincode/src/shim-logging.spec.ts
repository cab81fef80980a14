import { createRequire } from 'node:module';
import { Writable } from 'node:stream';
import type * as Winston from 'winston';
import { skipDisabledShimLogLevels } from './shim-logging';

const winston = createRequire(require.resolve('fabric-shim'))('winston') as typeof Winston;

/** A logger like the shim's: a format that counts what it formats, and a transport that keeps what it prints. */
function countingLogger(level: string) {
  const formatted: string[] = [];
  const printed: string[] = [];
  const counting = winston.format((info) => {
    formatted.push(String(info.message));
    return info;
  });
  const logger = winston.createLogger({
    level,
    format: counting(),
    transports: [
      new winston.transports.Stream({
        stream: new Writable({
          objectMode: true,
          write(info: { message: string }, _encoding: string, done: () => void) {
            printed.push(info.message);
            done();
          },
        }),
      }),
    ],
  });
  return { logger, formatted, printed };
}

describe('the shim’s disabled log levels cost nothing', () => {
  beforeAll(() => skipDisabledShimLogLevels());

  it('does not format messages below the level, and still formats and prints the rest', () => {
    const { logger, formatted, printed } = countingLogger('warn');
    logger.debug('a debug line');
    logger.info('an info line', { with: 'metadata' });
    logger.warn('a warning');
    logger.error('an error');
    expect(formatted).toEqual(['a warning', 'an error']);
    expect(printed).toEqual(['a warning', 'an error']);
  });

  it('follows the level when it changes (the shim sets it from CORE_CHAINCODE_LOGGING_LEVEL)', () => {
    const { logger, printed } = countingLogger('warn');
    logger.level = 'debug';
    logger.debug('now shown');
    expect(printed).toEqual(['now shown']);
  });

  it('applies once, however often it is called', () => {
    const before = winston.Logger.prototype.write;
    skipDisabledShimLogLevels();
    expect(winston.Logger.prototype.write).toBe(before);
  });
});
