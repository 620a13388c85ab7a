import { randomBytes, randomInt } from 'node:crypto';
import { SrtpOutput, type SrtpSession } from '../../../proto/srtp';
import type { UdpSocket } from '../../net/UdpSocket';

export type Protocol = 'udp' | 'tcp';

/** The listen info the application sends (already validated and defaulted there). */
export type WireListenInfo = {
	protocol: Protocol;
	ip: string;
	announcedAddress?: string;
	exposeInternalIp?: boolean;
	port?: number;
	portRange?: { min: number; max: number };
	flags?: { ipv6Only?: boolean; udpReusePort?: boolean };
	sendBufferSize?: number;
	recvBufferSize?: number;
};

/** A transport tuple as the application sees it (mediasoup's field names). */
export type Tuple = {
	localIp: string;
	localAddress: string;
	localPort: number;
	remoteIp?: string;
	remotePort?: number;
	protocol: Protocol;
};

export function makeTuple(
	localAddress: string,
	localPort: number,
	protocol: Protocol,
	remoteIp?: string,
	remotePort?: number,
): Tuple {
	const tuple: Tuple = {
		localIp: localAddress,
		localAddress,
		localPort,
		// Not connected yet: no remote IP and port 0 (as mediasoup reports it).
		remotePort: remotePort ?? 0,
		protocol,
	};

	if (remoteIp !== undefined) {
		tuple.remoteIp = remoteIp;
	}

	return tuple;
}

const ICE_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** Random string for ICE credentials (RFC 8445 section 5.3: at least 24/128 bits of randomness). */
export function randomIceString(length: number): string {
	let out = '';

	for (let i = 0; i < length; ++i) {
		out += ICE_CHARS[randomInt(ICE_CHARS.length)];
	}

	return out;
}

export type SrtpCryptoSuite = 'AEAD_AES_256_GCM' | 'AEAD_AES_128_GCM' | 'AES_CM_128_HMAC_SHA1_80' | 'AES_CM_128_HMAC_SHA1_32';

/**
 * The worker's reused buffer for outgoing RTP packets (what allocRtpBuffer() hands a consumer
 * when nothing can still hold the last packet): the consumer writes a packet into it and its
 * transport sends it before returning, one packet at a time, so every transport shares this one
 * (one per transport cost each a 2 KiB slice plus a view per packet length ever sent). A send
 * that libuv queued (instead of copying it to the kernel at once) still points into it: the
 * transport then calls retire(), and the next packet gets a new buffer. SRTP protect copies the
 * packet out, so an SRTP transport never needs to.
 */
export class RtpScratch {
	readonly #initialSize: number;
	/** Allocated by the first view(); its own ArrayBuffer (holds() compares them). */
	#buffer: Buffer | undefined = undefined;
	/**
	 * buffer[0 .. n) at [n]: a subarray per packet would allocate. Sized up front: an empty array
	 * first written at index ~1,200 turns into a dictionary (a hashed lookup per packet).
	 */
	#views: (Buffer | undefined)[] = [];

	constructor(initialSize = 2048) {
		this.#initialSize = initialSize;
	}

	/** `length` bytes of the scratch (valid until the next view() or retire()). */
	view(length: number): Buffer {
		let buffer = this.#buffer;

		if (buffer === undefined || length > buffer.length) {
			buffer = this.#buffer = Buffer.allocUnsafeSlow(buffer === undefined && length <= this.#initialSize ? this.#initialSize : length * 2);
			if (this.#views.length === buffer.length + 1) {
				// After a retire(): the same size again, the cache emptied rather than reallocated.
				this.#views.fill(undefined);
			} else {
				this.#views = new Array<Buffer | undefined>(buffer.length + 1);
			}
		}

		return this.#views[length] ?? (this.#views[length] = buffer.subarray(0, length));
	}

	/** Whether `data` lies in the current scratch (reads `.buffer`, a native call: not per packet). */
	holds(data: Uint8Array): boolean {
		return this.#buffer !== undefined && data.buffer === this.#buffer.buffer;
	}

	/** Something (a queued send) still holds the scratch: the next view() gets a new one. */
	retire(): void {
		this.#buffer = undefined;
	}
}

/** The one RtpScratch of the worker's transports. */
export const rtpScratch = new RtpScratch();

/** Master key + salt lengths (RFC 3711 section 8.2 for AES-CM, RFC 7714 section 12 for AES-GCM). */
/** Packets a transport's reused SRTP output holds (an MTU-sized packet; larger ones get their own buffer). */
export const SRTP_OUT_SIZE = 2048;

