import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';

/**
 * The client address of a request by Express's own rule (proxy-addr): the socket's address, unless
 * the socket belongs to a proxy listed in TRUST_PROXY, in which case X-Forwarded-For is walked from the
 * right through trusted proxies only. Express's `req.ip` gets the same list (bootstrap.ts); this is for
 * the socket.io handshake, which never passes through Express.
 */
export class ClientAddress {
  private readonly trust: (addr: string, i: number) => boolean;

  constructor(trustProxy: string[]) {
    this.trust = proxyaddr.compile(trustProxy);
  }

  of(req: IncomingMessage): string {
    return proxyaddr(req, this.trust);
  }

  /** The value for Express's `trust proxy` setting: the list, or false (trust no one) when empty. */
  static expressSetting(trustProxy: string[]): string[] | false {
    return trustProxy.length ? trustProxy : false;
  }
}
