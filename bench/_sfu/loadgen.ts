/**
 * Load generator (a child process of a scenario): RTP/SRTP streams over UDP
 * to broth's (or mediasoup's) ingest PlainTransports. VP8-like video (frames
 * of `perFrame` packets, descriptor with S bit and key frame flag, marker on
 * the last packet, a key frame each second) and Opus-like audio. Every
 * payload carries the send time (CLOCK_MONOTONIC, µs, float64 at payload
 * offset 8) for the sinks' delay figures.
 *
 * Requests: add {streams}, run {ids?, pps?} (continuous), burst {count}
 * (each active stream sends `count` more packets at its rate, then stops;
 * resolves when done), pause, resume, stats.
 */
import { createSocket, type Socket } from 'node:dgram';
import { SrtpSession } from '../../src/proto/srtp/SrtpSession';
import { serve, SUITE } from './common';

type StreamSpec = {
	id: string;
	port: number;
	ssrc: number;
	kind: 'video' | 'audio';
	payloadType: number;
	size: number;
	pps: number;
	perFrame?: number;
	/** SRTP master key+salt (base64) the ingest transport got in connect(). */
	srtpKey?: string;
};

function nowUs(): number {
	const [s, ns] = process.hrtime();

	return s * 1e6 + ns / 1e3;
}

const sockets = new Map<string, Socket>(); // by "key:port": one connected socket per destination (and key)
const sessions = new Map<string, SrtpSession>();

class Stream {
	readonly spec: StreamSpec;
	readonly socket: Socket;
	readonly srtp: SrtpSession | undefined;
	readonly template: Buffer;
	readonly perFrame: number;
	seq = Math.floor(Math.random() * 30000);
	timestamp = Math.floor(Math.random() * 1e9);
	frame = 0;
	inFrame = 0;
	lastKeyUs = -1e12;
	sent = 0;
	/** Packets owed by the current burst (or Infinity when running). */
	budget = 0;
	startUs = 0;
	dueBase = 0;
	/**
	 * Continuous streams start this long after run/resume, drawn once in [0, 1/pps): independent
	 * senders are not phase-aligned (with one shared start every stream of every participant sent
	 * in the same tick, a synchronized burst no real room produces). Bursts start at once.
	 */
	phaseUs = 0;
	pps: number;

	constructor(spec: StreamSpec, socket: Socket, srtp: SrtpSession | undefined) {
		this.spec = spec;
		this.socket = socket;
		this.srtp = srtp;
		this.pps = spec.pps;
		this.perFrame = spec.kind === 'video' ? (spec.perFrame ?? 4) : 1;
		this.template = Buffer.alloc(12 + spec.size, 0xab);
		this.template[0] = 0x80;
		this.template[1] = spec.payloadType;
		this.template.writeUInt32BE(spec.ssrc >>> 0, 8);
		if (spec.kind === 'audio') {
			this.template[12] = 0x78; // Opus TOC (20 ms SILK/CELT frame)
		} else {
			this.template[12] = 0x90; // X=1, S set per packet
			this.template[13] = 0x80; // I: picture id present
		}
	}

	/** Builds and sends one packet. */
	send(now: number): void {
		const spec = this.spec;
		const packet = Buffer.allocUnsafe(this.template.length);

		this.template.copy(packet);

		const first = this.inFrame === 0;
		const last = this.inFrame === this.perFrame - 1;

		packet[1] = spec.payloadType | (last ? 0x80 : 0);
		packet.writeUInt16BE(this.seq & 0xffff, 2);
		packet.writeUInt32BE(this.timestamp >>> 0, 4);
		if (spec.kind === 'video') {
			const key = first && now - this.lastKeyUs >= 1e6;

			if (key) {
				this.lastKeyUs = now;
			}
			packet[12] = first ? 0x90 : 0x80;
			packet[14] = 0x80 | ((this.frame >> 8) & 0x7f);
			packet[15] = this.frame & 0xff;
			// VP8 payload header (RFC 6386 9.1): P bit 0 on key frames.
			packet[16] = first ? (key ? 0x10 : 0x11) : 0x11;
		}
		packet.writeDoubleLE(nowUs(), 20);

		this.seq++;
		this.inFrame++;
		if (last) {
			this.inFrame = 0;
			this.frame++;
			this.timestamp += spec.kind === 'video' ? Math.round(90000 / (this.pps / this.perFrame)) : 960;
		}

		const out = this.srtp ? this.srtp.protectRtp(packet) : packet;

		if (out) {
			this.socket.send(out);
			this.sent++;
		}
	}
}

