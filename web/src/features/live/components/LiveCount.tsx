export function LiveCount() {
  return null;
}
