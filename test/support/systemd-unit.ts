/**
 * A systemd unit file as the spec files read it: section → key → values (a key may repeat). Comments and blank lines
 * are skipped; any other line that is neither `[Section]` nor `Key=value` throws, naming `file` and the line.
 */
export function parseUnit(text: string, file = 'the unit file'): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | undefined;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const header = /^\[(\w+)\]$/.exec(line);
    if (header) {
      current = new Map();
      sections.set(header[1]!, current);
      return;
    }
    const assignment = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (!assignment || !current) throw new Error(`${file} line ${index + 1} is neither a [Section] nor Key=value: ${raw}`);
    current.set(assignment[1]!, [...(current.get(assignment[1]!) ?? []), assignment[2]!]);
  });
  return sections;
}
