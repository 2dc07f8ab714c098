/** A list of listeners for one kind of stream message: whoever waits on it subscribes. */
export function channel<T>() {
  const listeners = new Set<(message: T) => void>();
  return {
    subscribe(listener: (message: T) => void): () => void {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    publish(message: T): void {
      listeners.forEach((listener) => listener(message));
    },
  };
}
