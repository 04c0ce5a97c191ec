import { execFile } from 'node:child_process';
import { unlinkSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import type { ChainablePromiseElement } from 'webdriverio';
import { which } from './paths.js';

const run = promisify(execFile);
const TIMED_OUT = Symbol('timed out');

/**
 * How screenshots are taken:
 *  - 'webdriver': the WebDriver screenshot commands (WebKit renders the page into a PNG);
 *  - 'x11': a capture of the X screen (ImageMagick `import`), cropped to the webview or element.
 * WebKitGTK started with WEBKIT_DISABLE_DMABUF_RENDERER=1 never answers the WebDriver screenshot
 * commands (the window itself renders fine, and every other command keeps working), so the first
 * screenshot that does not answer in time switches this run to X11 captures of what is on screen.
 */
export type CaptureMode = 'webdriver' | 'x11';

function settleWithin<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  promise.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolveTimeout) => {
    timer = setTimeout(() => resolveTimeout(TIMED_OUT), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

function geometry(box: Box): string {
  return `${Math.max(1, box.width)}x${Math.max(1, box.height)}+${Math.max(0, box.x)}+${Math.max(0, box.y)}`;
}

async function crop(source: string, box: Box, file: string): Promise<void> {
  const convert = which('convert');
  if (!convert)
    throw new Error(
      'ImageMagick `convert` is missing (Debian package imagemagick; scripts/setup.sh installs it)',
    );
  await run(convert, [source, '-crop', geometry(box), '+repage', file]);
}

const modes = new WeakMap<WebdriverIO.Browser, CaptureMode>();

export class Screenshotter {
  constructor(
    private readonly browser: WebdriverIO.Browser,
    private readonly webdriverTimeoutMs = 8000,
  ) {}

  get mode(): CaptureMode | undefined {
    return modes.get(this.browser);
  }

  private switchToX11(reason: string): void {
    if (modes.get(this.browser) !== 'x11') {
      console.warn(`e2e: ${reason}; taking screenshots from the X display instead`);
      modes.set(this.browser, 'x11');
    }
  }

  /** The app's web content, as PNG. */
  async window(file: string): Promise<void> {
    if (this.mode !== 'x11') {
      const result = await settleWithin(
        this.browser.takeScreenshot(),
        this.webdriverTimeoutMs,
      ).catch((e: Error) => e);
      if (typeof result === 'string') {
        writeFileSync(file, Buffer.from(result, 'base64'));
        modes.set(this.browser, 'webdriver');
        return;
      }
      this.switchToX11(
        result === TIMED_OUT
          ? `the WebDriver screenshot did not answer within ${this.webdriverTimeoutMs} ms`
          : `the WebDriver screenshot failed (${result.message.split('\n')[0]})`,
      );
    }
    await this.captureX11(await this.viewportBox(), file);
  }

  /**
   * One element, cropped to its box, as PNG: a capture of the viewport cut to the element's
   * bounding box (WebKitGTK's own element screenshot comes back black for SVG content).
   */
  async element(element: ChainablePromiseElement, file: string): Promise<void> {
    const el = await element.getElement();
    await el.scrollIntoView({ block: 'center', inline: 'center' });
    const rect = await this.browser.execute(
      (node: HTMLElement) => {
        const b = node.getBoundingClientRect();
        return {
          x: b.left,
          y: b.top,
          width: b.width,
          height: b.height,
          dpr: window.devicePixelRatio || 1,
        };
      },
      el as unknown as HTMLElement,
    );
    const box: Box = {
      x: Math.round(rect.x * rect.dpr),
      y: Math.round(rect.y * rect.dpr),
      width: Math.round(rect.width * rect.dpr),
      height: Math.round(rect.height * rect.dpr),
    };
    if (this.mode !== 'x11') {
      const viewportPng = `${file.replace(/\.png$/, '')}-viewport.png`;
      await this.window(viewportPng);
      if (this.mode === 'webdriver') {
        await crop(viewportPng, box, file);
        unlinkSync(viewportPng);
        return;
      }
      unlinkSync(viewportPng);
    }
    const viewport = await this.viewportBox();
    await this.captureX11({ ...box, x: viewport.x + box.x, y: viewport.y + box.y }, file);
  }

  /** Where the web content sits on the X screen: the window's position plus the chrome above/left of the viewport. */
  private async viewportBox(): Promise<Box> {
    const win = await this.browser.getWindowRect();
    const m = await this.browser.execute(() => ({
      ow: window.outerWidth,
      iw: window.innerWidth,
      oh: window.outerHeight,
      ih: window.innerHeight,
      dpr: window.devicePixelRatio || 1,
    }));
    return {
      x: win.x + Math.max(0, m.ow - m.iw),
      y: win.y + Math.max(0, m.oh - m.ih),
      width: Math.round(m.iw * m.dpr),
      height: Math.round(m.ih * m.dpr),
    };
  }

  private async captureX11(box: Box, file: string): Promise<void> {
    const importTool = which('import');
    if (!importTool)
      throw new Error(
        'ImageMagick `import` is missing (Debian package imagemagick; scripts/setup.sh installs it)',
      );
    if (!process.env.DISPLAY) throw new Error('no X DISPLAY to capture from');
    await run(importTool, ['-silent', '-window', 'root', '-crop', geometry(box), '+repage', file]);
  }
}
