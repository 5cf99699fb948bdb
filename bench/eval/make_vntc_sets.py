#!/usr/bin/env python3
"""Builds BEIR-format evaluation sets from the VNTC news corpus (../shared/data/corpus-vi).

Each document's first sentence becomes the query for the rest of the document, and is removed
from the document (so the answer is not a copy of the query). Two query sets per collection:
  queries.jsonl          the sentence as written (with diacritics)
  queries_nodiac.jsonl   the same, typed without diacritics (NFD, marks dropped, đ→d)
and two query lengths:
  vntc-lead   the whole first sentence (capped at 30 syllables)
  vntc-short  its first 6 syllables (a headline-like keyword query)

The corpus is not copied into the repository: outputs go to bench/out/ (gitignored).
Usage: python3 bench/eval/make_vntc_sets.py [--corpus PATH] [--out bench/out] [--queries 1000]
"""
import argparse
import gzip
import json
import os
import random
import re
import unicodedata

SENT_END = re.compile(r'(?<=[.!?…])\s+(?=[A-ZÀ-ỸĐ0-9"“])|\n+')


def strip_diacritics(s):
    s = s.replace('đ', 'd').replace('Đ', 'D')
    return unicodedata.normalize('NFC', ''.join(
        c for c in unicodedata.normalize('NFD', s) if unicodedata.category(c) != 'Mn'))


def parse_args(default_seed):
    """The options both set makers take; returns the repository's root and the parsed options."""
    ap = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.normpath(os.path.join(here, '..', '..'))
    ap.add_argument('--corpus', default=os.path.normpath(
        os.path.join(root, '..', 'shared', 'data', 'corpus-vi', 'vntc_news_vi.jsonl.gz')))
    ap.add_argument('--out', default=os.path.join(root, 'bench', 'out'))
    ap.add_argument('--queries', type=int, default=1000)
    ap.add_argument('--seed', type=int, default=default_seed)
    return root, ap.parse_args()


def main():
    root, args = parse_args(20261122)

    docs = []
    with gzip.open(args.corpus, 'rt', encoding='utf-8') as f:
        for line in f:
            d = json.loads(line)
            text = d['text'].strip()
            parts = SENT_END.split(text, maxsplit=1)
            first = parts[0].strip()
            rest = parts[1].strip() if len(parts) > 1 else ''
            docs.append((d['id'], first, rest, d.get('category_vi', '')))

    eligible = [i for i, (_, first, rest, _) in enumerate(docs)
                if 6 <= len(first.split()) <= 60 and len(rest.split()) >= 50]
    rng = random.Random(args.seed)
    chosen = sorted(rng.sample(eligible, min(args.queries, len(eligible))))

    for name, cap in (('vntc-lead', 30), ('vntc-short', 6)):
        out = os.path.join(args.out, name)
        os.makedirs(os.path.join(out, 'qrels'), exist_ok=True)
        if name == 'vntc-lead':
            with gzip.open(os.path.join(out, 'corpus.jsonl.gz'), 'wt', encoding='utf-8') as f:
                for doc_id, first, rest, cat in docs:
                    f.write(json.dumps({'_id': doc_id, 'title': '', 'text': rest,
                                        'metadata': {'category': cat}}, ensure_ascii=False) + '\n')
        else:  # same corpus: link instead of a second copy
            link = os.path.join(out, 'corpus.jsonl.gz')
            if not os.path.exists(link):
                os.symlink(os.path.join('..', 'vntc-lead', 'corpus.jsonl.gz'), link)
        with open(os.path.join(out, 'queries.jsonl'), 'w', encoding='utf-8') as q, \
             open(os.path.join(out, 'queries_nodiac.jsonl'), 'w', encoding='utf-8') as qn, \
             open(os.path.join(out, 'qrels', 'test.tsv'), 'w', encoding='utf-8') as qr:
            qr.write('query-id\tcorpus-id\tscore\n')
            for n, i in enumerate(chosen):
                doc_id, first, _, _ = docs[i]
                text = ' '.join(first.split()[:cap])
                qid = 'q%04d' % n
                q.write(json.dumps({'_id': qid, 'text': text}, ensure_ascii=False) + '\n')
                qn.write(json.dumps({'_id': qid, 'text': strip_diacritics(text)},
                                    ensure_ascii=False) + '\n')
                qr.write('%s\t%s\t1\n' % (qid, doc_id))
        print('wrote', out, len(chosen), 'queries')


if __name__ == '__main__':
    main()
