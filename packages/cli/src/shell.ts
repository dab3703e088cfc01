// Hand-written: quoting for `sh -c` is four lines; shell-quote would be a dependency for that.
const SAFE = /^[\w@%+=:,./-]+$/;

/** Joins argv into one `sh -c` string that the shell splits back into the same words. */
export function shellJoin(argv: string[]): string {
  return argv.map((a) => (a !== "" && SAFE.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(" ");
}
