/** A transport address; same shape as Node's dgram `rinfo` so one can be passed as is. */
export interface StunAddress {
	family: 'IPv4' | 'IPv6';
	address: string;
	port: number;
}

/** Input form: the family is taken from the address text when omitted. */
export interface StunAddressInit {
	family?: 'IPv4' | 'IPv6' | string;
	address: string;
	port: number;
}

export function formatIPv4(buf: Uint8Array, offset: number): string {
	return `${buf[offset]}.${buf[offset + 1]}.${buf[offset + 2]}.${buf[offset + 3]}`;
}

/** RFC 5952 text form: lowercase, no leading zeros, the longest run (>= 2) of zero groups as '::'. */
export function formatIPv6(buf: Uint8Array, offset: number): string {
	const groups = new Array<number>(8);
	for (let i = 0; i < 8; i++) {
		groups[i] = (buf[offset + 2 * i] << 8) | buf[offset + 2 * i + 1];
	}
	let bestStart = -1;
	let bestLen = 1;
	for (let i = 0; i < 8; ) {
		if (groups[i] !== 0) {
			i++;
			continue;
		}
		let j = i;
		while (j < 8 && groups[j] === 0) j++;
		if (j - i > bestLen) {
			bestStart = i;
			bestLen = j - i;
		}
		i = j;
	}
	if (bestStart < 0) return groups.map((g) => g.toString(16)).join(':');
	const head = groups.slice(0, bestStart).map((g) => g.toString(16)).join(':');
	const tail = groups.slice(bestStart + bestLen).map((g) => g.toString(16)).join(':');
	return `${head}::${tail}`;
}

function parseIPv4Into(text: string, out: Uint8Array, offset: number): boolean {
	const parts = text.split('.');
	if (parts.length !== 4) return false;
	for (let i = 0; i < 4; i++) {
		const p = parts[i];
		if (!/^\d{1,3}$/.test(p)) return false;
		const v = Number(p);
		if (v > 255) return false;
		out[offset + i] = v;
	}
	return true;
}

/** Parses IPv4 dotted-quad or IPv6 text (with '::', an embedded IPv4 tail, an optional %zone) into 4 or 16 bytes. */
export function parseIpAddress(text: string): Buffer | undefined {
	if (text.includes(':')) {
		const zone = text.indexOf('%');
		const addr = zone >= 0 ? text.slice(0, zone) : text;
		const out = Buffer.alloc(16);
		const halves = addr.split('::');
		if (halves.length > 2) return undefined;
		const parseGroups = (s: string): number[] | undefined => {
			if (s === '') return [];
			const items = s.split(':');
			const res: number[] = [];
			for (let i = 0; i < items.length; i++) {
				const item = items[i];
				if (i === items.length - 1 && item.includes('.')) {
					const v4 = new Uint8Array(4);
					if (!parseIPv4Into(item, v4, 0)) return undefined;
					res.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
				} else {
					if (!/^[0-9a-fA-F]{1,4}$/.test(item)) return undefined;
					res.push(parseInt(item, 16));
				}
			}
			return res;
		};
		const head = parseGroups(halves[0]);
		if (!head) return undefined;
		let groups: number[];
		if (halves.length === 2) {
			const tail = parseGroups(halves[1]);
			if (!tail || head.length + tail.length > 7) return undefined;
			groups = head.concat(new Array<number>(8 - head.length - tail.length).fill(0), tail);
		} else {
			if (head.length !== 8) return undefined;
			groups = head;
		}
		for (let i = 0; i < 8; i++) out.writeUInt16BE(groups[i], 2 * i);
		return out;
	}
	const out = Buffer.alloc(4);
	return parseIPv4Into(text, out, 0) ? out : undefined;
}