const streams = new Map<string, Stream>();
let active: Stream[] = [];
let paused = false;
let timer: NodeJS.Timeout | undefined;
let burstDone: (() => void) | undefined;

async function socketFor(port: number, key: string): Promise<Socket> {
	const name = `${key}:${port}`;
	let socket = sockets.get(name);

	if (!socket) {
		socket = createSocket('udp4');
		await new Promise<void>((resolve) => socket!.bind(0, '127.0.0.1', () => resolve()));
		socket.setSendBufferSize(4 * 1024 * 1024);
		socket.on('message', () => {}); // RTCP from the SFU: ignored
		socket.on('error', () => {});
		await new Promise<void>((resolve) => socket!.connect(port, '127.0.0.1', () => resolve()));
		sockets.set(name, socket);
	}

	return socket;
}

function start(stream: Stream, budget: number, now: number): void {
	stream.budget = budget;
	stream.startUs = now + stream.phaseUs;
	stream.dueBase = stream.sent;
}

const MAX_PER_TICK = 4000;

function tick(): void {
	timer = undefined;
	if (paused || active.length === 0) {
		return;
	}

	const now = nowUs();
	let behind = false;
	let pending = false;

	for (const stream of active) {
		if (stream.budget <= 0) {
			continue;
		}

		const due = Math.min(Math.floor(((now - stream.startUs) * stream.pps) / 1e6) + 1 - (stream.sent - stream.dueBase), stream.budget);
		// Negative before a phased start.
		let n = Math.max(0, Math.min(due, MAX_PER_TICK));

		if (due > MAX_PER_TICK) {
			behind = true;
		}
		stream.budget -= n;
		while (n-- > 0) {
			stream.send(now);
		}
		if (stream.budget > 0) {
			pending = true;
		}
	}
	if (!pending) {
		const done = burstDone;

		burstDone = undefined;
		done?.();

		return;
	}
	if (behind) {
		setImmediate(tick);
	} else {
		timer = setTimeout(tick, 1);
	}
}

function kick(): void {
	if (timer === undefined) {
		timer = setTimeout(tick, 0);
	}
}

serve({
	async add({ streams: specs }: { streams: StreamSpec[] }) {
		for (const spec of specs) {
			let srtp: SrtpSession | undefined;

			if (spec.srtpKey) {
				srtp = sessions.get(spec.srtpKey);
				if (!srtp) {
					srtp = new SrtpSession(SUITE as any, spec.srtpKey);
					sessions.set(spec.srtpKey, srtp);
				}
			}
			streams.set(spec.id, new Stream(spec, await socketFor(spec.port, spec.srtpKey ?? ''), srtp));
		}

		return streams.size;
	},
	/** Streams run continuously (all, or `ids`), at `pps` if given. */
	run({ ids, pps }: { ids?: string[]; pps?: number }) {
		const now = nowUs();
		const chosen = ids ? ids.map((id) => streams.get(id)!) : [...streams.values()];

		for (const stream of chosen) {
			if (pps !== undefined) {
				stream.pps = pps;
			}
			stream.phaseUs = Math.random() * (1e6 / stream.pps);
			start(stream, Infinity, now);
		}
		active = [...streams.values()].filter((s) => s.budget > 0);
		paused = false;
		kick();

		return active.length;
	},
	/** Every stream sends `count` packets at `pps` (or its own rate); resolves when all are out. */
	burst({ count, pps }: { count: number; pps?: number }) {
		const now = nowUs();
		const t0 = process.hrtime.bigint();

		for (const stream of streams.values()) {
			if (pps !== undefined) {
				stream.pps = pps;
			}
			stream.phaseUs = 0;
			start(stream, count, now);
		}
		active = [...streams.values()];
		paused = false;

		return new Promise((resolve) => {
			burstDone = () => resolve({ sent: count * active.length, seconds: Number(process.hrtime.bigint() - t0) / 1e9 });
			kick();
		});
	},
	pause() {
		paused = true;
		if (timer) {
			clearTimeout(timer);
			timer = undefined;
		}

		return stats();
	},
	resume() {
		const now = nowUs();

		for (const stream of active) {
			start(stream, stream.budget, now);
		}
		paused = false;
		kick();

		return true;
	},
	stats,
	remove({ ids }: { ids: string[] }) {
		for (const id of ids) {
			streams.delete(id);
		}
		active = active.filter((s) => streams.has(s.spec.id));

		return streams.size;
	},
});

function stats(): { sent: Record<string, number>; total: number } {
	const sent: Record<string, number> = {};
	let total = 0;

	for (const [id, stream] of streams) {
		sent[id] = stream.sent;
		total += stream.sent;
	}

	return { sent, total };
}
