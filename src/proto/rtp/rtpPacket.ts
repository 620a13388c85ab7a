/**
 * RTP packet (RFC 3550 §5.1) with RFC 8285 header extensions, held as a view over a Buffer.
 *
 * Nothing is copied on parse: the object records offsets (header, CSRCs, extension block,
 * payload, padding) and an index of extension values by id. Field setters write straight into
 * the Buffer. One object can be reused for many packets with `packet.parse(buf)`.
 *
 * Buffer contract for length-changing mutations (extensions, CSRCs, payload, padding, RTX):
 * - The packet occupies `buffer[0 .. length)`. Bytes from `length` to `buffer.length` are spare
 *   capacity: parse with `parse(slab, n)` to give the packet room to grow in place.
 * - If a mutation needs more than `buffer.length` bytes, a new Buffer is allocated (with some
 *   headroom), the packet is moved there and `packet.buffer` is replaced; the old Buffer is left
 *   as it was. Always read `packet.buffer` / `serialize()` after mutating.
 * - Any length-changing mutation invalidates views previously returned (`payload`,
 *   `getExtension()`) and previously read offsets.
 */

/** RFC 8285 §4.2: "defined by profile" value of the one-byte header form. */
export const ONE_BYTE_PROFILE = 0xbede;
const ONE_BYTE = 0xbede;
/** RFC 8285 §4.3: 0x100 followed by 4 "appbits"; we match on the top 12 bits. */
export const TWO_BYTE_PROFILE = 0x1000;

/** How the header extension block (if any) is laid out. */
export const ExtensionForm = {
	/** X bit clear: no extension block. */
	None: 0,
	/** RFC 8285 one-byte elements (ids 1-14, values 1-16 bytes). */
	OneByte: 1,
	/** RFC 8285 two-byte elements (ids 1-255, values 0-255 bytes). */
	TwoByte: 2,
	/** An RFC 3550 §5.3.1 extension with another profile: opaque, no elements indexed. */
	Other: 3,
} as const;
export type ExtensionForm = (typeof ExtensionForm)[keyof typeof ExtensionForm];
// Module-local copies: CommonJS output reads exported names as `exports.X` property loads.
const FORM_NONE = 0;
const FORM_ONE_BYTE = 1;
const FORM_TWO_BYTE = 2;
const FORM_OTHER = 3;

const FIXED_HEADER = 12;
/** Spare bytes given to a Buffer we must reallocate, so later small growths stay in place. */
const GROW_HEADROOM = 64;
const EMPTY = Buffer.alloc(0);
/** Initial extension index capacity (16 x 4 bytes: V8 keeps typed arrays <= 64 B on-heap). */
const INDEX_START = 16;

// Scratch for rebuilding an extension block. Single-threaded and never re-entered.
let scratch = Buffer.allocUnsafe(1024);
const pendingIds = new Uint8Array(256);
const pendingSrc = new Int32Array(256);
const pendingLen = new Uint16Array(256);
const seenIds = new Uint8Array(256);

/** Zeroes `b[from .. to)`; a loop beats `fill()`'s native call for the few bytes we clear. */
function zero(b: Uint8Array, from: number, to: number): void {
	for (let i = from; i < to; i++) b[i] = 0;
}

export interface RtpPacketInit {
	payloadType: number;
	sequenceNumber: number;
	timestamp: number;
	ssrc: number;
	marker?: boolean;
	csrcs?: ArrayLike<number>;
	/** In order; written in the one-byte form when every element fits it, else two-byte. */
	extensions?: ReadonlyArray<{ id: number; value: Uint8Array }>;
	/** Force the two-byte form even if every element would fit the one-byte form. */
	twoByteExtensions?: boolean;
	payload?: Uint8Array;
	/** 0 (none) or 1-255 bytes of RTP padding (RFC 3550 §5.1 P bit). */
	paddingLength?: number;
	/** Spare capacity after the packet, for later growth in place. */
	capacity?: number;
}

