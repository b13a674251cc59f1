// Host ports published by docker-compose.yml / compose.yaml services, read line by line (no YAML
// library): short syntax "3000:3000", "127.0.0.1:8080:80", "8000-8002:8000-8002", "53:53/udp",
// flow lists [ "80:80" ], and long syntax (published:, protocol:). "${WEB_PORT:-3000}:3000" counts
// as 3000; a variable without a default is noted. Container-only ports ("3000") publish a random
// host port and are not watched.
import type { Protocol } from '../model';
import { clip, WorkBudget } from './budget';
import type { Detection } from './devPortTypes';
import { portLiteral, publishedHostPorts } from './scriptPorts';

interface Line { indent: number; text: string }

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

/**
 * `${NAME:-default}` and `${NAME-default}` replaced by their default, in one pass: the position of
 * the next `}` only moves forward, so no stretch of the value is searched twice.
 */
export function substituteDefaults(value: string): string {
  let out = '';
  let from = 0;
  let close = -1;
  for (let at = value.indexOf('${'); at >= 0; at = value.indexOf('${', at + 1)) {
    if (close < at) { close = value.indexOf('}', at); }
    if (close < 0) { break; } // no `}` after here: no more substitutions
    let k = at + 2;
    if (!isNameStart(value.charCodeAt(k))) { continue; }
    while (k < close && isNameChar(value.charCodeAt(k))) { k++; }
    if (value[k] === ':') { k++; }
    if (value[k] !== '-' || k >= close) { continue; }
    out += value.slice(from, at) + value.slice(k + 1, close);
    from = close + 1;
    at = close;
  }
  return from === 0 ? value : out + value.slice(from);
}

function isNameStart(c: number): boolean { return c === 95 || (c >= 65 && c <= 90) || (c >= 97 && c <= 122); }
function isNameChar(c: number): boolean { return isNameStart(c) || (c >= 48 && c <= 57); }

export function composePorts(file: string, text: string, budget = WorkBudget.forText(text.length)): Detection {
  const result: Detection = { ports: [], notes: [] };
  budget.spend(text.length);
  const lines: Line[] = text.split(/\r?\n/).map(raw => {
    // tab expansion, the comment scan, trim and the per-line expressions each pass over it once
    budget.spend(6 * raw.length + 1);
    const noTabs = raw.replace(/\t/g, '  ');
    const stripped = stripComment(noTabs);
    return { indent: stripped.length - stripped.trimStart().length, text: stripped.trim() };
  });
  const services = serviceNames(lines);

  const addSpec = (spec: string, lineNo: number, service: string, protocolOverride?: Protocol) => {
    const value = substituteDefaults(unquote(spec));
    if (/\$\{?[A-Za-z_]/.test(value)) {
      result.notes.push({ file, line: lineNo, message: `published port ${clip(unquote(spec))} uses a variable without a default; not resolved` });
      return;
    }
    const pub = publishedHostPorts(value);
    if (!pub) { return; }
    for (const port of pub.ports) {
      result.ports.push({ port, protocol: protocolOverride ?? pub.protocol, file, line: lineNo, detail: `${service ? `service ${service}: ` : ''}ports "${clip(value)}"`, kind: 'explicit' });
    }
  };

  // Every line is looked at by at most one of the loops below: a `ports:` key's items and a flow
  // list's continuation lines are consumed where they are read, so the whole pass is linear.
  for (let i = 0; i < lines.length; i++) {
    const m = /^ports\s*:\s*(.*)$/.exec(lines[i].text);
    if (!m) { continue; }
    const keyIndent = lines[i].indent;
    const service = services[i];
    const rest = m[1].trim();
    if (rest.startsWith('[')) {
      // Flow sequence, possibly spread over several lines: up to the first `]`, or to the next
      // line that is not part of it (back at the key's indentation) when it is never closed.
      const parts = [rest];
      let j = i;
      let closed = rest.includes(']');
      while (!closed && j + 1 < lines.length) {
        const n = lines[j + 1];
        if (n.text !== '' && n.indent <= keyIndent && !n.text.startsWith(']')) { break; }
        j++;
        parts.push(n.text);
        closed = n.text.includes(']');
      }
      const flow = parts.join(' ');
      const end = flow.indexOf(']');
      const inner = flow.slice(1, end >= 0 ? end : flow.length);
      if (!closed) { result.notes.push({ file, line: i + 1, message: 'ports: [ … is not closed with ]; read up to the next key' }); }
      for (const item of inner.split(',')) { if (item.trim()) { addSpec(item, i + 1, service); } }
      i = j;
      continue;
    }
    if (rest !== '') { continue; }
    let j = i + 1;
    for (; j < lines.length; j++) {
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
      const value = substituteDefaults(published.value);
      const range = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(value);
      if (!range) {
        result.notes.push({ file, line: published.line, message: `published: ${clip(published.value)} is not a port number; ignored` });
        continue;
      }
      const from = portLiteral(range[1]);
      const to = range[2] === undefined ? from : portLiteral(range[2]);
      if (from === undefined || to === undefined || to < from || to - from > 100) { continue; }
      for (let p = from; p <= to; p++) {
        result.ports.push({ port: p, protocol, file, line: published.line, detail: `${service ? `service ${service}: ` : ''}published: ${value}`, kind: 'explicit' });
      }
    }
    i = j - 1;
  }
  return result;
}

/**
 * For every line, the service its keys belong to: the nearest less-indented non-empty line above
 * it, if that is a `name:` line. One pass with a stack of the lines that can still be such a parent
 * (each line is pushed and popped once).
 */
function serviceNames(lines: readonly Line[]): string[] {
  const names: string[] = new Array<string>(lines.length).fill('');
  // The stack holds each candidate's own name (as a `name:` line), computed once when pushed.
  const stack: { indent: number; name: string }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.text === '') { continue; }
    while (stack.length > 0 && stack[stack.length - 1].indent >= l.indent) { stack.pop(); }
    if (stack.length > 0) { names[i] = stack[stack.length - 1].name; }
    const m = /^([A-Za-z0-9_.-]+)\s*:\s*$/.exec(l.text);
    stack.push({ indent: l.indent, name: m ? clip(m[1], 40) : '' });
  }
  return names;
}
