import { ceremony2017, outcome2017, smallCeremony } from '../testing/kvalitetsmassan-2017.js';
import { pressRelease, prizeLines, swedishDate } from './press-release.js';

const ceremony = ceremony2017();
const outcomes = outcome2017();
const bySlug = (slug: string) => ceremony.categories.find((c) => c.slug === slug)!;
const outcome = (slug: string) => outcomes.find((o) => o.category === slug)!;
const winnerOf = (slug: string) => bySlug(slug).nominees.find((n) => n.slug === outcome(slug).winner)!;
const nbsp = '\u00a0';

describe('pressRelease', () => {
  it('writes the GötaPriset 2017 release in Swedish', () => {
    const text = pressRelease(ceremony, bySlug('gotapriset'), winnerOf('gotapriset'), outcome('gotapriset').motivation, '2017-11-14T18:42:10.000Z');
    expect(text).toBe(
      [
        'Vinnaren av GötaPriset 2017: Åre kommun',
        '',
        'Åre kommun vinner GötaPriset 2017 för ”Integrationsarbete när hjärtat får vara med”. Utmärkelsen delades ut vid Kvalitetsmässan 2017 – invigningsgala på GöteborgsOperan, Göteborg den 14 november 2017.',
        '',
        'Priset:',
        `– 150${nbsp}000 kronor`,
        '– Glasskulptur av glaskonstnären Kjell Engman',
        '',
        `Juryns motivering: ”${outcome('gotapriset').motivation}”`,
        '',
        'Tillkännagivet 14 november 2017 kl. 19.42.',
        '',
      ].join('\n'),
    );
  });

  it('names the presenter and keeps the jury’s quotes and commas verbatim', () => {
    const motivation = outcome('sveapriset').motivation;
    expect(motivation).toContain('”När robotar');
    const text = pressRelease(ceremony.ceremony, bySlug('sveapriset'), winnerOf('sveapriset'), motivation, new Date('2017-11-14T19:05:00Z'));
    expect(text.split('\n')[0]).toBe('Vinnaren av SveaPriset 2017: Socialförvaltningen i Trelleborgs kommun');
    expect(text).toContain('Socialförvaltningen i Trelleborgs kommun vinner SveaPriset 2017 för ”När robotar sköter handläggningen ägnar sig kommunen åt medborgarna”.');
    expect(text).toContain(`Juryns motivering: ”${motivation}”\n`);
    expect(text).not.toContain('Priset:');
    expect(text).toContain('kl. 20.05.');

    const kvalitet = pressRelease(ceremony, bySlug('sveriges-kvalitetskommun'), winnerOf('sveriges-kvalitetskommun'), outcome('sveriges-kvalitetskommun').motivation, '2017-11-14T19:30:00Z');
    expect(kvalitet).toContain('Helsingborgs stad vinner Sveriges KvalitetsKommun 2017. Utmärkelsen delades ut');
    expect(kvalitet).toContain('den 14 november 2017. Prisutdelare var Vesna Jovic, vd Sveriges Kommuner och Landsting (SKL).');
  });

  it('writes one release per 2017 award', () => {
    for (const o of outcomes) {
      const text = pressRelease(ceremony, bySlug(o.category), winnerOf(o.category), o.motivation, '2017-11-14T19:00:00Z');
      expect(text.startsWith(`Vinnaren av ${bySlug(o.category).name}: `)).toBe(true);
      expect(text).toContain(o.motivation);
      expect(text).toContain('Kvalitetsmässan 2017 – invigningsgala');
    }
  });

  it('uses an entry title as the winner name when there is no organisation', () => {
    const small = smallCeremony();
    const beta = small.categories[1];
    const text = pressRelease(small, beta, beta.nominees[0], 'Modigt.', '2026-05-20T18:00:00Z');
    expect(text.split('\n')[0]).toBe('Vinnaren av Betapriset: Bättre bibliotek');
    expect(text).toContain('Bättre bibliotek vinner Betapriset. Utmärkelsen delades ut vid Liten gala på Aulan den 20 maj 2026. Prisutdelare var Bo Berg.');
    expect(text).toContain('kl. 20.00.');
  });

  it('takes the date of the reveal, in the ceremony’s time zone, when the ceremony has none', () => {
    const small = smallCeremony();
    const undated = { ...small.ceremony, date: null, venue: null, timezone: 'Europe/Stockholm' };
    const text = pressRelease(undated, small.categories[0], small.categories[0].nominees[0], 'Bra.', '2026-12-31T23:30:00Z');
    expect(text).toContain('Utmärkelsen delades ut vid Liten gala den 1 januari 2027.');
    expect(text).toContain(`– 10${nbsp}000 kronor`);
  });
});

describe('prizeLines and swedishDate', () => {
  it('formats amounts the Swedish way', () => {
    expect(prizeLines({ amount: 150000, currency: 'SEK', items: [] })).toEqual([`150${nbsp}000 kronor`]);
    expect(prizeLines({ amount: 1, currency: 'SEK', items: [] })).toEqual(['1 krona']);
    expect(prizeLines({ amount: 2500.5, currency: 'EUR', items: ['Diplom'] })).toEqual([`2${nbsp}500,5 euro`, 'Diplom']);
    expect(prizeLines({ amount: 500, currency: 'USD', items: [] })).toEqual(['500 USD']);
    expect(prizeLines({ amount: null, currency: null, items: ['Glasskulptur'] })).toEqual(['Glasskulptur']);
    expect(prizeLines(null)).toEqual([]);
  });

  it('writes dates as day month year', () => {
    expect(swedishDate('2017-11-14')).toBe('14 november 2017');
    expect(swedishDate('2026-03-01')).toBe('1 mars 2026');
    expect(swedishDate('someday')).toBe('someday');
  });
});
