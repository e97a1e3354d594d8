// The columns each source record reads, as Markdown: what a file, a table or an event of that
// record must carry (required ones marked), for people who feed the mesh and have not read the
// contract's source. Written by `meshgraph contracts build` (records.md); docs/connectors.md
// holds it for the sample product, checked by a test against this function.
import type { ContractModel, FieldModel, RecordModel } from './model';

function kindOf(field: FieldModel): string {
  const kind = field.kind === 'enum' ? `enum: ${(field.values ?? []).join(', ')}` : field.kind;
  return field.list ? `list of ${kind} (\`;\`-separated or a JSON array)` : kind;
}

/** Pipes and line breaks would break a table cell. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

function recordSection(record: RecordModel, heading: string): string {
  const fields = Object.values(record.fields);
  const key = fields.find((f) => f.required && f.name !== record.sequence);
  const about = [
    record.description,
    key ? `Row key (default \`--key\`): \`${key.name}\`.` : undefined,
    record.sequence !== undefined
      ? `Sequence: \`${record.sequence}\`${record.fields[record.sequence]?.required ? '' : " (without the column, a file's rows get one from its modification time)"}.`
      : "No sequence column: a file's rows get one from its modification time.",
  ].filter((s): s is string => s !== undefined);
  const rows = fields.map((f) => `| \`${cell(f.name)}\` | ${f.required ? '**yes**' : ''} | ${cell(kindOf(f))} | ${cell(f.description ?? '')} |`);
  return [
    `${heading} \`${record.type}\` (source \`${record.source}\`)`,
    '',
    about.join(' '),
    '',
    '| column | required | kind | notes |',
    '|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

/**
 * Every source record of a data product with its columns, in declaration order. `level` is the
 * heading level of each record (2 in a file of its own, deeper inside a document).
 */
export function recordsMarkdown(model: ContractModel, level = 2): string {
  const heading = '#'.repeat(level);
  const records = Object.values(model.sources).flatMap((s) => Object.values(s.records));
  if (records.length === 0) return `The data product \`${model.name}\` declares no source records.\n`;
  return records.map((r) => recordSection(r, heading)).join('\n');
}
