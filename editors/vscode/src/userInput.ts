// What the user types in an input box, turned into the server's command arguments.

// "10m", "1h30m", "in 2h" are durations (`in`); anything else ("tomorrow 09:00",
// "17:00", RFC 3339) is a time the server parses (`at`).
export function reminderWhen(input: string): { in: string } | { at: string } {
  const text = input.trim();
  if (!text) throw new Error('say when: 10m, 1h30m, 17:00, tomorrow 09:00…');
  const duration = /^(?:in\s+)?((?:\d+\s*[smhdw]\s*)+)$/i.exec(text);
  if (duration) return { in: duration[1].replace(/\s+/g, '') };
  return { at: text };
}

// "bob@example.com, eve@example.com" → ["bob@example.com", "eve@example.com"].
export function recipients(input: string): string[] {
  return input
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

// A line range of the editor (0-based, the end inclusive) from a selection that
// may end at column 0 of the line after the last one it covers.
export function selectedLines(start: { line: number }, end: { line: number; character: number }) {
  const endLine = end.line > start.line && end.character === 0 ? end.line - 1 : end.line;
  return { startLine: start.line, endLine };
}
