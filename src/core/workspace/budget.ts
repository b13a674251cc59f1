// Detection reads files a repository controls, so every parser runs under a work budget: it counts
// the characters it visits (loop steps, plus the length of every string it hands to indexOf, split
// or one of its linear regular expressions) and stops with a note when the count passes a limit
// proportional to the input. The count is deterministic, so tests can check that a parser's work
// grows linearly with its input without timing anything.

/** Characters a workspace file may have and still be analysed (the reader stops at 1 MiB). */
export const MAX_TEXT_CHARS = 1 << 20;
/** Steps allowed per input character (the parsers need 2–10), plus a fixed allowance. */
export const STEPS_PER_CHAR = 64;
export const BASE_STEPS = 100_000;

export class BudgetExceeded extends Error {
  constructor(readonly limit: number) {
    super(`needs more than ${limit} steps to analyse`);
  }
}

export class WorkBudget {
  steps = 0;
  constructor(readonly limit = Infinity) {}

  /** The default budget for one file of `length` characters. */
  static forText(length: number): WorkBudget {
    return new WorkBudget(BASE_STEPS + STEPS_PER_CHAR * length);
  }

  spend(n = 1): void {
    this.steps += n;
    if (this.steps > this.limit) { throw new BudgetExceeded(this.limit); }
  }
}

/** Text that may be shown to a user (a note, a detail), cut to `max` characters on one line. */
export function clip(text: string, max = 60): string {
  const head = text.length > max * 4 ? text.slice(0, max * 4) : text;
  const one = head.replace(/\s+/g, ' ').trim();
  return one.length > max || head.length < text.length ? `${one.slice(0, max - 1)}…` : one;
}
