// Dev-server port detection over a workspace folder's file texts. Pure: the caller reads the files
// (readDevPortFiles) and hands them in; every file kind has its own small parser.
import type { Detection, FileText } from './devPortTypes';
import { composePorts } from './composePorts';
import { envFilePorts } from './envFilePorts';
import { angularJsonPorts, devcontainerPorts, launchJsonPorts, packageJsonPorts } from './jsonFilePorts';
import { viteConfigPorts } from './viteConfigPorts';

const CONFIG_EXTS = ['ts', 'js', 'mjs', 'cjs', 'mts', 'cts'];

type Parser = (file: string, text: string) => Detection;

/** Every file detection looks at, relative to a workspace folder, with its parser. */
export const DEV_PORT_FILES: readonly { file: string; parse: Parser }[] = [
  { file: 'package.json', parse: packageJsonPorts },
  ...['.env', '.env.local', '.env.development', '.env.development.local'].map(file => ({ file, parse: envFilePorts })),
  ...['vite', 'vitest'].flatMap(name => CONFIG_EXTS.map(ext => ({ file: `${name}.config.${ext}`, parse: viteConfigPorts }))),
  { file: 'angular.json', parse: angularJsonPorts },
  { file: '.vscode/launch.json', parse: launchJsonPorts },
  ...['docker-compose.yml', 'docker-compose.yaml', 'compose.yml', 'compose.yaml'].map(file => ({ file, parse: composePorts })),
  { file: '.devcontainer/devcontainer.json', parse: devcontainerPorts },
  { file: '.devcontainer.json', parse: devcontainerPorts },
];

/** One glob (relative to a folder) matching every file above, for a file-system watcher. */
export function devPortFilesGlob(): string {
  return `{${DEV_PORT_FILES.map(f => f.file).join(',')}}`;
}

/**
 * Ports of one workspace folder. `files` maps a relative path to its text (or read error); paths
 * that are absent simply do not exist. Never throws: a parser failure becomes a note.
 */
export function detectDevPorts(files: ReadonlyMap<string, FileText>): Detection {
  const result: Detection = { ports: [], notes: [] };
  for (const { file, parse } of DEV_PORT_FILES) {
    const content = files.get(file);
    if (content === undefined) { continue; }
    if ('error' in content) {
      result.notes.push({ file, message: `cannot read (${content.error}); skipped` });
      continue;
    }
    try {
      const d = parse(file, content.text);
      result.ports.push(...d.ports);
      result.notes.push(...d.notes);
    } catch (e) {
      result.notes.push({ file, message: `could not be analysed (${e instanceof Error ? e.message : String(e)}); skipped` });
    }
  }
  // A port set in a config file replaces the tool's default: `vite` + server.port 3001 → 3001 only.
  const configured = new Set(result.ports.filter(p => p.kind === 'explicit' && p.defaultOf).map(p => p.defaultOf));
  result.ports = result.ports.filter(p => !(p.kind === 'default' && p.defaultOf && configured.has(p.defaultOf)));
  return result;
}
