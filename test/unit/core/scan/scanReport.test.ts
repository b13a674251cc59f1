// What a scan says about the network, on loopback sockets this test owns: a UDP responder that
// ignores its first request (as if the reply had been lost) must still come out open, and the
// report — the result's network object, --json and the CLI's line — must say a re-probe was needed.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import { scanHost } from '../../../../src/core/scan/scan';
import { cliPath } from './support/netns';

/** Answers every request except the first `ignore` ones. */
async function forgetfulResponder(ignore: number): Promise<dgram.Socket> {
  const s = dgram.createSocket('udp4');
  let seen = 0;
  s.on('message', (_m, r) => { if (++seen > ignore) { s.send(Buffer.from('ok'), r.port, r.address); } });
  await new Promise<void>(r => s.bind(0, '127.0.0.1', () => r()));
  return s;
}

function cli(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [cliPath(), ...args], { timeout: 60_000 }, (err, stdout, stderr) => (err ? reject(new Error(stderr || err.message)) : resolve(stdout)));
  });
}

describe('scan: the report on the network', () => {
  it('UDP: a reply lost once leaves the port open, and the network object counts the re-probe', async () => {
    const s = await forgetfulResponder(1);
    try {
      const port = s.address().port;
      const r = await scanHost({ host: '127.0.0.1', protocol: 'udp', ports: [port] });
      assert.deepEqual(r.ports.map(p => `${p.state}/${p.reason}`), ['open/udp-response']);
      assert.ok(r.network);
      assert.deepEqual([r.network.answeredOnlyWhenResent, r.network.probesSent, r.network.probesResent, r.network.answerRateLimitPerSec], [1, 2, 1, null]);
      assert.equal(r.network.summary, 'Packet loss: 1 port (~100 %) answered only when probed again (1 probe re-sent, 2 rounds); ports still silent are reported open|filtered.');
    } finally {
      s.close();
    }
  });

  it('UDP on an ideal exchange: no re-probe of an answered port, an empty summary', async () => {
    const s = await forgetfulResponder(0);
    try {
      const r = await scanHost({ host: '127.0.0.1', protocol: 'udp', ports: [s.address().port] });
      assert.deepEqual([r.ports[0].state, r.network?.probesSent, r.network?.probesResent, r.network?.summary], ['open', 1, 0, '']);
    } finally {
      s.close();
    }
  });

  it('the CLI prints the line, and --json carries the network object', async () => {
    const a = await forgetfulResponder(1);
    const b = await forgetfulResponder(1);
    try {
      const human = await cli(['scan', '127.0.0.1', '--udp', '-p', String(a.address().port)]);
      assert.match(human, /^Network: Packet loss: 1 port \(~100 %\) answered only when probed again \(1 probe re-sent, 2 rounds\); ports still silent are reported open\|filtered\.$/m);
      const json = JSON.parse(await cli(['scan', '127.0.0.1', '--udp', '-p', String(b.address().port), '--json'])) as { network: Record<string, unknown> };
      assert.deepEqual(Object.keys(json.network).sort(), ['answerRateLimitPerSec', 'answeredOnlyWhenResent', 'lossPercent', 'pacedAtPerSec', 'probesResent', 'probesSent', 'rounds', 'summary']);
      assert.deepEqual([json.network.answeredOnlyWhenResent, json.network.probesResent], [1, 1]);
    } finally {
      a.close();
      b.close();
    }
  });

  it('TCP on loopback: nothing re-sent, no line', async () => {
    const gone = net.createServer();
    await new Promise<void>(r => gone.listen(0, '127.0.0.1', () => r()));
    const port = (gone.address() as net.AddressInfo).port;
    await new Promise(r => gone.close(r));
    const out = JSON.parse(await cli(['scan', '127.0.0.1', '-p', String(port), '--json'])) as { ports: { state: string }[]; network: { probesResent: number; summary: string } };
    assert.deepEqual([out.ports.length, out.network.probesResent, out.network.summary], [1, 0, '']);
  });
});
