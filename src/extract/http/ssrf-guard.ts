/**
 * Refuses requests to loopback, private, link-local, metadata and other non-public addresses, after DNS
 * resolution and on every connection (so on every redirect too), unless the pipeline allows them.
 */
import dns from 'node:dns';
import net from 'node:net';
import type { Agent } from 'undici';
import { TerminalError } from '../errors.ts';

const BLOCKED = new net.BlockList();
for (const [net4, bits] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4]] as const) BLOCKED.addSubnet(net4, bits, 'ipv4');
for (const [net6, bits] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96], ['2001:db8::', 32]] as const) {
  BLOCKED.addSubnet(net6, bits, 'ipv6');
}

/** Addresses the pipeline allows although they are not public (e.g. `127.0.0.1` for a local fixture server). */
export type AllowedAddresses = boolean | readonly string[];

/** Throws unless `address` (an IP) may be reached. */
export function checkAddress(address: string, allowed: AllowedAddresses, host = address): void {
  if (allowed === true) return;
  const plain = address.replace(/^\[|\]$/g, '');
  const family = net.isIPv6(plain) ? 'ipv6' : 'ipv4';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(plain)?.[1];
  if (Array.isArray(allowed) && (allowed.includes(plain) || (mapped && allowed.includes(mapped)))) return;
  if (BLOCKED.check(mapped ?? plain, mapped ? 'ipv4' : family)) {
    throw new TerminalError(`refused to connect to ${host} (${plain}): not a public address; allow it with allowPrivateNetwork if you mean it`);
  }
}

/** Checks a URL whose host is an IP literal (no DNS lookup happens for those). */
export function checkUrl(url: URL, allowed: AllowedAddresses): void {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (net.isIP(host)) checkAddress(host, allowed, url.hostname);
}

/** What a request needs to reach only allowed addresses: the checked dispatcher, and the allowed private addresses. */
export interface Guard {
  /** Made on first use: undici (and ky) load only in a process that makes a request. */
  readonly agent: () => Promise<Agent>;
  readonly allowed: AllowedAddresses;
}

/** The guard of a pipeline's requests: an HTTP dispatcher whose every connection is checked after DNS resolution (no rebinding between check and use). */
export function requestGuard(allowed: AllowedAddresses): Guard {
  let agent: Promise<Agent> | undefined;
  return { allowed, agent: () => (agent ??= import('undici').then(({ Agent }) => new Agent({
    connect: {
      lookup(hostname, options, callback) {
        dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
          if (error) return callback(error, '', 4);
          try {
            for (const a of addresses) checkAddress(a.address, allowed, hostname);
          } catch (refused) {
            return callback(refused as Error, '', 4);
          }
          const list = addresses as dns.LookupAddress[];
          if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
          callback(null, list[0]!.address, list[0]!.family);
        });
      },
    },
  }))) };
}
