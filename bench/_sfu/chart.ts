/**
 * The scaling curves as one SVG file (no chart library): one panel per chart,
 * one polyline per series, log x axis when x spans more than 20×.
 */
import type { Curve } from './common';

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
const W = 460;
const H = 300;
const M = { left: 64, right: 16, top: 36, bottom: 64 };

function esc(s: string): string {
	return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function ticks(min: number, max: number, count = 5): number[] {
	const span = max - min || 1;
	const step0 = span / count;
	const mag = 10 ** Math.floor(Math.log10(step0));
	const step = [1, 2, 5, 10].map((f) => f * mag).find((s) => s >= step0)!;
	const out: number[] = [];

	for (let v = Math.ceil(min / step) * step; v <= max + 1e-9; v += step) {
		out.push(Number(v.toPrecision(6)));
	}

	return out;
}

function label(v: number): string {
	return v >= 1000 ? `${Number((v / 1000).toPrecision(3))}k` : String(Number(v.toPrecision(3)));
}

function panel(title: string, curves: Curve[], ox: number, oy: number): string {
	const points = curves.filter((c) => c.y !== null && Number.isFinite(c.y));
	const xs = [...new Set(curves.map((c) => c.x))].sort((a, b) => a - b);
	const xmin = Math.min(...xs);
	const xmax = Math.max(...xs);
	const logX = xmin > 0 && xmax / xmin > 20;
	const ymax = Math.max(1e-9, ...points.map((c) => c.y!)) * 1.1;
	const pw = W - M.left - M.right;
	const ph = H - M.top - M.bottom;
	const fx = (x: number): number =>
		ox + M.left + (xmax === xmin ? pw / 2 : logX ? ((Math.log(x) - Math.log(xmin)) / (Math.log(xmax) - Math.log(xmin))) * pw : ((x - xmin) / (xmax - xmin)) * pw);
	const fy = (y: number): number => oy + M.top + ph - (y / ymax) * ph;
	const parts: string[] = [];

	parts.push(`<text x="${ox + W / 2}" y="${oy + 20}" text-anchor="middle" font-weight="bold">${esc(title)}</text>`);
	parts.push(`<rect x="${ox + M.left}" y="${oy + M.top}" width="${pw}" height="${ph}" fill="none" stroke="#999"/>`);
	for (const y of ticks(0, ymax)) {
		parts.push(`<line x1="${ox + M.left}" x2="${ox + M.left + pw}" y1="${fy(y)}" y2="${fy(y)}" stroke="#eee"/>`);
		parts.push(`<text x="${ox + M.left - 6}" y="${fy(y) + 4}" text-anchor="end">${label(y)}</text>`);
	}
	for (const x of xs) {
		parts.push(`<text x="${fx(x)}" y="${oy + M.top + ph + 16}" text-anchor="middle">${label(x)}</text>`);
	}

	const series = [...new Set(curves.map((c) => c.series))];

	series.forEach((name, i) => {
		const color = COLORS[i % COLORS.length];
		const pts = points.filter((c) => c.series === name).sort((a, b) => a.x - b.x);

		if (pts.length > 0) {
			parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.map((p) => `${fx(p.x).toFixed(1)},${fy(p.y!).toFixed(1)}`).join(' ')}"/>`);
			for (const p of pts) {
				parts.push(`<circle cx="${fx(p.x).toFixed(1)}" cy="${fy(p.y!).toFixed(1)}" r="3" fill="${color}"><title>${esc(name)}: ${p.x} → ${p.y}</title></circle>`);
			}
		}
		parts.push(`<rect x="${ox + M.left + (i % 2) * 190}" y="${oy + H - 30 + Math.floor(i / 2) * 14}" width="10" height="10" fill="${color}"/>`);
		parts.push(`<text x="${ox + M.left + (i % 2) * 190 + 14}" y="${oy + H - 21 + Math.floor(i / 2) * 14}">${esc(name)}</text>`);
	});

	return parts.join('\n');
}

export function renderSvg(curves: Curve[], caption: string): string {
	const charts = [...new Set(curves.map((c) => c.chart))];
	const cols = Math.min(2, charts.length);
	const rows = Math.ceil(charts.length / cols);
	const width = cols * W;
	const height = rows * H + 30;
	const body = charts.map((chart, i) => panel(chart, curves.filter((c) => c.chart === chart), (i % cols) * W, 30 + Math.floor(i / cols) * H));

	return (
		`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">\n` +
		`<rect width="100%" height="100%" fill="white"/>\n<text x="8" y="18">${esc(caption)}</text>\n${body.join('\n')}\n</svg>\n`
	);
}
