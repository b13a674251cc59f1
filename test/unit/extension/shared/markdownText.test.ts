// Text from processes and workspace files in Markdown tooltips: rendered with marked (what VS Code
// renders hovers with), hostile text must come out as the same text, in the same place.
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { marked } from 'marked';
import { markdownCodeBlock, markdownInlineCode, markdownText, visibleControls } from '../../../../src/extension/shared/markdownText';
import { visible } from '../../../../src/core/visibleText';

const render = (md: string) => marked.parse(md, { async: false });
const unescapeHtml = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

// Printable text with the characters that mean something in Markdown, and line breaks.
const hostile = fc.array(fc.constantFrom('`', '```', '~~~', '\n', '#', '[', ']', '(', ')', '<', '>', '*', '_', '!', '\\', '$(x)', '&amp;', 'http://a.b', ' ', 'a', '1.', '- ', '|'), { maxLength: 30 }).map(a => a.join(''));

describe('Markdown-safe rendering of untrusted text', () => {
  it('a code block holds any command line whole: one <pre>, the text unchanged', () => {
    fc.assert(fc.property(hostile, code => {
      const html = render(`before${markdownCodeBlock(code, 'sh')}after`);
      const blocks = [...html.matchAll(/<pre><code[^>]*>([^]*?)<\/code><\/pre>/g)];
      assert.equal(blocks.length, 1, html);
      assert.equal(unescapeHtml(blocks[0][1]).replace(/\n$/, ''), code, html);
      assert.match(html, /<p>after<\/p>/);
    }), { numRuns: 500 });
  });

  it('inline text makes no element at all and reads as written', () => {
    fc.assert(fc.property(hostile, text => {
      const html = render(`x ${markdownText(text, 1000)}`).trim();
      assert.match(html, /^<p>[^<]*<\/p>$/, html);
      // Markdown collapses and trims blanks; everything else must read as written.
      const blanks = (s: string) => s.replace(/\s+/g, ' ').trim();
      const shown = unescapeHtml(html.slice(3, -4)).replace(/\u200b/g, '');
      assert.equal(blanks(shown), blanks(`x ${visibleControls(text)}`), html);
    }), { numRuns: 500 });
  });

  it('an inline code span is one <code> with the text inside', () => {
    fc.assert(fc.property(hostile.filter(t => t.trim() !== ''), text => {
      const html = render(`x ${markdownInlineCode(text, 1000)} y`);
      const spans = [...html.matchAll(/<code>([^]*?)<\/code>/g)];
      assert.equal(spans.length, 1, html);
      assert.equal(unescapeHtml(spans[0][1]).replace(/\u200b/g, ''), visibleControls(text), html);
    }), { numRuns: 500 });
  });

  it('tooltips make the same characters visible as the command line: zero-width ones included', () => {
    // a process named "node" with a zero-width space, a zero-width joiner and a BOM hidden in it
    const name = 'no\u200bd\u200de\ufeff';
    assert.equal(visibleControls(name), 'no\\u200bd\\u200de\\ufeff');
    assert.equal(visibleControls(name), visible(name));
    const shown = unescapeHtml(render(markdownText(name, 100)).trim().slice(3, -4));
    assert.equal(shown, 'no\\u200bd\\u200de\\ufeff', 'rendered as escapes, not as invisible characters');
    // every character the command line escapes, the tooltip escapes too (line breaks as \n, \r, \t)
    for (let c = 0; c <= 0xffff; c++) {
      const ch = String.fromCharCode(c);
      if (visible(ch) !== ch) { assert.notEqual(visibleControls(ch), ch, `U+${c.toString(16).padStart(4, '0')}`); } else { assert.equal(visibleControls(ch), ch); }
    }
  });
});
