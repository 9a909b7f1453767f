export type CsvEncoding = 'utf-8' | 'utf-8-bom' | 'shift_jis';

const BOM = [0xef, 0xbb, 0xbf];

/**
 * The text of an HRIS export as Japanese HR teams have it: UTF-8, UTF-8 with a BOM,
 * or Shift_JIS from Excel. Bytes that are not valid UTF-8 are read as Shift_JIS
 * (Windows-31J, which is what Excel writes); a file that is neither is refused.
 */
export function decodeCsv(bytes: Uint8Array): { text: string; encoding: CsvEncoding } | undefined {
  if (BOM.every((byte, i) => bytes[i] === byte)) {
    const text = strictDecode('utf-8', bytes.subarray(3));
    return text === undefined ? undefined : { text, encoding: 'utf-8-bom' };
  }
  const utf8 = strictDecode('utf-8', bytes);
  if (utf8 !== undefined) return { text: utf8, encoding: 'utf-8' };
  const sjis = strictDecode('shift_jis', bytes);
  return sjis === undefined ? undefined : { text: sjis, encoding: 'shift_jis' };
}

function strictDecode(label: string, bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder(label, { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}
