/**
 * Sinks (a child process of a scenario): UDP sockets standing for the
 * receivers of consumer PlainTransports. Each counts the RTP packets it gets
 * (RTCP is told apart by RFC 5761's payload type range); sampled sockets also
 * read the generator's send time from the payload (after SRTP unprotect with
 * the consumer transport's key) and keep the delays.
 *
 * Requests: bind {count} -> ports, sample {index, srtpKey?}, read {reset?}.
 */
import { createSocket, type Socket } from 'node:dgram';
import { SrtpSession } from '../../src/proto/srtp/SrtpSession';
import { serve, SUITE } from './common';

function nowUs(): number {
	const [s, ns] = process.hrtime();

	return s * 1e6 + ns / 1e3;
}

type Sink = { socket: Socket; count: number; srtp: SrtpSession | undefined; sampled: boolean; badSrtp: number };

const sinks: Sink[] = [];
const MAX_SAMPLES = 2_000_000;
let delays = new Float64Array(MAX_SAMPLES);
let nDelays = 0;
let total = 0;

function onMessage(sink: Sink, data: Buffer): void {
	const pt = data[1]!;

	if (pt >= 192 && pt <= 223) {
		return; // RTCP
	}
	sink.count++;
	total++;
	if (!sink.sampled) {
		return;
	}

	const now = nowUs();
	let packet: Buffer | undefined = data;

	if (sink.srtp) {
		packet = sink.srtp.unprotectRtp(data);
		if (!packet) {
			sink.badSrtp++;

			return;
		}
	}

	// Header: 12 bytes + CSRCs + extension block, then the payload.
	let offset = 12 + (packet[0]! & 0x0f) * 4;

	if (packet[0]! & 0x10) {
		offset += 4 + packet.readUInt16BE(offset + 2) * 4;
	}
	if (offset + 16 <= packet.length && nDelays < MAX_SAMPLES) {
		delays[nDelays++] = now - packet.readDoubleLE(offset + 8);
	}
}

serve({
	async bind({ count }: { count: number }) {
		const ports: number[] = [];

		for (let i = 0; i < count; i++) {
			const socket = createSocket('udp4');
			const sink: Sink = { socket, count: 0, srtp: undefined, sampled: false, badSrtp: 0 };

			await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
			socket.setRecvBufferSize(4 * 1024 * 1024);
			socket.on('message', (data) => onMessage(sink, data));
			socket.on('error', () => {});
			sinks.push(sink);
			ports.push(socket.address().port);
		}

		return { ports, first: sinks.length - count };
	},
	sample({ index, srtpKey }: { index: number; srtpKey?: string }) {
		const sink = sinks[index]!;

		sink.sampled = true;
		sink.srtp = srtpKey ? new SrtpSession(SUITE as any, srtpKey) : undefined;

		return true;
	},
	read({ reset = false }: { reset?: boolean }) {
		const sorted = delays.slice(0, nDelays).sort();
		const pick = (p: number): number | null => (nDelays ? sorted[Math.min(nDelays - 1, Math.floor(p * nDelays))]! / 1000 : null);
		let minCount = Infinity;
		let badSrtp = 0;

		for (const sink of sinks) {
			minCount = Math.min(minCount, sink.count);
			badSrtp += sink.badSrtp;
		}

		const result = {
			total,
			perSink: sinks.map((s) => s.count),
			delayMs: { samples: nDelays, p50: pick(0.5), p99: pick(0.99), p999: pick(0.999), max: nDelays ? sorted[nDelays - 1]! / 1000 : null },
			badSrtp,
		};

		if (reset) {
			nDelays = 0;
		}

		return result;
	},
});

// Keep the (large) delay array off the GC's young space from the start.
delays = delays.fill(0);
