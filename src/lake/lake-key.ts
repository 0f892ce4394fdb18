/** Lake keys: relative, `/`-separated, and never able to climb out of the lake root. */

/** Returns `key` when it is safe, else throws naming what is wrong with it. */
export function checkKey(key: string): string {
  const problem =
    !key ? 'is empty'
    : key.includes('\0') ? 'contains a NUL byte'
    : key.includes('\\') ? 'contains a backslash'
    : key.startsWith('/') || /^[a-zA-Z]:/.test(key) ? 'is absolute'
    : /%2e|%2f|%5c/i.test(key) ? 'contains an encoded dot or slash'
    : key.split('/').some((part) => part === '' || part === '.' || part === '..') ? 'has an empty, "." or ".." segment'
    : undefined;
  if (problem) throw new Error(`lake key ${JSON.stringify(key)} ${problem}`);
  return key;
}