export class RtpPacket {
	/** Underlying bytes; the packet is `buffer[0 .. length)`. May be replaced by mutations. */
	buffer: Buffer;
	/** Packet length in bytes (may be less than `buffer.length`). */
	length: number;
	/** 12 + 4 * CSRC count: where the extension block (or payload) starts. */
	headerLength: number;
	/** `ExtensionForm` of the extension block. */
	extensionForm: ExtensionForm;
	/** 16-bit "defined by profile" field of the extension block (0 when none). */
	extensionProfile: number;
	/** Offset of the first extension element (after the 4-byte block header). */
	extensionDataOffset: number;
	/** Bytes of extension data (block length * 4, without the 4-byte block header). */
	extensionDataLength: number;
	payloadOffset: number;
	payloadLength: number;
	/** Bytes of RTP padding at the end (0 when the P bit is clear). */
	paddingLength: number;
	/** Number of distinct extension ids indexed. */
	extensionCount: number;
	/** True when an id appeared more than once; lookups see the first occurrence. */
	hasDuplicateExtensions: boolean;

	// Extension index: one entry per distinct id, in the order met. Looked up by a linear
	// scan (a packet carries a handful of extensions). The arrays start small enough for V8
	// to keep them on the heap: an off-heap typed array costs microseconds to allocate,
	// which would dominate `new RtpPacket()` and `clone()`. They grow on the rare packet
	// with more than INDEX_START distinct ids.
	/** The last `payload` view and the buffer it was made of. */
	private payloadView: Buffer | null;
	private payloadViewOf: Buffer | null;
	private payloadViewOffset: number;
	private extIds: Uint8Array;
	private extOffsets: Int32Array;
	private extLengths: Uint8Array;

	constructor() {
		this.buffer = EMPTY;
		this.length = 0;
		this.headerLength = 0;
		this.extensionForm = ExtensionForm.None;
		this.extensionProfile = 0;
		this.extensionDataOffset = 0;
		this.extensionDataLength = 0;
		this.payloadOffset = 0;
		this.payloadLength = 0;
		this.paddingLength = 0;
		this.extensionCount = 0;
		this.hasDuplicateExtensions = false;
		this.payloadView = null;
		this.payloadViewOf = null;
		this.payloadViewOffset = 0;
		this.extIds = new Uint8Array(INDEX_START);
		this.extOffsets = new Int32Array(INDEX_START);
		this.extLengths = new Uint8Array(INDEX_START);
	}

	/** Parses `buf[0 .. length)` into a new packet, or `undefined` if malformed. Never throws. */
	static parse(buf: Buffer, length: number = buf.length): RtpPacket | undefined {
		return new RtpPacket().parse(buf, length);
	}

