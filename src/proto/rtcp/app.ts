import {
	PT_APP,
	allocPacket,
	copyBytes,
	checkPacket,
	checkPadding,
	readU32,
	writeHeader,
	writeU32,
} from './header';

export interface ApplicationDefinedInit {
	subtype?: number;
	ssrc?: number;
	name?: string;
	data?: Uint8Array;
	padding?: number;
}

/** Application-defined packet, PT=204 (RFC 3550 section 6.7). */
export class ApplicationDefined {
	readonly kind = 'app' as const;
	/** 5-bit subtype carried in the count field. */
	subtype: number;
	ssrc: number;
	/** Four octets, kept as a latin1 string so that any bytes round-trip. */
	name: string;
	/** Application-dependent data (RFC 3550: a multiple of 32 bits). */
	data: Uint8Array;
	padding: number;

	constructor(init: ApplicationDefinedInit = {}) {
		this.subtype = init.subtype ?? 0;
		this.ssrc = init.ssrc ?? 0;
		this.name = init.name ?? '\0\0\0\0';
		this.data = init.data ?? new Uint8Array(0);
		this.padding = init.padding ?? 0;
	}

	static parse(b: Uint8Array, offset = 0, length = b.length - offset): ApplicationDefined | undefined {
		const padding = checkPacket(b, offset, length, PT_APP);
		if (padding < 0) return undefined;
		const end = offset + length - padding;
		if (offset + 12 > end) return undefined;
		const app = new ApplicationDefined();
		app.padding = padding;
		app.subtype = b[offset] & 0x1f;
		app.ssrc = readU32(b, offset + 4);
		app.name = String.fromCharCode(b[offset + 8], b[offset + 9], b[offset + 10], b[offset + 11]);
		app.data = copyBytes(b, offset + 12, end);
		return app;
	}

	size(): number {
		return 12 + this.data.length + this.padding;
	}

	serializeInto(b: Uint8Array, offset: number): number {
		if (this.name.length !== 4) throw new RangeError('an APP name is four octets');
		checkPadding(this.padding);
		const size = this.size();
		writeHeader(b, offset, this.subtype, PT_APP, size, this.padding);
		writeU32(b, offset + 4, this.ssrc);
		for (let i = 0; i < 4; i++) b[offset + 8 + i] = this.name.charCodeAt(i);
		b.set(this.data, offset + 12);
		return size;
	}

	serialize(): Buffer {
		const b = allocPacket(this.size());
		this.serializeInto(b, 0);
		return b;
	}
}
