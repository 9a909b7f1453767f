import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { type Canvas, createCanvas, GlobalFonts } from '@napi-rs/canvas';
import { Chart, type ChartConfiguration, registerables } from 'chart.js';

// The package exports only its JS (dist/); the fonts sit in fonts/ beside it.
const fontsDir = join(dirname(createRequire(import.meta.url).resolve('@embedpdf/fonts-jp')), '..', 'fonts');
export const FONT_REGULAR = join(fontsDir, 'NotoSansJP-Regular.otf');
const FAMILY = 'Noto Sans JP';

let ready = false;
/** Chart.js and the canvas font registry are process-wide; registering twice is harmless, once is enough. */
function setUp() {
  if (ready) return;
  Chart.register(...registerables);
  GlobalFonts.registerFromPath(FONT_REGULAR, FAMILY);
  ready = true;
}

export const COLORS = ['#19b394', '#3b7dd8', '#e8a33d', '#c0504d', '#8064a2', '#4bacc6'];

export interface ChartImage {
  jpeg: Buffer;
  width: number;
  height: number;
}

/** JPEG, not PNG: pdfkit embeds a JPEG as it is, while a PNG with alpha is decoded in JavaScript (most of the time). */
const whiteBackground = {
  id: 'whiteBackground',
  beforeDraw(chart: Chart) {
    const { ctx, width, height } = chart;
    ctx.save();
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, width, height);
    ctx.restore();
  },
};

/**
 * One canvas per size, reused: a report draws four charts of a few MB of pixels
 * each, held outside the JS heap until a collection frees them, so a batch of
 * reports grew the process by hundreds of MB. Drawing is synchronous, so a
 * canvas is never used by two charts at once.
 */
const canvases = new Map<string, Canvas>();
function canvasOf(width: number, height: number): Canvas {
  const key = `${width}x${height}`;
  let canvas = canvases.get(key);
  if (!canvas) canvases.set(key, (canvas = createCanvas(width, height)));
  return canvas;
}

/**
 * A chart drawn on the server, at twice its size in points so it stays crisp in
 * print (about 200 dpi at the width it is placed).
 */
export function renderChart(config: ChartConfiguration, width = 760, height = 360): ChartImage {
  setUp();
  const scale = 2;
  const canvas = canvasOf(width * scale, height * scale);
  const chart = new Chart(canvas as unknown as HTMLCanvasElement, {
    ...config,
    plugins: [whiteBackground],
    options: {
      ...config.options,
      responsive: false,
      animation: false,
      devicePixelRatio: scale,
      font: { family: FAMILY, size: 13 },
      plugins: {
        ...config.options?.plugins,
        legend: { labels: { font: { family: FAMILY, size: 13 } }, ...config.options?.plugins?.legend },
      },
    } as ChartConfiguration['options'],
  });
  Chart.defaults.font.family = FAMILY;
  chart.resize(width, height);
  chart.draw();
  const jpeg = canvas.toBuffer('image/jpeg', 92);
  chart.destroy();
  return { jpeg, width: width * scale, height: height * scale };
}
