/** "512 KiB", "1.5 MiB", "976.6 KiB" for 1,000,000 bytes. No Node or DOM imports: the page uses it too. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${oneDecimal(n / 1024)} KiB`;
  return `${oneDecimal(n / 1024 / 1024)} MiB`;
}

function oneDecimal(x: number): string {
  return x.toFixed(1).replace(/\.0$/, "");
}

/** What the page and the server both say when a file is over a widget's limit. */
export function tooLargeMessage(name: string, maxBytes: number): string {
  return `${name} is larger than the limit of ${formatBytes(maxBytes)}.`;
}
