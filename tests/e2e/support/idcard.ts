/** GB 11643-1999 check character of an 18-character resident identity number. */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';

export function residentIdCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new Error('a resident ID body is exactly 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += Number(first17[i]) * WEIGHTS[i];
  return CHECK_CHARS[sum % 11];
}

export function isValidResidentId(idNumber: string): boolean {
  const upper = idNumber.toUpperCase();
  return /^\d{17}[\dX]$/.test(upper) && residentIdCheckChar(upper.slice(0, 17)) === upper[17];
}

/** The same number with a check character that is certainly wrong. */
export function withWrongCheckChar(idNumber: string): string {
  const body = idNumber.slice(0, 17);
  const right = residentIdCheckChar(body);
  const wrong = right === '1' ? '2' : '1';
  return body + wrong;
}

/** How a person types the number: an X check character as lower-case x, to prove the app accepts it. */
export function asTyped(idNumber: string): string {
  return idNumber.endsWith('X') ? `${idNumber.slice(0, 17)}x` : idNumber;
}