	/**
	 * Re-parses this object over `buf[0 .. length)` (no copy). Returns `this`, or `undefined`
	 * if malformed (the object is then unusable until the next successful parse). Never throws.
	 */
	parse(buf: Buffer, length: number = buf.length): this | undefined {
		this.clearExtensionIndex();
		this.buffer = buf;
		this.length = 0;
		if (!(length >= FIXED_HEADER && length <= buf.length && (length | 0) === length)) return undefined;
		const b0 = buf[0];
		// RFC 3550 §5.1: version is always 2.
		if (b0 >> 6 !== 2) return undefined;
		let off = FIXED_HEADER + (b0 & 0x0f) * 4;
		if (off > length) return undefined;
		this.headerLength = off;
		if ((b0 & 0x10) !== 0) {
			// RFC 3550 §5.3.1: 16-bit profile, 16-bit length in 32-bit words, then the data.
			if (off + 4 > length) return undefined;
			const profile = (buf[off] << 8) | buf[off + 1];
			const dataLength = ((buf[off + 2] << 8) | buf[off + 3]) * 4;
			const dataOffset = off + 4;
			if (dataOffset + dataLength > length) return undefined;
			this.extensionProfile = profile;
			this.extensionDataOffset = dataOffset;
			this.extensionDataLength = dataLength;
			off = dataOffset + dataLength;
			if (profile === ONE_BYTE) {
				this.extensionForm = FORM_ONE_BYTE;
				if (!this.indexOneByte(buf, dataOffset, off)) return undefined;
			} else if ((profile & 0xfff0) === 0x1000) {
				this.extensionForm = FORM_TWO_BYTE;
				if (!this.indexTwoByte(buf, dataOffset, off)) return undefined;
			} else {
				this.extensionForm = FORM_OTHER;
			}
		} else {
			this.extensionForm = FORM_NONE;
			this.extensionProfile = 0;
			this.extensionDataOffset = off;
			this.extensionDataLength = 0;
		}
		this.payloadOffset = off;
		let padding = 0;
		if ((b0 & 0x20) !== 0) {
			// RFC 3550 §5.1: the last octet counts the padding octets, itself included, so it is
			// at least 1 and cannot reach back into the header.
			if (length <= off) return undefined;
			padding = buf[length - 1];
			if (padding === 0 || padding > length - off) return undefined;
		}
		this.paddingLength = padding;
		this.payloadLength = length - off - padding;
		this.length = length;
		return this;
	}

	private clearExtensionIndex(): void {
		this.extensionCount = 0;
		this.hasDuplicateExtensions = false;
	}

	private record(id: number, valueOffset: number, valueLength: number): void {
		const n = this.extensionCount;
		const ids = this.extIds;
		for (let k = 0; k < n; k++) {
			if (ids[k] === id) {
				this.hasDuplicateExtensions = true;
				return;
			}
		}
		if (n === ids.length) this.growIndex();
		this.extIds[n] = id;
		this.extOffsets[n] = valueOffset;
		this.extLengths[n] = valueLength;
		this.extensionCount = n + 1;
	}

	private growIndex(): void {
		const ids = new Uint8Array(256);
		const offsets = new Int32Array(256);
		const lengths = new Uint8Array(256);
		ids.set(this.extIds);
		offsets.set(this.extOffsets);
		lengths.set(this.extLengths);
		this.extIds = ids;
		this.extOffsets = offsets;
		this.extLengths = lengths;
	}

	/** Index of `id` in the extension index, or -1. */
	private find(id: number): number {
		const ids = this.extIds;
		const n = this.extensionCount;
		for (let k = 0; k < n; k++) if (ids[k] === id) return k;
		return -1;
	}

	// RFC 8285 §4.2. The walk is inlined by hand (no `record` call): it runs on every packet.
	private indexOneByte(buf: Buffer, i: number, end: number): boolean {
		const ids = this.extIds;
		const offsets = this.extOffsets;
		const lengths = this.extLengths;
		let n = 0;
		// Ids are 1-14 here, so a bit mask finds duplicates without a scan.
		let seen = 0;
		while (i < end) {
			const b = buf[i];
			// Padding octets (value 0) may sit between and after elements.
			if (b === 0) {
				i++;
				continue;
			}
			const id = b >> 4;
			// Id 15 is reserved: stop processing, keep the elements before it. An id 0 with a
			// non-zero length is not valid padding either; treat it the same way.
			if (id === 15 || id === 0) break;
			const len = (b & 0x0f) + 1;
			if (i + 1 + len > end) {
				this.extensionCount = n;
				return false;
			}
			if ((seen & (1 << id)) !== 0) {
				this.hasDuplicateExtensions = true;
			} else {
				seen |= 1 << id;
				// At most 14 distinct ids: the initial 16 entries always suffice.
				ids[n] = id;
				offsets[n] = i + 1;
				lengths[n] = len;
				n++;
			}
			i += 1 + len;
		}
		this.extensionCount = n;
		return true;
	}

