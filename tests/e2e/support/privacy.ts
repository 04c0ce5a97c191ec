import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The masked form the app shows: first 6 + 8 asterisks + last 4 (640104********0022). */
export function maskIdNumber(idNumber: string): string {
  return `${idNumber.slice(0, 6)}********${idNumber.slice(-4)}`;
}

/** 马小燕 → 马** : enough to tell people apart in a message, not enough to identify one. */
export function maskName(name: string): string {
  const chars = [...name];
  return chars.length === 0 ? '' : chars[0] + '*'.repeat(chars.length - 1);
}

const ID_LIKE = /\d{17}[\dXx]|\d{15}/g;

/**
 * Makes text safe for a test log: every ID-like run of digits is masked and every given name is
 * replaced by its masked form. Use it on anything read from the app before printing it.
 */
export function redact(text: string, names: readonly string[] = []): string {
  let out = text.replace(ID_LIKE, (m) => maskIdNumber(m));
  for (const name of names) if (name) out = out.split(name).join(maskName(name));
  return out;
}

/** The byte patterns under which a secret could sit in a file: plain UTF-8, and JSON \u escapes. */
export function needlesFor(idNumber: string, name: string): { label: string; bytes: Buffer }[] {
  const needles: { label: string; bytes: Buffer }[] = [];
  for (const id of new Set([idNumber.toUpperCase(), idNumber.toLowerCase()])) {
    const note = /x$/.test(id) ? ' (lower-case x)' : '';
    needles.push({ label: `ID number ${maskIdNumber(id)}${note}`, bytes: Buffer.from(id, 'utf8') });
  }
  needles.push({ label: `name ${maskName(name)}`, bytes: Buffer.from(name, 'utf8') });
  const hex = [...name].map((c) => c.codePointAt(0)!.toString(16).padStart(4, '0'));
  for (const escaped of new Set([
    hex.join('\\u'),
    hex.join('\\u').toUpperCase().replace(/\\U/g, '\\u'),
  ])) {
    needles.push({
      label: `name ${maskName(name)} (JSON escaped)`,
      bytes: Buffer.from(`\\u${escaped}`, 'utf8'),
    });
  }
  return needles;
}

export interface Leak {
  file: string;
  what: string;
}

function walk(dir: string, files: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, files);
    else if (entry.isFile()) files.push(path);
  }
  return files;
}

/** The needles one file contains, by their masked labels. */
export function leaksInFile(file: string, needles: { label: string; bytes: Buffer }[]): string[] {
  const content = readFileSync(file);
  return needles.filter((needle) => content.includes(needle.bytes)).map((needle) => needle.label);
}

/**
 * Every file under root (recursively) that contains one of the needles, except those whose path
 * relative to root `skip` accepts. Reports masked labels only.
 */
export function findLeaks(
  root: string,
  needles: { label: string; bytes: Buffer }[],
  skip: (relativePath: string) => boolean = () => false,
): Leak[] {
  return walk(root)
    .filter((file) => !skip(relative(root, file)))
    .flatMap((file) =>
      leaksInFile(file, needles).map((what) => ({ file: relative(root, file), what })),
    );
}

/** Files under root, with sizes: shows that a privacy scan had something to look at. */
export function listFiles(root: string): { file: string; size: number }[] {
  return walk(root).map((file) => ({ file: relative(root, file), size: statSync(file).size }));
}
