export { EnhancedEventEmitter, enhancedOnce } from './api/enhancedEvents';
