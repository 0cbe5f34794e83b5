/**
 * The page probe: lets the end-to-end tests, which run in the extension host and cannot see the workbench DOM,
 * look at what chromium actually shows. The harness serves a few named queries on a loopback port
 * (SCALELENS_E2E_PAGE_PROBE) and runs them with playwright inside the workbench page or the simulation panel's
 * webview frame. Test-only: nothing in the extension knows about it.
 *
 * Requests: POST <probe>/<op> with a JSON body; the answer is JSON, or status 500 with the error text.
 *   panel      { title? }               what the simulation panel rendered (see panelSnapshot)
 *   setKnob    { key, value, title? }   types a what-if value into the panel, as a user would
 *   click      { id, title? }           clicks a button of the panel
 *   statusBar  {}                       text and tooltip of the ScaleLens status bar item
 *   quickPick  { label }                answers the open quick pick with the row labelled exactly `label`
 *   fileDialog { path }                 answers the open file dialog (VS Code's own, a quick input) with a path
 *   palette    { command }              runs a command from the command palette (F1) by its exact title
 *   notifications {}                    the messages the notification center lists
 *   showTab    { label }                clicks the editor tab labelled exactly `label`
 */
import { createServer } from 'node:http';

/** POLL_MS is the pause between looks at the page while waiting for a frame. */
const POLL_MS = 150;

/**
 * panelFrames lists the frames of the page that hold a ScaleLens simulation panel (its `#cards` box), optionally
 * only those whose heading contains `title`. Webview frames come and go as panels open and close, so a frame that
 * cannot be evaluated is skipped.
 * @param {import('playwright-core').Page} page
 * @param {string | undefined} title
 */
export async function panelFrames(page, title) {
  const found = [];
  for (const frame of page.frames()) {
    const heading = await frame
      .evaluate(() => (document.getElementById('cards') ? document.getElementById('title')?.textContent ?? '' : null))
      .catch(() => null);
    if (heading !== null && (title === undefined || heading.includes(title))) found.push(frame);
  }
  return found;
}

/**
 * panelFrame waits up to `timeoutMs` for exactly one panel frame matching `title` whose charts are drawn
 * (`body[data-rendered]`), and returns it.
 * @param {import('playwright-core').Page} page
 * @param {string | undefined} title
 * @param {number} timeoutMs
 */
