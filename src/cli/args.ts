// Minimal argv parser: known flags only, so a typo is an error (exit 2) rather than silently ignored.

export class UsageError extends Error {}

export interface FlagSpec {
  /** Names including dashes, e.g. ['--json'] or ['-p', '--ports']. */
  names: string[];
  /** Takes a value (`--timeout 500` or `--timeout=500`). */
  value?: boolean;
}

export interface ParsedArgs {
  positionals: string[];
  flags: Map<string, string | true>;
}

/** Flags are stored under their first name. */
export function parseArgs(argv: readonly string[], specs: readonly FlagSpec[]): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string | true>();
  const byName = new Map<string, FlagSpec>();
  for (const s of specs) { for (const n of s.names) { byName.set(n, s); } }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { positionals.push(...argv.slice(i + 1)); break; }
    // A dash and digits is a negative number (rejected as a port later), unless it is a flag's name (-9).
    if (a.startsWith('-') && a !== '-' && (!/^-\d/.test(a) || byName.has(a))) {
      const eq = a.indexOf('=');
      const name = eq > 0 ? a.slice(0, eq) : a;
      const spec = byName.get(name);
      if (!spec) { throw new UsageError(`unknown option ${name}`); }
      if (spec.value) {
        let v: string | undefined;
        if (eq > 0) { v = a.slice(eq + 1); }
        else { v = argv[++i]; }
        if (v === undefined || v === '') { throw new UsageError(`option ${name} needs a value`); }
        flags.set(spec.names[0], v);
      } else {
        if (eq > 0) { throw new UsageError(`option ${name} takes no value`); }
        flags.set(spec.names[0], true);
      }
    } else {
      positionals.push(a);
    }
  }
  return { positionals, flags };
}
