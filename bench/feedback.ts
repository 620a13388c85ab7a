// worker/feedback costs on the per-packet hot path: a received packet through RtpStreamRecv +
// NackGenerator (in order, and with 1% loss so NACK bookkeeping runs), a sent packet through
// RtpStreamSend + RetransmissionBuffer (1200-byte copy), answering a 17-packet NACK, and a
// transport-cc arrival. Prints ns/op (best of 5 runs); asserts nothing.
// Run: npx tsc -p . && node dist/bench/feedback.js

import { GenericNack } from '../src/proto/rtcp/nack';
import { NackGenerator } from '../src/worker/feedback/NackGenerator';
import { RetransmissionBuffer } from '../src/worker/feedback/RetransmissionBuffer';
import { RtpStreamRecv } from '../src/worker/feedback/RtpStreamRecv';
import { RtpStreamSend } from '../src/worker/feedback/RtpStreamSend';
import { TransportCcFeedbackGenerator } from '../src/worker/feedback/TransportCcFeedbackGenerator';

function bench(name: string, iterations: number, fn: (i: number) => unknown): void {
	let sink = 0;
	for (let i = 0; i < iterations / 10; i++) if (fn(i)) sink++;
	let best = Infinity;
	for (let run = 0; run < 5; run++) {
		const t0 = process.hrtime.bigint();
		for (let i = 0; i < iterations; i++) if (fn(i)) sink++;
		best = Math.min(best, Number(process.hrtime.bigint() - t0) / iterations);
	}
	console.log(`${name.padEnd(56)} ${best.toFixed(1).padStart(9)} ns/op${sink < 0 ? '!' : ''}`);
}

const N = 2_000_000;

{
	const recv = new RtpStreamRecv({ ssrc: 1, clockRate: 90000, spatialLayers: 3, temporalLayers: 3 });
	const nack = new NackGenerator();
	let seq = 0;
	bench('recv: RtpStreamRecv + NackGenerator, in order', N, (i) => {
		const now = i * 0.5; // 2000 packets/s
		const s = seq++ & 0xffff;
		recv.receivePacket(s, (i * 45) >>> 0, 1100, now, i % 3, i % 3);
		return nack.onPacket(s, i % 3000 === 0, false, now).length;
	});
}

{
	const recv = new RtpStreamRecv({ ssrc: 1, clockRate: 90000 });
	const nack = new NackGenerator();
	let seq = 0;
	let pending = 0;
	bench('recv: RtpStreamRecv + NackGenerator, 1% loss + retries', N, (i) => {
		const now = i * 0.5;
		let s = seq++ & 0xffff;
		if (i % 100 === 50) s = seq++ & 0xffff; // one lost
		recv.receivePacket(s, (i * 45) >>> 0, 1100, now);
		pending += nack.onPacket(s, i % 3000 === 0, false, now).length;
		// The engine's 40 ms timer, one call per 80 packets here.
		if (i % 80 === 0) pending += nack.onTimer(now, 50).length;
		return pending;
	});
}

{
	const send = new RtpStreamSend({ ssrc: 2, clockRate: 90000 });
	const rtx = new RetransmissionBuffer();
	const packet = Buffer.alloc(1200, 7);
	let seq = 0;
	bench('send: RtpStreamSend + RetransmissionBuffer.store (1200 B)', N, (i) => {
		const now = i * 0.5;
		send.onPacketSent((i * 45) >>> 0, 1200, now);
		return rtx.store(seq++ & 0xffff, packet, 1200, now);
	});
}

{
	const rtx = new RetransmissionBuffer();
	const packet = Buffer.alloc(1200, 7);
	for (let s = 0; s < 2000; s++) rtx.store(s, packet, 1200, s * 0.5);
	const nack = new GenericNack({ mediaSsrc: 2, entries: [{ pid: 1500, blp: 0xffff }] });
	bench('send: answer a NACK of 17 packets (RTT 0.01 ms)', 200_000, (i) => rtx.onNack(nack, 1000 + i * 0.02, 0.01));
}

{
	const tcc = new TransportCcFeedbackGenerator({ maxPacketsPerFeedback: 200 });
	let out = 0;
	bench('recv: transport-cc arrival (+ feedback every 200)', N, (i) => {
		const fb = tcc.onPacket(i & 0xffff, i * 500, i * 0.5);
		if (fb) out += fb.length;
		return out;
	});
}