/**
 * The worker's one SRTP output (see SrtpOutput), shared by its transports as rtpScratch is:
 * JavaScript protects one packet at a time and a UDP send copies it to the kernel at once. A send
 * that libuv queued instead keeps the output: retire() leaves it to that send and the next
 * packet gets a new one, so a reused output is never held by a queued send, whichever socket.
 */
class SharedSrtpOutput {
	#output: SrtpOutput | undefined = undefined;
	/** A queued send holds the output's buffer: renewed when next needed. */
	#retired = false;

	get current(): SrtpOutput {
		if (this.#output === undefined) {
			this.#output = new SrtpOutput(SRTP_OUT_SIZE);
		} else if (this.#retired) {
			this.#output.renew();
		}
		this.#retired = false;

		return this.#output;
	}

	/** Whether `data` lies in the current output (reads `.buffer`, a native call: not per packet). */
	holds(data: Uint8Array): boolean {
		return this.#output !== undefined && !this.#retired && data.buffer === this.#output.buffer.buffer;
	}

	retire(): void {
		this.#retired = true;
	}
}

export const srtpOutput = new SharedSrtpOutput();

/**
 * SRTP-protects an outgoing RTP packet for a send on `socket`: into the shared output while the
 * socket sends synchronously, else (a TCP sink, a queue, a packet too long) into a new buffer.
 * After the send, call releaseIfQueued().
 */
export function protectRtpForSend(session: SrtpSession, packet: Buffer, socket: UdpSocket | undefined): Buffer | undefined {
	if (socket !== undefined && socket.sendBuffersFree) {
		const output = srtpOutput.current;

		if (packet.length + 16 <= output.capacity) {
			return session.protectRtpInto(packet, output);
		}
	}

	return session.protectRtp(packet);
}

/**
 * After a send of `sent` on `socket`: if libuv queued it instead of copying it to the kernel, the
 * worker's shared buffer it lies in (the RTP scratch or the SRTP output) stays with that send.
 */
export function releaseIfQueued(socket: UdpSocket | undefined, sent: Buffer): void {
	if (socket === undefined || socket.sendBuffersFree) {
		return;
	}
	if (srtpOutput.holds(sent)) {
		srtpOutput.retire();
	} else if (rtpScratch.holds(sent)) {
		rtpScratch.retire();
	}
}

/**
 * One outgoing RTP packet of a Plain/PipeTransport on its UDP socket: SRTP-protected when there
 * is a `session`, then sent. Returns the bytes sent, or undefined when protecting failed.
 */
export function sendRtpOnSocket(socket: UdpSocket, session: SrtpSession | undefined, packet: Buffer, port: number, ip: string): Buffer | undefined {
	const out = session === undefined ? packet : protectRtpForSend(session, packet, socket);

	if (out !== undefined) {
		socket.send(out, port, ip);
		releaseIfQueued(socket, out);
	}

	return out;
}

export const SRTP_MASTER_LENGTHS: Readonly<Record<SrtpCryptoSuite, number>> = {
	AEAD_AES_256_GCM: 44,
	AEAD_AES_128_GCM: 28,
	AES_CM_128_HMAC_SHA1_80: 30,
	AES_CM_128_HMAC_SHA1_32: 30,
};

export function isSrtpCryptoSuite(value: unknown): value is SrtpCryptoSuite {
	return typeof value === 'string' && Object.prototype.hasOwnProperty.call(SRTP_MASTER_LENGTHS, value);
}

/** A fresh local SRTP master key + salt for the suite. */
export function generateSrtpKey(cryptoSuite: SrtpCryptoSuite): { key: Buffer; keyBase64: string } {
	const key = randomBytes(SRTP_MASTER_LENGTHS[cryptoSuite]);

	return { key, keyBase64: key.toString('base64') };
}

/** Decodes the remote key and checks its length for the suite. Throws TypeError. */
export function decodeSrtpKey(cryptoSuite: SrtpCryptoSuite, keyBase64: unknown): Buffer {
	if (typeof keyBase64 !== 'string') {
		throw new TypeError('missing srtpParameters.keyBase64');
	}

	const key = Buffer.from(keyBase64, 'base64');

	if (key.length !== SRTP_MASTER_LENGTHS[cryptoSuite]) {
		throw new TypeError('invalid decoded SRTP key length');
	}

	return key;
}

/** First-byte test of RFC 7983 section 7 for RTP/RTCP (128..191). */
export function looksLikeRtpOrRtcp(data: Uint8Array): boolean {
	return data.length >= 12 && data[0]! >= 128 && data[0]! <= 191;
}
