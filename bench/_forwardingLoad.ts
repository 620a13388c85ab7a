/**
 * Load generator for bench/forwarding.ts (a separate process, so its CPU is
 * not the worker's nor the bench's): sends 1,200-byte VP8-like RTP packets at
 * a fixed rate to a port, SRTP-protected when given a key. Args:
 * port rate(pps) seconds ssrc [keyBase64]. Prints the number sent.
 */
import { createSocket } from 'node:dgram';
import { RtpPacket } from '../src/proto/rtp/rtpPacket';
import { SrtpSession } from '../src/proto/srtp/SrtpSession';

async function main(): Promise<void> {
	const [port, rate, seconds, ssrc, key] = process.argv.slice(2);
	const socket = createSocket('udp4');
	const srtp = key ? new SrtpSession('AES_CM_128_HMAC_SHA1_80', key) : undefined;
	const total = Number(rate) * Number(seconds);
	// 1,200 bytes of RTP (plus the SRTP tag on the wire).
	const payloadLength = 1200 - 12;
	const payload = Buffer.alloc(payloadLength, 0x5a);
	const tickMs = 2;
	const perTick = Math.max(1, Math.round((Number(rate) * tickMs) / 1000));
	let sent = 0;

	// VP8 descriptor with S=1 and a key frame header: every packet may start a frame.
	payload[0] = 0x10;
	payload[1] = 0x10;

	await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));

	const started = Date.now();

	while (sent < total) {
		for (let i = 0; i < perTick && sent < total; i++) {
			const packet = RtpPacket.create({
				payloadType: 96,
				sequenceNumber: sent & 0xffff,
				timestamp: Math.floor(sent / 4) * 3000,
				ssrc: Number(ssrc),
				marker: sent % 4 === 3,
				payload,
			}).serialize();

			socket.send(srtp ? srtp.protectRtp(packet)! : packet, Number(port), '127.0.0.1');
			sent++;
		}

		const due = started + (sent / Number(rate)) * 1000;
		const wait = due - Date.now();

		if (wait > 0) {
			await new Promise((resolve) => setTimeout(resolve, wait));
		}
	}
	await new Promise((resolve) => setTimeout(resolve, 100));
	socket.close();
	process.stdout.write(`${sent}\n`);
}

void main();