	// RFC 8285 §4.3.
	private indexTwoByte(buf: Buffer, i: number, end: number): boolean {
		while (i < end) {
			const id = buf[i];
			if (id === 0) {
				i++;
				continue;
			}
			if (i + 2 > end) return false;
			const len = buf[i + 1];
			if (i + 2 + len > end) return false;
			this.record(id, i + 2, len);
			i += 2 + len;
		}
		return true;
	}

	// ---- Fixed header fields (RFC 3550 §5.1) ----

	get version(): number {
		return this.buffer[0] >> 6;
	}

	get hasPadding(): boolean {
		return (this.buffer[0] & 0x20) !== 0;
	}

	get hasExtension(): boolean {
		return (this.buffer[0] & 0x10) !== 0;
	}

	get csrcCount(): number {
		return this.buffer[0] & 0x0f;
	}

	get marker(): boolean {
		return (this.buffer[1] & 0x80) !== 0;
	}

	set marker(value: boolean) {
		const b = this.buffer;
		b[1] = value ? b[1] | 0x80 : b[1] & 0x7f;
	}

	get payloadType(): number {
		return this.buffer[1] & 0x7f;
	}

	set payloadType(value: number) {
		const b = this.buffer;
		b[1] = (b[1] & 0x80) | (value & 0x7f);
	}

	get sequenceNumber(): number {
		const b = this.buffer;
		return (b[2] << 8) | b[3];
	}

	set sequenceNumber(value: number) {
		const b = this.buffer;
		b[2] = value >>> 8;
		b[3] = value;
	}

	get timestamp(): number {
		const b = this.buffer;
		return ((b[4] << 24) | (b[5] << 16) | (b[6] << 8) | b[7]) >>> 0;
	}

	set timestamp(value: number) {
		const b = this.buffer;
		b[4] = value >>> 24;
		b[5] = value >>> 16;
		b[6] = value >>> 8;
		b[7] = value;
	}

	get ssrc(): number {
		const b = this.buffer;
		return ((b[8] << 24) | (b[9] << 16) | (b[10] << 8) | b[11]) >>> 0;
	}

	set ssrc(value: number) {
		const b = this.buffer;
		b[8] = value >>> 24;
		b[9] = value >>> 16;
		b[10] = value >>> 8;
		b[11] = value;
	}

	// ---- CSRCs (RFC 3550 §5.1) ----

	getCsrc(index: number): number {
		if (!(index >= 0 && index < this.csrcCount)) throw new RangeError('CSRC index out of range');
		const b = this.buffer;
		const o = FIXED_HEADER + index * 4;
		return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
	}

	/** Replaces the CSRC list (0-15 entries), moving everything after it. */
	setCsrcs(csrcs: ArrayLike<number>): void {
		const n = csrcs.length;
		if (n > 15) throw new RangeError('at most 15 CSRCs');
		this.resizeAt(FIXED_HEADER, this.csrcCount * 4, n * 4);
		const b = this.buffer;
		b[0] = (b[0] & 0xf0) | n;
		for (let k = 0; k < n; k++) b.writeUInt32BE(csrcs[k] >>> 0, FIXED_HEADER + k * 4);
		this.reparse();
	}

	// ---- Payload and padding ----

	/** The payload (without padding) as a view into `buffer`. */
	get payload(): Buffer {
		// Read per packet by key frame detection, the layer reader and each consumer's layer
		// context: one view while buffer, offset and length stay as they were (a subarray costs
		// an allocation each time).
		const view = this.payloadView;
		if (view !== null && this.payloadViewOf === this.buffer && this.payloadViewOffset === this.payloadOffset && view.length === this.payloadLength) {
			return view;
		}
		const fresh = this.buffer.subarray(this.payloadOffset, this.payloadOffset + this.payloadLength);
		this.payloadView = fresh;
		this.payloadViewOf = this.buffer;
		this.payloadViewOffset = this.payloadOffset;
		return fresh;
	}

	/** Replaces the payload, keeping any padding after it. */
	setPayload(data: Uint8Array): void {
		this.resizeAt(this.payloadOffset, this.payloadLength, data.length);
		this.buffer.set(data, this.payloadOffset);
		this.payloadLength = data.length;
	}

