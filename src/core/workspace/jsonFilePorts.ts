// Ports in the workspace's JSON files: package.json scripts, angular.json serve options,
// .vscode/launch.json (ports, localhost URLs, env PORT, commands) and devcontainer forwardPorts.
// JSONC is accepted where VS Code accepts it; a file that does not parse is skipped with a note.
import { clip, WorkBudget } from './budget';
import type { Detection, DetectedPort } from './devPortTypes';
import { type JsonNode, LineIndex, parseJsonc, prop } from './jsonc';
import { portLiteral, portsOfCommandLine } from './scriptPorts';

type Reader = (file: string, root: JsonNode, lines: LineIndex, out: Detection, budget: WorkBudget) => void;

function withJson(file: string, text: string, budget: WorkBudget, read: Reader): Detection {
  const out: Detection = { ports: [], notes: [] };
  budget.spend(text.length);
  const lines = new LineIndex(text);
  const parsed = parseJsonc(text, budget);
  if (!parsed.ok) {
    out.notes.push({ file, line: lines.lineOf(parsed.offset), message: `not valid JSON (${parsed.message}); skipped` });
    return out;
  }
  read(file, parsed.root, lines, out, budget);
  return out;
}

function commandPorts(file: string, line: number, command: string, label: string, budget: WorkBudget): DetectedPort[] {
  const found = portsOfCommandLine(command, budget);
  if (found.length === 0) { return []; }
  const shown = clip(command, 80);
  return found.map(p => ({
    port: p.port, protocol: p.protocol, file, line, kind: p.kind, defaultOf: p.defaultOf,
    detail: p.kind === 'default' ? `${label}: ${shown} — ${clip(p.evidence, 80)}` : `${label}: ${shown}`,
  }));
}

export function packageJsonPorts(file: string, text: string, budget = WorkBudget.forText(text.length)): Detection {
  return withJson(file, text, budget, (f, root, lines, out, b) => {
    if (root.type !== 'object') { out.notes.push({ file: f, line: 1, message: 'not a JSON object; skipped' }); return; }
    const scripts = prop(root, 'scripts');
    if (!scripts || scripts.type !== 'object') { return; }
    for (const p of scripts.props) {
      if (p.value.type !== 'string') { continue; }
      out.ports.push(...commandPorts(f, lines.lineOf(p.keyOffset), p.value.value, `script "${clip(p.key, 40)}"`, b));
    }
  });
}

export function angularJsonPorts(file: string, text: string, budget = WorkBudget.forText(text.length)): Detection {
  return withJson(file, text, budget, (f, root, lines, out) => {
    const projects = prop(root, 'projects');
    if (!projects || projects.type !== 'object') { return; }
    for (const project of projects.props) {
      const targets = prop(project.value, 'architect') ?? prop(project.value, 'targets');
      const serve = prop(targets, 'serve');
      if (!serve) { continue; }
      const places: [string, JsonNode | undefined][] = [['options', prop(serve, 'options')]];
      const configurations = prop(serve, 'configurations');
      if (configurations?.type === 'object') {
        for (const c of configurations.props) { places.push([`configurations.${c.key}`, c.value]); }
      }
      for (const [where, node] of places) {
        const port = prop(node, 'port');
        if (port?.type === 'number' && portLiteral(String(port.value)) !== undefined) {
          out.ports.push({ port: port.value, protocol: 'tcp', file: f, line: lines.lineOf(port.offset), detail: `project ${clip(project.key, 40)}: serve ${clip(where, 40)}.port`, kind: 'explicit', defaultOf: 'angular-serve' });
        }
      }
    }
  });
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '0.0.0.0', '[::1]', '[::]', '::1']);

