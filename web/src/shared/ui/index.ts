export * from "./components";
export { ConfirmStep } from "./ConfirmStep";
export { Dialog } from "./Dialog";
export { errorText } from "./errorText";
export { Money } from "./Money";
export { useNearViewport } from "./useNearViewport";
export { useOnline } from "./useOnline";
export {
  applyFieldErrors,
  CODE_FIELDS,
  validationText,
  type FieldErrorOptions,
  type FieldNames,
} from "./formErrors";
