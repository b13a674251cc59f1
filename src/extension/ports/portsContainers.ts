// The container parts of the Ports view's rows: "shop-db (postgres:16) via docker-proxy" instead of
// the bare proxy, the container's details in the tooltip, the unit that restarts a service, and the
// context flags that put Stop Container / Restart Container where Kill would be.
import * as vscode from 'vscode';
import type { ContainerOwner, SocketOwner } from '../../core/model';
import { containerLabel } from '../../core/owners/containerControl';
import { containerText, serviceText } from '../../core/owners/ownerText';
import type { PortGroup } from '../shared/portGroups';

/** The owner part of a port row's description when a container or service stands behind it. */
export function ownerWithContainer(g: PortGroup, owner: SocketOwner): string {
  const name = owner.name || '?';
  if (g.container) { return containerText(g.container, name, vscode.l10n); }
  return g.service ? `${name} · pid ${owner.pid} · ${serviceText(g.service, vscode.l10n)}` : name;
}

/** A process row that stands for a container: its name and image, and the holder when it is a proxy. */
export function containerRowLabel(c: ContainerOwner, owner: SocketOwner): string {
  return c.error !== undefined ? `${owner.name || '?'} · container` : containerText(c, owner.name || '?', vscode.l10n);
}

/** Container and service lines for a row's tooltip (their texts are other people's: appended as text). */
export function containerDetails(md: vscode.MarkdownString, g: PortGroup): void {
  const c = g.container;
  if (c) {
    md.appendMarkdown('\n\n$(package) ');
    if (c.error !== undefined) {
      md.appendText(vscode.l10n.t('Held by {0} for a {1} container ({2}). It is not killed: that would break the port and leave the container running.', c.holder, c.engine, c.error));
    } else {
      md.appendText(vscode.l10n.t('{0} container {1}, id {2}, through {3}.', c.engine, containerLabel(c), c.id.slice(0, 12), c.holder));
      if (c.compose) { md.appendText(' ' + vscode.l10n.t('Compose project {0}, service {1}.', c.compose.project, c.compose.service)); }
      md.appendText(' ' + vscode.l10n.t('Stop Container frees the port; the engine keeps running.'));
    }
  }
  const s = g.service;
  if (s) {
    md.appendMarkdown('\n\n$(sync) ');
    md.appendText(s.stopCommand
      ? vscode.l10n.t('Runs under {0}, which may start it again after a kill. To stop it for good: {1}', serviceText(s, vscode.l10n), s.stopCommand)
      : vscode.l10n.t('Runs under {0}, which may start it again after a kill.', serviceText(s, vscode.l10n)));
  }
}

/** `container` (a container owns the row: Kill is replaced) and `stoppable` (its engine can be asked). */
export function containerFlags(groups: readonly PortGroup[]): string[] {
  const c = containerOfGroups(groups);
  if (!c) { return []; }
  return c.id && c.endpoint ? ['container', 'stoppable'] : ['container'];
}

/** The container a Ports view row stands for, if any. */
export function containerOfGroups(groups: readonly PortGroup[]): ContainerOwner | undefined {
  return groups.find(g => g.container)?.container ?? undefined;
}
