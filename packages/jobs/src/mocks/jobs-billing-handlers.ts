import { HttpResponse } from 'msw';
import { type HandlerGroup, pageQuery } from './jobs-mock-http.js';

/** Billing: balance, packages and paged transactions. */
export const billingHandlers: HandlerGroup = (context) => {
  const { base, state, http } = context;
  return [
    http.get(`${base}/billing/balance`, () => {
      for (const entry of state.jobs.values()) state.advance(entry);
      const { balance, reserved, expires_at } = state.account;
      return HttpResponse.json({ balance, reserved, available: balance - reserved, expires_at });
    }),
    http.get(`${base}/billing/packages`, () => HttpResponse.json({ packages: state.packages })),
    http.get(`${base}/billing/transactions`, ({ request }) => {
      const page = pageQuery(request);
      if (page instanceof Response) return page;
      for (const entry of state.jobs.values()) state.advance(entry);
      const newest = [...state.transactions].reverse();
      return HttpResponse.json({ data: newest.slice(page.offset, page.offset + page.limit), total: newest.length });
    }),
  ];
};