export async function panelFrame(page, title, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  let seen = 0;
  for (;;) {
    const frames = await panelFrames(page, title);
    seen = frames.length;
    if (frames.length === 1) {
      const rendered = await frames[0].evaluate(() => document.body.dataset.rendered).catch(() => undefined);
      if (rendered) return frames[0];
    }
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  throw new Error(`no single rendered simulation panel${title ? ` titled '${title}'` : ''} after ${timeoutMs / 1000} s (${seen} matching frame${seen === 1 ? '' : 's'})`);
}

/**
 * panelSnapshot reads what the panel shows: heading, status line, the key of the runs compared, summary cards
 * (the second run's value with its run's name for screen readers), the What-if inputs, the Apply
 * button, and per chart its uPlot canvas and legend. For each series of the legend it counts the canvas pixels
 * painted in that series' colour (taken from its legend marker): that is what proves a line was drawn, not merely
 * a chart created.
 * @param {import('playwright-core').Frame} frame
 */
export function panelSnapshot(frame) {
  return frame.evaluate(() => {
    const text = (/** @type {Element | null | undefined} */ e) => e?.textContent?.trim() ?? '';
    /** rgb reads `rgb(r, g, b)` or `rgba(...)` as numbers; undefined for transparent or unset colours. */
    const rgb = (/** @type {string} */ css) => {
      const m = /^rgba?\((\d+), (\d+), (\d+)(?:, ([\d.]+))?\)$/.exec(css);
      return m && (m[4] === undefined || Number(m[4]) > 0) ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
    };
    const charts = [...document.querySelectorAll('#charts .chart')].map((holder) => {
      const canvas = holder.querySelector('canvas');
      const pixels = canvas && canvas.width && canvas.height ? canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data : undefined;
      /** painted counts opaque pixels within a small distance of a colour (line cores; anti-aliased edges differ). */
      const painted = (/** @type {number[] | undefined} */ c) => {
        if (!pixels) return 0;
        let n = 0;
        for (let i = 0; i < pixels.length; i += 4) {
          if (pixels[i + 3] < 128) continue;
          if (!c || Math.abs(pixels[i] - c[0]) + Math.abs(pixels[i + 1] - c[1]) + Math.abs(pixels[i + 2] - c[2]) < 40) n++;
        }
        return n;
      };
      const series = [...holder.querySelectorAll('.u-legend .u-series')].slice(1).map((row) => {
        const colour = rgb(getComputedStyle(row.querySelector('.u-marker') ?? row).borderTopColor);
        return { label: text(row.querySelector('.u-label')), colour: colour ? `rgb(${colour.join(', ')})` : null, pixels: colour ? painted(colour) : 0 };
      });
      return {
        id: holder.id,
        title: text(holder.querySelector('.u-title')),
        description: holder.getAttribute('aria-label') ?? '',
        canvas: canvas ? { width: canvas.width, height: canvas.height } : null,
        painted: painted(undefined),
        series,
      };
    });
    return {
      title: text(document.getElementById('title')),
      subtitle: text(document.getElementById('subtitle')),
      scenario: /** @type {HTMLSelectElement | null} */ (document.getElementById('scenario'))?.selectedOptions[0]?.textContent ?? null,
      status: text(document.getElementById('status')),
      rendered: document.body.dataset.rendered ?? null,
      cards: [...document.querySelectorAll('#cards .card')].map((c) => ({
        label: text(c.querySelector('.card-label')),
        value: text(c.querySelector('.card-value')),
        alt: text(c.querySelector('.card-alt')) || null,
        altLabel: c.querySelector('.card-alt')?.getAttribute('aria-label') ?? null,
      })),
      runs: [...document.querySelectorAll('#runs:not([hidden]) .run')].map(text),
      charts,
      knobs: [...document.querySelectorAll('#knobs input[type=number]')].map((i) => ({ id: i.id, value: /** @type {HTMLInputElement} */ (i).value })),
      applyEnabled: !(/** @type {HTMLButtonElement | null} */ (document.getElementById('apply'))?.disabled ?? true),
    };
  });
}

/**
 * quickPickRow is the row of the open quick pick whose label is exactly `label` (the palette also lists entries
 * that merely contain it, such as "Browse Color Themes in Marketplace" for "Color Theme").
 * @param {import('playwright-core').Page} page
 * @param {string} label
 */
export function quickPickRow(page, label) {
  return page.locator('.quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: exactly(label) }) }).first();
}

/**
 * exactly matches a whole text and nothing longer.
 * @param {string} text
 */
function exactly(text) {
  return new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
}

/**
 * runCommand runs a workbench command through the command palette (F1), as a user would.
 * @param {import('playwright-core').Page} page
 * @param {string} title
 * @param {number} [timeoutMs]
 */
export async function runCommand(page, title, timeoutMs = 10_000) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: timeoutMs });
  await input.fill(`>${title}`);
  await quickPickRow(page, title).click({ timeout: timeoutMs });
}

/**
 * pickRow types into an open quick pick and accepts the row with exactly that label.
 * @param {import('playwright-core').Page} page
 * @param {string} label
 * @param {number} [timeoutMs]
 */
export async function pickRow(page, label, timeoutMs = 10_000) {
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: timeoutMs });
  await input.fill(label);
  await quickPickRow(page, label).click({ timeout: timeoutMs });
}

