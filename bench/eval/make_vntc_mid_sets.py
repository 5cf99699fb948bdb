#!/usr/bin/env python3
"""Builds a second BEIR evaluation set from the VNTC news corpus, by another method than
make_vntc_sets.py (which uses each sampled document's *first* sentence, word for word).

vntc-mid-kw: for each of 1,000 sampled documents (another seed), one sentence from the *middle* of
the document (not its first two, not its last) is taken out of the document; the query is that
sentence's content syllables only (single-syllable stopwords of data/nlp-vi/stopwords_vi.txt,
numbers and punctuation dropped), in their order, at most the first 12. So the query is a string
of keywords about a detail of the story, not its lead (which summarises it), with the function
words gone and so fewer intact adjacent pairs. (Shuffling the keywords was tried and dropped:
Vietnamese words are several syllables, and shuffled syllables are not a query anyone types.)
One relevant document per query.

As for the other sets, a copy of the queries is typed without diacritics (NFD, marks dropped,
đ→d), the corpus is written to bench/out/ (gitignored, never committed), and the sets are
reproducible from the seed.

Usage: python3 bench/eval/make_vntc_mid_sets.py [--corpus PATH] [--out bench/out] [--queries 1000]
"""
import gzip
import json
import os
import random
import re
import unicodedata

from make_vntc_sets import SENT_END, parse_args, strip_diacritics  # the same sentences, folding, options

WORD = re.compile(r'\w+', re.UNICODE)


def main():
    root, args = parse_args(20261123)

    stop = set()
    with open(os.path.join(root, 'data', 'nlp-vi', 'stopwords_vi.txt'), encoding='utf-8') as f:
        for line in f:
            w = unicodedata.normalize('NFC', line.strip().lower())
            if w and not w.startswith('#') and ' ' not in w:
                stop.add(w)

    docs = []
    with gzip.open(args.corpus, 'rt', encoding='utf-8') as f:
        for line in f:
            d = json.loads(line)
            sents = [s.strip() for s in SENT_END.split(d['text'].strip()) if s.strip()]
            docs.append((d['id'], sents, d.get('category_vi', '')))

    def keywords(sentence):
        words = [w for w in WORD.findall(unicodedata.normalize('NFC', sentence))
                 if not w.isdigit() and w.lower() not in stop]
        return words

    # Eligible: at least 6 sentences, and a middle sentence with 6+ content words.
    rng = random.Random(args.seed)
    order = list(range(len(docs)))
    rng.shuffle(order)
    chosen = {}
    for i in order:
        if len(chosen) == args.queries:
            break
        _, sents, _ = docs[i]
        if len(sents) < 6:
            continue
        candidates = [k for k in range(2, len(sents) - 1)
                      if len(keywords(sents[k])) >= 6 and len(sents[k].split()) <= 60]
        if candidates:
            chosen[i] = rng.choice(candidates)

    out = os.path.join(args.out, 'vntc-mid-kw')
    os.makedirs(os.path.join(out, 'qrels'), exist_ok=True)
    with gzip.open(os.path.join(out, 'corpus.jsonl.gz'), 'wt', encoding='utf-8') as f:
        for i, (doc_id, sents, cat) in enumerate(docs):
            kept = [s for k, s in enumerate(sents) if chosen.get(i) != k]
            f.write(json.dumps({'_id': doc_id, 'title': '', 'text': '\n'.join(kept),
                                'metadata': {'category': cat}}, ensure_ascii=False) + '\n')
    with open(os.path.join(out, 'queries.jsonl'), 'w', encoding='utf-8') as q, \
         open(os.path.join(out, 'queries_nodiac.jsonl'), 'w', encoding='utf-8') as qn, \
         open(os.path.join(out, 'qrels', 'test.tsv'), 'w', encoding='utf-8') as qr:
        qr.write('query-id\tcorpus-id\tscore\n')
        for n, i in enumerate(sorted(chosen)):
            words = keywords(docs[i][1][chosen[i]])
            text = ' '.join(words[:12])
            qid = 'm%04d' % n
            q.write(json.dumps({'_id': qid, 'text': text}, ensure_ascii=False) + '\n')
            qn.write(json.dumps({'_id': qid, 'text': strip_diacritics(text)},
                                ensure_ascii=False) + '\n')
            qr.write('%s\t%s\t1\n' % (qid, docs[i][0]))
    print('wrote', out, len(chosen), 'queries')


if __name__ == '__main__':
    main()
