/** A random source in [0, 1), such as `seededRandom(seed)` of `@trainwire/core`. */
export type RandomSource = () => number;

const TOKEN_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A version-4-shaped UUID drawn from `random` (33 draws: 32 hex digits and the variant). */
export function seededUuid(random: RandomSource): string {
  const hex = seededHex(random, 32);
  const variant = '89ab'[Math.floor(random() * 4)];
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20)}`;
}

/** `length` random lower-case hexadecimal digits. */
export function seededHex(random: RandomSource, length: number): string {
  let text = '';
  for (let index = 0; index < length; index++) text += Math.floor(random() * 16).toString(16);
  return text;
}

/** `length` random characters of `alphabet` (by default `[a-z0-9]`), for keys, secrets and signatures. */
export function seededToken(random: RandomSource, length: number, alphabet = TOKEN_ALPHABET): string {
  let text = '';
  for (let index = 0; index < length; index++) text += alphabet[Math.floor(random() * alphabet.length)];
  return text;
}
