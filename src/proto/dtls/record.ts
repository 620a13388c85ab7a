/** DTLS 1.2 record layer (RFC 6347 section 4.1): headers, AES-GCM protection, replay window. */
import { createCipheriv, createDecipheriv } from 'node:crypto';

export const RECORD_HEADER_LENGTH = 13;
/** RFC 5288 section 3: 8-byte explicit nonce and 16-byte tag around each GCM record. */
export const GCM_EXPLICIT_NONCE_LENGTH = 8;
export const GCM_TAG_LENGTH = 16;
export const GCM_OVERHEAD = GCM_EXPLICIT_NONCE_LENGTH + GCM_TAG_LENGTH;
/** RFC 6347 section 4.1: 2^14 plaintext, plus up to 2048 of expansion (RFC 5246 6.2.3). */
export const MAX_RECORD_PAYLOAD = 16384 + 2048;

export interface DtlsRecord {
	type: number;
	version: number;
	epoch: number;
	/** 48-bit sequence number, exact in a JS number. */
	seq: number;
	/** Payload as on the wire (ciphertext for epochs > 0); a view into the datagram. */
	fragment: Buffer;
	/** The 13-byte header (a view), for the AEAD additional data. */
	header: Buffer;
}

/**
 * Splits a datagram into records (RFC 6347 4.1.1: several records may share one datagram). A
 * malformed tail is reported through `malformed` and the records before it are kept.
 */
export function parseRecords(datagram: Buffer): { records: DtlsRecord[]; malformed: number } {
	const records: DtlsRecord[] = [];
	let o = 0;
	let malformed = 0;
	while (o < datagram.length) {
		if (datagram.length - o < RECORD_HEADER_LENGTH) {
			malformed++;
			break;
		}
		const type = datagram[o];
		const version = datagram.readUInt16BE(o + 1);
		const epoch = datagram.readUInt16BE(o + 3);
		const seq = datagram.readUIntBE(o + 5, 6);
		const length = datagram.readUInt16BE(o + 11);
		if (o + RECORD_HEADER_LENGTH + length > datagram.length || length > MAX_RECORD_PAYLOAD) {
			malformed++;
			break;
		}
		records.push({
			type,
			version,
			epoch,
			seq,
			header: datagram.subarray(o, o + RECORD_HEADER_LENGTH),
			fragment: datagram.subarray(o + RECORD_HEADER_LENGTH, o + RECORD_HEADER_LENGTH + length),
		});
		o += RECORD_HEADER_LENGTH + length;
	}
	return { records, malformed };
}

export function writeRecordHeader(out: Buffer, offset: number, type: number, version: number, epoch: number, seq: number, length: number): void {
	out[offset] = type;
	out.writeUInt16BE(version, offset + 1);
	out.writeUInt16BE(epoch, offset + 3);
	out.writeUIntBE(seq, offset + 5, 6);
	out.writeUInt16BE(length, offset + 11);
}

/** A plaintext record (epoch 0). */
export function encodePlainRecord(type: number, version: number, epoch: number, seq: number, payload: Uint8Array): Buffer {
	const out = Buffer.allocUnsafe(RECORD_HEADER_LENGTH + payload.length);
	writeRecordHeader(out, 0, type, version, epoch, seq, payload.length);
	out.set(payload, RECORD_HEADER_LENGTH);
	return out;
}

/** Direction keys of an AES-GCM epoch. */
export class GcmRecordCipher {
	private readonly algorithm: string;
	private readonly nonce = Buffer.alloc(12);
	private readonly aad = Buffer.alloc(13);

	constructor(
		private readonly key: Buffer,
		implicitIv: Buffer
	) {
		this.algorithm = key.length === 32 ? 'aes-256-gcm' : 'aes-128-gcm';
		implicitIv.copy(this.nonce, 0, 0, 4);
	}

	/**
	 * RFC 5288 section 3 with RFC 6347 4.1.2.1: nonce = salt(4) | explicit(8), and we send the
	 * record's epoch|seq as the explicit part (unique per key). additional_data = epoch|seq(8) |
	 * type | version | plaintext length.
	 */
	seal(type: number, version: number, epoch: number, seq: number, plaintext: Uint8Array): Buffer {
		const length = GCM_EXPLICIT_NONCE_LENGTH + plaintext.length + GCM_TAG_LENGTH;
		const out = Buffer.allocUnsafe(RECORD_HEADER_LENGTH + length);
		writeRecordHeader(out, 0, type, version, epoch, seq, length);
		out.copy(this.nonce, 4, 3, 11); // epoch|seq as explicit nonce
		out.copy(out, RECORD_HEADER_LENGTH, 3, 11);
		out.copy(this.aad, 0, 3, 11);
		this.aad[8] = type;
		this.aad.writeUInt16BE(version, 9);
		this.aad.writeUInt16BE(plaintext.length, 11);
		const cipher = createCipheriv(this.algorithm as 'aes-128-gcm', this.key, this.nonce);
		cipher.setAAD(this.aad);
		const body = cipher.update(plaintext);
		cipher.final();
		body.copy(out, RECORD_HEADER_LENGTH + GCM_EXPLICIT_NONCE_LENGTH);
		cipher.getAuthTag().copy(out, RECORD_HEADER_LENGTH + GCM_EXPLICIT_NONCE_LENGTH + plaintext.length);
		return out;
	}

	/** The plaintext, or undefined when the record is too short or does not authenticate. */
	open(record: DtlsRecord): Buffer | undefined {
		const f = record.fragment;
		if (f.length < GCM_OVERHEAD) return undefined;
		const plainLength = f.length - GCM_OVERHEAD;
		f.copy(this.nonce, 4, 0, GCM_EXPLICIT_NONCE_LENGTH);
		record.header.copy(this.aad, 0, 3, 11);
		this.aad[8] = record.type;
		this.aad.writeUInt16BE(record.version, 9);
		this.aad.writeUInt16BE(plainLength, 11);
		try {
			const decipher = createDecipheriv(this.algorithm as 'aes-128-gcm', this.key, this.nonce);
			decipher.setAAD(this.aad);
			decipher.setAuthTag(f.subarray(GCM_EXPLICIT_NONCE_LENGTH + plainLength));
			const out = decipher.update(f.subarray(GCM_EXPLICIT_NONCE_LENGTH, GCM_EXPLICIT_NONCE_LENGTH + plainLength));
			decipher.final();
			return out;
		} catch {
			return undefined;
		}
	}
}

/**
 * RFC 6347 section 4.1.2.6 anti-replay sliding window (64 records, as the RFC suggests): a ring of
 * seen flags indexed by seq mod 64, with the highest sequence number seen so far.
 */
export class ReplayWindow {
	static readonly SIZE = 64;
	private top = -1;
	private readonly seen = new Uint8Array(ReplayWindow.SIZE);

	/** True when `seq` is new: above the window, or inside it and not yet marked. */
	check(seq: number): boolean {
		if (seq > this.top) return true;
		if (seq <= this.top - ReplayWindow.SIZE) return false;
		return this.seen[seq % ReplayWindow.SIZE] === 0;
	}

	/** Marks `seq` received; call only after the record authenticated (RFC 6347 4.1.2.6). */
	mark(seq: number): void {
		if (seq > this.top) {
			const gap = seq - this.top;
			if (gap >= ReplayWindow.SIZE) this.seen.fill(0);
			else for (let s = this.top + 1; s < seq; s++) this.seen[s % ReplayWindow.SIZE] = 0;
			this.top = seq;
		}
		this.seen[seq % ReplayWindow.SIZE] = 1;
	}
}
