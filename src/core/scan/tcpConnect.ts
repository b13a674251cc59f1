// One TCP connect() attempt, and nothing else: open a socket to address:port and say how it ended.
//
// Speed: on Node it uses the tcp_wrap binding (the handles under net.Socket) when available: no
// Socket object, no stream machinery and no Error object per refused port, which is most of the
// per-port cost of a loopback scan. When the binding is missing or changed shape (another runtime,
// a future Node) it falls back to net.Socket with identical outcomes; `forceNet` selects the
// fallback so both paths are tested.
import * as net from 'node:net';
import * as util from 'node:util';

/** How one attempt ended: connected (and whether it connected to itself), or the errno name. */
export type ConnectOutcome = { kind: 'connected'; self: boolean } | { kind: 'error'; code: string };

export interface Attempt {
  /** Abandons the attempt (timeout, cancel): closes the socket; the callback is not called. */
  abandon(): void;
}

export interface Connector {
  readonly usedBinding: boolean;
  /** Starts one attempt; `done` runs once (never after abandon()), possibly synchronously. */
  start(port: number, done: (o: ConnectOutcome) => void): Attempt;
}

type Binding = {
  TCP: new (type: number) => BindingHandle;
  TCPConnectWrap: new () => ConnectReq;
  constants: { SOCKET: number };
};
type ConnectReq = { oncomplete?: (status: number, handle: BindingHandle, req: ConnectReq) => void; cb?: (status: number, handle: BindingHandle) => void };
type BindingHandle = {
  connect(req: object, address: string, port: number): number;
  connect6(req: object, address: string, port: number): number;
  getsockname(out: { address?: string; port?: number }): number;
  getpeername(out: { address?: string; port?: number }): number;
  reset(cb: () => void): number;
  close(cb?: () => void): void;
};

function loadBinding(): Binding | undefined {
  try {
    const b = (process as unknown as { binding(name: string): Binding }).binding('tcp_wrap');
    if (typeof b.TCP === 'function' && typeof b.TCPConnectWrap === 'function' && typeof b.TCP.prototype.reset === 'function'
      && typeof b.TCP.prototype.connect === 'function' && typeof b.TCP.prototype.connect6 === 'function') {
      return b;
    }
  } catch { /* not available: net.Socket */ }
  return undefined;
}

const errNames = new Map<number, string>();
function nameOf(status: number): string {
  let n = errNames.get(status);
  if (n === undefined) {
    try { n = util.getSystemErrorName(status); } catch { n = 'E' + status; }
    errNames.set(status, n);
  }
  return n;
}

function noop(): void { /* reset completion: nothing to do */ }

function onBindingComplete(status: number, handle: BindingHandle, req: ConnectReq): void {
  req.cb?.(status, handle);
}

export function makeConnector(address: string, family: 4 | 6, forceNet = false): Connector {
  const b = forceNet ? undefined : loadBinding();
  return b ? bindingConnector(b, address, family) : netConnector(address, family);
}

function bindingConnector(b: Binding, address: string, family: 4 | 6): Connector {
  return {
    usedBinding: true,
    start(port, done) {
      const h = new b.TCP(b.constants.SOCKET);
      const req = new b.TCPConnectWrap();
      let over = false;
      req.oncomplete = onBindingComplete;
      req.cb = (status, handle) => {
        if (over) { return; } // abandoned: the close triggered this
        over = true;
        if (status !== 0) { handle.close(); done({ kind: 'error', code: nameOf(status) }); return; }
        const me: { address?: string; port?: number } = {};
        const peer: { address?: string; port?: number } = {};
        handle.getsockname(me);
        handle.getpeername(peer);
        // Close open ports with RST (SO_LINGER 0), as nmap does: no TIME_WAIT left behind.
        if (handle.reset(noop) !== 0) { handle.close(); }
        done({ kind: 'connected', self: me.port === peer.port && me.address === peer.address });
      };
      const err = family === 6 ? h.connect6(req, address, port) : h.connect(req, address, port);
      if (err !== 0) {
        over = true;
        h.close();
        done({ kind: 'error', code: nameOf(err) });
      }
      return { abandon: () => { if (!over) { over = true; h.close(); } } };
    },
  };
}

function netConnector(address: string, family: 4 | 6): Connector {
  return {
    usedBinding: false,
    start(port, done) {
      const s = new net.Socket();
      let over = false;
      s.once('connect', () => {
        if (over) { return; }
        over = true;
        const self = s.localPort === s.remotePort && s.localAddress === s.remoteAddress;
        s.resetAndDestroy();
        done({ kind: 'connected', self });
      });
      s.on('error', (e: NodeJS.ErrnoException) => {
        if (over) { return; }
        over = true;
        s.destroy();
        done({ kind: 'error', code: e.code ?? 'EUNKNOWN' });
      });
      s.connect({ port, host: address, family });
      return { abandon: () => { if (!over) { over = true; s.destroy(); } } };
    },
  };
}
