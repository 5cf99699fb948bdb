// Unit tests of the IP advice helpers (src/ip-advice.ts), run by run.mjs.
import { assetIdFromRulesError, bilingual, byPriority, ownedByKind, paragraphs, parseDays, ruleSources, splitTags, type Recommendation } from '../../src/ip-advice';
import { notificationHref } from '../../src/exchange';

type Case = [string, () => void];
function eq(a: unknown, b: unknown, msg = ''): void {
  if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error(`${msg} expected ${JSON.stringify(b)}, got ${JSON.stringify(a)}`);
}

const rec = (kind: string, priority: Recommendation['priority']): Recommendation => ({ kind, priority, vi: kind, en: kind, basis: '' });

export const cases: Case[] = [
  ['IP advice: paragraphs split on blank lines, lines kept, CRLF and stray spaces handled, HTML left as text', () => {
    eq(paragraphs(''), []);
    eq(paragraphs(null), []);
    eq(paragraphs('  \n \n'), []);
    eq(paragraphs('Một dòng'), [['Một dòng']]);
    eq(paragraphs('Dòng 1\r\nDòng 2\r\n\r\n\r\nĐoạn 2  '), [['Dòng 1', 'Dòng 2'], ['Đoạn 2']]);
    eq(paragraphs('A\n \t \nB'), [['A'], ['B']]);
    eq(paragraphs('<script>x</script>\n<b>y</b>'), [['<script>x</script>', '<b>y</b>']]);
  }],
  ['IP advice: reminder days "60, 30, 7" parsed, sorted, deduplicated; bad input named', () => {
    eq(parseDays('60, 30, 7'), { days: [60, 30, 7] });
    eq(parseDays('7;30 60,30'), { days: [60, 30, 7] });
    eq(parseDays(' 14 '), { days: [14] });
    eq(parseDays(''), { error: 'empty' });
    eq(parseDays(' , ;'), { error: 'empty' });
    eq(parseDays('60, ba mươi'), { error: 'number' });
    eq(parseDays('-5'), { error: 'number' });
    eq(parseDays('7.5'), { error: 'number' });
    eq(parseDays('0'), { error: 'range' });
    eq(parseDays('366'), { error: 'range' });
    eq(parseDays('1,2,3,4,5,6'), { error: 'count' });
    eq(parseDays('1,2,3,4,5,5,5'), { days: [5, 4, 3, 2, 1] });
    eq(parseDays('10, 20', 15, 30), { error: 'range' });
  }],
  ['IP advice: tags split on commas and semicolons, repeats and blanks dropped', () => {
    eq(splitTags('gia hạn, nhãn hiệu;  gia hạn ,,  '), ['gia hạn', 'nhãn hiệu']);
    eq(splitTags(''), []);
    eq(splitTags('chỉ   dẫn\nđịa lý'), ['chỉ dẫn', 'địa lý']);
  }],
  ['IP advice: bilingual texts in the UI language, the other when missing', () => {
    eq(bilingual({ vi: 'Có', en: 'Yes' }, 'vi'), 'Có');
    eq(bilingual({ vi: 'Có', en: 'Yes' }, 'en'), 'Yes');
    eq(bilingual({ vi: 'Có', en: '' }, 'en'), 'Có');
    eq(bilingual({ en: 'Yes' }, 'vi'), 'Yes');
    eq(bilingual({}, 'vi'), '');
  }],
  ['IP advice: what is owned, summed by kind; recommendations by priority, stable', () => {
    eq(ownedByKind([{ kind: 'patent', status: 'granted', count: 2 }, { kind: 'patent', status: 'lapsed', count: 1 }, { kind: 'trademark', status: 'filed', count: 1 }]),
      [{ kind: 'patent', total: 3, statuses: [{ status: 'granted', count: 2 }, { status: 'lapsed', count: 1 }] },
        { kind: 'trademark', total: 1, statuses: [{ status: 'filed', count: 1 }] }]);
    eq(ownedByKind([]), []);
    eq(byPriority([rec('a', 'low'), rec('b', 'high'), rec('c', 'medium'), rec('d', 'high')]).map((r) => r.kind), ['b', 'd', 'c', 'a']);
  }],
  ['IP advice: a rule\'s legal sources in order without repeats; the asset a refusal names', () => {
    eq(ruleSources({ kind: 'patent', term: { source: 'Art. 93(2)' }, annuity: { source: 'Art. 94' }, opposition: { source: 'Art. 112a' },
      examination_request: { source: 'Art. 113(2)', changes: [{ source: 'Law 131/2025' }] }, publication: { source: 'Art. 94' } }),
    ['Art. 93(2)', 'Art. 94', 'Art. 113(2)', 'Law 131/2025', 'Art. 112a']);
    eq(ruleSources({ kind: 'layout_design' }), []);
    eq(assetIdFromRulesError('IP asset 42 (1-2020-00001) would have no schedule under these rules: x'), 42);
    eq(assetIdFromRulesError('kinds[0]: unknown kind'), null);
    eq(assetIdFromRulesError(undefined), null);
  }],
  ['IP advice: an answered request\'s notification opens its thread', () => {
    eq(notificationHref({ subject_type: 'advisory_request', subject_id: '12' }), '#/ip/advice/12');
    eq(notificationHref({ subject_type: 'advisory_request', subject_id: '12/../x' }), '#/notifications');
  }],
];
