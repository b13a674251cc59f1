// Text that other users control (process names, command lines, working directories, user names)
// must not steer the terminal or dialog that shows it: an ESC sequence can erase or rewrite the line that
// asks "kill this?", OSC 52 writes the clipboard, a bidi override shows text in another order than
// it is. Such characters are printed as visible escapes instead: \x1b, \x9b, \u202e.

/** C0 controls, DEL, C1 controls, and the invisible format characters that reorder or hide text. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNSAFE = /[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/;
/** Every unsafe character (global: for replace); the one set for terminals, dialogs and tooltips. */
export const UNSAFE_ALL = new RegExp(UNSAFE.source, 'g');

/** `\x1b`, `\u202e`: what the character is, in characters that render as themselves. */
export function escapeOne(c: string): string {
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `text` with every unsafe character replaced by its escape; the same string when there is none. */
export function visible(text: string): string {
  return UNSAFE.test(text) ? text.replace(UNSAFE_ALL, escapeOne) : text;
}

/** One line of output: the text made visible, then a newline. */
export function line(text: string): string {
  return visible(text) + '\n';
}
