// How a socket's real owner reads, for the CLI's tables and the Ports view: the container behind a
// proxy ("shop-db (postgres:16) via docker-proxy"), the container a process runs in ("httpd in
// shop-db (busybox)"), the unit or supervisor that restarts it.
import type { ContainerOwner, ServiceOwner, SocketEntry } from '../model';
import type { L10n } from '../l10n';
import { english } from '../l10n';
import { containerLabel } from './containerControl';

export function containerText(c: ContainerOwner, processName: string, l10n: L10n = english): string {
  if (c.error !== undefined) { return l10n.t('{0} · container ({1})', processName, c.error); }
  if (c.via === 'inside') { return l10n.t('{0} in {1}', processName, containerLabel(c)); }
  return l10n.t('{0} via {1}', containerLabel(c), processName);
}

export function serviceText(s: ServiceOwner, l10n: L10n = english): string {
  if (s.manager === 'systemd') { return s.user ? l10n.t('systemd user unit {0}', s.unit) : l10n.t('systemd unit {0}', s.unit); }
  return l10n.t('started by {0} (pid {1})', s.unit, s.pid);
}

/** The owner cell of a socket's row for process `name`: the container or service when there is one. */
export function ownerCell(s: SocketEntry, name: string, l10n: L10n = english): string {
  if (s.container) { return containerText(s.container, name, l10n); }
  if (s.service) { return `${name} · ${serviceText(s.service, l10n)}`; }
  return name;
}

/** What a kill of this socket's owner would not achieve, and what to do instead; '' when nothing. */
export function restartWarning(s: SocketEntry, name: string, l10n: L10n = english): string {
  const svc = s.service;
  if (!svc) { return ''; }
  if (svc.manager === 'systemd') {
    return svc.stopCommand
      ? l10n.t('{0} runs in {1}, which may start it again after a kill; "{2}" stops it for good.', name, serviceText(svc, l10n), svc.stopCommand)
      : l10n.t('{0} runs in {1}, which may start it again after a kill.', name, serviceText(svc, l10n));
  }
  return l10n.t('{0} was started by {1} (pid {2}), which may start it again after a kill.', name, svc.unit, svc.pid);
}
