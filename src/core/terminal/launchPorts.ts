// The ports a debug launch configuration will serve, read exactly as the dev-port detection reads
// launch.json (url on this machine, `port` of launch requests, env.PORT, command, args/runtimeArgs):
// the resolved configuration is written back as a one-entry launch.json and handed to that reader.
import type { Protocol } from '../model';
import { launchJsonPorts } from '../workspace/jsonFilePorts';

export interface LaunchPort { port: number; protocol: Protocol; detail: string }

export function launchConfigPorts(config: Record<string, unknown>): LaunchPort[] {
  if (config.request !== 'launch') { return []; }
  let text: string;
  try { text = JSON.stringify({ configurations: [config] }); } catch { return []; }
  const seen = new Set<string>();
  const out: LaunchPort[] = [];
  for (const p of launchJsonPorts('launch.json', text).ports) {
    const key = `${p.protocol}:${p.port}`;
    if (seen.has(key)) { continue; }
    seen.add(key);
    out.push({ port: p.port, protocol: p.protocol, detail: p.detail });
  }
  return out;
}