	/**
	 * Replaces `removeCount` bytes at `at` (relative to the payload start) with `insertCount`
	 * uninitialised bytes, moving the rest of the payload and the padding. Returns the absolute
	 * offset in `buffer` of the inserted bytes. For RTX (RFC 4588 §4) and payload descriptor
	 * rewrites.
	 */
	splicePayload(at: number, removeCount: number, insertCount: number): number {
		if (!(at >= 0 && removeCount >= 0 && insertCount >= 0 && at + removeCount <= this.payloadLength)) {
			throw new RangeError('splice outside the payload');
		}
		const abs = this.payloadOffset + at;
		this.resizeAt(abs, removeCount, insertCount);
		this.payloadLength += insertCount - removeCount;
		return abs;
	}

	/** Strips RTP padding (clears the P bit). Never grows, never reallocates. */
	removePadding(): void {
		if ((this.buffer[0] & 0x20) === 0) return;
		this.buffer[0] &= ~0x20;
		this.length -= this.paddingLength;
		this.paddingLength = 0;
	}

	/** Sets `count` (1-255) bytes of padding, replacing any there was (RFC 3550 §5.1). */
	addPadding(count: number): void {
		if (!(count >= 1 && count <= 255)) throw new RangeError('padding must be 1-255 bytes');
		this.removePadding();
		const at = this.length;
		this.resizeAt(at, 0, count);
		const b = this.buffer;
		for (let i = at; i < at + count - 1; i++) b[i] = 0;
		b[at + count - 1] = count;
		b[0] |= 0x20;
		this.paddingLength = count;
	}

	// ---- Header extensions (RFC 8285) ----

	/** Ids present, in the order met: `extensionIdAt(0 .. extensionCount - 1)`. */
	extensionIdAt(index: number): number {
		return this.extIds[index];
	}

	hasExtensionId(id: number): boolean {
		return this.find(id) >= 0;
	}

	/**
	 * Offset in `buffer` of the value of extension `id`, or -1 if absent or if the value is
	 * shorter than `minLength` (one lookup: the typed accessors' fast path).
	 */
	getExtensionOffset(id: number, minLength = 0): number {
		const k = this.find(id);
		return k < 0 || this.extLengths[k] < minLength ? -1 : this.extOffsets[k];
	}

	/** Position of extension `id` in the index (for `extensionOffsetAt` etc.), or -1. */
	findExtension(id: number): number {
		return this.find(id);
	}

	extensionOffsetAt(index: number): number {
		return this.extOffsets[index];
	}

	extensionLengthAt(index: number): number {
		return this.extLengths[index];
	}

	/** Length of the value of extension `id` (0 if absent; two-byte values may be empty too). */
	getExtensionLength(id: number): number {
		const k = this.find(id);
		return k < 0 ? 0 : this.extLengths[k];
	}

	/** The value of extension `id` as a view into `buffer`, or `undefined` if absent. */
	getExtension(id: number): Buffer | undefined {
		const k = this.find(id);
		if (k < 0) return undefined;
		const o = this.extOffsets[k];
		return this.buffer.subarray(o, o + this.extLengths[k]);
	}

	/**
	 * Sets extension `id` (1-255) to `value` (0-255 bytes; 0 only in the two-byte form).
	 * On a packet whose block is not RFC 8285 (`ExtensionForm.Other`) the opaque block is
	 * replaced.
	 */
	setExtension(id: number, value: Uint8Array): void {
		const o = this.reserveExtension(id, value.length);
		this.buffer.set(value, o);
	}

