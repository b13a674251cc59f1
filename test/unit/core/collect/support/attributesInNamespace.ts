// Run inside the test's network namespace (ip netns exec): collects the listening sockets with the
// in-process collector (twice, then again after renaming an interface), once more without `ss`,
// and prints them as one JSON line for the test to compare with `ss -tulnpeH`.
import { execFileSync } from 'node:child_process';
import { ProcfsCollector } from '../../../../../src/core/collect/procfsCollector';
import type { SocketEntry } from '../../../../../src/core/model';

const facts = (sockets: readonly SocketEntry[]) => sockets.map(s => ({
  inode: s.inode, protocol: s.protocol, localAddress: s.localAddress, localPort: s.localPort, boundDevice: s.boundDevice, ipv6Only: s.ipv6Only,
  pids: s.processes.map(p => p.pid),
}));

async function main(): Promise<void> {
  const [from, to] = process.argv.slice(2);
  const collector = new ProcfsCollector();
  const first = await collector.collect({ listeningOnly: true });
  const warm = await collector.collect({ listeningOnly: true });
  const runsWarm = collector.attributes.runs;
  execFileSync('ip', ['link', 'set', from, 'name', to]);
  const renamed = await collector.collect({ listeningOnly: true });
  execFileSync('ip', ['link', 'set', to, 'name', from]);
  const withoutSs = await new ProcfsCollector({ ss: undefined }).collect({ listeningOnly: true });
  process.stdout.write(JSON.stringify({
    first: facts(first.sockets), warmSame: warm.sockets.every((s, i) => s === first.sockets[i]), runsWarm,
    renamed: facts(renamed.sockets), withoutSs: facts(withoutSs.sockets),
  }) + '\n');
}

main().catch(e => { process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`); process.exit(1); });
