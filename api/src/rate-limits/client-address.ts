import { isIPv4, isIPv6 } from 'node:net';

/**
 * The address that limits count a client under: an IPv4 address as it is (unwrapped from
 * an IPv4-mapped IPv6 one), an IPv6 address by its /64 network. One subscriber gets a
 * whole /64, so counting single IPv6 addresses would let a client take a fresh budget for
 * every request.
 */
export function clientAddressOf(ip: string | undefined): string {
  if (!ip) return 'unknown';
  const address = ip.trim().replace(/%.*$/, ''); // an IPv6 zone (fe80::1%eth0) names a link, not a client
  if (isIPv4(address)) return address;
  if (!isIPv6(address)) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  return `${ipv6Groups(address).slice(0, 4).join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address, without leading zeros ("::" and an IPv4 tail expanded). */
function ipv6Groups(address: string): string[] {
  let text = address.toLowerCase();
  const ipv4Tail = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (ipv4Tail) {
    const [a, b, c, d] = ipv4Tail.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, ipv4Tail.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const headGroups = head === '' ? [] : head.split(':');
  if (tail === undefined) return headGroups.map(trimGroup);
  const tailGroups = tail === '' ? [] : tail.split(':');
  const zeros = Array.from({ length: 8 - headGroups.length - tailGroups.length }, () => '0');
  return [...headGroups, ...zeros, ...tailGroups].map(trimGroup);
}

const trimGroup = (group: string) => group.replace(/^0+(?=.)/, '');
