/**
 * Elapsed time as the spinner shows it, in 0.1 s steps with zero parts dropped:
 * "(1.3 seconds)", "(2 minutes)", "(1 hour, 1 minute, 1.1 seconds)".
 */
export function formatElapsed(ms: number): string {
  const tenths = Math.max(0, Math.floor(ms / 100));
  const hours = Math.floor(tenths / 36_000);
  const minutes = Math.floor((tenths % 36_000) / 600);
  const secondTenths = tenths % 600;
  const parts: string[] = [];
  if (hours > 0) parts.push(`${hours} ${hours === 1 ? "hour" : "hours"}`);
  if (minutes > 0) parts.push(`${minutes} ${minutes === 1 ? "minute" : "minutes"}`);
  if (secondTenths > 0 || parts.length === 0) parts.push(`${(secondTenths / 10).toFixed(1)} seconds`);
  return `(${parts.join(", ")})`;
}
