import { createRequire } from 'node:module';
import { takeStringArgumentsDirectly } from './shim-parameters';

const shimRequire = createRequire(require.resolve('fabric-shim'));
const DataMarshall = shimRequire('./lib/contract-spi/datamarshall.js');
const serializers = { jsonSerializer: shimRequire.resolve('fabric-contract-api/lib/jsontransactionserializer.js') };

describe('takeStringArgumentsDirectly', () => {
  const marshall = () => new DataMarshall('jsonSerializer', serializers, {});
  const strings = (count: number) =>
    Array.from({ length: count }, (_, n) => ({ name: `p${n}`, description: '', schema: { type: 'string' } }));
  const wire = (...texts: string[]) => texts.map((text) => Buffer.from(text, 'utf8'));

  // What the shim's own path answers, to compare with once patched.
  let shimAnswer: unknown[];
  beforeAll(() => {
    shimAnswer = marshall().handleParameters({ parameters: strings(3) }, wire('a', 'Ünïcødé ✓', ''), 'tx');
    takeStringArgumentsDirectly();
    takeStringArgumentsDirectly(); // once per process, however often it is called
  });

  it('answers string parameters with their UTF-8 text, as the shim does', () => {
    expect(shimAnswer).toEqual(['a', 'Ünïcødé ✓', '']);
    expect(marshall().handleParameters({ parameters: strings(3) }, wire('a', 'Ünïcødé ✓', ''), 'tx')).toEqual(
      shimAnswer,
    );
  });

  it('leaves a wrong number of arguments to the shim, which refuses it', () => {
    expect(() => marshall().handleParameters({ parameters: strings(2) }, wire('a'), 'tx')).toThrow(
      /Expected 2 parameters, but 1 have been supplied/,
    );
  });

  it('leaves other parameter types and constrained strings to the shim', () => {
    const number = [{ name: 'n', description: '', schema: { type: 'number' } }];
    expect(marshall().handleParameters({ parameters: number }, wire('42'), 'tx')).toEqual([42]);
    const constrained = [{ name: 's', description: '', schema: { type: 'string', maxLength: 2 } }];
    expect(() => marshall().handleParameters({ parameters: constrained }, wire('too long'), 'tx')).toThrow(
      /Unable to validate parameter/,
    );
  });
});
