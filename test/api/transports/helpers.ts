import * as dgram from 'node:dgram';
import * as fs from 'node:fs';
import * as net from 'node:net';
import { Channel } from '../../../src/api/Channel';
import { enhancedOnce } from '../../../src/extras';
import type { Worker } from '../../../src/api/Worker';
import type { RouterRtpCodecCapability, RtpCapabilities, RtpParameters } from '../../../src/ortc/rtpParametersTypes';

export const mediaCodecs: RouterRtpCodecCapability[] = [
	{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2, parameters: { useinbandfec: 1 } },
	{ kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
];

export function audioProducerParameters(mid = 'AUDIO', ssrc = 11111111): RtpParameters {
	return {
		mid,
		codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, parameters: { useinbandfec: 1 } }],
		headerExtensions: [{ uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 10 }],
		encodings: [{ ssrc }],
		rtcp: { cname: 'FOOBAR' },
	};
}

export const deviceCapabilities: RtpCapabilities = {
	codecs: [
		{ kind: 'audio', mimeType: 'audio/opus', preferredPayloadType: 100, clockRate: 48000, channels: 2 },
		{ kind: 'video', mimeType: 'video/VP8', preferredPayloadType: 101, clockRate: 90000 },
	],
	headerExtensions: [
		{ kind: 'audio', uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', preferredId: 1 },
		{ kind: 'video', uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', preferredId: 1 },
	],
};

export async function closeWorker(worker: Worker | undefined): Promise<void> {
	if (!worker || worker.subprocessClosed) {
		return;
	}

	const closed = enhancedOnce(worker, 'subprocessclose');

	worker.close();
	await closed;
}

/** A port that was free a moment ago (bound to 0 and released). */
export async function freePort(type: 'udp' | 'tcp', ip = '127.0.0.1'): Promise<number> {
	if (type === 'udp') {
		const socket = dgram.createSocket('udp4');

		await new Promise<void>((resolve) => socket.bind(0, ip, resolve));

		const { port } = socket.address();

		await new Promise<void>((resolve) => socket.close(() => resolve()));

		return port;
	}

	const server = net.createServer();

	await new Promise<void>((resolve) => server.listen(0, ip, resolve));

	const { port } = server.address() as net.AddressInfo;

	await new Promise<void>((resolve) => server.close(() => resolve()));

	return port;
}

/** A port free for both UDP and TCP. */
export async function freeUdpTcpPort(ip = '127.0.0.1'): Promise<number> {
	for (let i = 0; i < 50; ++i) {
		const port = await freePort('udp', ip);
		const server = net.createServer();
		const ok = await new Promise<boolean>((resolve) => {
			server.once('error', () => resolve(false));
			server.listen(port, ip, () => resolve(true));
		});

		if (ok) {
			await new Promise<void>((resolve) => server.close(() => resolve()));

			return port;
		}
	}
	throw new Error('no port free for both UDP and TCP');
}

export function fdCount(pid: number): number {
	return fs.readdirSync(`/proc/${pid}/fd`).length;
}

/** Open sockets of a process (from /proc/<pid>/fd links). */
export function socketFdCount(pid: number): number {
	let count = 0;

	for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
		try {
			if (fs.readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:')) {
				++count;
			}
		} catch {
			// closed meanwhile
		}
	}

	return count;
}

/**
 * Counts requests sent through any Channel while `fn` runs: a validation
 * error must be thrown before anything reaches the worker.
 */
export async function countRequests(fn: () => Promise<unknown>): Promise<number> {
	const original = Channel.prototype.request;
	let count = 0;

	Channel.prototype.request = function (this: Channel, ...args: Parameters<Channel['request']>) {
		++count;

		return original.apply(this, args);
	} as Channel['request'];

	try {
		await fn();
	} finally {
		Channel.prototype.request = original;
	}

	return count;
}

export async function sendUdp(port: number, payload: Buffer, ip = '127.0.0.1'): Promise<void> {
	const socket = dgram.createSocket(net.isIPv6(ip) ? 'udp6' : 'udp4');

	await new Promise<void>((resolve, reject) => socket.send(payload, port, ip, (error) => (error ? reject(error) : resolve())));
	socket.close();
}

export async function tcpConnects(port: number, ip = '127.0.0.1'): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = net.connect({ port, host: ip });

		socket.once('connect', () => {
			socket.destroy();
			resolve(true);
		});
		socket.once('error', () => resolve(false));
	});
}

/** Polls `fn` until it returns true (or the time is up). */
export async function waitFor(fn: () => boolean | Promise<boolean>, timeoutMs = 2000): Promise<boolean> {
	const deadline = Date.now() + timeoutMs;

	while (Date.now() < deadline) {
		if (await fn()) {
			return true;
		}
		await new Promise((resolve) => setTimeout(resolve, 20));
	}

	return fn();
}
