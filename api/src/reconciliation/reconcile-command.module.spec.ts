import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from '../config/app-config.js';
import { ReconcileConfig } from './reconcile-command.module.js';
import { ReconciliationModule } from './reconciliation.module.js';

describe('ReconcileConfig', () => {
  it('is the API’s configuration, without its secrets, and how long to wait for the projection', () => {
    const config = loadConfig(
      { DATABASE_URL: 'postgres://medledger@db.internal:5432/medledger', RECONCILE_CATCH_UP_SECONDS: '5' },
      ReconcileConfig,
    );

    expect(config).toBeInstanceOf(ReconcileConfig);
    expect(config).toMatchObject({
      DATABASE_URL: 'postgres://medledger@db.internal:5432/medledger',
      RECONCILE_CATCH_UP_SECONDS: 5,
      READINESS_TIMEOUT_MS: 2000,
    });
    expect(loadConfig({}, ReconcileConfig).RECONCILE_CATCH_UP_SECONDS).toBe(60);
  });

  it('checks every variable by the API’s rules, and the secrets too when they are given', () => {
    let caught: unknown;
    try {
      loadConfig(
        { DATABASE_URL: 'mysql://db/x', RECONCILE_CATCH_UP_SECONDS: '0', JWT_SECRET: 'short' },
        ReconcileConfig,
      );
    } catch (error) {
      caught = error;
    }

    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems.join('\n');
    expect(problems).toMatch(/DATABASE_URL="mysql:\/\/db\/x"/);
    expect(problems).toMatch(/RECONCILE_CATCH_UP_SECONDS="0"/);
    expect(problems).toMatch(/JWT_SECRET=\(hidden\): /); // a refused secret is never printed
  });
});

/** Nest's record of the constructor parameters given an explicit token (@Inject, @InjectDataSource). */
const EXPLICIT_DEPENDENCIES = 'self:paramtypes';

/** Every class of a module and of the modules it imports: the module classes and their class providers. */
function classesOf(
  module: abstract new (...args: never[]) => unknown,
): Array<abstract new (...args: never[]) => unknown> {
  const imports = (Reflect.getMetadata('imports', module) ?? []) as Array<abstract new (...args: never[]) => unknown>;
  const providers = (Reflect.getMetadata('providers', module) ?? []) as unknown[];
  return [
    module,
    ...providers.filter((provider) => typeof provider === 'function'),
    ...imports.filter((imported) => typeof imported === 'function').flatMap(classesOf),
  ] as Array<abstract new (...args: never[]) => unknown>;
}

describe('ReconcileCommandModule', () => {
  it('reaches every dependency of the reconciliation by an explicit token (tsx, which runs the command, emits no parameter types)', () => {
    const classes = classesOf(ReconciliationModule);
    expect(classes.map((type) => type.name)).toEqual(
      expect.arrayContaining(['ReconciliationService', 'ReconciliationRepository', 'LedgerModule']),
    );
    for (const type of classes) {
      const explicit = (Reflect.getMetadata(EXPLICIT_DEPENDENCIES, type) ?? []) as Array<{ index: number }>;
      expect({ type: type.name, explicit: explicit.map(({ index }) => index).sort() }).toEqual({
        type: type.name,
        explicit: [...Array(type.length).keys()],
      });
    }
  });
});
