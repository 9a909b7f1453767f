import PDFDocument from 'pdfkit';
import { FONT_REGULAR } from './charts.ts';

/**
 * pdfkit parses a font file for every document, and for every name it is
 * registered under: Noto Sans JP is a 4.5 MB CFF font, and parsing it was about
 * 40% of a report's time and most of its garbage. Its EmbeddedFont only needs a
 * parsed (fontkit) font, which holds no per-document state: so the font is parsed
 * once per process and each document gets its own EmbeddedFont around it.
 *
 * This reaches into pdfkit's font cache (`_fontFamilies`, `_fontCount`), which is
 * why pdfkit's version is pinned; if those are ever missing, documents fall back
 * to pdfkit's own way (correct, only slower). test/reports.test.ts checks both.
 */
interface Internals {
  _fontFamilies?: Record<string, unknown>;
  _fontCount?: number;
  _font?: { font?: unknown; constructor: new (doc: PDFKit.PDFDocument, font: unknown, id: string) => { name: string } };
}

let shared: { parsed: unknown; EmbeddedFont: NonNullable<Internals['_font']>['constructor'] } | null | undefined;

function sharedFont() {
  if (shared !== undefined) return shared;
  // A throwaway document parses the font once; its EmbeddedFont gives the class and the parsed font.
  const probe = new PDFDocument({ autoFirstPage: false }) as PDFKit.PDFDocument & Internals;
  probe.font(FONT_REGULAR);
  shared =
    probe._fontFamilies && typeof probe._fontCount === 'number' && probe._font?.font
      ? { parsed: probe._font.font, EmbeddedFont: probe._font.constructor }
      : null;
  return shared;
}

/** Makes `names` the report font in `doc`, parsed once per process when pdfkit allows it. */
export function useReportFont(doc: PDFKit.PDFDocument, names: string[], options: { shareParsedFont?: boolean } = {}): void {
  const font = options.shareParsedFont === false ? null : sharedFont();
  const internals = doc as PDFKit.PDFDocument & Internals;
  if (!font || !internals._fontFamilies || typeof internals._fontCount !== 'number') {
    for (const name of names) doc.registerFont(name, FONT_REGULAR);
    return;
  }
  const embedded = new font.EmbeddedFont(doc, font.parsed, `F${++internals._fontCount}`);
  for (const name of names) {
    doc.registerFont(name, FONT_REGULAR);
    internals._fontFamilies[name] = embedded;
  }
  internals._fontFamilies[embedded.name] = embedded;
}
