/**
 * Just enough TOML for a schemathesis.toml: tables, arrays of tables, and values that are
 * strings, numbers, booleans, arrays of those, or inline tables.
 */
export type TomlValue = string | number | boolean | TomlValue[] | { [key: string]: TomlValue };
export interface TomlTable {
  [key: string]: TomlValue | TomlTable | TomlTable[] | undefined;
}

const BARE_KEY = /^[A-Za-z0-9_-]+$/;
const key = (name: string) => (BARE_KEY.test(name) ? name : JSON.stringify(name));

/** A TOML basic string: JSON's escapes are TOML's (\uXXXX included). */
const string = (text: string) => JSON.stringify(text);

function inline(value: TomlValue): string {
  if (typeof value === 'string') return string(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(inline).join(', ')}]`;
  return `{ ${Object.entries(value)
    .map(([name, inner]) => `${key(name)} = ${inline(inner)}`)
    .join(', ')} }`;
}

const isTable = (value: unknown): value is TomlTable =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  (value as { __inline?: true }).__inline !== true;
const isArrayOfTables = (value: unknown): value is TomlTable[] =>
  Array.isArray(value) && value.length > 0 && value.every(isTable);

/** Marks an object to be written inline (`{ a = 1 }`) rather than as a table. */
export function inlineTable(value: Record<string, TomlValue>): Record<string, TomlValue> {
  return Object.defineProperty({ ...value }, '__inline', { value: true, enumerable: false });
}

/** The TOML text of `table`; `comments` go first, one `#` line each. */
export function toToml(table: TomlTable, comments: string[] = []): string {
  const lines = comments.map((line) => `# ${line}`);
  const write = (current: TomlTable, path: string[]) => {
    const simple = Object.entries(current).filter(
      ([, value]) => value !== undefined && !isTable(value) && !isArrayOfTables(value),
    );
    for (const [name, value] of simple) lines.push(`${key(name)} = ${inline(value as TomlValue)}`);
    for (const [name, value] of Object.entries(current)) {
      if (isTable(value)) {
        lines.push('', `[${[...path, name].map(key).join('.')}]`);
        write(value, [...path, name]);
      } else if (isArrayOfTables(value)) {
        for (const item of value) {
          lines.push('', `[[${[...path, name].map(key).join('.')}]]`);
          write(item, [...path, name]);
        }
      }
    }
  };
  write(table, []);
  return `${lines.join('\n')}\n`;
}