	/**
	 * Makes room for a `length`-byte value of extension `id` and returns its offset in
	 * `buffer`, for the caller to write into. In place when the extension already has that
	 * length; otherwise the block is rebuilt (switching to the two-byte form if the id or the
	 * length needs it) and the payload moves. Existing bytes of a resized value are not kept.
	 */
	reserveExtension(id: number, length: number): number {
		if (!(id >= 1 && id <= 255 && id === (id | 0))) throw new RangeError('extension id must be 1-255');
		if (!(length >= 0 && length <= 255 && length === (length | 0))) {
			throw new RangeError('extension length must be 0-255');
		}
		const k = this.find(id);
		if (k >= 0 && this.extLengths[k] === length) return this.extOffsets[k];
		this.rebuildExtensions(id, length, null, false);
		return this.extOffsets[this.find(id)];
	}

	/**
	 * Removes extension `id`. In place: its bytes become RFC 8285 padding (zero octets) and
	 * nothing moves. Returns whether it was present.
	 */
	removeExtension(id: number): boolean {
		const k = this.find(id);
		if (k < 0) return false;
		if (this.hasDuplicateExtensions) {
			this.rebuildExtensions(0, 0, null, false, id);
			return true;
		}
		const o = this.extOffsets[k];
		const headerSize = this.extensionForm === ExtensionForm.OneByte ? 1 : 2;
		zero(this.buffer, o - headerSize, o + this.extLengths[k]);
		this.unindex(k);
		return true;
	}

	/** Removes every extension and the extension block itself. */
	clearExtensions(): void {
		if ((this.buffer[0] & 0x10) === 0) return;
		this.resizeAt(this.headerLength, 4 + this.extensionDataLength, 0);
		this.buffer[0] &= ~0x10;
		this.reparse();
	}

	/**
	 * Rewrites extension ids through `table` (new id = `table[old id]`, 0 = drop), e.g. a
	 * router's producer-to-consumer mapping in a `Uint8Array(256)`. When two ids map to the
	 * same new id the first one met wins. In place unless a new id does not fit the one-byte
	 * form (then the block is rebuilt in the two-byte form).
	 */
	remapExtensionIds(table: ArrayLike<number>): void {
		const form = this.extensionForm;
		if (form !== ExtensionForm.OneByte && form !== ExtensionForm.TwoByte) return;
		const n = this.extensionCount;
		const ids = this.extIds;
		let inPlace = !this.hasDuplicateExtensions;
		if (inPlace && form === ExtensionForm.OneByte) {
			for (let k = 0; k < n; k++) {
				if (table[ids[k]] > 14) {
					inPlace = false;
					break;
				}
			}
		}
		if (!inPlace) {
			this.rebuildExtensions(0, 0, table, false);
			return;
		}
		const b = this.buffer;
		const offsets = this.extOffsets;
		const lengths = this.extLengths;
		let kept = 0;
		for (let k = 0; k < n; k++) {
			const newId = table[ids[k]] & 0xff;
			const o = offsets[k];
			const len = lengths[k];
			if (newId === 0 || seenIds[newId] !== 0) {
				// Dropped (or a collision): turn the element into padding octets.
				zero(b, o - (form === FORM_ONE_BYTE ? 1 : 2), o + len);
				continue;
			}
			seenIds[newId] = 1;
			if (form === ExtensionForm.OneByte) b[o - 1] = (newId << 4) | (len - 1);
			else b[o - 2] = newId;
			// Compact the index in place (kept <= k).
			ids[kept] = newId;
			offsets[kept] = o;
			lengths[kept] = len;
			kept++;
		}
		for (let k = 0; k < kept; k++) seenIds[ids[k]] = 0;
		this.extensionCount = kept;
	}