function quoteWord(w: string): string {
  return /[\s"'\\]/.test(w) ? `'${w.replace(/'/g, '')}'` : w;
}

function strings(node: JsonNode | undefined): string[] {
  if (!node) { return []; }
  if (node.type === 'string') { return node.value.split(/\s+/).filter(Boolean); }
  if (node.type === 'array') { return node.items.flatMap(i => (i.type === 'string' ? [i.value] : [])); }
  return [];
}

export function launchJsonPorts(file: string, text: string, budget = WorkBudget.forText(text.length)): Detection {
  return withJson(file, text, budget, (f, root, lines, out, b) => {
    const configs = prop(root, 'configurations');
    if (!configs || configs.type !== 'array') { return; }
    for (const c of configs.items) {
      if (c.type !== 'object') { continue; }
      const nameNode = prop(c, 'name');
      const label = `launch "${nameNode?.type === 'string' ? clip(nameNode.value, 40) : '?'}"`;
      const request = prop(c, 'request');
      const url = prop(c, 'url');
      if (url?.type === 'string') {
        b.spend(url.value.length);
        try {
          const u = new URL(url.value);
          const port = portLiteral(u.port);
          if (port !== undefined && LOCAL_HOSTS.has(u.hostname)) {
            out.ports.push({ port, protocol: 'tcp', file: f, line: lines.lineOf(url.offset), detail: `${label}: url ${u.origin}`, kind: 'explicit' });
          }
        } catch { /* ${variables} or not a URL: nothing to watch */ }
      }
      // An attach config's port is held by the program it attaches to, on purpose.
      const port = prop(c, 'port');
      if (port?.type === 'number' && request?.type === 'string' && request.value === 'launch' && portLiteral(String(port.value)) !== undefined) {
        out.ports.push({ port: port.value, protocol: 'tcp', file: f, line: lines.lineOf(port.offset), detail: `${label}: port ${port.value}`, kind: 'explicit' });
      }
      const env = prop(c, 'env');
      if (env?.type === 'object') {
        for (const e of env.props) {
          if (e.key !== 'PORT') { continue; }
          const value = e.value.type === 'string' || e.value.type === 'number' ? String(e.value.value) : '';
          const p = portLiteral(value);
          if (p !== undefined) { out.ports.push({ port: p, protocol: 'tcp', file: f, line: lines.lineOf(e.keyOffset), detail: `${label}: env PORT=${p}`, kind: 'explicit' }); }
        }
      }
      const command = prop(c, 'command');
      if (command?.type === 'string') {
        out.ports.push(...commandPorts(f, lines.lineOf(command.offset), command.value, label, b));
      }
      const exe = prop(c, 'runtimeExecutable');
      const args = [...strings(prop(c, 'runtimeArgs')), ...strings(prop(c, 'args'))];
      if (exe?.type === 'string' || args.length > 0) {
        // Without runtimeExecutable the debug adapter runs node: say so, or '--port' would be read as the program.
        const words = [exe?.type === 'string' ? exe.value : 'node', ...args];
        const at = exe ?? prop(c, 'runtimeArgs') ?? prop(c, 'args') ?? c;
        const line = words.map(quoteWord).join(' ');
        // Only ports written in the arguments: a bare runtimeExecutable says little about a default.
        out.ports.push(...commandPorts(f, lines.lineOf(at.offset), line, label, b).filter(p => p.kind === 'explicit'));
      }
    }
  });
}

export function devcontainerPorts(file: string, text: string, budget = WorkBudget.forText(text.length)): Detection {
  return withJson(file, text, budget, (f, root, lines, out) => {
    const forward = prop(root, 'forwardPorts');
    if (!forward || forward.type !== 'array') { return; }
    for (const item of forward.items) {
      let port: number | undefined;
      if (item.type === 'number') {
        port = portLiteral(String(item.value));
      } else if (item.type === 'string') {
        // "db:5432" is another container's port; only this machine's own ports can conflict here.
        const m = /^(?:(localhost|127\.0\.0\.1):)?(\d{1,5})$/.exec(item.value);
        port = m ? portLiteral(m[2]) : undefined;
      }
      if (port !== undefined) {
        out.ports.push({ port, protocol: 'tcp', file: f, line: lines.lineOf(item.offset), detail: `forwardPorts ${port}`, kind: 'explicit' });
      }
    }
  });
}
