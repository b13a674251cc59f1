// Host ports published by docker-compose.yml / compose.yaml services, read line by line (no YAML
// library): short syntax "3000:3000", "127.0.0.1:8080:80", "8000-8002:8000-8002", "53:53/udp",
// flow lists [ "80:80" ], and long syntax (published:, protocol:). "${WEB_PORT:-3000}:3000" counts
// as 3000; a variable without a default is noted. Container-only ports ("3000") publish a random
// host port and are not watched.
import type { Protocol } from '../model';
import type { Detection } from './devPortTypes';
import { portLiteral, publishedHostPorts } from './scriptPorts';

interface Line { indent: number; text: string; raw: string }

function stripComment(line: string): string {
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) { if (c === quote) { quote = ''; } continue; }
    if (c === '"' || c === "'") { quote = c; continue; }
    if (c === '#' && (i === 0 || /\s/.test(line[i - 1]))) { return line.slice(0, i); }
  }
  return line;
}

function unquote(v: string): string {
  const t = v.trim();
  if (t.length >= 2 && (t[0] === '"' || t[0] === "'") && t[t.length - 1] === t[0]) { return t.slice(1, -1); }
  return t;
}

const VAR_DEFAULT = /\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^}]*)\}/g;

export function composePorts(file: string, text: string): Detection {
  const result: Detection = { ports: [], notes: [] };
  const lines: Line[] = text.split(/\r?\n/).map(raw => {
    const noTabs = raw.replace(/\t/g, '  ');
    const stripped = stripComment(noTabs);
    return { indent: stripped.length - stripped.trimStart().length, text: stripped.trim(), raw };
  });

  const addSpec = (spec: string, lineNo: number, service: string, protocolOverride?: Protocol) => {
    const value = unquote(spec).replace(VAR_DEFAULT, '$1');
    if (/\$\{?[A-Za-z_]/.test(value)) {
      result.notes.push({ file, line: lineNo, message: `published port ${unquote(spec)} uses a variable without a default; not resolved` });
      return;
    }
    const pub = publishedHostPorts(value);
    if (!pub) { return; }
    for (const port of pub.ports) {
      result.ports.push({ port, protocol: protocolOverride ?? pub.protocol, file, line: lineNo, detail: `${service ? `service ${service}: ` : ''}ports "${value}"`, kind: 'explicit' });
    }
  };

  for (let i = 0; i < lines.length; i++) {
    const m = /^ports\s*:\s*(.*)$/.exec(lines[i].text);
    if (!m) { continue; }
    const keyIndent = lines[i].indent;
    const service = serviceName(lines, i);
    const rest = m[1].trim();
    if (rest.startsWith('[')) {
      // Flow sequence, possibly spread over several lines.
      let flow = rest;
      let j = i;
      while (!flow.includes(']') && j + 1 < lines.length) { j++; flow += ` ${lines[j].text}`; }
      const inner = flow.slice(1, flow.indexOf(']') >= 0 ? flow.indexOf(']') : flow.length);
      for (const item of inner.split(',')) { if (item.trim()) { addSpec(item, i + 1, service); } }
      continue;
    }
    if (rest !== '') { continue; }
    for (let j = i + 1; j < lines.length; j++) {
      const l = lines[j];
      if (l.text === '') { continue; }
      if (l.indent < keyIndent || (l.indent === keyIndent && !l.text.startsWith('-'))) { break; }
      if (!l.text.startsWith('-')) { continue; }
      const item = l.text.slice(1).trim();
      const kv = /^([A-Za-z_]+)\s*:\s*(.*)$/.exec(item);
      if (!kv) { addSpec(item, j + 1, service); continue; }
      // Long syntax: keys of this item are on this line and on deeper-indented lines after it.
      const fields = new Map<string, { value: string; line: number }>([[kv[1], { value: unquote(kv[2]), line: j + 1 }]]);
      let k = j + 1;
      for (; k < lines.length; k++) {
        const n = lines[k];
        if (n.text === '') { continue; }
        if (n.indent <= l.indent) { break; }
        const f = /^([A-Za-z_]+)\s*:\s*(.*)$/.exec(n.text);
        if (f) { fields.set(f[1], { value: unquote(f[2]), line: k + 1 }); }
      }
      j = k - 1;
      const published = fields.get('published');
      if (!published) { continue; }
      const protocol = fields.get('protocol')?.value.toLowerCase() === 'udp' ? 'udp' : 'tcp';
      const value = published.value.replace(VAR_DEFAULT, '$1');
      const range = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(value);
      if (!range) {
        result.notes.push({ file, line: published.line, message: `published: ${published.value} is not a port number; ignored` });
        continue;
      }
      const from = portLiteral(range[1]);
      const to = range[2] === undefined ? from : portLiteral(range[2]);
      if (from === undefined || to === undefined || to < from || to - from > 100) { continue; }
      for (let p = from; p <= to; p++) {
        result.ports.push({ port: p, protocol, file, line: published.line, detail: `${service ? `service ${service}: ` : ''}published: ${value}`, kind: 'explicit' });
      }
    }
  }
  return result;
}

/** The service a `ports:` key belongs to: the nearest less-indented `name:` line above it. */
function serviceName(lines: Line[], at: number): string {
  const indent = lines[at].indent;
  for (let i = at - 1; i >= 0; i--) {
    const l = lines[i];
    if (l.text === '' || l.indent >= indent) { continue; }
    const m = /^([A-Za-z0-9_.-]+)\s*:\s*$/.exec(l.text);
    return m ? m[1] : '';
  }
  return '';
}
