export function useLiveStream(): void {}