	/**
	 * Rewrites the block in the requested form: `OneByte` (returns false, changing nothing,
	 * if some element does not fit it) or `TwoByte`. Also squeezes out padding octets.
	 */
	setExtensionForm(form: ExtensionForm): boolean {
		// An opaque (non RFC 8285) block has no elements to rewrite.
		if (this.extensionForm === ExtensionForm.Other) return false;
		if (form === ExtensionForm.OneByte) {
			for (let k = 0; k < this.extensionCount; k++) {
				const id = this.extIds[k];
				const len = this.extLengths[k];
				if (id > 14 || len < 1 || len > 16) return false;
			}
			if (this.extensionForm === ExtensionForm.TwoByte) this.extensionForm = ExtensionForm.OneByte;
			this.rebuildExtensions(0, 0, null, false);
			return true;
		}
		if (form === ExtensionForm.TwoByte) {
			this.rebuildExtensions(0, 0, null, true);
			return true;
		}
		throw new RangeError('form must be OneByte or TwoByte');
	}

	/** Drops entry `index` of the extension index, keeping the order of the others. */
	private unindex(index: number): void {
		const ids = this.extIds;
		const offsets = this.extOffsets;
		const lengths = this.extLengths;
		const n = this.extensionCount;
		for (let k = index; k < n - 1; k++) {
			ids[k] = ids[k + 1];
			offsets[k] = offsets[k + 1];
			lengths[k] = lengths[k + 1];
		}
		this.extensionCount = n - 1;
	}

	/**
	 * Writes a fresh extension block: the current elements in order (ids through `table` if
	 * given, `removeId` left out), extension `setId` resized to `setLength` (appended if new).
	 * Chooses the one-byte form if the block is not already two-byte and every element fits.
	 */
	private rebuildExtensions(
		setId: number,
		setLength: number,
		table: ArrayLike<number> | null,
		forceTwoByte: boolean,
		removeId = 0,
	): void {
		const b = this.buffer;
		const ids = this.extIds;
		let count = 0;
		let fitsOneByte = true;
		let dataSize = 0;
		for (let k = 0; k < this.extensionCount; k++) {
			const oldId = ids[k];
			if (oldId === removeId) continue;
			const newId = table === null ? oldId : table[oldId] & 0xff;
			if (newId === 0 || seenIds[newId] !== 0) continue;
			seenIds[newId] = 1;
			const len = newId === setId ? setLength : this.extLengths[k];
			pendingIds[count] = newId;
			pendingSrc[count] = newId === setId ? -1 : this.extOffsets[k];
			pendingLen[count] = len;
			if (newId > 14 || len < 1 || len > 16) fitsOneByte = false;
			dataSize += len;
			count++;
		}
		if (setId !== 0 && seenIds[setId] === 0) {
			pendingIds[count] = setId;
			pendingSrc[count] = -1;
			pendingLen[count] = setLength;
			if (setId > 14 || setLength < 1 || setLength > 16) fitsOneByte = false;
			dataSize += setLength;
			count++;
		}
		for (let k = 0; k < count; k++) seenIds[pendingIds[k]] = 0;

		const oldBlockSize = (b[0] & 0x10) !== 0 ? 4 + this.extensionDataLength : 0;
		if (count === 0) {
			if (oldBlockSize !== 0) {
				this.resizeAt(this.headerLength, oldBlockSize, 0);
				this.buffer[0] &= ~0x10;
			}
			this.reparse();
			return;
		}
		const oneByte = fitsOneByte && !forceTwoByte && this.extensionForm !== ExtensionForm.TwoByte;
		const elementHeader = oneByte ? 1 : 2;
		const used = dataSize + count * elementHeader;
		const blockData = (used + 3) & ~3;
		if (scratch.length < blockData) scratch = Buffer.allocUnsafe(blockData * 2);
		let w = 0;
		for (let k = 0; k < count; k++) {
			const id = pendingIds[k];
			const len = pendingLen[k];
			if (oneByte) {
				scratch[w++] = (id << 4) | (len - 1);
			} else {
				scratch[w++] = id;
				scratch[w++] = len;
			}
			const src = pendingSrc[k];
			if (src >= 0) for (let i = 0; i < len; i++) scratch[w + i] = b[src + i];
			else zero(scratch, w, w + len);
			w += len;
		}
		zero(scratch, w, blockData);
		let profile = ONE_BYTE_PROFILE;
		if (!oneByte) {
			// Keep the appbits of an existing two-byte block (RFC 8285 §4.3).
			profile = this.extensionForm === ExtensionForm.TwoByte ? this.extensionProfile : TWO_BYTE_PROFILE;
		}
		const at = this.headerLength;
		this.resizeAt(at, oldBlockSize, 4 + blockData);
		const nb = this.buffer;
		nb[0] |= 0x10;
		nb[at] = profile >>> 8;
		nb[at + 1] = profile;
		nb[at + 2] = (blockData >>> 2) >>> 8;
		nb[at + 3] = blockData >>> 2;
		for (let i = 0; i < blockData; i++) nb[at + 4 + i] = scratch[i];
		this.reparse();
	}

