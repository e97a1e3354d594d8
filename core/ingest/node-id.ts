// Which node ids the mesh takes: 1-256 characters, no control characters, no lone surrogate
// halves (they do not survive UTF-8 storage, so two ids could become one). One rule for
// ingestion (subjects and link targets) and the cold app's routes: every node that can be
// created can also be addressed.
export const NODE_ID_RULE = 'a node id must be 1-256 characters without control characters, line or paragraph separators, or lone surrogates';

const FORBIDDEN = /[\u0000-\u001f\u007f\u2028\u2029]|\p{Cs}/u;

export function isValidNodeId(id: string): boolean {
  return id.length > 0 && id.length <= 256 && !FORBIDDEN.test(id);
}
