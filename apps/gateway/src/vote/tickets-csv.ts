import type { IssuedTickets } from '#contracts';

/** RFC 4180 CSV of an issued batch, for a ticketing system: id, token and the ballot link's fragment. */
export function ticketsCsv(issued: IssuedTickets): string {
  const rows = [['ticket_id', 'token', 'link_fragment'], ...issued.tickets.map((t) => [t.id, t.token, `#t=${t.token}`])];
  // Ids and tokens are UUIDs and base64url: nothing to quote.
  return `\uFEFF${rows.map((r) => r.join(',')).join('\r\n')}\r\n`;
}
