import { createRequire } from 'node:module';
import type * as Winston from 'winston';

const APPLIED = Symbol.for('medledger.shim-logging.level-first');

/**
 * Makes the chaincode shim's disabled log levels cost nothing.
 *
 * fabric-shim logs through winston, which formats every message (timestamp, metadata,
 * colours, padding) and only then lets its transport drop those below the level. The shim
 * writes several debug lines for every message it exchanges with the peer, so at the
 * `warning` level this chaincode runs with, a fifth of its CPU went into formatting lines
 * that were thrown away. This drops an entry below the level before it enters the logger's
 * stream. It patches the winston that
 * fabric-shim itself loads (resolved from fabric-shim), once per process.
 */
export function skipDisabledShimLogLevels(): void {
  const winston = createRequire(require.resolve('fabric-shim'))('winston') as typeof Winston;
  const prototype = winston.Logger.prototype as unknown as LoggerInternals & Record<symbol, boolean>;
  if (prototype[APPLIED]) return;
  const write = prototype.write;
  prototype.write = function (this: LoggerInternals, info, ...rest) {
    const level = typeof info === 'object' && info !== null ? (info[LEVEL] ?? info.level) : undefined;
    if (typeof level === 'string' && !this.isLevelEnabled(level)) {
      const callback = rest.find((argument) => typeof argument === 'function');
      if (callback) process.nextTick(callback);
      return true;
    }
    return write.call(this, info, ...rest);
  };
  prototype[APPLIED] = true;
}

const LEVEL = Symbol.for('level');

/** The parts of winston's Logger (a Transform stream, written one log entry at a time) this touches. */
interface LoggerInternals {
  isLevelEnabled(level: string): boolean;
  write(info: { level?: string; [LEVEL]?: string } | null, ...rest: unknown[]): boolean;
}
