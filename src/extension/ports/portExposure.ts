// The Ports view's words for who can reach a port and for a split port. The decisions are
// src/core/exposure.ts and src/core/splitListeners.ts; this file only words them for the view.
import * as vscode from 'vscode';
import { exposureWords } from '../../core/exposure';
import { localhostSentence, splitSummary } from '../../core/splitListeners';
import { boundFacts, boundText, type BoundAddress, type PortGroup } from '../shared/portGroups';

/** One line per bound address: "0.0.0.0%enp0s3: only via enp0s3", with "unknown" for facts not known. */
export function portExposureLines(addresses: readonly BoundAddress[]): string[] {
  return addresses.map(a => {
    const device = a.boundDevice === null ? vscode.l10n.t('unknown') : a.boundDevice || vscode.l10n.t('none');
    const facts = a.family === 6
      ? vscode.l10n.t('bound interface: {0}, IPv6-only: {1}', device, a.ipv6Only === null ? vscode.l10n.t('unknown') : a.ipv6Only ? vscode.l10n.t('yes') : vscode.l10n.t('no'))
      : vscode.l10n.t('bound interface: {0}', device);
    return vscode.l10n.t('{0}: {1} ({2})', boundText(a), exposureWords(boundFacts(a), vscode.l10n), facts);
  });
}

/** "split" in the row's description when different processes hold the port on different addresses. */
export function splitDescription(g: PortGroup): string {
  return g.split ? vscode.l10n.t('split') : '';
}

/** Who holds which part, and which one a client of localhost:PORT reaches first. */
export function splitTooltip(g: PortGroup): string | undefined {
  if (!g.split) { return undefined; }
  const first = localhostSentence(g.split, vscode.l10n);
  return first ? `${splitSummary(g.split, vscode.l10n)}\n${first}` : splitSummary(g.split, vscode.l10n);
}
