import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChainablePromiseElement } from 'webdriverio';
import { Screenshotter, type CaptureMode } from './screenshot.js';

/**
 * Evidence of one run: numbered screenshots (01-home.png, 02-identity.png, ...) in the order the
 * journey takes them, plus any page or text worth keeping.
 */
export class Artifacts {
  private counter = 0;
  private readonly shots: Screenshotter;

  constructor(
    readonly dir: string,
    browser: WebdriverIO.Browser,
  ) {
    this.shots = new Screenshotter(browser);
  }

  /** How this run's screenshots are taken (known after the first one). */
  get captureMode(): CaptureMode | undefined {
    return this.shots.mode;
  }

  private next(name: string, ext: string): string {
    this.counter += 1;
    return join(this.dir, `${String(this.counter).padStart(2, '0')}-${name}.${ext}`);
  }

  /** The whole window. */
  async screenshot(name: string): Promise<string> {
    const file = this.next(name, 'png');
    await this.shots.window(file);
    return file;
  }

  /** The whole window, under an exact file name (for screens that are not steps of the journey). */
  async screenshotAs(fileName: string): Promise<string> {
    const file = join(this.dir, fileName);
    await this.shots.window(file);
    return file;
  }

  /** One element, cropped to its box. */
  async elementScreenshot(element: ChainablePromiseElement, name: string): Promise<string> {
    const file = this.next(name, 'png');
    await this.shots.element(element, file);
    return file;
  }

  /** A text file (an HTML page, a decoded payload), numbered like the screenshots. */
  text(name: string, ext: string, content: string): string {
    const file = this.next(name, ext);
    writeFileSync(file, content);
    return file;
  }
}
