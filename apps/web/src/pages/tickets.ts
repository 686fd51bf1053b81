/**
 * Voter tickets (admin, `/admin?tickets=<ceremony>`, issue 16): issue N tickets, then print the sheet of QR codes
 * (each the ballot link `/vote/:c#t=<token>`) and download the CSV for a ticketing system. The tokens exist only in
 * this page's memory and in what is printed or downloaded now: the vote service keeps only their hashes.
 */
import '../styles/app.css';
import '../styles/tickets.css';
import QRCode from 'qrcode';
import type { IssuedTickets } from '@laurel/contracts';
import { Api, enc } from '../lib/api.js';
import { chrome } from '../lib/chrome.js';
import { h, replace } from '../lib/dom.js';
import { t } from '../lib/i18n.js';

/** The ballot link a ticket's QR code carries: the ticket in the fragment, never sent to a server by the browser. */
export function ballotLink(origin: string, ceremony: string, token: string): string {
  return `${origin}/vote/${enc(ceremony)}#t=${token}`;
}

export function mountTickets(root: HTMLElement, ceremony: string, token: string | null): void {
  const ui = chrome(t('ticketsTitle'));
  ui.conn.classList.add('hidden');
  document.title = `${t('ticketsTitle')} – Laurel`;
  document.body.classList.add('tickets-body');
  const api = new Api(token);
  const count = h('input', { id: 'tk-count', type: 'number', min: '1', max: '10000', value: '24', class: 'tk-count' });
  const issueBtn = h('button', { class: 'btn btn-gold', type: 'button' }, t('ticketsIssue'));
  const csvBtn = h('button', { class: 'btn', type: 'button', disabled: true }, t('ticketsCsv'));
  const printBtn = h('button', { class: 'btn', type: 'button', disabled: true }, t('ticketsPrint'));
  const sheet = h('div', { class: 'tk-sheet', 'data-testid': 'ticket-sheet' });
  let issued: IssuedTickets | null = null;
  replace(
    root,
    ui.bar,
    h(
      'main',
      { class: 'page tk-page' },
      ui.alerts,
      h(
        'section',
        { class: 'panel stack tk-controls' },
        h('h1', { class: 'display' }, t('ticketsTitle')),
        h('p', { class: 'muted' }, t('ticketsLead')),
        h('div', { class: 'row tk-row' }, h('label', { for: 'tk-count' }, t('ticketsCount')), count, issueBtn, csvBtn, printBtn),
      ),
      sheet,
    ),
  );

  issueBtn.addEventListener('click', () => {
    issueBtn.disabled = true;
    void (async () => {
      try {
        issued = await api.request<IssuedTickets>('POST', `/ceremonies/${enc(ceremony)}/tickets`, { count: Number(count.value) });
        const cards = await Promise.all(
          issued.tickets.map(async (ticket, i) => {
            const link = ballotLink(location.origin, ceremony, ticket.token);
            const canvas = h('canvas', { class: 'tk-qr', 'data-link': link });
            await QRCode.toCanvas(canvas, link, { errorCorrectionLevel: 'M', margin: 2, width: 220, color: { dark: '#000000', light: '#ffffff' } });
            return h('figure', { class: 'tk-card' }, canvas, h('figcaption', null, h('strong', null, t('ticketsCaption')), h('span', { class: 'tk-no' }, `#${i + 1} · ${ticket.id.slice(0, 8)}`)));
          }),
        );
        replace(sheet, cards);
        csvBtn.disabled = false;
        printBtn.disabled = false;
      } catch (error) {
        ui.showError((error as Error).message);
      } finally {
        issueBtn.disabled = false;
      }
    })();
  });
  csvBtn.addEventListener('click', () => {
    if (!issued) return;
    const rows = [['ticket_id', 'token', 'link'], ...issued.tickets.map((tk) => [tk.id, tk.token, ballotLink(location.origin, ceremony, tk.token)])];
    const url = URL.createObjectURL(new Blob([`\uFEFF${rows.map((r) => r.join(',')).join('\r\n')}\r\n`], { type: 'text/csv' }));
    const a = h('a', { href: url, download: `${ceremony}-voter-tickets-${issued.batchId.slice(0, 8)}.csv`, class: 'hidden' });
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  });
  printBtn.addEventListener('click', () => print());
}
