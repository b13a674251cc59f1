// One port number from user text. Shared by the CLI and the extension so `80a`, `70000` and ''
// get the same message everywhere (in the extension's input box, in the display language).
import type { Protocol } from './model';
import { english, type L10n } from './l10n';

export type PortParse = { ok: true; port: number } | { ok: false; message: string };

export function parsePortNumber(text: string, l10n: L10n = english): PortParse {
  const t = text.trim();
  if (t === '') {
    return { ok: false, message: l10n.t('Enter a port number (0–65535).') };
  }
  if (!/^\d+$/.test(t)) {
    return { ok: false, message: l10n.t('"{0}" is not a port number: use digits only, 0–65535.', t) };
  }
  const n = Number(t);
  if (t.length > 5 || n > 65535) {
    return { ok: false, message: l10n.t('{0} is out of range: ports go from 0 to 65535.', t) };
  }
  return { ok: true, port: n };
}

/**
 * A port text's `/tcp` or `/udp` suffix (either case), starting at `slash` (the caller says which
 * '/' begins it; -1: none, which means TCP). undefined for any other suffix.
 */
export function splitProtocolSuffix(text: string, slash: number): { rest: string; protocol: Protocol } | undefined {
  if (slash < 0) { return { rest: text, protocol: 'tcp' }; }
  const p = text.slice(slash + 1).toLowerCase();
  if (p !== 'tcp' && p !== 'udp') { return undefined; }
  return { rest: text.slice(0, slash), protocol: p };
}
