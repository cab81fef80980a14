import { canonicalJson, parseJsonObject } from './canonical-json';

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined fields', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[{"y":2,"z":1}]},"b":1}');
  });

  it('gives the same text whatever order the fields were set in', () => {
    expect(canonicalJson({ x: 1, y: 2 })).toBe(canonicalJson({ y: 2, x: 1 }));
  });
});

describe('parseJsonObject', () => {
  it.each(['not json', '[1,2]', 'null', '"text"'])('refuses %s as corrupt state', (text) => {
    expect(() => parseJsonObject(Buffer.from(text), 'record')).toThrow(/^CORRUPT_STATE: record/);
  });
});
