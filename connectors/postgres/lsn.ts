// Postgres log sequence numbers: `16/B374D848` (two 32-bit hex halves) as a bigint and back, and
// the sequence a captured change carries: the commit's LSN × 10¹⁰ + the change's position in its
// transaction. Commits are decoded in commit order, so a later commit always sorts higher, and
// changes to one row within a transaction keep their order; a row read by the initial snapshot
// gets the slot's consistent point × 10¹⁰, below every change streamed after it.

export function parseLsn(text: string): bigint {
  const m = /^([0-9a-f]{1,8})\/([0-9a-f]{1,8})$/i.exec(text.trim());
  if (!m) throw new Error(`"${text}" is not a Postgres LSN (like 16/B374D848)`);
  return (BigInt(`0x${m[1]}`) << 32n) | BigInt(`0x${m[2]}`);
}

export function formatLsn(lsn: bigint): string {
  return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`;
}

/** 30 digits at most (the ordering keys take 40). */
const PER_TRANSACTION = 10_000_000_000n;

export function changeSequence(commitLsn: bigint, position: number): string {
  if (position >= Number(PER_TRANSACTION)) throw new Error(`a transaction with over ${PER_TRANSACTION} changes to published tables`);
  return (commitLsn * PER_TRANSACTION + BigInt(position)).toString();
}
