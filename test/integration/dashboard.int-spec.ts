/// <reference lib="dom" />
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { postJson } from '../support/http';
import { stackInfo } from '../support/stack-info';

/** Debian's chromium (npm test installs it: scripts/prereqs.sh); CHROMIUM_PATH points elsewhere. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The dashboard page in headless Chromium: it loads, its charts draw, and its numbers move as messages come in. */
describe('GET /dashboard in headless Chromium', () => {
  const stack = stackInfo();
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(
        `no Chromium at ${CHROMIUM}: 'bash scripts/prereqs.sh test' installs it (npm test runs that first), or set CHROMIUM_PATH`,
      );
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });
  afterAll(() => browser?.close());

  it('renders the tiles and charts, and updates them when messages are sent', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${stack.sinkUrl}/dashboard`);
    const messages = page.getByTestId('messages');
    await page.waitForFunction(() => /^\d/.test(document.getElementById('messages')!.textContent ?? ''));
    const before = Number((await messages.textContent())!.replace(/\D/g, ''));

    const conversationId = `c-${randomUUID()}`;
    for (const text of ['I love you', 'what a lovely day', 'tell me a joke']) {
      const res = await postJson(`${stack.gatewayUrl}/v1/messages`, { conversationId, userId: 'u-dashboard', text, deadlineMs: 3000 });
      expect(res.status).toBe(200);
    }
    await page.waitForFunction(
      (n) => Number((document.getElementById('messages')!.textContent ?? '').replace(/\D/g, '')) >= n,
      before + 3,
      { timeout: 30_000 },
    );
    const drawn = await page.evaluate(() => {
      const charts = (window as unknown as { charts: Record<string, { data: { labels: unknown[]; datasets: { data: number[] }[] } }> })
        .charts;
      return Object.fromEntries(
        Object.entries(charts).map(([name, chart]) => [
          name,
          { labels: chart.data.labels.length, points: chart.data.datasets.reduce((sum, d) => sum + d.data.length, 0) },
        ]),
      );
    });
    for (const name of ['series', 'sources', 'latency', 'intents']) expect(drawn[name].points).toBeGreaterThan(0);
    const sizes = await page.$$eval('canvas', (canvases) => canvases.map((c) => [c.width, c.height]));
    expect(sizes).toHaveLength(6);
    for (const [width, height] of sizes) expect(width * height).toBeGreaterThan(0);
    expect(Number(await page.locator('#loveDeclarations').textContent())).toBeGreaterThanOrEqual(1);
    expect(errors).toEqual([]);
  });
});
