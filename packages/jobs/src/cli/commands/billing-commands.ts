import type { MiddlemanCommand } from '../cli-context.js';
import { credits } from '../cli-jobs-format.js';

/** Where credits are bought (the Python CLI's link). */
export const BILLING_URL = 'https://middleman.cloud/dashboard/billing';

const balance: MiddlemanCommand = {
  path: ['billing', 'balance'],
  summary: 'Show your credit balance',
  args: [],
  options: [],
  examples: ['middleman billing balance', 'middleman billing balance --json'],
  async run(context) {
    const client = await context.client();
    const result = await client.getBalance({ signal: context.signal });
    if (context.json) return void context.emit(result);
    const { out } = context;
    const rows = [
      ['Total', credits(result.balance)],
      ['Reserved', out.paint('yellow', credits(result.reserved))],
      ['Available', out.paint('green', credits(result.available))],
      ...(result.expires_at ? [['Expires', result.expires_at.slice(0, 10)]] : []),
    ];
    out.table(['TYPE', 'CREDITS'], rows, { title: 'Credit Balance', right: [1] });
    return undefined;
  },
};

const packages: MiddlemanCommand = {
  path: ['billing', 'packages'],
  summary: 'Show the credit packages for sale',
  args: [],
  options: [],
  examples: ['middleman billing packages'],
  async run(context) {
    const client = await context.client();
    const result = await client.getPackages({ signal: context.signal });
    if (context.json) return void context.emit(result);
    const { out } = context;
    out.table(
      ['PACKAGE', 'CREDITS', 'PRICE', '$/CREDIT'],
      result.map((item) => [
        item.name,
        credits(item.credits),
        out.paint('green', `$${item.price_dollars.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`),
        `$${(item.price_cents / item.credits / 100).toFixed(4)}`,
      ]),
      { title: 'Credit Packages', right: [1, 2, 3] },
    );
    out.line();
    out.line(out.paint('dim', `Purchase credits at ${BILLING_URL}`));
    return undefined;
  },
};

const history: MiddlemanCommand<{ limit: number; offset: number; all?: boolean }> = {
  path: ['billing', 'history'],
  summary: 'Show your credit transactions, newest first',
  args: [],
  options: [
    { flags: '-l, --limit <N>', description: 'Transactions to show (1-100)', kind: 'integer', default: 20 },
    { flags: '--offset <N>', description: 'Transactions to skip', kind: 'integer', default: 0 },
    { flags: '-a, --all', description: 'Every transaction, page after page' },
  ],
  examples: ['middleman billing history', 'middleman billing history --limit 50', 'middleman billing history --all --json'],
  async run(context) {
    const client = await context.client();
    const { limit, offset, all } = context.options;
    const listing = client.getTransactions({ limit, offset }, { signal: context.signal });
    const [transactions, total] = all ? [await listing.toArray(), undefined] : await listing;
    const shownTotal = total ?? transactions.length;
    if (context.json) return void context.emit(transactions, { total: shownTotal });
    const { out } = context;
    if (transactions.length === 0) return void out.line(out.paint('dim', 'No transactions found.'));
    out.table(
      ['DATE', 'TYPE', 'CREDITS', 'DESCRIPTION'],
      transactions.map((item) => [
        item.created_at.slice(0, 10),
        item.type,
        item.amount > 0 ? out.paint('green', `+${credits(item.amount)}`) : out.paint('red', credits(item.amount)),
        item.description.slice(0, 48),
      ]),
      { title: `Transaction History (${transactions.length} of ${shownTotal})`, right: [2] },
    );
    return undefined;
  },
};

export const billingCommands: MiddlemanCommand[] = [balance, packages, history];