	/**
	 * Turns `oldSize` bytes at `at` into `newSize` bytes, moving everything after them; the
	 * new bytes are not initialised. Reallocates when `buffer` is too small.
	 */
	private resizeAt(at: number, oldSize: number, newSize: number): void {
		const delta = newSize - oldSize;
		if (delta === 0) return;
		const newLength = this.length + delta;
		const tail = at + oldSize;
		const b = this.buffer;
		if (newLength <= b.length) {
			b.copyWithin(at + newSize, tail, this.length);
		} else {
			const nb = Buffer.allocUnsafe(newLength + GROW_HEADROOM);
			b.copy(nb, 0, 0, at);
			b.copy(nb, at + newSize, tail, this.length);
			this.buffer = nb;
		}
		this.length = newLength;
		if (at < this.payloadOffset) this.payloadOffset += delta;
	}

	/** Re-derives offsets and the extension index after a structural change we made. */
	private reparse(): void {
		if (this.parse(this.buffer, this.length) === undefined) {
			throw new Error('RtpPacket: internal error, mutation produced a malformed packet');
		}
	}

	// ---- Output ----

	/** The packet bytes: a view of `buffer[0 .. length)`, no copy. */
	serialize(): Buffer {
		return this.buffer.subarray(0, this.length);
	}

	/** Copies the packet into `target` at `offset`; returns the number of bytes written. */
	copyTo(target: Uint8Array, offset = 0): number {
		return this.buffer.copy(target, offset, 0, this.length);
	}

	/** A deep copy (one Buffer allocation) with `extraCapacity` spare bytes for growth. */
	clone(extraCapacity = 0): RtpPacket {
		const nb = Buffer.allocUnsafe(this.length + extraCapacity);
		this.buffer.copy(nb, 0, 0, this.length);
		const p = new RtpPacket();
		p.parse(nb, this.length);
		return p;
	}

	/** Builds a packet from fields (not for the hot path: it allocates). */
	static create(init: RtpPacketInit): RtpPacket {
		const csrcs = init.csrcs ?? [];
		const payload = init.payload ?? EMPTY;
		const padding = init.paddingLength ?? 0;
		const exts = init.extensions ?? [];
		let extSize = 0;
		for (const e of exts) extSize += 2 + e.value.length;
		const headerLength = FIXED_HEADER + csrcs.length * 4;
		const length = headerLength + payload.length;
		const capacity = length + (exts.length > 0 ? 4 + extSize + 3 : 0) + padding + (init.capacity ?? 0);
		const buf = Buffer.alloc(capacity);
		buf[0] = 0x80;
		const p = new RtpPacket();
		p.parse(buf, FIXED_HEADER);
		p.marker = init.marker ?? false;
		p.payloadType = init.payloadType;
		p.sequenceNumber = init.sequenceNumber;
		p.timestamp = init.timestamp;
		p.ssrc = init.ssrc;
		if (csrcs.length > 0) p.setCsrcs(csrcs);
		p.setPayload(payload);
		for (const e of exts) p.setExtension(e.id, e.value);
		if (init.twoByteExtensions === true && exts.length > 0) p.setExtensionForm(ExtensionForm.TwoByte);
		if (padding > 0) p.addPadding(padding);
		return p;
	}
}
