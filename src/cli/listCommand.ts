import { parseArgs } from './args';
import { BACKEND_FLAG, NO_CACHE_FLAG, PROTOCOL_FLAGS, noPositionals, protocolFilter, snapshotFor } from './common';
import { socketJson, socketTableBytes, sortForListing } from './format';

export async function listCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, [{ names: ['--listening', '-l'] }, { names: ['--json'] }, ...PROTOCOL_FLAGS, BACKEND_FLAG, NO_CACHE_FLAG]);
  noPositionals(args);
  const protocol = protocolFilter(args);
  const { snapshot } = await snapshotFor(args, { listeningOnly: args.flags.has('--listening'), protocols: protocol ? [protocol] : undefined });
  const sockets = sortForListing(snapshot.sockets);
  if (args.flags.has('--json')) {
    process.stdout.write(JSON.stringify(sockets.map(socketJson), null, 2) + '\n');
  } else {
    process.stdout.write(socketTableBytes(sockets));
    const hidden = sockets.filter(s => !s.ownerVisible && s.state !== 'TIME_WAIT').length;
    if (hidden > 0 && process.getuid?.() !== 0) {
      process.stderr.write(`${hidden} socket(s): owner not visible (another user's process); run as root to see them.\n`);
    }
  }
  return 0;
}
