// Entry point of the `port-inspector` command. Each subcommand lives in src/cli/<name>Command.ts.
import { UsageError } from './cli/args';
import { helpText } from './cli/help';
import { line } from './core/visibleText';

type Command = (argv: string[]) => Promise<number>;

// Each command's module is initialised only when it runs: a `list` does not pay for the scanner
// (sockets, dns, worker threads) or kill's prompt (readline). About 3 ms of every start. require()
// rather than import(): esbuild bundles it as a lazily initialised module, and the per-file build
// the tests run keeps Node's CommonJS resolution.
/* eslint-disable @typescript-eslint/no-require-imports */
const commands: Record<string, Command> = {
  list: argv => (require('./cli/listCommand') as typeof import('./cli/listCommand')).listCommand(argv),
  who: argv => (require('./cli/whoCommand') as typeof import('./cli/whoCommand')).whoCommand(argv),
  kill: argv => (require('./cli/killCommand') as typeof import('./cli/killCommand')).killCommand(argv),
  scan: argv => (require('./cli/scanCommand') as typeof import('./cli/scanCommand')).scanCommand(argv),
};
/* eslint-enable @typescript-eslint/no-require-imports */

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(helpText(rest[0]));
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(line(`port-inspector: unknown command "${name}" (try --help)`));
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(helpText(name));
    return 0;
  }
  try {
    return await command(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(line(`port-inspector ${name}: ${e.message}`));
      return 2;
    }
    // Anything else is a failure of the system, not of the arguments: one line, no stack.
    process.stderr.write(line(`port-inspector ${name}: ${e instanceof Error ? e.message : String(e)}`));
    return 3;
  }
}

if (require.main === module) {
  // EPIPE when piped into `head` is the reader's choice, not an error. Any other failure to write the
  // output (a full disk: ENOSPC) means the output is lost: say so in one sentence and fail.
  process.stdout.on('error', e => {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EPIPE') { process.exit(0); }
    process.stderr.write(`port-inspector: could not write the output (${code ?? e.message}).\n`);
    process.exit(3);
  });
  main(process.argv.slice(2)).then(code => { process.exitCode = code; });
}
