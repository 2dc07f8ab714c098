import { useEffect, useRef } from "react";

/** Calls `apply` once typing pauses (a search box updates the address, and so the query, once). */
export function useDebounced<T>(apply: (value: T) => void, delayMs = 300) {
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  return (value: T) => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => apply(value), delayMs);
  };
}
