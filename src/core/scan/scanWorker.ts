// Entry point of a TCP scan worker thread (bundled as dist/scanWorker.js; in the test build it is
// out/src/core/scan/scanWorker.js next to scanTcp.js). It owns one TcpProber for the whole scan and
// runs the rounds the calling thread asks for, posting result batches and each round's report.
import { parentPort, workerData } from 'node:worker_threads';
import { TcpProber, type ProberConfig, type RoundRequest } from './tcpRound';

export type WorkerCommand = { type: 'round'; req: RoundRequest } | { type: 'cancel' };

const port = parentPort;
if (port) {
  // No stack traces for the errors net.Socket creates per refused port: this isolate is ours alone.
  Error.stackTraceLimit = 0;
  const prober = new TcpProber(workerData as ProberConfig);
  port.on('message', (m: WorkerCommand) => {
    if (m.type === 'round') { prober.run(m.req, msg => port.postMessage(msg)); } else { prober.cancel(); }
  });
}
