export * from "./components";
export { errorText } from "./errorText";
export { Money } from "./Money";
export { useOnline } from "./useOnline";
