import { createRequire } from 'node:module';

const APPLIED = Symbol.for('medledger.shim-parameters.strings-directly');

/**
 * Hands string arguments to transactions as the text they are.
 *
 * For every argument of every transaction, fabric-shim's DataMarshall formats debug lines
 * whatever the log level (util.inspect of the argument, JSON of its parameter and schema)
 * and looks up a JSON-schema validator by the schema's stable serialisation, only to find
 * that the UTF-8 text of the argument is a string. A no-op transaction takes no arguments
 * and pays none of it; RecordReport took eight and paid it eight times. Every MedLedger
 * transaction declares plain `string` parameters and validates their content itself, so
 * where each parameter of a transaction is declared `{type: 'string'}` and their number
 * matches, this returns the arguments' text, exactly what the shim's path returns. Any
 * other case takes the shim's own path. It patches the DataMarshall fabric-shim itself
 * loads, once per process.
 */
export function takeStringArgumentsDirectly(): void {
  const DataMarshall = createRequire(require.resolve('fabric-shim'))('./lib/contract-spi/datamarshall.js') as {
    prototype: DataMarshallInternals & Record<symbol, boolean>;
  };
  const prototype = DataMarshall.prototype;
  if (prototype[APPLIED]) return;
  const handleParameters = prototype.handleParameters;
  prototype.handleParameters = function (this: DataMarshallInternals, fn, parameters, loggerPrefix) {
    const expected = fn.parameters;
    if (expected && expected.length === parameters.length && expected.every(isPlainString)) {
      return parameters.map((argument) => argument.toString('utf8'));
    }
    return handleParameters.call(this, fn, parameters, loggerPrefix);
  };
  prototype[APPLIED] = true;
}

function isPlainString(parameter: { schema?: Record<string, unknown> }): boolean {
  const schema = parameter.schema;
  return schema !== undefined && schema.type === 'string' && Object.keys(schema).length === 1;
}

/** The part of fabric-shim's DataMarshall this replaces. */
interface DataMarshallInternals {
  handleParameters(
    fn: { parameters?: Array<{ schema?: Record<string, unknown> }> },
    parameters: Buffer[],
    loggerPrefix: string,
  ): unknown[];
}
