import { BlockList, isIP } from 'node:net';

/** The ranges behind the names Express's `trust proxy` knows too, so METRICS_ALLOW reads like TRUST_PROXY. */
const NAMED_RANGES: Record<string, string[]> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

/** Why `entry` is not an address, a CIDR range or one of the names; null when it is one. */
export function addressEntryProblem(entry: string): string | null {
  if (NAMED_RANGES[entry]) return null;
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (!family || rest.length > 0) return `"${entry}" is not an address, a CIDR range or loopback/linklocal/uniquelocal`;
  if (prefix === undefined) return null;
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > (family === 4 ? 32 : 128)) return `"${entry}" has a bad prefix length`;
  return null;
}

/**
 * A set of client addresses (`127.0.0.1`, `10.0.0.0/8`, `fd00::/8`, `loopback`, …). An IPv4 address seen
 * as IPv6 (`::ffff:10.1.2.3`, on a dual-stack socket) is taken as the IPv4 address it is.
 */
export class AddressList {
  private readonly list = new BlockList();

  constructor(readonly entries: readonly string[]) {
    for (const entry of entries) {
      const problem = addressEntryProblem(entry);
      if (problem) throw new Error(problem);
      for (const range of NAMED_RANGES[entry] ?? [entry]) {
        const [address = '', prefix] = range.split('/');
        const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
        if (prefix === undefined) this.list.addAddress(address, family);
        else this.list.addSubnet(address, Number(prefix), family);
      }
    }
  }

  has(address: string | undefined): boolean {
    if (!address) return false;
    const plain = address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
    const family = isIP(plain);
    if (!family) return false;
    return this.list.check(plain, family === 6 ? 'ipv6' : 'ipv4');
  }
}
