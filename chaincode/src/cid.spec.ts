import { requireCid } from './cid';
import { base32, cidOf } from './testing/fixtures';

describe('requireCid', () => {
  it.each([
    ['a raw block (bafkrei…)', cidOf('a file')],
    ['a dag-pb root (bafybei…)', cidOf('a large file', 'dagPb')],
    // Known CIDs of the empty string and of the empty UnixFS directory, as IPFS prints them.
    ['IPFS’s own raw CID of empty content', 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku'],
    ['IPFS’s empty directory', 'bafybeiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf354'],
  ])('accepts %s', (_label, cid) => {
    expect(requireCid(cid, 'cid')).toBe(cid);
  });

  it.each([
    ['a CIDv0', 'QmbWqxBEKC3P8tqsKc98xmWNzrzDtRLMiMPL8wBuTGsMnR'],
    ['upper-case base32', cidOf('x').toUpperCase()],
    ['base58btc multibase', 'zb2rhe5P4gXftAwvA4eXQ5HJwsER2owDyS9sKaQRRVQPn93bA'],
    ['a CID with a digest one byte short', `b${base32(Uint8Array.from([1, 0x55, 0x12, 0x20, ...new Uint8Array(31)]))}`],
    ['a CID with a trailing byte', `b${base32(Uint8Array.from([1, 0x55, 0x12, 0x20, ...new Uint8Array(33)]))}`],
    ['a dag-cbor CID', `b${base32(Uint8Array.from([1, 0x71, 0x12, 0x20, ...new Uint8Array(32)]))}`],
    ['a sha2-512 CID', `b${base32(Uint8Array.from([1, 0x55, 0x13, 0x40, ...new Uint8Array(64)]))}`],
    ['a version 2 CID', `b${base32(Uint8Array.from([2, 0x55, 0x12, 0x20, ...new Uint8Array(32)]))}`],
    ['non-canonical trailing bits', cidOf('x').slice(0, -1) + 'z'],
    ['text with a space', 'bafkrei abc'],
    ['empty text', ''],
    ['a number', 42],
  ])('refuses %s with INVALID_ARGUMENT', (_label, value) => {
    expect(() => requireCid(value, 'cid')).toThrow(/^INVALID_ARGUMENT: cid/);
  });
});
