import type { EnhancedEventEmitter } from './enhancedEvents';
import type { Producer } from './Producer';

export type RtpObserverType = 'audiolevel' | 'activespeaker';

export type RtpObserverEvents = {
	routerclose: [];
	'@close': [];
};

export type RtpObserverObserver = EnhancedEventEmitter<RtpObserverObserverEvents>;

export type RtpObserverObserverEvents = {
	close: [];
	pause: [];
	resume: [];
	addproducer: [Producer];
	removeproducer: [Producer];
};

export type { RtpObserver } from './RtpObserver';
