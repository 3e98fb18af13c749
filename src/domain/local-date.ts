// Calendar days are the workspace's days (Asia/Shanghai by default), written YYYY-MM-DD: what deadlines,
// leave periods and certificate validity are compared in.

export function localDate(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone }).format(at);
}