/** @type {Record<string, (page: import('playwright-core').Page, args: Record<string, unknown>) => Promise<unknown>>} */
const OPS = {
  async panel(page, { title }) {
    return panelSnapshot(await panelFrame(page, /** @type {string | undefined} */ (title)));
  },
  async setKnob(page, { key, value, title }) {
    const frame = await panelFrame(page, /** @type {string | undefined} */ (title));
    // fill() types into the number box and fires `input`; the page acts on `change`, as on Enter or blur.
    const input = frame.locator(`#knob-${String(key)}`);
    await input.fill(String(value));
    await input.dispatchEvent('change');
    return null;
  },
  async click(page, { id, title }) {
    const frame = await panelFrame(page, /** @type {string | undefined} */ (title));
    await frame.locator(`#${String(id)}`).click();
    return null;
  },
  async quickPick(page, { label }) {
    await pickRow(page, String(label));
    return null;
  },
  async fileDialog(page, { path }) {
    // VS Code's own file dialog is a quick input holding the folder it lists. Until it has listed its first folder
    // (which has a `..` row) it may still write that folder over what was typed; and after typing, it ignores Enter
    // until it lists the typed folder. So wait for each list, as a user looks before going on.
    const input = page.locator('.quick-input-widget input');
    await quickPickRow(page, '..').waitFor({ timeout: 10_000 });
    await input.fill(String(path));
    await quickPickRow(page, String(path).split('/').pop() ?? '').waitFor({ timeout: 10_000 });
    const typed = await input.inputValue();
    if (typed !== path) throw new Error(`the file dialog shows '${typed}', not the path typed`);
    await input.press('Enter');
    await input.waitFor({ state: 'hidden', timeout: 10_000 });
    return null;
  },
  async palette(page, { command }) {
    await runCommand(page, String(command));
    return null;
  },
  async showTab(page, { label }) {
    const tab = page.locator('.tabs-container .tab').filter({ has: page.locator('.label-name', { hasText: exactly(String(label)) }) });
    await tab.first().click({ timeout: 10_000 });
    return null;
  },
  async notifications(page) {
    // Toasts come and go, and this workbench may file a notification without one; the notification center behind
    // the bell in the status bar lists them all. Open it as a user would, read it, and close it again.
    const bell = page.locator('.statusbar-item[id="status.notifications"]');
    const center = page.locator('.notifications-center');
    const wasOpen = await center.isVisible();
    if (!wasOpen) await bell.click();
    await center.waitFor({ timeout: 10_000 });
    const messages = await center.locator('.notification-list-item-message').allTextContents();
    if (!wasOpen) await bell.click();
    return messages;
  },
  async statusBar(page) {
    return page.evaluate(() => {
      const item = [...document.querySelectorAll('.statusbar-item')].find((e) => e.id.endsWith('scalelens.status'));
      return item ? { text: item.textContent?.trim() ?? '', ariaLabel: item.querySelector('a')?.getAttribute('aria-label') ?? item.getAttribute('aria-label') ?? '' } : null;
    });
  },
};

/**
 * startPageProbe serves the probe on a free 127.0.0.1 port; `page()` gives the page once the workbench is open.
 * @param {() => import('playwright-core').Page | undefined} page
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export async function startPageProbe(page) {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', async () => {
      const op = OPS[(req.url ?? '').replace(/^\//, '')];
      const p = page();
      try {
        if (req.method !== 'POST' || !op) throw new Error(`unknown probe request ${req.method} ${req.url}`);
        if (!p) throw new Error('the workbench page is not open yet');
        const result = await op(p, body ? JSON.parse(body) : {});
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
      } catch (e) {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(e instanceof Error ? e.message : String(e));
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the page probe has no port');
  return { url: `http://127.0.0.1:${address.port}`, close: () => new Promise((resolve) => {
    server.close(() => resolve());
    // The extension host keeps its connection alive; do not wait for it to hang up.
    server.closeAllConnections();
  }) };
}
