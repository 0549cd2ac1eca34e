import { BlockList, isIP } from 'node:net';
import type { IncomingMessage } from 'node:http';

/**
 * Who is calling, as far as the network can tell: the peer address, unless the peer is a proxy
 * this deployment trusts (an ingress, or the all-in-one front door), in which case the last
 * untrusted address of X-Forwarded-For. A client cannot choose its own address by sending the
 * header, which matters for `aws:SourceIp` conditions, audit records and throttling.
 */
export class TrustedProxies {
  private readonly proxies = new BlockList();

  /** `cidrs`: addresses or CIDR blocks, e.g. ['127.0.0.1', '10.0.0.0/8', '::1']. */
  constructor(cidrs: readonly string[]) {
    for (const entry of cidrs.map((c) => c.trim()).filter(Boolean)) {
      const [address, bits] = entry.split('/') as [string, string | undefined];
      const family = isIP(address);
      if (family === 0 || (bits !== undefined && !/^\d+$/.test(bits))) throw new Error(`not an address or CIDR block: ${entry}`);
      const type = family === 4 ? 'ipv4' : 'ipv6';
      if (bits === undefined) this.proxies.addAddress(address, type);
      else this.proxies.addSubnet(address, Number(bits), type);
    }
  }

  /** From a comma-separated list, as configuration gives it. */
  static parse(list: string): TrustedProxies {
    return new TrustedProxies(list.split(','));
  }

  trusts(address: string): boolean {
    const family = isIP(address);
    return family !== 0 && this.proxies.check(address, family === 4 ? 'ipv4' : 'ipv6');
  }

  clientAddress(req: Pick<IncomingMessage, 'headers' | 'socket'>): string {
    let address = normalizeAddress(req.socket.remoteAddress ?? '');
    if (!this.trusts(address)) return address;
    const header = req.headers['x-forwarded-for'];
    const hops = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((h) => normalizeAddress(h.trim())).filter((h) => isIP(h) !== 0);
    // Walk back from the nearest hop while the hops are proxies we trust.
    for (let i = hops.length - 1; i >= 0; i--) {
      address = hops[i]!;
      if (!this.trusts(address)) break;
    }
    return address;
  }

  /**
   * Whether the client's connection was encrypted: our own TLS, or a trusted proxy that says it
   * terminated TLS (X-Forwarded-Proto: https).
   */
  isSecure(req: Pick<IncomingMessage, 'headers' | 'socket'>): boolean {
    if ((req.socket as { encrypted?: boolean }).encrypted === true) return true;
    const proto = req.headers['x-forwarded-proto'];
    return this.trusts(normalizeAddress(req.socket.remoteAddress ?? '')) && String(proto ?? '').split(',')[0]!.trim().toLowerCase() === 'https';
  }
}

/** `::ffff:10.0.0.1` (IPv4 on a dual-stack socket) → `10.0.0.1`. */
export function normalizeAddress(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}
