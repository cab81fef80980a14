import { describe, expect, it } from '@jest/globals';
import { clientAddressOf } from './client-address.js';

describe('clientAddressOf', () => {
  it('keeps an IPv4 address, also from its IPv4-mapped IPv6 form', () => {
    expect(clientAddressOf('203.0.113.7')).toBe('203.0.113.7');
    expect(clientAddressOf('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(clientAddressOf('::FFFF:127.0.0.1')).toBe('127.0.0.1');
  });

  it('counts an IPv6 address by its /64, whatever the interface part and the notation', () => {
    const network = '2001:db8:1:2::/64';
    expect(clientAddressOf('2001:db8:1:2::1')).toBe(network);
    expect(clientAddressOf('2001:0db8:0001:0002:ffff:eeee:dddd:cccc')).toBe(network);
    expect(clientAddressOf('2001:DB8:1:2:0:0:0:9')).toBe(network);
    expect(clientAddressOf('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(clientAddressOf('::1')).toBe('0:0:0:0::/64');
    expect(clientAddressOf('64:ff9b::192.0.2.33')).toBe('64:ff9b:0:0::/64');
    expect(clientAddressOf('2001:db8::')).toBe('2001:db8:0:0::/64');
  });

  it('puts what is no address under one name', () => {
    expect(clientAddressOf(undefined)).toBe('unknown');
    expect(clientAddressOf('')).toBe('unknown');
    expect(clientAddressOf('not an address')).toBe('unknown');
  });
});
