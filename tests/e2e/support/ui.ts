import type { ChainablePromiseElement } from 'webdriverio';

/** `[data-testid=...]`: the only way the journeys find things in the app. */
export function byTestId(testId: string): string {
  return `[data-testid="${testId}"]`;
}

export function testId(id: string, root?: WebdriverIO.Element): ChainablePromiseElement {
  return root ? root.$(byTestId(id)) : $(byTestId(id));
}

/**
 * The <input> (or <textarea>) a test id names: the element itself when the id sits on the input,
 * otherwise the one input inside it (Vant puts attributes of <van-field> on its wrapper unless told).
 */
export async function inputOf(id: string): Promise<WebdriverIO.Element> {
  const el = await $(byTestId(id)).getElement();
  await el.waitForExist();
  const tag = (await el.getTagName()).toLowerCase();
  if (tag === 'input' || tag === 'textarea') return el;
  const inner = el.$('input, textarea');
  await inner.waitForExist({
    timeoutMsg: `[data-testid=${id}] is neither an input nor contains one`,
  });
  return inner.getElement();
}

/** Clears an input and types text into it key by key, as a person would. */
export async function typeInto(id: string, text: string): Promise<WebdriverIO.Element> {
  const input = await inputOf(id);
  await input.waitForEnabled();
  await input.click();
  await input.clearValue();
  const leftover = await input.getValue();
  if (leftover !== '') {
    await browser.keys(['Control', 'a']);
    await browser.keys('Backspace');
  }
  await input.addValue(text);
  return input;
}

/**
 * Two presses in quick succession on the same spot (a nervous double tap), sent as one pointer
 * action sequence so nothing else happens between them. Falls back to two clicks when the driver
 * refuses pointer actions.
 */
export async function doublePress(id: string, b: WebdriverIO.Browser = browser): Promise<void> {
  const el = await b.$(byTestId(id)).getElement();
  await el.waitForClickable();
  try {
    await b
      .action('pointer', { parameters: { pointerType: 'mouse' } })
      .move({ origin: el })
      .down()
      .up()
      .pause(60)
      .down()
      .up()
      .perform();
  } catch {
    await el.click();
    await el.click().catch(() => undefined);
  } finally {
    await b.releaseActions().catch(() => undefined);
  }
}

/** Text of an element, trimmed. */
export async function textOf(id: string): Promise<string> {
  const el = $(byTestId(id));
  await el.waitForDisplayed();
  return (await el.getText()).trim();
}

/** Waits until an attribute of an element differs from a previous value; returns the new one. */
export async function waitForAttributeChange(
  id: string,
  attribute: string,
  previous: string | null,
  timeout = 10_000,
): Promise<string> {
  let current: string | null = previous;
  await browser.waitUntil(
    async () => {
      current = await $(byTestId(id)).getAttribute(attribute);
      return current !== null && current !== '' && current !== previous;
    },
    { timeout, timeoutMsg: `[data-testid=${id}] ${attribute} did not change within ${timeout} ms` },
  );
  return current as unknown as string;
}
