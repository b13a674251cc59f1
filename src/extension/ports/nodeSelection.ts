// What a Ports view row stands for when a command is run on it: its owning processes, and the port
// (with protocol) the command applies to. A port row under a process row (group by process) stands
// for that process only; a port row at the top for every owner of the port.
import type { Protocol, SocketOwner } from '../../core/model';
import type { PortsNode } from './portsTree';

export interface Selection {
  owners: SocketOwner[];
  port: number | undefined;
  protocol: Protocol | undefined;
}

const NOTHING: Selection = { owners: [], port: undefined, protocol: undefined };

export function isNode(x: unknown): x is PortsNode {
  return typeof x === 'object' && x !== null && typeof (x as PortsNode).kind === 'string' && typeof (x as PortsNode).id === 'string';
}

export function selectionOf(node: PortsNode): Selection {
  switch (node.kind) {
    case 'port': {
      const owners = node.parent?.kind === 'process' ? [node.parent.owner] : node.group.owners;
      return { owners, port: node.group.port, protocol: node.group.protocol };
    }
    case 'process': {
      const only = node.ports.length === 1 ? node.ports[0] : undefined;
      return { owners: [node.owner], port: only?.port ?? node.ports[0]?.port, protocol: only?.protocol };
    }
    default:
      return NOTHING;
  }
}

/** A command's argument (a tree node, or anything else a caller passed) as a selection. */
export function selectionOfArgument(arg: unknown): Selection {
  return isNode(arg) ? selectionOf(arg) : NOTHING;
}
