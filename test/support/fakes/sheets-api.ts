/**
 * A Google Sheets API v4 fake in its wire format: `values.get`, `values.append`
 * (`…/values/{range}:append`) and `values.update` over in-memory sheets, with Google's
 * JSON error bodies. Every call needs a bearer token the OAuth fake says is live (else
 * 401 `UNAUTHENTICATED`); `tokens` records which token each call carried.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';

export interface SheetsFake {
  url: string;
  /** Rows per spreadsheet id (one sheet each; the range's sheet name is kept as given). */
  sheets: Map<string, unknown[][]>;
  /** The bearer token of every accepted call. */
  tokens: string[];
  /** Calls refused with 401. */
  unauthorized: number;
  close(): Promise<void>;
}

const googleError = (code: number, message: string, status: string) => ({ error: { code, message, status } });

export async function startSheetsFake(isLive: (token: string | undefined) => boolean): Promise<SheetsFake> {
  const sheets = new Map<string, unknown[][]>();
  const fake = { sheets, tokens: [] as string[], unauthorized: 0 };
  const app = express();
  app.use(express.json());
  app.use((req, res, next) => {
    const t = req.headers.authorization?.startsWith('Bearer ') ? req.headers.authorization.slice(7) : undefined;
    if (!isLive(t)) {
      fake.unauthorized++;
      res.status(401).json(googleError(401, 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.', 'UNAUTHENTICATED'));
      return;
    }
    fake.tokens.push(t!);
    next();
  });
  const sheetName = (range: string) => (range.includes('!') ? range.slice(0, range.indexOf('!')) : 'Sheet1');
  app.get('/v4/spreadsheets/:id/values/:range', (req, res) => {
    const rows = sheets.get(req.params.id);
    if (!rows) return void res.status(404).json(googleError(404, 'Requested entity was not found.', 'NOT_FOUND'));
    const name = sheetName(req.params.range);
    res.json({ range: `${name}!A1:Z${Math.max(rows.length, 1)}`, majorDimension: 'ROWS', ...(rows.length ? { values: rows } : {}) });
  });
  app.post('/v4/spreadsheets/:id/values/:range', (req, res) => {
    const m = /^(.*):append$/.exec(req.params.range);
    const rows = sheets.get(req.params.id);
    if (!m) return void res.status(404).json(googleError(404, 'Method not found.', 'NOT_FOUND'));
    if (!rows) return void res.status(404).json(googleError(404, 'Requested entity was not found.', 'NOT_FOUND'));
    if (!['RAW', 'USER_ENTERED'].includes(String(req.query['valueInputOption']))) return void res.status(400).json(googleError(400, "Invalid valueInputOption: ''", 'INVALID_ARGUMENT'));
    const values = (req.body as { values?: unknown[][] }).values ?? [];
    const name = sheetName(m[1]!);
    const start = rows.length + 1;
    rows.push(...values);
    const cols = Math.max(0, ...values.map((r) => r.length));
    res.json({
      spreadsheetId: req.params.id,
      tableRange: `${name}!A1:Z${start - 1}`,
      updates: { spreadsheetId: req.params.id, updatedRange: `${name}!A${start}:${String.fromCharCode(64 + Math.max(cols, 1))}${rows.length}`, updatedRows: values.length, updatedColumns: cols, updatedCells: values.reduce((n, r) => n + r.length, 0) },
    });
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return Object.assign(fake, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  });
}
