// Sentences that both the command line and the extension show are built in src/core, which cannot
// import `vscode`. They take this seam instead: the extension passes `vscode.l10n` (the user's display
// language), the command line passes `english` (it speaks English like ss, lsof and nmap). The
// parameter is called `l10n` and the call is `l10n.t(…)` so that the extraction tool that builds
// l10n/bundle.l10n.json finds these strings too.

export type L10nArg = string | number | boolean;

/** The part of `vscode.l10n` that core text builders use: `{0}`, `{1}` … are replaced by the arguments. */
export interface L10n {
  t(message: string, ...args: L10nArg[]): string;
}

/** The message itself with its placeholders filled in: what `vscode.l10n.t` returns without a bundle. */
export const english: L10n = {
  t(message: string, ...args: L10nArg[]): string {
    return message.replace(/\{(\d+)\}/g, (whole, index: string) => {
      const i = Number(index);
      return i < args.length ? String(args[i]) : whole;
    });
  },
};
