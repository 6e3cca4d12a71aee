/**
 * Which destinations an outbound call may reach. Only globally routable unicast
 * addresses pass, unless `SWITCHBOARD_SSRF_ALLOW` names the address (CIDR) or the
 * host name. Address parsing and range tables come from ipaddr.js; NAT64 and 6to4
 * addresses are judged by the IPv4 address they embed.
 */
import ipaddr from 'ipaddr.js';

type Addr = ipaddr.IPv4 | ipaddr.IPv6;

/** Ranges ipaddr.js calls `unicast` that are still not the public internet. */
const EXTRA_BLOCKED_V4: [ipaddr.IPv4, number][] = [
  ['192.0.0.0', 24], // IETF protocol assignments
  ['198.18.0.0', 15], // benchmarking
  ['100.64.0.0', 10], // CGNAT
  ['0.0.0.0', 8],
].map(([a, n]) => [ipaddr.IPv4.parse(a as string), n as number]);

/** Global unicast IPv6 space (RFC 4291); everything outside it is special. */
const V6_GLOBAL: [ipaddr.IPv6, number] = [ipaddr.IPv6.parse('2000::'), 3];

/** The parsed allow-list: CIDRs, plus exact host names or `*.suffix` patterns. */
export interface SsrfAllowList {
  cidrs: [Addr, number][];
  hosts: Set<string>;
  suffixes: string[];
}

/** Parses `SWITCHBOARD_SSRF_ALLOW` entries: `10.0.0.0/8`, `127.0.0.1`, `::1`, `api.internal`, `*.svc.local`. */
export function parseAllowList(entries: readonly string[] = []): SsrfAllowList {
  const list: SsrfAllowList = { cidrs: [], hosts: new Set(), suffixes: [] };
  for (const raw of entries) {
    const entry = raw.trim().toLowerCase().replace(/^\[|\]$/g, '');
    if (!entry) continue;
    if (entry.includes('/')) {
      list.cidrs.push(ipaddr.parseCIDR(entry));
    } else if (ipaddr.isValid(entry)) {
      const addr = ipaddr.parse(entry);
      list.cidrs.push([addr, addr.kind() === 'ipv4' ? 32 : 128]);
    } else if (entry.startsWith('*.')) {
      list.suffixes.push(entry.slice(1));
    } else {
      list.hosts.add(normalizeHost(entry));
    }
  }
  return list;
}

/** Lower-case, without brackets and without the trailing root dot. */
export function normalizeHost(host: string): string {
  return host.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.+$/, '');
}

export function isHostAllowed(host: string, allow: SsrfAllowList): boolean {
  const h = normalizeHost(host);
  return allow.hosts.has(h) || allow.suffixes.some((s) => h.endsWith(s));
}

/** Names that always mean this machine (RFC 6761), whatever DNS says. */
export function isLocalhostName(host: string): boolean {
  const h = normalizeHost(host);
  return h === 'localhost' || h.endsWith('.localhost') || h === 'localhost.localdomain' || h === 'ip6-localhost' || h === 'ip6-loopback';
}

function inAllowedCidr(addr: Addr, allow: SsrfAllowList): boolean {
  return allow.cidrs.some(([net, bits]) => net.kind() === addr.kind() && addr.match(net, bits));
}

/**
 * Why the address is not a public destination, or undefined when it is.
 * Accepts any textual form ipaddr.js parses (IPv4-mapped IPv6 included).
 */
export function blockedReason(address: string, allow?: SsrfAllowList): string | undefined {
  let addr: Addr;
  try {
    addr = ipaddr.process(address.replace(/^\[|\]$/g, '').replace(/%.*$/, ''));
  } catch {
    return `"${address}" is not an IP address`;
  }
  if (allow && inAllowedCidr(addr, allow)) return undefined;
  if (addr.kind() === 'ipv4') return blockedV4(addr as ipaddr.IPv4);
  const v6 = addr as ipaddr.IPv6;
  const range = v6.range();
  const embedded = embeddedV4(v6, range);
  if (embedded) {
    if (allow && inAllowedCidr(embedded, allow)) return undefined;
    const inner = blockedV4(embedded);
    return inner ? `${range} address embedding ${embedded.toString()} (${inner})` : undefined;
  }
  if (range !== 'unicast') return `${range} address`;
  if (!v6.match(...V6_GLOBAL)) return 'IPv6 address outside global unicast space';
  return undefined;
}

function blockedV4(addr: ipaddr.IPv4): string | undefined {
  const range = addr.range();
  if (range !== 'unicast') return `${range} address`;
  for (const [net, bits] of EXTRA_BLOCKED_V4) if (addr.match(net, bits)) return 'reserved address';
  return undefined;
}

/** The IPv4 address inside NAT64 (64:ff9b::/96), 6to4 (2002::/16) and SIIT (::ffff:0:0:0/96) forms. */
function embeddedV4(addr: ipaddr.IPv6, range: string): ipaddr.IPv4 | undefined {
  const b = addr.toByteArray();
  if (range === 'rfc6052' && addr.match(ipaddr.IPv6.parse('64:ff9b::'), 96)) return new ipaddr.IPv4(b.slice(12, 16));
  if (range === 'rfc6145') return new ipaddr.IPv4(b.slice(12, 16));
  if (range === '6to4') return new ipaddr.IPv4(b.slice(2, 6));
  return undefined;
}
