import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { which } from './paths.js';

const run = promisify(execFile);

async function zbar(file: string): Promise<string | undefined> {
  try {
    const { stdout } = await run('zbarimg', ['--raw', '-q', file], { encoding: 'utf8' });
    const text = stdout.replace(/\r?\n$/, '');
    return text === '' ? undefined : text;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOENT')
      throw new Error(
        'zbarimg is not installed (Debian package zbar-tools; scripts/setup.sh installs it)',
      );
    if (code === 4) return undefined;
    throw error;
  }
}

/**
 * Decodes the QR code in a PNG with zbarimg. An element screenshot is cropped at the symbol's edge,
 * so when the plain image gives nothing it is retried with a white quiet zone around it and
 * magnified with nearest-neighbour scaling (ImageMagick), which keeps module edges sharp.
 * Returns the text and which image it came from.
 */
export async function decodeQr(
  png: string,
): Promise<{ text: string; from: 'as-captured' | 'padded' } | undefined> {
  const direct = await zbar(png);
  if (direct !== undefined) return { text: direct, from: 'as-captured' };
  const convert = which('convert');
  if (!convert) return undefined;
  const padded = png.replace(/\.png$/, '') + '-padded.png';
  await run(convert, [
    png,
    '-background',
    'white',
    '-flatten',
    '-bordercolor',
    'white',
    '-border',
    '32',
    '-filter',
    'point',
    '-resize',
    '300%',
    padded,
  ]);
  const retried = await zbar(padded);
  return retried === undefined ? undefined : { text: retried, from: 'padded' };
}
